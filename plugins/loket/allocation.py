"""Fair allocation of childcare places: parent-proposing deferred acceptance. Pure Python.

Families propose to their preferred locations in rank order; each location (per age group)
tentatively holds the best proposals by its priority order and rejects the rest; rejected
families propose to their next choice. The result is stable (no family and location both prefer
each other over what they got) and no family gains by misreporting its preferences.

A location's priority order comes from a versioned rule pack (:class:`RulePack`): at a location
with an income-related price first the absolute groups of the Flemish rules
(:data:`plugins.loket.priority.ABSOLUTE_GROUPS`), then the tenant's further groups; at a
free-price location the tenant's own free-price groups. A target share of places reserved for vulnerable
families (a soft reserve: unused reserved places go to everyone), and a tie-break by
registration date or by a lottery drawn from a seed. Held-back places (occasional and emergency
care), places reserved by companies and places already taken are never offered.

Nothing here touches a database or Flask: the same input and seed always give the same output.
"""

from __future__ import annotations

import bisect
import math
import random
import uuid
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from typing import Any

from plugins.loket.priority import ABSOLUTE_GROUNDS, ABSOLUTE_GROUPS

TIE_BREAKS = ("registration_date", "lottery")

DEFAULT_RULES: dict[str, Any] = {
    "name": "Vlaamse standaardregels",
    # The tenant's further groups after the absolute ones (income-related price); earlier first.
    "priority_groups": [["urgency"], ["single_parent", "low_income"]],
    # A free-price location sets its own rules: by default only a sibling has priority.
    "free_price_groups": [["sibling"]],
    "income_related_only": True,
    # Vulnerable families: counted once — on the reserved places where a location keeps them,
    # in the further groups elsewhere, never both.
    "vulnerable_flags": ["low_income", "single_parent", "urgency"],
    "vulnerable_share_percent": 20,
    "tie_break": "registration_date",
}


@dataclass(frozen=True)
class RulePack:
    """The priority rules one allocation uses; ``version`` is recorded with every decision."""

    priority_groups: tuple[tuple[str, ...], ...]  # the tenant's further groups
    vulnerable_flags: frozenset[str]
    free_price_groups: tuple[tuple[str, ...], ...] = (("sibling",),)
    vulnerable_share_percent: int = 0
    tie_break: str = "registration_date"
    income_related_only: bool = True
    version: int = 0
    name: str = ""

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any], version: int = 0) -> RulePack:
        merged = {**DEFAULT_RULES, **rules}
        tie_break = merged["tie_break"] if merged["tie_break"] in TIE_BREAKS else TIE_BREAKS[0]
        # Absolute grounds always come first: a further group (or an older pack) never moves them.
        further = (
            tuple(g for g in group if g not in ABSOLUTE_GROUNDS)
            for group in merged["priority_groups"]
        )
        return cls(
            priority_groups=tuple(group for group in further if group),
            free_price_groups=tuple(tuple(group) for group in merged["free_price_groups"]),
            vulnerable_flags=frozenset(merged["vulnerable_flags"]),
            vulnerable_share_percent=max(0, min(100, int(merged["vulnerable_share_percent"]))),
            tie_break=tie_break,
            income_related_only=bool(merged["income_related_only"]),
            version=version,
            name=str(merged.get("name", "")),
        )

    def as_rules(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "priority_groups": [list(group) for group in self.priority_groups],
            "free_price_groups": [list(group) for group in self.free_price_groups],
            "income_related_only": self.income_related_only,
            "vulnerable_flags": sorted(self.vulnerable_flags),
            "vulnerable_share_percent": self.vulnerable_share_percent,
            "tie_break": self.tie_break,
        }

    def groups_for(self, pool: Pool) -> tuple[tuple[str, ...], ...]:
        """The priority groups of ``pool``, best first: at an income-related price the absolute
        groups and then the tenant's further groups; at a free price the tenant's own groups."""
        if not pool.income_related and self.income_related_only:
            return self.free_price_groups
        return self._income_related_groups

    @cached_property
    def _income_related_groups(self) -> tuple[tuple[str, ...], ...]:
        # Computed once per rule pack: this is read once per proposal in the hot loop.
        return (*ABSOLUTE_GROUPS, *self.priority_groups)


