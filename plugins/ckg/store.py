"""Reading and writing the plugin's rows. Every function takes the caller's session.

Tenant rows are scoped by the session (never filtered by tenant here); antennas are
platform-level and filtered by the CKG organisation that owns them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import or_, select

from core.identity.models import Organisation, OrganisationGrant, User
from core.local_time import local_datetime
from core.mail import OutboxMessage, queue_mail
from core.tenancy import plugin_settings
from core.web import external_url
from plugins.ckg.access import CKG_KIND
from plugins.ckg.models import (
    AccessLogEntry,
    Antenna,
    CaseNote,
    FamilyMember,
    OfferEpisode,
    Referral,
    StatusChange,
)
from plugins.ckg.services import URGENCY_ORDER, ReferralInput, ReferralStatus

CASELOAD_PAGE_SIZE = 50
REFERENCE_PREFIX = re.compile(r"[0-9a-f]{4,8}")


def ckg_settings(session) -> dict:
    from plugins.ckg.plugin import MANIFEST

    return plugin_settings(session, MANIFEST)


def granted_ckgs(session) -> list[Organisation]:
    """CKG organisations this tenant granted the ``ckg`` module, by name."""
    rows = session.exec(
        select(Organisation, OrganisationGrant)
        .join(OrganisationGrant, OrganisationGrant.organisation_id == Organisation.id)
        .where(Organisation.kind == CKG_KIND)
        .order_by(Organisation.name)
    ).all()
    return [organisation for organisation, grant in rows if "ckg" in grant.modules]


def antennas_of(
    session, organisation_ids: set[uuid.UUID], *, for_update: bool = False
) -> list[Antenna]:
    """A CKG's antennas; ``for_update`` locks them (on PostgreSQL) while a place is taken or
    freed, so two workers in two municipalities cannot both take the last bed."""
    if not organisation_ids:
        return []
    statement = (
        select(Antenna).where(Antenna.organisation_id.in_(organisation_ids)).order_by(Antenna.name)
    )
    if for_update:
        statement = statement.with_for_update()
    return list(session.exec(statement).all())


def antenna_names(session, antenna_ids) -> dict[uuid.UUID, str]:
    """id → name of these antennas, whichever CKG they belong to (a case handed over keeps
    its ended offers where they took place)."""
    ids = {antenna_id for antenna_id in antenna_ids if antenna_id is not None}
    if not ids:
        return {}
    return {a.id: a.name for a in session.exec(select(Antenna).where(Antenna.id.in_(ids))).all()}


def people_named(session, actors) -> dict[str, str]:
    """``user:<id>`` → the user's name, for history and access-log pages."""
    ids = set()
    for actor in actors:
        try:
            ids.add(uuid.UUID(str(actor).removeprefix("user:")))
        except ValueError:
            continue
    if not ids:
        return {}
    users = session.exec(select(User).where(User.id.in_(ids))).all()
    return {f"user:{user.id}": user.name or user.email or user.subject for user in users}


def create_referral(
    session,
    data: ReferralInput,
    *,
    actor: str,
    now: datetime,
    status: ReferralStatus = ReferralStatus.SUBMITTED,
    **fields,
) -> Referral:
    """Store a checked referral with its family and its first history row."""
    referral = Referral(
        organisation_id=data.organisation_id,
        status=status,
        urgency=data.urgency,
        requested_offer=data.requested_offer,
        domains=list(data.domains),
        concern_summary=data.concern_summary,
        route=data.route,
        access_gate_reference=data.access_gate_reference,
        groeipakket_notice_given=data.groeipakket_notice_given,
        consent=data.consent,
        consent_override_reason=data.consent_override_reason,
        consent_explanation=data.consent_explanation,
        consent_recorded_at=now,
        family_email=data.family_email,
        **contact_fields(data),
        created_at=now,
        submitted_at=now if status == ReferralStatus.SUBMITTED else None,
        **fields,
    )
    session.add(referral)
    session.flush()
    replace_family(session, referral, data)
    session.add(
        StatusChange(referral_id=referral.id, from_status="", to_status=status, at=now, actor=actor)
    )
    return referral


CONTACT_FIELDS = (
    "family_phone",
    "family_address",
    "family_language",
    "interpreter_needed",
    "referrer_name",
    "referrer_organisation_name",
    "referrer_phone",
)


def contact_fields(data: ReferralInput) -> dict:
    """How the family and the referrer are reached, as the referral stores it."""
    return {name: getattr(data, name) for name in CONTACT_FIELDS}


