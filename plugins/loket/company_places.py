"""Company places first: employees whose claim was accepted get their company's places before
the round offers the rest. Pure Python, like :mod:`plugins.loket.allocation`.

A company reserves places at a location (the ``reserved_places`` hook); those places are never
offered to other families. An employee who claimed them (``claimed_by``, earliest claim first)
is matched to a reserved place of that location for the child's age group, when the places
last and the days fit, before the round runs; the round then runs on everyone else with those
seats taken. The family may still decline the place, as any proposal. A claimant of a family
asked to be placed together is matched alone: the claim is a choice of the parent.
"""

from __future__ import annotations

import uuid
from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from plugins.loket import allocation, together

# location id → (request id, company) in claim order
Claims = Mapping[uuid.UUID, Sequence[tuple[uuid.UUID, str]]]


def claims_from(reserved: Iterable, current) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """The claims of the ``current(reservation)`` reservations at a known location."""
    found: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    for reservation in reserved:
        if reservation.location_id is None or not current(reservation):
            continue
        for request_id in getattr(reservation, "claimed_by", ()):
            found.setdefault(reservation.location_id, []).append((request_id, reservation.company))
    return found


def match_claims(
    applicants: Iterable[allocation.Applicant],
    pools: Iterable[allocation.Pool],
    claims: Claims,
    rules: allocation.RulePack,
) -> tuple[dict[uuid.UUID, tuple[uuid.UUID, str]], dict[uuid.UUID, dict], list[allocation.Pool]]:
    """(matches, explanations, the pools with those seats taken) for the claimants."""
    by_id = {applicant.id: applicant for applicant in applicants}
    pools_by_key = {pool.key: pool for pool in pools}
    matches: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    explanations: dict[uuid.UUID, dict] = {}
    for location_id in sorted(claims, key=lambda location: location.int):
        for request_id, company in claims[location_id]:
            applicant = by_id.get(request_id)
            if applicant is None or request_id in matches:
                continue
            group = applicant.age_groups.get(location_id)
            pool = pools_by_key.get((location_id, group)) if group else None
            if pool is None or pool.reserved <= 0:
                continue
            if pool.days and not applicant.days <= pool.days:
                continue
            matches[request_id] = pool.key
            pools_by_key[pool.key] = replace(pool, reserved=pool.reserved - 1, taken=pool.taken + 1)
            explanations[request_id] = {
                "rule_pack_version": rules.version,
                "tie_break": rules.tie_break,
                "placed": True,
                "rank": None,
                "priority_group": None,
                "priority_grounds": [],
                "vulnerable": None,
                "higher_choices": [],
                "company_place": company,
            }
    return matches, explanations, list(pools_by_key.values())


def allocate(
    applicants: Sequence[allocation.Applicant],
    pools: Sequence[allocation.Pool],
    claims: Claims,
    rules: allocation.RulePack,
    seed: int,
    *,
    families=(),
) -> allocation.Outcome:
    """The claimants on their company places, then :func:`together.allocate` for the others."""
    matches, explanations, pools = match_claims(applicants, pools, claims, rules)
    others = [applicant for applicant in applicants if applicant.id not in matches]
    outcome = together.allocate(others, pools, rules, seed, families=families)
    if not matches:
        return outcome
    outcome.matches = {**outcome.matches, **matches}
    outcome.explanations = ChainMap(explanations, outcome.explanations)
    return outcome
