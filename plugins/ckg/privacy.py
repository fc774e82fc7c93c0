"""The family's rights and the retention rule: export, erasure, consent, anonymisation.

Answers the core's privacy hooks (``export_subject_data``, ``erase_subject_data``), the
``consent_for_case`` hook the networks plugin asks, and the retention command. The family's own
export (:func:`export_subject`) holds what was passed on about it; an administrator's export
(:func:`export_pointer`) only names the CKG to ask.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import or_, select

from core import audit
from core.identity.models import Organisation
from core.local_time import local_datetime
from core.plugin_types import ConsentRecord, DataSubject, PrivacyNotice
from core.request_context import current_actor
from plugins.ckg import store
from plugins.ckg.models import AccessLogEntry, CaseNote, Referral
from plugins.ckg.services import Consent, ReferralStatus

DAYS_PER_YEAR = 365.25


def referrals_about(session, subject: DataSubject) -> list[Referral]:
    """Referrals whose family the subject is (as the parent who referred, or by e-mail)."""
    conditions = []
    if subject.user_id is not None:
        conditions.append(Referral.family_user_id == subject.user_id)
    if subject.email:
        conditions.append(Referral.family_email == subject.email.strip().lower())
    if not conditions:
        return []
    return list(session.exec(select(Referral).where(or_(*conditions))).all())


def referrals_made_by(session, subject: DataSubject) -> list[Referral]:
    if subject.user_id is None:
        return []
    return list(
        session.exec(select(Referral).where(Referral.referrer_user_id == subject.user_id)).all()
    )


def export_subject(session, subject: DataSubject) -> dict | None:
    about = referrals_about(session, subject)
    made = referrals_made_by(session, subject)
    if not about and not made:
        return None
    for referral in about:
        # An export reads the whole referral: it shows in the access log like any other look.
        session.add(
            AccessLogEntry(
                referral_id=referral.id, actor=current_actor(), role="export", action="export"
            )
        )
    return {
        "plugin": "ckg",
        "referrals_about_your_family": [_export_referral(session, r) for r in about],
        "referrals_you_made": [
            {"reference": store.reference(r), "status": r.status, "created_at": _iso(r.created_at)}
            for r in made
        ],
        # Case notes may name other people (a relative, a neighbour); the CKG gives them on
        # request after checking them, as youth-care law expects.
        "case_notes": "available on request from the CKG",
    }


def export_pointer(session, subject: DataSubject) -> dict | None:
    """What an administrator's export says about the subject: which CKG holds referrals about
    them (or made by them), under which references, and how to reach that CKG — never what a
    referral says. The CKG works under professional secrecy; the municipality's administrator
    does not see case content (README: who sees what), so the person asks the CKG."""
    about = referrals_about(session, subject)
    made = referrals_made_by(session, subject)
    if not about and not made:
        return None
    for referral in about:
        # Even a pointer tells that the family is known to a CKG: the family may see who asked.
        session.add(
            AccessLogEntry(
                referral_id=referral.id,
                actor=current_actor(),
                role="tenant_admin",
                action="privacy_pointer",
            )
        )
    holders: dict[uuid.UUID, dict] = {}
    for key, referrals in (
        ("referrals_about_the_family", about),
        ("referrals_made_by_the_person", made),
    ):
        for referral in referrals:
            holder = holders.get(referral.organisation_id) or _holder(session, referral)
            holders[referral.organisation_id] = holder
            holder[key].append(store.reference(referral))
    return {
        "plugin": "ckg",
        "held_by": list(holders.values()),
        "ask_the_ckg": _ask_the_ckg(", ".join(holder["ckg"] for holder in holders.values())),
    }


def _ask_the_ckg(names: str) -> str:
    # The command line has no visitor's language: the export then speaks the default, Dutch.
    with nullcontext() if has_request_context() else force_locale("nl"):
        return _(
            "The CKG keeps what these referrals say; the municipality does not see it. Ask "
            "%(ckgs)s for it and quote the references.",
            ckgs=names,
        )


def _holder(session, referral: Referral) -> dict:
    organisation = session.get(Organisation, referral.organisation_id)
    return {
        "ckg": organisation.name if organisation else "",
        "referrals_about_the_family": [],
        "referrals_made_by_the_person": [],
        "how_to_reach": [
            {"name": antenna.name, "email": antenna.on_call_email, "phone": antenna.on_call_phone}
            for antenna in store.antennas_of(session, {referral.organisation_id})
        ],
    }


def _export_referral(session, referral: Referral) -> dict:
    return {
        "reference": store.reference(referral),
        "status": referral.status,
        "urgency": referral.urgency,
        "requested_offer": referral.requested_offer,
        "domains": list(referral.domains),
        "concern_summary": referral.concern_summary,
        "consent": referral.consent,
        "consent_override_reason": referral.consent_override_reason,
        "consent_explanation": referral.consent_explanation,
        "consent_withdrawn_at": _iso(referral.consent_withdrawn_at),
        "case_consultation_consent_at": _iso(referral.network_consent_at),
        "loket_advice_consent_at": _iso(referral.loket_advice_consent_at),
        "contact": {name: getattr(referral, name) for name in store.CONTACT_FIELDS},
        "message_from_the_ckg": referral.message_to_referrer,
        "message_from_the_referrer": referral.message_from_referrer,
        "family": [
            {
                "role": member.role,
                "name": member.name,
                "relation": member.relation,
                "birth_date": _iso(member.birth_date),
                "expected_birth": _iso(member.expected_birth),
            }
            for member in store.family_of(session, referral.id)
        ],
        "history": [
            {"from": c.from_status, "to": c.to_status, "at": _iso(c.at)}
            for c in store.history_of(session, referral.id)
        ],
        "offers": [
            {
                "offer": episode.offer,
                "starts_on": _iso(episode.starts_on),
                "planned_end": _iso(episode.planned_end),
                "ended_on": _iso(episode.ended_on),
            }
            for episode in store.episodes_of(session, referral.id)
        ],
        "access_log": [
            {"at": _iso(entry.at), "role": entry.role}
            for entry in store.access_log_of(session, referral.id)
        ],
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


# While the CKG gives help (accepted, in guidance) it needs the family's file to give and account
# for that help; an erasure then is held and handed to the CKG instead of emptying the case.
CARE_STATES = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS})


def erase_subject(session, subject: DataSubject, now: datetime) -> int:
    """Anonymise the referrals about the subject; unlink them from the referrals they made.

    The steps, dates and offers stay (the CKG must account for the help it gave, and figures
    need them); nothing that names the family does. The access log stays too: it names the
    people who *looked*, which is what it is for.

    A referral whose case is in guidance is *not* anonymised: that would empty the file the CKG
    works from mid-guidance. It is held (:func:`hold_erasure`) — the CKG gets it as a task with
    the legal grounds, the audit log tells the administrator why — and is not counted.
    """
    rows = 0
    held = set()
    for referral in referrals_about(session, subject):
        if referral.status in CARE_STATES and referral.anonymised_at is None:
            hold_erasure(session, referral, now)
            held.add(referral.id)
            continue
        store.anonymise(session, referral, now)
        rows += 1
    for referral in referrals_made_by(session, subject):
        if referral.id in held:
            continue
        if referral.referrer_user_id == subject.user_id:
            referral.referrer_user_id = None
            # The referrer's own contact details go with them; the organisation stays.
            referral.referrer_name = ""
            referral.referrer_phone = ""
            session.add(referral)
            rows += 1
    return rows


def hold_erasure(session, referral: Referral, now: datetime) -> None:
    """Keep the case, record the request on it for the CKG, and say why in the audit log."""
    referral.erasure_requested_at = now
    session.add(referral)
    with force_locale("nl"):
        # The CKG reads its cases in Dutch; the note is read by the CKG's workers only.
        body = _(
            "Erasure of the family's data was requested on %(when)s while this case is in "
            "guidance. The data is kept: the CKG needs the file to give and account for the "
            "help (the youth-care file obligations, GDPR art. 17(3)(b)). Discuss it with the "
            "family; once the case is closed, erasure can be asked again and is carried out.",
            when=local_datetime(now),
        )
    session.add(CaseNote(referral_id=referral.id, author="system", body=body, at=now))
    audit.record(
        session,
        action="ckg.erasure_held",
        object_type="ckg_referral",
        object_id=referral.id,
        detail={
            "reference": store.reference(referral),
            "status": referral.status,
            "reason": "case in guidance: the CKG keeps the file and handles the request",
        },
    )


def consent_record(
    session, case_reference: str, participant_organisation_ids=()
) -> ConsentRecord | None:
    """The family's consent to be discussed in a network case consultation, for the referral
    named by its id or short reference (``CKG-1A2B3C4D``).

    Only the consent given for that purpose counts (not the consent to the referral itself),
    and only while the family keeps it. ``None`` — the same answer as for a made-up reference —
    unless the referral's own CKG takes part in the consultation: an unrelated party who types
    a reference learns nothing, not even that it exists.
    """
    referral = find_by_reference(session, str(case_reference).strip())
    if referral is None or referral.organisation_id not in set(participant_organisation_ids):
        return None
    if referral.anonymised_at is not None:
        return None
    if consent_withdrawn(referral):
        return ConsentRecord(
            given=False, recorded_at=_day(referral.consent_withdrawn_at), basis="withdrawn"
        )
    if referral.network_consent_at is None or referral.consent != Consent.GIVEN:
        return ConsentRecord(given=False, basis="refused")
    return ConsentRecord(given=True, recorded_at=_day(referral.network_consent_at), basis="consent")


def consent_withdrawn(referral: Referral) -> bool:
    return referral.consent_withdrawn_at is not None


def _day(moment):
    return moment.date() if moment else None


def find_by_reference(session, case_reference: str) -> Referral | None:
    try:
        return session.get(Referral, uuid.UUID(case_reference))
    except ValueError:
        pass
    prefix = case_reference.upper().removeprefix("CKG-").lower()
    if not store.REFERENCE_PREFIX.fullmatch(prefix) or len(prefix) != 8:
        return None
    # A short reference is unique enough to quote on the phone; check it is unique here.
    matches = session.exec(
        select(Referral)
        .where(sa.cast(Referral.id, sa.String).startswith(prefix, autoescape=True))
        .limit(2)
    ).all()
    return matches[0] if len(matches) == 1 else None


def anonymise_closed(session, *, retention_years: int, now: datetime) -> int:
    """Anonymise referrals closed longer ago than the tenant's retention period."""
    cutoff = now - timedelta(days=retention_years * DAYS_PER_YEAR)
    due = session.exec(
        select(Referral).where(
            Referral.status == ReferralStatus.CLOSED,
            Referral.closed_at < cutoff,
            Referral.anonymised_at.is_(None),
        )
    ).all()
    for referral in due:
        store.anonymise(session, referral, now)
    if due:
        audit.record(
            session,
            action="ckg.referrals_anonymised",
            object_type="ckg_referral",
            detail={"count": len(due), "retention_years": retention_years},
            actor="cli",
        )
    return len(due)


