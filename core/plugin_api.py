"""Helpers the core offers plugin authors (plugins import these; the core never imports plugins)."""

from __future__ import annotations

from flask import Blueprint, g

from core.i18n import current_language
from core.plugin_types import PluginManifest
from core.rendering import render


def landing_blueprint(manifest: PluginManifest, url_prefix: str) -> Blueprint:
    """A blueprint with one start page for a plugin whose own pages are still to come."""
    blueprint = Blueprint(manifest.name, __name__, url_prefix=url_prefix)

    @blueprint.get("/")
    def index():
        language = current_language()
        return render(
            "plugin_landing.html",
            title=manifest.title(language),
            description=manifest.description(language),
            tenant=g.tenant,
        )

    return blueprint
