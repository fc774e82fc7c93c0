"""The parent's rights (GDPR art. 15 and 17) over what the loket holds about their family.

Export: every request the parent made or that carries their e-mail address, with its
preferences, proposals and place, and their info-session registrations. Erasure: the requests
lose every name and contact (a request still waiting is withdrawn, so its proposed place moves
on); the dates, situation flags and placement decisions stay, because the municipality's
figures and the providers' records of who got a place depend on them. Info-session
registrations are deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlmodel import or_, select

from core.db import as_utc
from core.plugin_types import DataSubject, PrivacyNotice
from plugins.loket import services
from plugins.loket.models import (
    ChildcareRequest,
    InfoRegistration,
    Location,
    Placement,
    Proposal,
    RequestStatus,
)

ERASED = ""


def requests_about(session, subject: DataSubject) -> list[ChildcareRequest]:
    conditions = []
    if subject.user_id is not None:
        conditions.append(ChildcareRequest.parent_user_id == subject.user_id)
    if subject.email:
        email = subject.email.strip().lower()
        conditions.append(sa.func.lower(ChildcareRequest.parent_email) == email)
    if not conditions:
        return []
    return list(session.exec(select(ChildcareRequest).where(or_(*conditions))))


def registrations_of(session, subject: DataSubject) -> list[InfoRegistration]:
    if not subject.email:
        return []
    email = subject.email.strip().lower()
    return list(
        session.exec(select(InfoRegistration).where(sa.func.lower(InfoRegistration.email) == email))
    )


def export_subject(session, subject: DataSubject) -> dict | None:
    requests = requests_about(session, subject)
    registrations = registrations_of(session, subject)
    if not requests and not registrations:
        return None
    names = {location.id: location.name for location in session.exec(select(Location))}
    return {
        "plugin": "loket",
        "childcare_requests": [_export_request(session, row, names) for row in requests],
        "info_session_registrations": [
            {
                "session_id": str(row.session_id),
                "name": row.name,
                "email": row.email,
                "status": row.status,
                "attended": row.attended,
                "registered_at": row.registered_at.isoformat(),
            }
            for row in registrations
        ],
    }


def _export_request(session, row: ChildcareRequest, names: dict) -> dict:
    proposals = session.exec(select(Proposal).where(Proposal.request_id == row.id))
    placement = session.exec(select(Placement).where(Placement.request_id == row.id)).first()
    return {
        "id": str(row.id),
        "status": row.status,
        "origin": row.origin,
        "child": row.child_name,
        "birth_date": _iso(row.birth_date),
        "expected_birth_date": _iso(row.expected_birth_date),
        "desired_start": _iso(row.desired_start),
        "days": list(row.days),
        "language": row.language,
        "contact_language": row.contact_language,
        "care_needs": list(row.care_needs),
        "family_situation": [flag for flag in row.situation if ":" not in flag],
        "proof_checked": row.proof_checked,
        # Brothers and sisters sent in the same request, and whether they should go together.
        "sibling_group": str(row.sibling_group_id) if row.sibling_group_id else None,
        "siblings_together": row.siblings_together if row.sibling_group_id else None,
        "parent": {"name": row.parent_name, "email": row.parent_email, "phone": row.parent_phone},
        "area": row.area,
        "note": row.note,
        "preferences": [
            {"rank": p.rank, "location": names.get(p.location_id, ""), "status": p.status}
            for p in services.preferences_of(session, row.id)
        ],
        "proposals": [
            {
                "location": names.get(p.location_id, ""),
                "status": p.status,
                "explanation": p.explanation,
                "deadline": _iso(p.deadline),
            }
            for p in proposals
        ],
        "place": (
            {"location": names.get(placement.location_id, ""), "since": _iso(placement.placed_at)}
            if placement
            else None
        ),
        "submitted_at": _iso(row.submitted_at),
    }


def erase_subject(session, subject: DataSubject) -> tuple[int, list]:
    """Strip the subject from the loket; return (rows changed, locations whose place freed)."""
    changed = 0
    freed: list = []
    for row in requests_about(session, subject):
        if row.status not in (RequestStatus.PLACED, RequestStatus.WITHDRAWN):
            freed += services.withdraw_request(session, row)
        _strip_person(session, row)
        changed += 1
    for registration in registrations_of(session, subject):
        session.delete(registration)
        changed += 1
    session.flush()
    return changed, freed


def _strip_person(session, row: ChildcareRequest) -> None:
    row.child_first_name = row.child_last_name = ERASED
    row.parent_name = row.parent_email = row.parent_phone = ERASED
    row.note = row.external_reference = ERASED
    row.parent_user_id = None
    session.add(row)


def anonymise_closed(session, *, retention_years: int, now: datetime) -> int:
    """Strip names and contacts from requests closed (placed or withdrawn) longer ago than the
    retention period; return how many. The last date the request knows counts: the placement,
    else the registration. Idempotent: already stripped requests are left alone."""
    cutoff = now - timedelta(days=round(retention_years * 365.25))
    closed = session.exec(
        select(ChildcareRequest).where(
            ChildcareRequest.status.in_((RequestStatus.PLACED, RequestStatus.WITHDRAWN)),
            or_(
                ChildcareRequest.parent_name != ERASED,
                ChildcareRequest.child_first_name != ERASED,
                ChildcareRequest.parent_email != ERASED,
            ),
        )
    ).all()
    count = 0
    for row in closed:
        last_date = row.placed_at or row.submitted_at or row.created_at
        if last_date is not None and as_utc(last_date) < cutoff:
            _strip_person(session, row)
            count += 1
    session.flush()
    return count


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def privacy_notice(retention_years: int) -> PrivacyNotice:
    """What the loket tells parents on the municipality's privacy page."""
    return PrivacyNotice(
        module=_("Local childcare counter"),
        purpose=_(
            "To bring a family's childcare need and the free places of childcare locations "
            "together, to allocate places fairly and explainably, and to show the municipality "
            "where demand goes unmet (in figures without names)."
        ),
        data=(
            _("The child: name, birth date or expected birth, the care needs you state"),
            _("The parents: name, e-mail address, phone number and language"),
            _("The family situation that determines priority, and whether proof was checked"),
            _("The preferred locations or area, the proposals made and the place accepted"),
            _("Registrations for info sessions and attendance"),
        ),
        legal_basis=_(
            "A task in the public interest of the municipality (the local childcare counter), "
            "at the parent's request."
        ),
        retention=_(
            "As long as the request is open. %(years)s years after a placement or a withdrawal "
            "the names and contact details are erased and only the figures remain; on request "
            "this happens at once.",
            years=retention_years,
        ),
        who_sees_it=(
            _("The counter's staff"),
            _("The provider of a location a place is proposed at: the child and the start date"),
            _("The parent, for their own requests"),
        ),
        shared_with=(
            _("A Centre for Childcare and Family Support (CKG), only when staff hand a family on"),
        ),
    )
