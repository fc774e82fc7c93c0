"""The straightforward deferred acceptance the optimised :func:`allocate` must agree with.

This is the allocation as it was before it ran on packed integers: a ``Priority`` per proposal,
one sorted list of tuples per pool and a scan for the holder to let go. Slow, but each step reads
like the rules. Only the tests use it (tests/plugins/loket/test_allocation_reference.py), and
the benchmark times it as its baseline.
"""

from __future__ import annotations

import bisect
import uuid
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

from plugins.loket.allocation import (
    Applicant,
    Outcome,
    Pool,
    Priority,
    RulePack,
    ineligibility,
    lottery_numbers,
    reserved_for_vulnerable,
)
from plugins.loket.priority import ABSOLUTE_GROUNDS


def reference_priority(
    applicant: Applicant, pool: Pool, rules: RulePack, lottery: Mapping[uuid.UUID, float]
) -> Priority:
    situation = set(applicant.situation)
    situation.discard("sibling")
    situation.discard("deviation")
    if pool.location_id in applicant.sibling_location_ids:
        situation.add("sibling")
    if pool.location_id in applicant.deviation_location_ids:
        situation.add("deviation")
    groups = rules.groups_for(pool)
    vulnerable = bool(situation & rules.vulnerable_flags)
    grounds = situation
    if vulnerable and reserved_for_vulnerable(pool, rules) > 0:
        grounds = situation - (rules.vulnerable_flags - ABSOLUTE_GROUNDS)
    group = next(
        (index for index, flags in enumerate(groups) if grounds.intersection(flags)),
        len(groups),
    )
    wait = 0
    if pool.available_from is not None and applicant.desired_start is not None:
        wait = max(0, (applicant.desired_start - pool.available_from).days)
    if rules.tie_break == "lottery":
        tie = lottery[applicant.id]
    else:
        tie = applicant.registered_at.timestamp()
    return Priority(
        group=group,
        tie_break=tie,
        vulnerable=vulnerable,
        wait=wait,
        grounds=tuple(g for g in groups[group] if g in grounds) if group < len(groups) else (),
    )


def _index_to_drop(holders: list[tuple], reserve: int) -> int:
    """The worst holder that does not sit on a reserved seat (the best ``reserve`` vulnerable
    families sit there)."""
    reserved_indexes = set()
    for index, holder in enumerate(holders):
        if len(reserved_indexes) == reserve:
            break
        if holder[-2]:
            reserved_indexes.add(index)
    return max(index for index in range(len(holders)) if index not in reserved_indexes)


def reference_allocate(
    applicants: Iterable[Applicant],
    pools: Iterable[Pool],
    rules: RulePack,
    seed: int = 0,
    explain: bool = True,
) -> tuple[Outcome, dict[uuid.UUID, dict]]:
    """Matches (with the number of proposals) and every applicant's explanation (none when
    not ``explain``: the old allocation wrote them only when asked, so the benchmark skips
    them)."""
    applicants = sorted(applicants, key=lambda a: a.id.int)
    by_id = {applicant.id: applicant for applicant in applicants}
    pools_by_key = {pool.key: pool for pool in sorted(pools, key=lambda p: p.key)}
    lottery = lottery_numbers(by_id, seed)

    def pool_for(applicant: Applicant, location_id: uuid.UUID) -> Pool | None:
        group = applicant.age_groups.get(location_id)
        return pools_by_key.get((location_id, group)) if group else None

    priorities: dict[tuple[uuid.UUID, str], dict[uuid.UUID, Priority]] = {}
    refusals: dict[uuid.UUID, dict[uuid.UUID, str]] = {a.id: {} for a in applicants}
    held: dict[tuple[uuid.UUID, str], list[tuple]] = {key: [] for key in pools_by_key}
    next_choice = dict.fromkeys(by_id, 0)
    free = deque(by_id)
    proposals = 0
    while free:
        applicant_id = free.popleft()
        applicant = by_id[applicant_id]
        if next_choice[applicant_id] >= len(applicant.preferences):
            continue
        location_id = applicant.preferences[next_choice[applicant_id]]
        next_choice[applicant_id] += 1
        proposals += 1
        pool = pool_for(applicant, location_id)
        reason = ineligibility(applicant, pool)
        if reason is not None:
            refusals[applicant_id][location_id] = reason
            free.append(applicant_id)
            continue
        priority = reference_priority(applicant, pool, rules, lottery)
        priorities.setdefault(pool.key, {})[applicant_id] = priority
        holders = held[pool.key]
        bisect.insort(holders, (*priority.key, applicant_id.int, priority.vulnerable, applicant_id))
        if len(holders) > pool.allocatable:
            dropped = holders.pop(_index_to_drop(holders, reserved_for_vulnerable(pool, rules)))
            refusals[dropped[-1]][location_id] = "outranked"
            free.append(dropped[-1])

    outcome = Outcome(rule_pack_version=rules.version, seed=seed, proposals=proposals)
    for key, holders in held.items():
        for *_, applicant_id in holders:
            outcome.matches[applicant_id] = key
    explanations = {
        applicant.id: _explain(applicant, outcome, pools_by_key, priorities, refusals, held, rules)
        for applicant in applicants
        if explain
    }
    return outcome, explanations


def _explain(applicant, outcome, pools_by_key, priorities, refusals, held, rules) -> dict:
    match = outcome.matches.get(applicant.id)
    matched_location = match[0] if match else None
    explanation: dict[str, Any] = {
        "rule_pack_version": rules.version,
        "tie_break": rules.tie_break,
        "placed": match is not None,
        "rank": None,
        "priority_group": None,
        "priority_grounds": [],
        "vulnerable": None,
        "higher_choices": [],
    }
    for rank, location_id in enumerate(applicant.preferences, start=1):
        if location_id == matched_location:
            priority = priorities[match][applicant.id]
            explanation.update(
                rank=rank,
                priority_group=priority.group + 1,
                priority_grounds=list(priority.grounds),
                vulnerable=priority.vulnerable,
            )
            break
        reason = refusals[applicant.id].get(location_id, "not_reached")
        note: dict[str, Any] = {"rank": rank, "location_id": str(location_id), "reason": reason}
        if reason == "outranked":
            key = (location_id, applicant.age_groups[location_id])
            ranking = priorities[key]
            mine = ranking[applicant.id]
            last = ranking[held[key][-1][-1]] if held[key] else None
            note["own_group"] = mine.group + 1
            note["last_admitted_group"] = last.group + 1 if last else None
            note["places"] = pools_by_key[key].allocatable
        explanation["higher_choices"].append(note)
    return explanation
