"""The blueprint and what every CKG page shares. Views are thin: parse with a form
(plugins/ckg/forms.py), authorise, call a service, render."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort

from core.web import db_session
from plugins.ckg import store
from plugins.ckg.access import viewer_role
from plugins.ckg.labels import TEMPLATE_LABELS, label
from plugins.ckg.models import MESSAGE_MAX, NOTE_MAX, Referral
from plugins.ckg.services import DOMAINS, OUTCOMES, Offer, OverrideReason, Urgency

blueprint = Blueprint(
    "ckg",
    __name__,
    url_prefix="/ckg",
)


@blueprint.context_processor
def _labels() -> dict:
    return {
        "labels": TEMPLATE_LABELS,
        "label": label,
        "options": _options,
        "reference": store.reference,
        "offers": list(Offer),
        "urgencies": list(Urgency),
        "domains": DOMAINS,
        "override_reasons": list(OverrideReason),
        "outcomes": OUTCOMES,
        "note_max": NOTE_MAX,
        "message_max": MESSAGE_MAX,
    }


def _options(kind: dict, values) -> list[tuple[str, str]]:
    """(value, label) pairs for a radio or checkbox group."""
    return [(str(value), label(kind, value)) for value in values]


@blueprint.after_request
def _no_store(response):
    # Pages about families must not linger in a shared computer's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def load_referral(referral_id: uuid.UUID) -> Referral:
    referral = db_session().get(Referral, referral_id)
    if referral is None:
        abort(404)
    return referral


def ckg_referral(referral_id: uuid.UUID) -> Referral:
    """A referral the signed-in person works on for its CKG; 404 for anyone else."""
    referral = load_referral(referral_id)
    if viewer_role(referral) != "ckg":
        abort(404)
    return referral