DEFAULT_RULE_PACK = RulePack.from_rules(DEFAULT_RULES, version=0)


@dataclass(frozen=True)
class Applicant:
    """A family's request as the allocation sees it."""

    id: uuid.UUID
    preferences: tuple[uuid.UUID, ...]  # location ids, first choice first
    age_groups: Mapping[uuid.UUID, str]  # the child's age group at each preferred location
    registered_at: datetime
    situation: frozenset[str] = frozenset()
    days: frozenset[str] = frozenset()
    care_needs: frozenset[str] = frozenset()
    sibling_location_ids: frozenset[uuid.UUID] = frozenset()
    # Locations that admit this child by a deviation on a family-support organisation's advice.
    deviation_location_ids: frozenset[uuid.UUID] = frozenset()
    desired_start: date | None = None  # when the family wants the place to start


@dataclass(frozen=True)
class Pool:
    """The places of one location for one age group, and what keeps some of them out of reach."""

    location_id: uuid.UUID
    age_group: str
    places: int
    held_back: int = 0  # occasional and emergency care: never allocated
    reserved: int = 0  # company places (reserved_places hook)
    taken: int = 0  # already accepted or proposed
    income_related: bool = True
    days: frozenset[str] = frozenset()  # empty: every day
    care_needs: frozenset[str] = frozenset()
    available_from: date | None = None  # the earliest day a place of this pool is free
    vulnerable_subsidy: bool = False

    @property
    def allocatable(self) -> int:
        return max(0, self.places - self.held_back - self.reserved - self.taken)

    @property
    def key(self) -> tuple[uuid.UUID, str]:
        return (self.location_id, self.age_group)


@dataclass(frozen=True)
class Priority:
    """How a location ranks an applicant: lower sorts first."""

    group: int
    tie_break: float
    vulnerable: bool
    # Days between the place's free date and a later wanted start: within a priority group the
    # child who wants the place closest to the day it is free comes first (a child waiting
    # since before that day counts as 0), not a child wanted months later.
    wait: int = 0
    grounds: tuple[str, ...] = ()  # the group's grounds: why the applicant is in it

    @property
    def key(self) -> tuple[int, int, float]:
        return (self.group, self.wait, self.tie_break)


@dataclass
class Outcome:
    """The allocation's result: who got which pool, and why each family is where it is."""

    matches: dict[uuid.UUID, tuple[uuid.UUID, str]] = field(default_factory=dict)
    explanations: Mapping[uuid.UUID, dict] = field(default_factory=dict)
    rule_pack_version: int = 0
    seed: int = 0

    def placed_at(self, location_id: uuid.UUID) -> list[uuid.UUID]:
        return [a for a, (loc, _) in self.matches.items() if loc == location_id]


def age_group_for(birth: date, start: date, location_kind: str) -> str:
    """The age group a child falls in at ``start`` for a location of ``location_kind``."""
    if location_kind == "buitenschoolse_opvang":
        return "schoolchild"
    months = months_between(birth, start)
    return "baby" if months < 18 else "toddler"


def months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def lottery_numbers(applicant_ids: Iterable[uuid.UUID], seed: int) -> dict[uuid.UUID, float]:
    """One number per applicant, drawn from ``seed`` independently of the input's order."""
    generator = random.Random(seed)
    return {
        applicant: generator.random() for applicant in sorted(applicant_ids, key=lambda a: a.int)
    }


