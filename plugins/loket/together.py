"""Brothers and sisters who want one location: an allocation that never splits them.

A family sending several children in one request chooses "together" (all at one location, or
none of them this round) or "apart" (each child on its own). The deferred-acceptance code in
:mod:`plugins.loket.allocation` knows nothing of families; :func:`allocate` wraps it:

1. Run the allocation. A together family is *split* when its children ended at different
   locations or only some of them got a place.
2. Take every split family out (its children propose nowhere) and run again, until no family
   is split. Taking families out only frees places, so every run ends with fewer families in
   the running and the loop stops after at most one run per family.
3. Give each family taken out a place together, greedily, from the places the last run left
   unused: the first location in the family's shared order where every child's age group still
   has room. A family that finds none waits this round, with the reason
   ``together_not_possible`` on each of its choices.

The children of a family that was taken out keep their ids in every run (only their choices
are emptied), so the lottery numbers of everyone else stay the ones drawn from the seed.

Children sent "apart" are allocated on their own; once a brother or sister has a place, the
child has the sibling ground at that location (:func:`placed_sibling_locations`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from sqlmodel import select

from plugins.loket import allocation
from plugins.loket.models import ChildcareRequest, Placement, RequestStatus

TOGETHER_NOT_POSSIBLE = "together_not_possible"

Family = tuple[uuid.UUID, ...]  # the request ids of siblings who want one location


def families(session) -> list[Family]:
    """The together families among open requests (at least two children still waiting)."""
    groups: dict[uuid.UUID, list[uuid.UUID]] = {}
    for request_id, group_id in session.exec(
        select(ChildcareRequest.id, ChildcareRequest.sibling_group_id).where(
            ChildcareRequest.status == RequestStatus.OPEN,
            ChildcareRequest.siblings_together.is_(True),
            ChildcareRequest.sibling_group_id.is_not(None),
        )
    ):
        groups.setdefault(group_id, []).append(request_id)
    return [
        tuple(sorted(members, key=lambda m: m.int))
        for members in groups.values()
        if len(members) > 1
    ]


def placed_sibling_locations(session) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    """Request id → the locations where a brother or sister of the same request has a place:
    the child has the sibling ground there, as for a sibling the parent named."""
    placed: dict[uuid.UUID, set[uuid.UUID]] = {}
    members: dict[uuid.UUID, list[uuid.UUID]] = {}
    for request_id, group_id, location_id in session.exec(
        select(ChildcareRequest.id, ChildcareRequest.sibling_group_id, Placement.location_id)
        .outerjoin(Placement, Placement.request_id == ChildcareRequest.id)
        .where(ChildcareRequest.sibling_group_id.is_not(None))
    ):
        members.setdefault(group_id, []).append(request_id)
        if location_id is not None:
            placed.setdefault(group_id, set()).add((request_id, location_id))
    found: dict[uuid.UUID, frozenset[uuid.UUID]] = {}
    for group_id, places in placed.items():
        for request_id in members[group_id]:
            others = frozenset(loc for placed_id, loc in places if placed_id != request_id)
            if others:
                found[request_id] = others
    return found


def allocate(
    applicants: Iterable[allocation.Applicant],
    pools: Iterable[allocation.Pool],
    rules: allocation.RulePack = allocation.DEFAULT_RULE_PACK,
    seed: int = 0,
    *,
    families: Iterable[Family] = (),
) -> allocation.Outcome:
    """:func:`allocation.allocate`, with every together family at one location or at none."""
    applicants = list(applicants)
    pools = list(pools)
    by_id = {applicant.id: applicant for applicant in applicants}
    wanted = [tuple(m for m in family if m in by_id) for family in families]
    wanted = [family for family in wanted if len(family) > 1]
    taken_out: list[Family] = []
    running = applicants
    while True:
        outcome = allocation.allocate(running, pools, rules, seed)
        split = [f for f in wanted if f not in taken_out and _is_split(f, outcome.matches)]
        if not split:
            break
        taken_out += split
        out = {member for family in split for member in family}
        # Kept with no choices rather than left out: the lottery draws per id.
        running = [replace(a, preferences=()) if a.id in out else a for a in running]
    if not taken_out:
        return outcome
    matches = dict(outcome.matches)
    own: dict[uuid.UUID, dict] = {}
    lottery = allocation.lottery_numbers(by_id, seed)
    pools_by_key = {pool.key: pool for pool in pools}
    room = {key: pool.allocatable for key, pool in pools_by_key.items()}
    for key in matches.values():
        room[key] = room.get(key, 0) - 1
    for family in sorted(taken_out, key=lambda f: _registered_first(f, by_id)):
        members = [by_id[m] for m in family]
        location_id = _place_together(members, pools_by_key, room)
        for member in members:
            if location_id is not None:
                key = (location_id, member.age_groups[location_id])
                room[key] -= 1
                matches[member.id] = key
            own[member.id] = _explain(member, location_id, pools_by_key, rules, lottery)
    return allocation.Outcome(
        matches=matches,
        explanations=_Explanations(outcome.explanations, own),
        rule_pack_version=outcome.rule_pack_version,
        seed=outcome.seed,
    )


def _is_split(family: Family, matches: Mapping[uuid.UUID, tuple[uuid.UUID, str]]) -> bool:
    """Whether the children ended at different locations, or only some have a place."""
    return len({matches[m][0] if m in matches else None for m in family}) > 1


def _registered_first(family: Family, by_id) -> tuple:
    # The family registered first chooses first from the places left; ids break ties.
    return (min(by_id[m].registered_at for m in family), min(m.int for m in family))


def shared_order(members: Sequence[allocation.Applicant]) -> list[uuid.UUID]:
    """The locations every child still ranks, in the first child's order."""
    first, *others = members
    return [loc for loc in first.preferences if all(loc in o.preferences for o in others)]


