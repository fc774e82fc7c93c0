"""A CKG advises the local childcare counter (loket) to deviate for a family, on its consent.

The rules since 1 April 2024 let a childcare location with an income-related price deviate from
the absolute priority for at most 10 % of its places, in the interest of the child or for a
health or welfare situation in the family, on the advice of a family-support organisation — a
CKG among them. A CKG worker gives that advice from the case, only while the family keeps its
consent for this purpose (``Referral.loket_advice_consent_at``, given and withdrawn by the family
in its own view, plugins/ckg/consent.py).

The loket is another plugin: the advice goes through the ``childcare_deviation_advice`` hook
(answered by the loket when the municipality enabled it) and is withdrawn with the event
``ckg.deviation_advice_withdrawn``. The CKG sends only what the loket needs to find the family's
request and hears back only the outcome (:class:`~core.plugin_types.AdviceOutcome`), never the
request. Withdrawing the consent withdraws every advice at once (:func:`withdraw_all`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import select

from core import audit
from core.events import announce
from core.identity.confirmations import verified_email
from core.identity.models import Organisation, User
from core.plugin_types import (
    AdviceOutcome,
    ChildIdentity,
    DeviationAdvice,
    LocationSummary,
)
from plugins.ckg import store
from plugins.ckg.models import LoketAdvice, Referral
from plugins.ckg.services import Consent, ReferralStatus

WITHDRAWN = "ckg.deviation_advice_withdrawn"
# The loket is not enabled in this municipality: no answer to the hook.
NO_LOKET = "no_loket"
ORGANISATION_KIND = "ckg"  # the loket's name for this kind of family-support organisation


class AdviceRefused(ValueError):
    """The advice may not be given: ``reason`` says why (``no_consent``, ``unknown_location``)."""


def may_advise(referral: Referral) -> bool:
    """Only on the family's own consent for this purpose, while the CKG still helps it."""
    return (
        referral.consent == Consent.GIVEN
        and referral.consent_withdrawn_at is None
        and referral.loket_advice_consent_at is not None
        and referral.anonymised_at is None
        and referral.status not in (ReferralStatus.DRAFT, ReferralStatus.CLOSED)
    )


def locations(hooks, tenant, session) -> list[LocationSummary]:
    """The municipality's childcare locations (answered by the loket plugin), by name."""
    found = [
        location
        for answer in hooks.childcare_locations(tenant=tenant, session=session)
        for location in answer or ()
    ]
    return sorted(found, key=lambda location: location.name)


def advice_of(session, referral: Referral) -> list[LoketAdvice]:
    return list(
        session.exec(
            select(LoketAdvice)
            .where(LoketAdvice.referral_id == referral.id)
            .order_by(LoketAdvice.advised_at.desc())
        )
    )


def give_advice(
    session,
    hooks,
    tenant,
    referral: Referral,
    location_id: uuid.UUID,
    *,
    worker: User,
    actor: str,
    now: datetime,
) -> LoketAdvice:
    """Advise the loket to deviate for the family at ``location_id``; keep the loket's answer."""
    if not may_advise(referral):
        raise AdviceRefused("no_consent")
    location = next((x for x in locations(hooks, tenant, session) if x.id == location_id), None)
    if location is None:
        raise AdviceRefused("unknown_location")
    standing = next(
        (
            row
            for row in advice_of(session, referral)
            if row.location_id == location_id
            and row.withdrawn_at is None
            and row.outcome == AdviceOutcome.RECORDED
        ),
        None,
    )
    if standing is not None:
        return standing
    row = LoketAdvice(
        referral_id=referral.id,
        location_id=location.id,
        location_name=location.name,
        outcome=NO_LOKET,
        advised_by=actor,
        advised_at=now,
    )
    answer = hooks.childcare_deviation_advice(
        tenant=tenant, session=session, advice=_advice(session, referral, row, worker)
    )
    if answer is not None:
        row.outcome = str(answer.outcome)
    session.add(row)
    audit.record(
        session,
        action="ckg.loket_advice_given",
        object_type="ckg_referral",
        object_id=referral.id,
        detail={"advice_id": str(row.id), "location_id": str(location.id), "outcome": row.outcome},
    )
    return row


def withdraw(session, row: LoketAdvice, now: datetime) -> None:
    """Withdraw one advice: the loket removes the deviation it recorded, in this transaction."""
    if row.withdrawn_at is not None:
        return
    row.withdrawn_at = now
    session.add(row)
    if row.outcome == AdviceOutcome.RECORDED:
        announce(session, WITHDRAWN, advice_id=str(row.id))
    audit.record(
        session,
        action="ckg.loket_advice_withdrawn",
        object_type="ckg_referral",
        object_id=row.referral_id,
        detail={"advice_id": str(row.id)},
    )


def withdraw_all(session, referral: Referral, now: datetime) -> int:
    """Withdraw every standing advice of the case (the family withdrew the consent for it)."""
    standing = [row for row in advice_of(session, referral) if row.withdrawn_at is None]
    for row in standing:
        withdraw(session, row, now)
    return len(standing)


def _advice(session, referral: Referral, row: LoketAdvice, worker: User) -> DeviationAdvice:
    """Only what finds the family's request: proven addresses, the account, the children."""
    emails = set()
    if referral.family_email and referral.family_email_confirmed_at is not None:
        emails.add(referral.family_email.strip().lower())
    user_ids = set()
    if referral.family_user_id is not None:
        user_ids.add(referral.family_user_id)
        if email := verified_email(session.get(User, referral.family_user_id)):
            emails.add(email)
    children = tuple(
        ChildIdentity(name=member.name, birth_date=member.birth_date)
        for member in store.family_of(session, referral.id)
        if member.role == "child" and member.birth_date is not None
    )
    organisation = session.get(Organisation, referral.organisation_id)
    return DeviationAdvice(
        advice_id=str(row.id),
        organisation=ORGANISATION_KIND,
        adviser_name=organisation.name if organisation else "CKG",
        advised_by=worker.name,
        location_id=row.location_id,
        parent_emails=frozenset(emails),
        parent_user_ids=frozenset(user_ids),
        children=children,
        loket_request_id=referral.loket_request_id if referral.source == "loket" else "",
    )
