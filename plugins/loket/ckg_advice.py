"""A family-support organisation's advice to deviate, given through a hook, never an import.

The rules since 1 April 2024 let a location with an income-related price deviate from the
absolute priority for at most 10 % of its places, on the advice of a family-support
organisation (plugins/loket/priority.py). The ckg plugin gives that advice through the
``childcare_deviation_advice`` hook, from a case whose family consented to it, and withdraws it
with the event ``ckg.deviation_advice_withdrawn`` (when the family withdraws that consent).

The family's request is matched in the adviser's tenant session only (another municipality's
requests are never seen): the request the loket itself handed to the CKG, or an open request of
the same parent (proven address or account) for a child with the same name and birth date, that
lists the advised location. The adviser learns only the outcome, never the request.

Stored as two flags on the request: ``deviation:<location>:<organisation>`` (what allocation
counts, as for staff-recorded advice) and ``advice:<location>:<advice id>`` (which advice made it,
so a withdrawal removes exactly that). Who advised is in the audit entry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from core import audit
from core.models import AuditEntry
from core.plugin_types import AdviceOutcome, DeviationAdvice, DeviationAdviceAnswer
from plugins.loket import priority
from plugins.loket.models import ChildcareRequest, Location, Preference, RequestStatus

WITHDRAWN = "ckg.deviation_advice_withdrawn"
ADVICE_PREFIX = "advice:"
# Requests still looking for a place: a deviation changes nothing for the others.
OPEN_STATES = (RequestStatus.OPEN, RequestStatus.PROPOSED)
RECORDED_ACTION = "loket.priority_deviation"
WITHDRAWN_ACTION = "loket.deviation_advice_withdrawn"


def record_advice(session, advice: DeviationAdvice) -> DeviationAdviceAnswer:
    """Record the deviation for the family's matching requests, within the 10 % cap."""
    from plugins.loket.views.priority import deviations_at, licensed_places

    location = session.get(Location, advice.location_id)
    if location is None or location.tenant_id != session.tenant_id:
        return DeviationAdviceAnswer(AdviceOutcome.UNKNOWN_LOCATION)
    answer = DeviationAdviceAnswer
    matches = [row for row in _requests_at(session, location.id) if _same_family(row, advice)]
    if not matches:
        return answer(AdviceOutcome.NO_MATCHING_REQUEST, location.name)
    places = licensed_places(session, location.id)
    already = deviations_at(session, location.id)
    new = [
        row
        for row in matches
        if location.id not in priority.deviation_location_ids(row.situation or ())
    ]
    try:
        flags = [
            priority.with_deviation(
                row.situation or (),
                location_id=location.id,
                organisation=advice.organisation,
                places=places,
                already=already + count,
            )
            for count, row in enumerate(new)
        ]
    except priority.DeviationRefused as refused:
        audit.record(
            session,
            action="loket.deviation_advice_refused",
            object_type="loket_location",
            object_id=location.id,
            detail={"advice_id": advice.advice_id, "reason": str(refused)},
        )
        outcome = (
            AdviceOutcome.CAP_REACHED
            if str(refused) == "cap_reached"
            else AdviceOutcome.UNKNOWN_LOCATION
        )
        return answer(outcome, location.name)
    for row, situation in zip(new, flags, strict=True):
        row.situation = sorted({*situation, f"{ADVICE_PREFIX}{location.id}:{advice.advice_id}"})
        session.add(row)
        audit.record(
            session,
            action=RECORDED_ACTION,
            object_type="loket_request",
            object_id=row.id,
            detail={
                "location_id": str(location.id),
                "organisation": advice.organisation,
                "advice_id": advice.advice_id,
                "adviser": advice.adviser_name,
                "advised_by": advice.advised_by,
                "with_family_consent": True,
            },
        )
    return answer(AdviceOutcome.RECORDED, location.name)


def withdraw_advice(session, payload: dict) -> int:
    """Remove the deviations an advice recorded; return how many requests changed."""
    advice_id = str(payload.get("advice_id") or "")
    if not advice_id:
        return 0
    changed = 0
    for row in session.exec(select(ChildcareRequest)):
        flags = list(row.situation or ())
        links = [f for f in flags if f.startswith(ADVICE_PREFIX) and f.endswith(f":{advice_id}")]
        if not links:
            continue
        locations = {link.removeprefix(ADVICE_PREFIX).partition(":")[0] for link in links}
        row.situation = [
            flag
            for flag in flags
            if flag not in links
            and not any(flag.startswith(f"deviation:{location}:") for location in locations)
        ]
        session.add(row)
        audit.record(
            session,
            action=WITHDRAWN_ACTION,
            object_type="loket_request",
            object_id=row.id,
            detail={"advice_id": advice_id, "location_ids": sorted(locations)},
        )
        changed += 1
    return changed


@dataclass(frozen=True)
class AdviceShown:
    """What staff see about an advice on a request: where, who advised, when."""

    location_id: uuid.UUID
    adviser: str
    advised_by: str
    at: datetime


def advice_on(session, row: ChildcareRequest) -> list[AdviceShown]:
    """The advice given through the hook that still stands on this request, with who gave it."""
    standing = {
        flag.removeprefix(ADVICE_PREFIX).partition(":")[2]
        for flag in row.situation or ()
        if flag.startswith(ADVICE_PREFIX)
    }
    if not standing:
        return []
    entries = session.exec(
        select(AuditEntry)
        .where(AuditEntry.action == RECORDED_ACTION, AuditEntry.object_id == str(row.id))
        .order_by(AuditEntry.at)
    )
    shown = []
    for entry in entries:
        detail = entry.detail or {}
        if detail.get("advice_id") in standing:
            shown.append(
                AdviceShown(
                    location_id=uuid.UUID(detail["location_id"]),
                    adviser=str(detail.get("adviser") or ""),
                    advised_by=str(detail.get("advised_by") or ""),
                    at=entry.at,
                )
            )
    return shown


def _requests_at(session, location_id: uuid.UUID) -> list[ChildcareRequest]:
    return list(
        session.exec(
            select(ChildcareRequest)
            .join(Preference, Preference.request_id == ChildcareRequest.id)
            .where(
                Preference.location_id == location_id,
                ChildcareRequest.status.in_(OPEN_STATES),
            )
        )
    )


def _same_family(row: ChildcareRequest, advice: DeviationAdvice) -> bool:
    """The request the loket handed to this adviser, or the same parent and the same child."""
    if advice.loket_request_id and str(row.id) == advice.loket_request_id:
        return True
    same_parent = (
        row.parent_user_id is not None and row.parent_user_id in advice.parent_user_ids
    ) or (bool(row.parent_email) and row.parent_email.strip().lower() in advice.parent_emails)
    return same_parent and any(_same_child(row, child) for child in advice.children)


def _same_child(row: ChildcareRequest, child) -> bool:
    if child.birth_date is None or row.birth_date != child.birth_date:
        return False
    name = " ".join(child.name.split()).casefold()
    first = row.child_first_name.strip().casefold()
    full = " ".join(f"{row.child_first_name} {row.child_last_name}".split()).casefold()
    return bool(first) and name in (first, full)
