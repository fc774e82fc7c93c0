"""Aggregated, non-personal figures for the municipality's dashboard and its networks."""

from __future__ import annotations

from datetime import timedelta
from statistics import median

from flask import has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import select

from core.db import utcnow
from core.plugin_types import Figure
from plugins.ckg.models import Referral
from plugins.ckg.services import OPEN_STATES, Urgency, waiting_minutes


def monitoring_figures(session) -> list[Figure]:
    """In a request the reader's language; from the command line Dutch, the default."""
    if has_request_context():
        return _figures(session)
    with force_locale("nl"):
        return _figures(session)


def _figures(session) -> list[Figure]:
    now = utcnow()
    waiting = session.exec(
        select(Referral).where(Referral.status.in_([str(state) for state in OPEN_STATES]))
    ).all()
    days = [waiting_minutes(referral, now) / (24 * 60) for referral in waiting]
    crises = session.exec(
        select(Referral).where(
            Referral.urgency == Urgency.CRISIS,
            Referral.submitted_at >= now - timedelta(days=365),
        )
    ).all()
    return [
        Figure(key="ckg.waiting", label=_("Referrals waiting for a CKG"), value=len(waiting)),
        Figure(
            key="ckg.median_waiting_days",
            label=_("Median waiting time of those referrals"),
            value=round(median(days), 1) if days else 0,
            unit=_("days"),
            combine="mean",
        ),
        Figure(
            key="ckg.crisis_referrals_last_year",
            label=_("Crisis referrals in the last twelve months"),
            value=len(crises),
        ),
    ]
