"""Aggregated, non-personal figures of the networks themselves (for the municipality)."""

from __future__ import annotations

from datetime import date

from flask import has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import func, select

from core.plugin_types import Figure
from core.subjects import monitoring_figures
from plugins.networks.models import DirectoryService, Network, NetworkAction
from plugins.networks.services import overdue_actions


def network_figures(session, *, today: date) -> list[Figure]:
    """In a request the reader's language; from the command line Dutch, the default."""
    if has_request_context():
        return _figures(session, today)
    with force_locale("nl"):
        return _figures(session, today)


def _figures(session, today: date) -> list[Figure]:
    networks = session.exec(select(func.count()).select_from(Network)).one()
    actions = session.exec(select(NetworkAction)).all()
    public = session.exec(
        select(func.count()).select_from(DirectoryService).where(DirectoryService.public)
    ).one()
    return [
        Figure(key="networks.networks", label=_("Collaboration networks"), value=networks),
        Figure(
            key="networks.overdue_actions",
            label=_("Overdue network actions"),
            value=len(overdue_actions(actions, today)),
        ),
        Figure(
            key="networks.public_services",
            label=_("Services on the public social map"),
            value=public,
        ),
    ]


def figures_from_other_plugins(session, tenant) -> list[Figure]:
    """What the other plugins enabled for the tenant report (through ``monitoring_figures``)."""
    return [
        figure
        for figure in monitoring_figures(session, tenant)
        if not figure.key.startswith("networks.")
    ]
