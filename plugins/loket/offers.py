"""What a family hears about its place: the round's result and the answer deadline's reminder."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from core.db import as_utc, utcnow
from plugins.loket import notifications
from plugins.loket.models import ChildcareRequest, Location, Proposal, ProposalStatus
from plugins.loket.services import RoundResult

# A parent who has not answered hears once, this long before the deadline (seven days in all).
REMIND_BEFORE = timedelta(hours=48)


def tell_round_result(session, tenant, result: RoundResult) -> int:
    """Mail every family in the round: the proposed place, or why none and what happens next;
    and each provider with proposals to answer. Returns how many families were told."""
    names = {location.id: location.name for location in session.exec(select(Location))}
    for proposal in result.proposals:
        notifications.place_proposed_to_parent(session, tenant, proposal)
    for request_id, choices in result.not_placed.items():
        request = session.get(ChildcareRequest, request_id)
        notifications.not_placed(
            session,
            tenant,
            request,
            [(rank, names.get(location_id, "?"), reason) for rank, location_id, reason in choices],
        )
    tell_providers(session, tenant, result.proposals)
    return len(result.proposals) + len(result.not_placed)


def tell_providers(session, tenant, proposals: list[Proposal]) -> None:
    """One mail per location's provider members, counting that location's new proposals."""
    per_location: dict = {}
    for proposal in proposals:
        per_location[proposal.location_id] = per_location.get(proposal.location_id, 0) + 1
    for location_id, count in per_location.items():
        location = session.get(Location, location_id)
        notifications.place_proposed_to_provider(
            session, tenant, location, notifications.provider_emails(session, location), count
        )


def due_deadline_reminders(session, *, now: datetime) -> list[Proposal]:
    """Offers awaiting the parent whose deadline is within ``REMIND_BEFORE``, not reminded yet."""
    return [
        proposal
        for proposal in session.exec(
            select(Proposal).where(
                Proposal.status == ProposalStatus.AWAITING_PARENT,
                Proposal.reminded_at.is_(None),
                Proposal.deadline.is_not(None),
            )
        )
        if now < as_utc(proposal.deadline) <= now + REMIND_BEFORE
    ]


def send_deadline_reminders(session, tenant, *, now: datetime | None = None) -> int:
    """Remind each parent once; ``reminded_at`` makes a second run send nothing."""
    now = now or utcnow()
    due = due_deadline_reminders(session, now=now)
    for proposal in due:
        request = session.get(ChildcareRequest, proposal.request_id)
        notifications.answer_deadline_reminder(session, tenant, request, proposal)
        proposal.reminded_at = now
        session.add(proposal)
    return len(due)
