"""The loket hands a family on to a CKG through an event, never through an import.

``loket.referral_to_ckg_requested`` carries only the fields the parent consented to share.
Understood keys (all optional except ``loket_request_id``; anything else is ignored, so nothing
unconsented is ever stored):

* ``loket_request_id`` — the loket's request, quoted back in ``ckg.referral_received``;
* ``ckg_organisation_id`` — the CKG; may be left out when the municipality granted only one;
* ``parents`` — ``[{"name", "relation"}]``; ``children`` — ``[{"name", "birth_date",
  "expected_birth"}]`` with ISO dates; ``family_email``; ``domains``; ``concern_summary``;
  ``requested_offer``; ``urgency``;
* ``referrer_user_id`` — the loket worker (else the signed-in user of the request).

The result is a *draft*: the loket worker completes it (the CKG's own consent question, the
route) and submits it like any referral. The CKG sees nothing before that.
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import g, has_request_context

from core import audit
from core.db import utcnow
from core.events import announce
from plugins.ckg import store
from plugins.ckg.models import NAME_MAX, SUMMARY_MAX, Referral
from plugins.ckg.services import (
    DOMAINS,
    MAX_CHILDREN,
    MAX_PARENTS,
    ChildInput,
    Offer,
    ParentInput,
    ReferralInput,
    ReferralStatus,
    Urgency,
)

REQUESTED = "loket.referral_to_ckg_requested"
RECEIVED = "ckg.referral_received"


class HandOffRefused(ValueError):
    """Raised in the announcer's transaction: the loket's hand-off is vetoed, with the reason."""


def receive_loket_hand_off(session, payload: dict) -> Referral:
    """Create a draft referral from the consented fields, record the hand-off, answer it."""
    request_id = str(payload.get("loket_request_id") or "").strip()[:64]
    if not request_id:
        raise HandOffRefused("loket_request_id is required")
    organisation_id = _choose_ckg(session, payload.get("ckg_organisation_id"))
    data = ReferralInput(
        organisation_id=organisation_id,
        parents=[
            ParentInput(name=_text(p.get("name"), NAME_MAX), relation=_text(p.get("relation"), 30))
            for p in _dicts(payload.get("parents"))[:MAX_PARENTS]
        ],
        children=[
            ChildInput(
                name=_text(c.get("name"), NAME_MAX),
                birth_date=_date(c.get("birth_date")),
                expected_birth=_date(c.get("expected_birth")),
            )
            for c in _dicts(payload.get("children"))[:MAX_CHILDREN]
        ],
        domains=[d for d in payload.get("domains") or [] if d in DOMAINS],
        concern_summary=_text(payload.get("concern_summary"), SUMMARY_MAX),
        requested_offer=_choice(payload.get("requested_offer"), Offer, Offer.HOME),
        urgency=_choice(payload.get("urgency"), Urgency, Urgency.REGULAR),
        consent="",  # the CKG's own consent question is answered when the draft is submitted
        family_email=_text(payload.get("family_email"), 320).lower(),
    )
    referrer = _referrer(payload.get("referrer_user_id"))
    referral = store.create_referral(
        session,
        data,
        actor=f"user:{referrer}" if referrer else "loket",
        now=utcnow(),
        status=ReferralStatus.DRAFT,
        referrer_user_id=referrer,
        referrer_kind="loket",
        source="loket",
        loket_request_id=request_id,
    )
    audit.record(
        session,
        action="ckg.loket_hand_off_received",
        object_type="ckg_referral",
        object_id=referral.id,
        detail={"loket_request_id": request_id},
    )
    session.flush()
    announce(session, RECEIVED, referral_id=str(referral.id), loket_request_id=request_id)
    return referral


def _choose_ckg(session, requested) -> uuid.UUID:
    granted = {organisation.id for organisation in store.granted_ckgs(session)}
    if requested:
        try:
            chosen = uuid.UUID(str(requested))
        except ValueError:
            chosen = None
        if chosen in granted:
            return chosen
        raise HandOffRefused("this municipality did not grant that CKG access")
    if len(granted) == 1:
        return next(iter(granted))
    raise HandOffRefused("choose the CKG: the municipality granted none or several")


def _referrer(raw) -> uuid.UUID | None:
    if raw:
        try:
            return uuid.UUID(str(raw))
        except ValueError:
            return None
    if has_request_context() and g.get("user") is not None:
        return g.user.id
    return None


def _dicts(value) -> list[dict]:
    return [item for item in value or [] if isinstance(item, dict)]


def _text(value, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _choice(value, allowed, default) -> str:
    return str(value) if value in set(allowed) else str(default)