def on_call_phones(session, organisation_ids: set[uuid.UUID]) -> list[tuple[Antenna, str]]:
    """The 24/7 on-call numbers of these CKGs' antennas (public: meant to be called)."""
    return [
        (antenna, antenna.on_call_phone.strip())
        for antenna in antennas_of(session, organisation_ids)
        if antenna.on_call_phone.strip()
    ]


def replace_family(session, referral: Referral, data: ReferralInput) -> None:
    for member in family_of(session, referral.id):
        session.delete(member)
    for parent in data.parents:
        if parent.name:
            session.add(
                FamilyMember(
                    referral_id=referral.id,
                    role="parent",
                    name=parent.name,
                    relation=parent.relation,
                )
            )
    for child in data.children:
        if child.name or child.birth_date or child.expected_birth:
            session.add(
                FamilyMember(
                    referral_id=referral.id,
                    role="child",
                    name=child.name,
                    birth_date=child.birth_date,
                    expected_birth=child.expected_birth,
                )
            )


def alert_on_call(session, tenant, referral: Referral) -> list[OutboxMessage]:
    """Queue a crisis alert to every on-call address of the CKG's antennas.

    The mail names no one: e-mail is not a safe place for a family's details. It says where to
    look, with a direct link to the referral that needs a sign-in. Nobody receiving it in time
    is what ``ckg.escalate-crises`` (escalation.py) takes up.
    """
    tenant_name = tenant.name
    link = external_url(tenant, "ckg.referral", referral_id=referral.id)
    addresses = sorted(
        {
            antenna.on_call_email.strip().lower()
            for antenna in antennas_of(session, {referral.organisation_id})
            if antenna.on_call_email.strip()
        }
    )
    with force_locale("nl"):
        subject = _("Crisis referral in %(tenant)s", tenant=tenant_name)
        body = _(
            "A crisis referral for your CKG was submitted in %(tenant)s at %(time)s "
            "(reference %(reference)s).\n\nOpen it after signing in: %(link)s\n\n"
            "This message contains no personal details on purpose.",
            tenant=tenant_name,
            time=local_datetime(referral.submitted_at),
            reference=reference(referral),
            link=link,
        )
    return [
        queue_mail(session, to=address, subject=subject, body=body, purpose="ckg.crisis_alert")
        for address in addresses
    ]


def reference(referral: Referral) -> str:
    """A short reference people can quote on the phone (not a secret: the id stays the key)."""
    return f"CKG-{referral.id.hex[:8].upper()}"


def family_of(session, referral_id: uuid.UUID) -> list[FamilyMember]:
    return list(
        session.exec(
            select(FamilyMember)
            .where(FamilyMember.referral_id == referral_id)
            .order_by(FamilyMember.role.desc(), FamilyMember.name)
        ).all()
    )


def history_of(session, referral_id: uuid.UUID) -> list[StatusChange]:
    return list(
        session.exec(
            select(StatusChange)
            .where(StatusChange.referral_id == referral_id)
            .order_by(StatusChange.at)
        ).all()
    )


def episodes_of(session, referral_id: uuid.UUID) -> list[OfferEpisode]:
    """A case's offers, in the order they started."""
    return list(
        session.exec(
            select(OfferEpisode)
            .where(OfferEpisode.referral_id == referral_id)
            .order_by(OfferEpisode.starts_on, OfferEpisode.created_at)
        ).all()
    )


def notes_of(session, referral_id: uuid.UUID) -> list[CaseNote]:
    return list(
        session.exec(
            select(CaseNote).where(CaseNote.referral_id == referral_id).order_by(CaseNote.at)
        ).all()
    )


def access_log_of(session, referral_id: uuid.UUID) -> list[AccessLogEntry]:
    return list(
        session.exec(
            select(AccessLogEntry)
            .where(AccessLogEntry.referral_id == referral_id)
            .order_by(AccessLogEntry.at.desc())
        ).all()
    )


