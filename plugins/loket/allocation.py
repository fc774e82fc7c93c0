"""Fair allocation of childcare places: parent-proposing deferred acceptance. Pure Python.

Families propose to their preferred locations in rank order; each location (per age group)
tentatively holds the best proposals by its priority order and rejects the rest; rejected
families propose to their next choice. The result is stable (no family and location both prefer
each other over what they got) and no family gains by misreporting its preferences.

A location's priority order comes from a versioned rule pack (:class:`RulePack`): at a location
with an income-related price first the absolute groups of the Flemish rules
(:data:`plugins.loket.priority.ABSOLUTE_GROUPS`), then the tenant's further groups; at a
free-price location the tenant's own free-price groups. A location with the extra subsidy for
vulnerable families (:attr:`Pool.vulnerable_subsidy`) keeps the rule pack's target share of its
places for them (a soft reserve: unused reserved places go to everyone); there being vulnerable
earns a reserved place and not a further priority group as well. A location without that
subsidy keeps no places: a vulnerable family counts in the further groups there. Ties are
broken by registration date or by a lottery drawn from a seed. Held-back places (occasional and
emergency care), places reserved by companies and places already taken are never offered.

:func:`allocate` runs on integers — one packed priority key per proposal, two sorted lists of
keys per pool — with the garbage collector paused; :func:`priority_of` and :func:`choose` are
the readable forms of the same order, used for explanations and by the property tests.

Nothing here touches a database or Flask: the same input and seed always give the same output.
"""

from __future__ import annotations

import bisect
import gc
import math
import random
import uuid
from collections.abc import Callable, Iterable, Mapping
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
    # The location has the extra subsidy for vulnerable families: only then it keeps the
    # rule pack's share of its places for them (:func:`reserved_for_vulnerable`).
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
    proposals: int = 0  # how many proposals deferred acceptance made: the work it did

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
    """How ``pool`` ranks ``applicant``. :func:`allocate` computes the same order as packed
    integers; this is the readable form, used for explanations and the staff pages."""
    situation = _situation_at(applicant, pool.location_id)
    groups = rules.groups_for(pool)
    vulnerable = bool(situation & rules.vulnerable_flags)
    group, grounds = _group_of(situation, groups, vulnerable, _keeps_reserve(pool, rules), rules)
    # How long after the place is free the family wants it to start (0: at once or earlier).
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


_LOCATION_GROUNDS = frozenset({"sibling", "deviation"})


def _situation_at(applicant: Applicant, location_id: uuid.UUID) -> frozenset[str]:
    """The applicant's grounds at one location: a sibling or a deviation counts only where it
    applies, whatever the declared situation says."""
    situation = frozenset(applicant.situation) - _LOCATION_GROUNDS
    extra = set()
    if location_id in applicant.sibling_location_ids:
        extra.add("sibling")
    if location_id in applicant.deviation_location_ids:
        extra.add("deviation")
    return situation | extra if extra else situation


def _keeps_reserve(pool: Pool, rules: RulePack) -> bool:
    return reserved_for_vulnerable(pool, rules) > 0


def _group_of(
    situation: frozenset[str],
    groups: tuple[tuple[str, ...], ...],
    vulnerable: bool,
    keeps_reserve: bool,
    rules: RulePack,
) -> tuple[int, frozenset[str]]:
    """The index of the first group the situation falls in (``len(groups)``: none), and the
    grounds that count for it."""
    # Counted once: where the pool keeps reserved places for vulnerable families, being
    # vulnerable earns a reserved place there and not a further priority group as well.
    grounds = situation
    if vulnerable and keeps_reserve:
        grounds = situation - (rules.vulnerable_flags - ABSOLUTE_GROUNDS)
    group = next(
        (index for index, flags in enumerate(groups) if grounds.intersection(flags)),
        len(groups),
    )
    return group, grounds


