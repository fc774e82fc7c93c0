"""What a municipality loses when it switches the loket off: said before the admin confirms."""

from __future__ import annotations

from flask_babel import ngettext
from sqlmodel import func, select

from plugins.loket.models import ChildcareRequest, Location, Proposal, ProposalStatus, RequestStatus


def switch_off_warnings(session) -> list[str]:
    """Open requests and proposals, and the locations other modules read; zero counts are left out."""
    open_requests = session.exec(
        select(func.count())
        .select_from(ChildcareRequest)
        .where(ChildcareRequest.status.in_([RequestStatus.OPEN, RequestStatus.PROPOSED]))
    ).one()
    open_proposals = session.exec(
        select(func.count())
        .select_from(Proposal)
        .where(Proposal.status.in_(list(ProposalStatus.OPEN)))
    ).one()
    locations = session.exec(select(func.count()).select_from(Location)).one()
    warnings = []
    if open_requests:
        warnings.append(
            ngettext(
                "%(num)d open childcare request can no longer be followed up; the parent's link "
                "to it will answer 404.",
                "%(num)d open childcare requests can no longer be followed up; parents' links "
                "to them will answer 404.",
                open_requests,
            )
        )
    if open_proposals:
        warnings.append(
            ngettext(
                "%(num)d place proposal waiting for a provider or a parent can no longer be "
                "answered.",
                "%(num)d place proposals waiting for a provider or a parent can no longer be "
                "answered.",
                open_proposals,
            )
        )
    if locations:
        warnings.append(
            ngettext(
                "Other modules no longer find the %(num)d childcare location (internship places "
                "in training, reserved places for starters).",
                "Other modules no longer find the %(num)d childcare locations (internship places "
                "in training, reserved places for starters).",
                locations,
            )
        )
    return warnings
