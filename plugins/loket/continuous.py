"""Continuous allocation: when a place frees up, offer it to the next family by the same rules.

A tenant chooses (setting ``allocation_mode``) between rounds only, where a freed place waits
for the next round, and continuous allocation, where it is offered at once. "Frees up" means:
free places are published or grow, or a proposal is declined, expires or is withdrawn.

The same deferred-acceptance code decides, run over every open request but only the freed
location's places, so families are ranked by the current rule pack (its version is recorded)
and held-back quotas and company places stay out of reach exactly as in a round. The lottery
uses the seed of the latest round, so the tie-break is the one families were told about.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from flask import current_app
from sqlmodel import select

from core.db import utcnow
from core.tenancy import enabled_plugins
from plugins.loket import allocation, company_places, notifications, offers, services, together
from plugins.loket.models import AllocationRound, ChildcareRequest, Location, Proposal
from plugins.loket.tenant_settings import continuous_allocation

TRIGGERS = ("free_places_reported", "declined", "expired", "withdrawn", "rejected")


def reserved_places_for(session, tenant) -> list:
    """Company places (``reserved_places`` hook) of the plugins enabled for ``tenant``."""
    hooks = current_app.extensions["opvangplein.plugins"].for_plugins(enabled_plugins(session))
    return [
        place
        for places in hooks.reserved_places(tenant=tenant, session=session)
        for place in places or ()
    ]


def latest_round_seed(session) -> int:
    latest = session.exec(select(AllocationRound).order_by(AllocationRound.run_at.desc())).first()
    return latest.seed if latest else 0


def offer_freed_places(
    session,
    location_id: uuid.UUID,
    *,
    reserved: Iterable,
    today: date,
    trigger: str,
    now: datetime | None = None,
) -> list[Proposal]:
    """Propose the free places of one location to the best-ranked open requests that want it."""
    now = now or utcnow()
    pack = services.current_rule_pack(session)
    rules = allocation.RulePack.from_rules(pack.rules, version=pack.version)
    data = services.round_input(session, reserved=reserved, today=today)
    pools = [pool for pool in data.pools if pool.location_id == location_id]
    # A company place is not allocatable to everyone, but it is to the company's claimants.
    claimed = location_id in data.company_claims
    if not any(pool.allocatable or (claimed and pool.reserved) for pool in pools):
        return []
    seed = latest_round_seed(session)
    families = together.families(session)
    outcome = company_places.allocate(
        data.applicants, pools, data.company_claims, rules, seed, families=families
    )
    # Other locations were left out on purpose: "no place there" would be no explanation.
    note = {"continuous": trigger, "seed": seed, "higher_choices": []}
    return services.propose_matches(session, data, outcome, pack, round_id=None, now=now, note=note)


def place_freed(
    session, tenant, location_ids: Iterable[uuid.UUID], *, trigger: str, now=None
) -> list[Proposal]:
    """In continuous mode, offer what freed up at these locations and tell their providers."""
    if not continuous_allocation(session):
        return []
    reserved = reserved_places_for(session, tenant)
    today = (now or utcnow()).date()
    proposals = []
    for location_id in dict.fromkeys(location_ids):
        offered = offer_freed_places(
            session, location_id, reserved=reserved, today=today, trigger=trigger, now=now
        )
        proposals += offered
    # The family hears of its proposed place; the provider is asked to confirm it.
    for proposal in proposals:
        notifications.place_proposed_to_parent(session, tenant, proposal)
    offers.tell_providers(session, tenant, proposals)
    return proposals


def expire_overdue_proposals(
    session, tenant, *, now: datetime | None = None
) -> tuple[list[Proposal], list[Proposal]]:
    """Expire proposals past their provider's or parent's deadline, tell the parents, and let
    the places move on.

    Idempotent: an expired proposal is no longer awaiting the parent, so a second run finds
    nothing. Returns (expired proposals, proposals made for the freed places).
    """
    now = now or utcnow()
    expired = services.expire_proposals(session, now=now)
    for proposal in expired:
        request = session.get(ChildcareRequest, proposal.request_id)
        location = session.get(Location, proposal.location_id)
        if proposal.provider_decided_at is None:
            notifications.provider_did_not_answer(session, tenant, request, location)
        else:
            notifications.proposal_expired(session, tenant, request, location)
    session.flush()
    offered = place_freed(
        session, tenant, [p.location_id for p in expired], trigger="expired", now=now
    )
    return expired, offered