def reserved_for_vulnerable(pool: Pool, rules: RulePack) -> int:
    """Places ``pool`` keeps for vulnerable families: only a location with the extra subsidy
    for vulnerable families keeps them (seed 002); elsewhere none."""
    if not pool.vulnerable_subsidy:
        return 0
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
    ``seed``, never on the order they were passed in. An applicant id given twice counts once
    (the last one given, in id order).
    """
    # The loop allocates only ints and short lists, nothing with reference cycles: the cyclic
    # garbage collector would only walk the growing heap again and again (a fifth of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Market(applicants, pools, rules, seed).run()
    finally:
        if collecting:
            gc.enable()


class _Market:
    """One run of deferred acceptance on integers.

    Applicants are numbered in the order given, pools in key order. A pool ranks an applicant by one
    packed integer, ``(group × max_wait + wait) × applicants + tie_rank``, where ``tie_rank``
    is the applicant's place in (registration date or lottery number, id) order: comparing two
    such integers is comparing :attr:`Priority.key` and then the id, as :func:`choose` does.
    Each pool keeps its holders' integers in two sorted lists, vulnerable and other; the best
    ``reserve`` vulnerable holders sit on the reserved places, so the one to let go when a pool
    is over capacity is the worse of the last vulnerable holder beyond those and the last other
    holder — no scan over the holders.
    """

    def __init__(self, applicants, pools, rules: RulePack, seed: int) -> None:
        given = list(applicants)
        ints = [applicant.id.int for applicant in given]
        if len(set(ints)) != len(ints):
            given = list({applicant.id: applicant for applicant in given}.values())
            ints = [applicant.id.int for applicant in given]
        # Kept in the order given: walking objects in the order they were made is several
        # times faster (memory caches) than walking them in id order.
        self.applicants = given
        self.rules = rules
        self.seed = seed
        self.pools_by_key = {pool.key: pool for pool in sorted(pools, key=lambda p: p.key)}
        count = len(given)
        self.ints = ints
        if rules.tie_break == "lottery":
            ties = self.lottery_values
            # Positions in (tie-break, id) order: a stable sort of the id order by tie-break.
            self.by_rank = sorted(self.id_order, key=ties.__getitem__)
        else:
            ties = [applicant.registered_at.timestamp() for applicant in given]
            self.by_rank = _tie_order(ties, ints)
        self.rank = [0] * count
        for rank, index in enumerate(self.by_rank):
            self.rank[index] = rank

    @cached_property
    def id_order(self) -> list[int]:
        """Positions in id order: lottery numbers are drawn in it, explanations follow it."""
        return sorted(range(len(self.ints)), key=self.ints.__getitem__)

    @cached_property
    def lottery_values(self) -> list[float]:
        """Each position's lottery number, drawn in id order as :func:`lottery_numbers` does."""
        generator = random.Random(self.seed)
        values = [0.0] * len(self.ints)
        for index in self.id_order:
            values[index] = generator.random()
        return values

    def run(self) -> Outcome:
        rules, applicants = self.rules, self.applicants
        count = len(applicants)
        pool_list = list(self.pools_by_key.values())
        kinds: list[tuple[tuple[tuple[str, ...], ...], bool]] = []
        kind_index: dict[tuple[int, bool], int] = {}
        pool_kind, capacity, reserve, pool_days, free_from = [], [], [], [], []
        pool_at: dict[int, dict[str, int]] = {}
        for index, pool in enumerate(pool_list):
            groups = rules.groups_for(pool)
            keeps = _keeps_reserve(pool, rules)
            kind = kind_index.setdefault((id(groups), keeps), len(kinds))
            if kind == len(kinds):
                kinds.append((groups, keeps))
            pool_kind.append(kind)
            capacity.append(pool.allocatable)
            reserve.append(reserved_for_vulnerable(pool, rules))
            pool_days.append(pool.days or None)
            free_from.append(pool.available_from.toordinal() if pool.available_from else None)
            pool_at.setdefault(pool.location_id.int, {})[pool.age_group] = index

        wanted = [a.desired_start.toordinal() if a.desired_start else None for a in applicants]
        starts = [day for day in free_from if day is not None]
        wants = [day for day in wanted if day is not None]
        max_wait = max(wants) - min(starts) if starts and wants else 0
        # Packed key: tie rank in the lowest digits, then the wait, then the group.
        wait_step = max(count, 1)
        group_step = wait_step * (max(max_wait, 0) + 1)

        vulnerable_flags = rules.vulnerable_flags
        infos: dict[frozenset[str], tuple[bool, tuple[int, ...]]] = {}

        def info_of(situation: frozenset[str]) -> tuple[bool, tuple[int, ...]]:
            # Whether vulnerable, and the group part of the key in each kind of pool: the same
            # few situations recur, so each is worked out once.
            found = infos.get(situation)
            if found is None:
                vulnerable = bool(situation & vulnerable_flags)
                found = infos[situation] = (
                    vulnerable,
                    tuple(
                        _group_of(situation, groups, vulnerable, keeps, rules)[0] * group_step
                        for groups, keeps in kinds
                    ),
                )
            return found

        base_infos: dict[frozenset[str], tuple[bool, tuple[int, ...]]] = {}
        base, located = [], []
        for applicant in applicants:
            situation = frozenset(applicant.situation)
            found = base_infos.get(situation)
            if found is None:
                found = base_infos[situation] = info_of(situation - _LOCATION_GROUNDS)
            base.append(found)
            located.append(bool(applicant.sibling_location_ids or applicant.deviation_location_ids))

        rank, by_rank = self.rank, self.by_rank
        next_choice = [0] * count
        vulnerable_held: list[list[int]] = [[] for _ in pool_list]
        other_held: list[list[int]] = [[] for _ in pool_list]
        held_count = [0] * len(pool_list)
        insort = bisect.insort

        for first in range(count):
            current = first
            # ``current`` proposes until a pool holds it; whoever that pool lets go goes on.
            while current >= 0:
                applicant = applicants[current]
                preferences = applicant.preferences
                choice = next_choice[current]
                if choice >= len(preferences):
                    break
                next_choice[current] = choice + 1
                location_id = preferences[choice]
                age_group = applicant.age_groups.get(location_id)
                if not age_group:
                    continue
                at_location = pool_at.get(location_id.int)
                if at_location is None:
                    continue
                pool = at_location.get(age_group)
                if pool is None or not capacity[pool]:
                    continue
                days = pool_days[pool]
                if days is not None and not applicant.days <= days:
                    continue
                vulnerable, group_keys = base[current]
                if located[current] and (
                    location_id in applicant.sibling_location_ids
                    or location_id in applicant.deviation_location_ids
                ):
                    vulnerable, group_keys = info_of(_situation_at(applicant, location_id))
                key = group_keys[pool_kind[pool]] + rank[current]
                free_day = free_from[pool]
                if free_day is not None:
                    wanted_day = wanted[current]
                    if wanted_day is not None and wanted_day > free_day:
                        key += (wanted_day - free_day) * wait_step
                insort(vulnerable_held[pool] if vulnerable else other_held[pool], key)
                if held_count[pool] < capacity[pool]:
                    held_count[pool] += 1
                    current = -1
                    continue
                vulnerable_keys, other_keys = vulnerable_held[pool], other_held[pool]
                worst_vulnerable = (
                    vulnerable_keys[-1] if len(vulnerable_keys) > reserve[pool] else -1
                )
                if other_keys and other_keys[-1] > worst_vulnerable:
                    dropped = other_keys.pop()
                else:
                    dropped = vulnerable_keys.pop()
                current = by_rank[dropped % wait_step]

        outcome = Outcome(rule_pack_version=rules.version, seed=self.seed)
        self.last_held: dict[tuple[uuid.UUID, str], int] = {}  # the pool's worst holder
        for index, key in enumerate(self.pools_by_key):
            holders = sorted(vulnerable_held[index] + other_held[index])
            for packed in holders:
                outcome.matches[applicants[by_rank[packed % wait_step]].id] = key
            if holders:
                self.last_held[key] = by_rank[holders[-1] % wait_step]
        self.next_choice = next_choice
        self.matches = outcome.matches
        # Every choice a family got to is one proposal.
        outcome.proposals = sum(next_choice)
        outcome.explanations = Explanations(applicants, lambda: self.id_order, self.explain)
        return outcome

    @cached_property
    def lottery(self) -> Mapping[uuid.UUID, float]:
        return {a.id: value for a, value in zip(self.applicants, self.lottery_values, strict=True)}

    def priority(self, applicant: Applicant, key: tuple[uuid.UUID, str]) -> Priority:
        return priority_of(applicant, self.pools_by_key[key], self.rules, self.lottery)

    def explain(self, index: int) -> dict:
        """Why this family got this place, and why each higher choice did not take them."""
        applicant = self.applicants[index]
        match = self.matches.get(applicant.id)
        matched_location = match[0] if match else None
        explanation: dict[str, Any] = {
            "rule_pack_version": self.rules.version,
            "tie_break": self.rules.tie_break,
            "placed": match is not None,
            "rank": None,
            "priority_group": None,
            "priority_grounds": [],
            "vulnerable": None,
            "higher_choices": [],
        }
        for rank, location_id in enumerate(applicant.preferences, start=1):
            if location_id == matched_location:
                priority = self.priority(applicant, match)
                explanation.update(
                    rank=rank,
                    priority_group=priority.group + 1,
                    priority_grounds=list(priority.grounds),
                    vulnerable=priority.vulnerable,
                )
                break
            # Every choice proposed to and not held refused the family: for a reason of its
            # own, or because the families it holds rank higher.
            reason = "not_reached"
            if rank <= self.next_choice[index]:
                group = applicant.age_groups.get(location_id)
                pool = self.pools_by_key.get((location_id, group)) if group else None
                reason = ineligibility(applicant, pool) or "outranked"
            note: dict[str, Any] = {"rank": rank, "location_id": str(location_id), "reason": reason}
            if reason == "outranked":
                key = (location_id, applicant.age_groups[location_id])
                mine = self.priority(applicant, key)
                last_index = self.last_held.get(key)
                last = None
                if last_index is not None:
                    last = self.priority(self.applicants[last_index], key)
                note["own_group"] = mine.group + 1
                note["last_admitted_group"] = last.group + 1 if last else None
                note["places"] = self.pools_by_key[key].allocatable
            explanation["higher_choices"].append(note)
        return explanation