def priority_of(
    applicant: Applicant,
    pool: Pool,
    rules: RulePack,
    lottery: Mapping[uuid.UUID, float],
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
    # Counted once: where the pool keeps reserved places for vulnerable families, being
    # vulnerable earns a reserved place there and not a further priority group as well.
    grounds = situation
    if vulnerable and reserved_for_vulnerable(pool, rules) > 0:
        grounds = situation - (rules.vulnerable_flags - ABSOLUTE_GROUNDS)
    group = next(
        (index for index, flags in enumerate(groups) if grounds.intersection(flags)),
        len(groups),
    )
    # How long after the place is free the family wants it to start (0: at once or earlier).
    # Inline, not a helper: this runs once per proposal in the allocation's hot loop.
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


def reserved_for_vulnerable(pool: Pool, rules: RulePack) -> int:
    return math.ceil(pool.allocatable * rules.vulnerable_share_percent / 100)


def choose(
    candidates: Iterable[uuid.UUID],
    capacity: int,
    reserve: int,
    priorities: Mapping[uuid.UUID, Priority],
) -> list[uuid.UUID]:
    """A location's choice: first ``reserve`` seats for the best vulnerable, then the best of all.

    Reserved seats no vulnerable family takes go to everyone (a soft reserve). Ties in priority
    keys are broken by applicant id so the result never depends on the order of ``candidates``.
    """

    def order(applicant: uuid.UUID) -> tuple:
        return (*priorities[applicant].key, applicant)

    ranked = sorted(candidates, key=order)
    reserve = min(reserve, capacity)
    reserved = [a for a in ranked if priorities[a].vulnerable][:reserve]
    taken = set(reserved)
    open_seats = [a for a in ranked if a not in taken][: capacity - len(reserved)]
    return sorted([*reserved, *open_seats], key=order)


def _index_to_drop(holders: list[tuple], reserve: int) -> int:
    """Which of one-too-many sorted holders :func:`choose` leaves out: the worst one that does
    not sit on a reserved seat (the best ``reserve`` vulnerable families sit there)."""
    reserved_indexes = set()
    for index, holder in enumerate(holders):
        if len(reserved_indexes) == reserve:
            break
        if holder[-2]:
            reserved_indexes.add(index)
    return max(index for index in range(len(holders)) if index not in reserved_indexes)


def ineligibility(applicant: Applicant, pool: Pool | None) -> str | None:
    """Why ``applicant`` cannot get a place in ``pool`` at all, or ``None``."""
    if pool is None or pool.allocatable == 0:
        return "no_free_place"
    if pool.days and not applicant.days <= pool.days:
        return "days_not_offered"
    # A care need the location does not list never rules a child out (inclusive care, seeds 003
    # and 004): the proposal asks the provider to confirm it (:func:`needs_to_confirm`).
    return None


def needs_to_confirm(applicant: Applicant, pool: Pool) -> frozenset[str]:
    """The child's care needs the location does not list: the provider confirms them."""
    return applicant.care_needs - pool.care_needs


def allocate(
    applicants: Iterable[Applicant],
    pools: Iterable[Pool],
    rules: RulePack = DEFAULT_RULE_PACK,
    seed: int = 0,
) -> Outcome:
    """Run parent-proposing deferred acceptance; return matches with an explanation for each.

    Applicants and pools are sorted first, so the outcome depends only on their content and
    ``seed``, never on the order they were passed in.
    """
    applicants = sorted(applicants, key=lambda a: a.id.int)
    by_id = {applicant.id: applicant for applicant in applicants}
    pools_by_key = {pool.key: pool for pool in sorted(pools, key=lambda p: p.key)}
    lottery = lottery_numbers(by_id, seed)

    def pool_for(applicant: Applicant, location_id: uuid.UUID) -> Pool | None:
        group = applicant.age_groups.get(location_id)
        return pools_by_key.get((location_id, group)) if group else None

    priorities: dict[tuple[uuid.UUID, str], dict[uuid.UUID, Priority]] = {}
    refusals: dict[uuid.UUID, dict[uuid.UUID, str]] = {a.id: {} for a in applicants}
    # Per pool: (group, wait, tie-break, id as int, vulnerable, id), kept sorted: best first.
    held: dict[tuple[uuid.UUID, str], list[tuple]] = {key: [] for key in pools_by_key}
    next_choice = dict.fromkeys(by_id, 0)
    free = deque(applicant.id for applicant in applicants)

    while free:
        applicant_id = free.popleft()
        applicant = by_id[applicant_id]
        if next_choice[applicant_id] >= len(applicant.preferences):
            continue
        location_id = applicant.preferences[next_choice[applicant_id]]
        next_choice[applicant_id] += 1
        pool = pool_for(applicant, location_id)
        reason = ineligibility(applicant, pool)
        if reason is not None:
            refusals[applicant_id][location_id] = reason
            free.append(applicant_id)
            continue
        ranking = priorities.setdefault(pool.key, {})
        priority = priority_of(applicant, pool, rules, lottery)
        ranking[applicant_id] = priority
        holders = held[pool.key]
        bisect.insort(holders, (*priority.key, applicant_id.int, priority.vulnerable, applicant_id))
        if len(holders) > pool.allocatable:
            dropped = holders.pop(_index_to_drop(holders, reserved_for_vulnerable(pool, rules)))
            refusals[dropped[-1]][location_id] = "outranked"
            free.append(dropped[-1])

    outcome = Outcome(rule_pack_version=rules.version, seed=seed)
    for key, holders in held.items():
        for *_, applicant_id in holders:
            outcome.matches[applicant_id] = key
    outcome.explanations = Explanations(
        by_id,
        lambda applicant: _explain(
            applicant, outcome, pools_by_key, priorities, refusals, held, rules
        ),
    )
    return outcome


class Explanations(Mapping):
    """Explanations per applicant, written when first asked for: a round stores only those of
    the families it places, and a simulation needs none."""

    def __init__(self, applicants: Mapping[uuid.UUID, Applicant], explain) -> None:
        self._applicants = applicants
        self._explain = explain
        self._done: dict[uuid.UUID, dict] = {}

    def __getitem__(self, applicant_id: uuid.UUID) -> dict:
        if applicant_id not in self._done:
            self._done[applicant_id] = self._explain(self._applicants[applicant_id])
        return self._done[applicant_id]

    def __iter__(self):
        return iter(self._applicants)

    def __len__(self) -> int:
        return len(self._applicants)


def _explain(applicant, outcome, pools_by_key, priorities, refusals, held, rules) -> dict:
    """Why this family got this place, and why each higher choice did not take them."""
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


def blocking_pairs(
    applicants: Iterable[Applicant],
    pools: Iterable[Pool],
    outcome: Outcome,
    rules: RulePack = DEFAULT_RULE_PACK,
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(applicant, location) pairs that would both rather be matched to each other.

    A location "would rather" take the applicant when its own choice among the families it
    holds plus this applicant includes the applicant. Used by the property tests.
    """
    applicants = list(applicants)
    pools_by_key = {pool.key: pool for pool in pools}
    lottery = lottery_numbers((a.id for a in applicants), outcome.seed)
    holders: dict[tuple, list[uuid.UUID]] = {}
    for applicant_id, key in outcome.matches.items():
        holders.setdefault(key, []).append(applicant_id)
    by_id = {a.id: a for a in applicants}
    pairs = []
    for applicant in applicants:
        match = outcome.matches.get(applicant.id)
        for location_id in applicant.preferences:
            if match and location_id == match[0]:
                break
            group = applicant.age_groups.get(location_id)
            pool = pools_by_key.get((location_id, group))
            if ineligibility(applicant, pool) is not None:
                continue
            members = [*holders.get(pool.key, []), applicant.id]
            ranking = {m: priority_of(by_id[m], pool, rules, lottery) for m in members}
            kept = choose(members, pool.allocatable, reserved_for_vulnerable(pool, rules), ranking)
            if applicant.id in kept:
                pairs.append((applicant.id, location_id))
    return pairs


def with_extra_places(pools: Iterable[Pool], location_id: uuid.UUID, extra: int) -> list[Pool]:
    """A copy of ``pools`` with ``extra`` more places in every age group at one location."""
    return [
        replace(pool, places=pool.places + extra) if pool.location_id == location_id else pool
        for pool in pools
    ]