def anonymise(session, referral: Referral, now: datetime) -> None:
    """Strip everything that identifies the family; keep what statistics need (dates, offer)."""
    for member in family_of(session, referral.id):
        session.delete(member)
    for note in notes_of(session, referral.id):
        note.body = ""
        session.add(note)
    for change in history_of(session, referral.id):
        # The steps stay (statistics, accountability); only their free text could name someone.
        change.reason = ""
        session.add(change)
    referral.concern_summary = ""
    referral.consent_explanation = ""
    referral.family_email = ""
    for name in CONTACT_FIELDS:
        setattr(referral, name, False if name == "interpreter_needed" else "")
    referral.family_user_id = None
    referral.referrer_user_id = None
    referral.message_to_referrer = ""
    referral.message_from_referrer = ""
    referral.redirected_to = ""
    referral.access_gate_reference = ""
    referral.anonymised_at = now
    session.add(referral)


# -- the caseload ------------------------------------------------------------------------------


@dataclass
class CaseloadFilter:
    """What the CKG worker asked the caseload for; every value is already checked."""

    states: tuple[str, ...] = ()
    search: str = ""
    assigned_to: uuid.UUID | None = None
    offer: str = ""
    antenna_id: uuid.UUID | None = None
    urgency: str = ""
    waiting_days: int = 0


def caseload(
    session,
    ckg_ids: set[uuid.UUID],
    wanted: CaseloadFilter,
    *,
    now: datetime,
    page: int = 1,
    per_page: int | None = None,
) -> tuple[list[Referral], int]:
    """One page of the CKG's referrals that match ``wanted``, crisis first and then the longest
    waiting, and how many match in all. Searching and paging are done by the database: a CKG's
    caseload grows with every year, never load it whole."""
    conditions = [Referral.organisation_id.in_(ckg_ids), Referral.status != ReferralStatus.DRAFT]
    if wanted.states:
        conditions.append(Referral.status.in_(wanted.states))
    if wanted.assigned_to is not None:
        conditions.append(Referral.assigned_user_id == wanted.assigned_to)
    if wanted.offer:
        # Asked for, accepted for, or any offer the case holds (combined offers).
        conditions.append(
            or_(
                Referral.requested_offer == wanted.offer,
                Referral.accepted_offer == wanted.offer,
                Referral.id.in_(
                    select(OfferEpisode.referral_id).where(OfferEpisode.offer == wanted.offer)
                ),
            )
        )
    if wanted.antenna_id is not None:
        # The case's antenna, or one where a running offer of it takes place.
        conditions.append(
            or_(
                Referral.antenna_id == wanted.antenna_id,
                Referral.id.in_(
                    select(OfferEpisode.referral_id).where(
                        OfferEpisode.antenna_id == wanted.antenna_id,
                        OfferEpisode.ended_on.is_(None),
                    )
                ),
            )
        )
    if wanted.urgency:
        conditions.append(Referral.urgency == wanted.urgency)
    waiting_since = sa.func.coalesce(Referral.submitted_at, Referral.created_at)
    if wanted.waiting_days:
        conditions.append(waiting_since <= now - timedelta(days=wanted.waiting_days))
    if wanted.search:
        conditions.append(_matches(wanted.search))
    per_page = per_page or CASELOAD_PAGE_SIZE
    total = session.exec(select(sa.func.count()).select_from(Referral).where(*conditions)).one()
    urgency_rank = sa.case(
        *((Referral.urgency == str(urgency), rank) for urgency, rank in URGENCY_ORDER.items()),
        else_=9,
    )
    rows = session.exec(
        select(Referral)
        .where(*conditions)
        .order_by(urgency_rank, waiting_since, Referral.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return list(rows), int(total)


def _matches(search: str):
    """A reference (``CKG-1A2B3C4D`` or its first characters), or part of a parent's or child's
    name, or of the referrer's name or organisation."""
    text = search.strip()
    conditions = [
        Referral.referrer_name.icontains(text, autoescape=True),
        Referral.referrer_organisation_name.icontains(text, autoescape=True),
        Referral.id.in_(
            select(FamilyMember.referral_id).where(
                FamilyMember.name.icontains(text, autoescape=True)
            )
        ),
        Referral.referrer_user_id.in_(
            select(User.id).where(User.name.icontains(text, autoescape=True))
        ),
        Referral.referrer_organisation_id.in_(
            select(Organisation.id).where(Organisation.name.icontains(text, autoescape=True))
        ),
    ]
    prefix = text.upper().removeprefix("CKG-").lower()
    if REFERENCE_PREFIX.fullmatch(prefix):
        # The reference is the id's first eight hex digits; the id's text starts with them on
        # SQLite (hex) and PostgreSQL (dashed) alike.
        conditions.append(sa.cast(Referral.id, sa.String).startswith(prefix, autoescape=True))
    return or_(*conditions)