def _tie_order(ties: list[float], ints: list[int]) -> list[int]:
    """Positions in (tie-break, id) order. Sorting 128-bit ids is the slow part, and only
    equal tie-breaks need them: sort by tie-break, then each run of equal ones by id."""
    order = sorted(range(len(ties)), key=ties.__getitem__)
    if len(set(ties)) == len(ties):
        return order
    start = 0
    for end in range(1, len(order) + 1):
        if end == len(order) or ties[order[end]] != ties[order[start]]:
            if end - start > 1:
                order[start:end] = sorted(order[start:end], key=ints.__getitem__)
            start = end
    return order


class Explanations(Mapping):
    """Explanations per applicant, written when first asked for: a round stores only those of
    the families it places, and a simulation needs none."""

    def __init__(
        self,
        applicants: list[Applicant],
        id_order: Callable[[], list[int]],
        explain: Callable[[int], dict],
    ) -> None:
        self._applicants = applicants  # ids unique
        self._id_order = id_order  # positions in ``applicants`` by id: the order of iteration
        self._explain = explain
        self._done: dict[uuid.UUID, dict] = {}

    @cached_property
    def _index(self) -> dict[uuid.UUID, int]:
        return {applicant.id: index for index, applicant in enumerate(self._applicants)}

    def __getitem__(self, applicant_id: uuid.UUID) -> dict:
        if applicant_id not in self._done:
            self._done[applicant_id] = self._explain(self._index[applicant_id])
        return self._done[applicant_id]

    def __iter__(self):
        return (self._applicants[index].id for index in self._id_order())

    def __len__(self) -> int:
        return len(self._applicants)


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