def _place_together(members, pools_by_key, room) -> uuid.UUID | None:
    """The first shared location where each child's age-group pool still has room for the
    children of that age group, or ``None``."""
    for location_id in shared_order(members):
        needed: dict[tuple, int] = {}
        fits = True
        for member in members:
            key = (location_id, member.age_groups.get(location_id))
            pool = pools_by_key.get(key)
            if allocation.ineligibility(member, pool) is not None:
                fits = False
                break
            needed[key] = needed.get(key, 0) + 1
        if fits and all(room.get(key, 0) >= count for key, count in needed.items()):
            return location_id
    return None


def _explain(member, location_id, pools_by_key, rules, lottery) -> dict:
    """The explanation of a child of a family taken out: each choice above the place (or every
    choice, without a place) says that together there was no place there."""
    explanation: dict = {
        "rule_pack_version": rules.version,
        "tie_break": rules.tie_break,
        "placed": location_id is not None,
        "rank": None,
        "priority_group": None,
        "priority_grounds": [],
        "vulnerable": None,
        "higher_choices": [],
        "together": True,
    }
    for rank, preference in enumerate(member.preferences, start=1):
        if preference == location_id:
            pool = pools_by_key[(location_id, member.age_groups[location_id])]
            priority = allocation.priority_of(member, pool, rules, lottery)
            explanation.update(
                rank=rank,
                priority_group=priority.group + 1,
                priority_grounds=list(priority.grounds),
                vulnerable=priority.vulnerable,
            )
            break
        explanation["higher_choices"].append(
            {"rank": rank, "location_id": str(preference), "reason": TOGETHER_NOT_POSSIBLE}
        )
    return explanation


class _Explanations(Mapping):
    """The allocation's (lazy) explanations, with those of the families taken out instead."""

    def __init__(self, base: Mapping[uuid.UUID, dict], own: Mapping[uuid.UUID, dict]) -> None:
        self._base = base
        self._own = own

    def __getitem__(self, applicant_id: uuid.UUID) -> dict:
        if applicant_id in self._own:
            return self._own[applicant_id]
        return self._base[applicant_id]

    def __iter__(self) -> Iterator[uuid.UUID]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)