def privacy_notice(retention_years: int) -> PrivacyNotice:
    """What the ckg module tells families on the municipality's privacy page."""
    return PrivacyNotice(
        module=_("Referrals to a CKG"),
        purpose=_(
            "To refer a family to a Centre for Childcare and Family Support (CKG) and to follow "
            "the referral up, including in a crisis."
        ),
        data=(
            _("The family: names, birth dates or expected birth, and the parents' contact details"),
            _("Why the family needs support, the help asked for and how urgent it is"),
            _("Whether the family consented to the referral, or why it went ahead without"),
            _("The steps of the referral and the CKG's notes"),
            _("Who looked at the referral, and when"),
        ),
        legal_basis=_(
            "The family's consent; without consent only when a child's safety requires it "
            "(youth-care law), with the reason recorded."
        ),
        retention=_(
            "A closed referral is anonymised after %(years)s years; who looked at it stays "
            "recorded without the family's details.",
            years=retention_years,
        ),
        who_sees_it=(
            _("The CKG the family is referred to"),
            _("The referrer: only the status and the CKG's message"),
            _("The family itself, read-only"),
        ),
        shared_with=(
            _(
                "The local childcare counter, when it handed the family on: that the CKG received it"
            ),
            _(
                "The local childcare counter, only with the family's consent: that the CKG advises "
                "priority for the child at a location (never why)"
            ),
        ),
    )


def anonymise_closed_job(session, tenant, now: datetime) -> str:
    """The scheduled job ``ckg.anonymise-closed``: this municipality's retention period."""
    from plugins.ckg.store import ckg_settings

    years = ckg_settings(session)["retention_years"]
    count = anonymise_closed(session, retention_years=years, now=now)
    return f"{count} referrals anonymised (retention {years} years)"
