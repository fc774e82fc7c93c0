"""The blueprint (Dutch URLs under /netwerken) and what every networks page shares."""

from __future__ import annotations

from flask import Blueprint, g

from core.richtext import render_rich_text as render_minutes
from core.web import tenant_required
from plugins.networks.labels import TEMPLATE_LABELS, label
from plugins.networks.services import (
    LANGUAGES,
    ActionStatus,
    Cost,
    NetworkKind,
    Presence,
    Sector,
    ServiceCategory,
)

blueprint = Blueprint(
    "networks",
    __name__,
    url_prefix="/netwerken",
)
blueprint.before_request(tenant_required)


@blueprint.context_processor
def _labels() -> dict:
    return {
        "labels": TEMPLATE_LABELS,
        "label": label,
        "render_minutes": render_minutes,
        "kinds": list(NetworkKind),
        "sectors": list(Sector),
        "action_statuses": list(ActionStatus),
        "presences": list(Presence),
        "categories": list(ServiceCategory),
        "costs": list(Cost),
        "languages": LANGUAGES,
    }


@blueprint.after_request
def _no_store(response):
    # Minutes and case consultations must not linger in a shared computer's cache; the public
    # social map may be cached like any public page.
    if g.get("user") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def actor() -> str:
    return f"user:{g.user.id}"
