"""Which priority grounds of a request count, following the Flemish rules since 1 April 2024.

A location with an income-related price gives *absolute* priority, in this order (the order
in which the decree lists them; a family counts in its highest group):

1. ``work_or_training`` — the family on average works, or follows day training aimed at work,
   at least 4/5 (two parents: the average of both parents' fractions is at least 0.8);
2. ``sibling`` — a brother or sister attends the same location at the same time;
3. ``foster_child`` — the child is a foster child;
4. ``deviation`` — the location deviates for this child (at most 10 % of its places), in the
   interest of the child or for a health or welfare situation in the family, on the recorded
   advice of a named family-support organisation.

After these come the tenant's own further groups (the rule pack's ``priority_groups``).
Free-price locations use the tenant's ``free_price_groups`` only.

What a parent declared is kept in the request's ``situation`` list (a JSON column), next to
what staff recorded about it, as prefixed flags:

- ``work_fraction:<parent>=<fraction>`` — a parent's work or training fraction (0 to 1);
- ``verified:<ground>`` / ``refused:<ground>`` — staff checked a ground that needs proof;
- ``deviation:<location id>:<organisation>`` — a deviation on an organisation's advice;
- ``advice:<location id>:<advice id>`` — that deviation came from an adviser's hook call
  (plugins/loket/ckg_advice.py) and goes when the adviser withdraws the advice.

A self-declared foster child or urgency counts only once staff marked it verified; until
then staff see it as "to verify". Nothing here touches a database or Flask.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

ABSOLUTE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("work_or_training",),
    ("sibling",),
    ("foster_child",),
    ("deviation",),
)
ABSOLUTE_GROUNDS = frozenset(ground for group in ABSOLUTE_GROUPS for ground in group)
# Grounds the tenant may order after the absolute groups.
FURTHER_GROUNDS = ("urgency", "single_parent", "low_income")
# Declared grounds that count only after staff checked the proof.
NEEDS_PROOF = frozenset({"foster_child", "urgency"})
WORK_THRESHOLD = 0.8  # 4/5
MAX_DEVIATION_SHARE = 0.10
FAMILY_SUPPORT_ORGANISATIONS = (
    "kind_en_gezin",  # Kind en Gezin's local team
    "huis_van_het_kind",
    "ckg",  # centrum voor kinderzorg en gezinsondersteuning
    "caw",  # centrum algemeen welzijnswerk
    "ocmw",
    "trajectory_support",  # trajectory support in work or civic integration
)
PROOF_DECISIONS = ("verified", "refused")


class DeviationRefused(ValueError):
    """A deviation that the rules do not allow (no advice, or over the 10 % cap)."""


def work_fractions(flags: Iterable[str]) -> dict[int, float]:
    """The declared work or training fraction per parent (1 or 2)."""
    found: dict[int, float] = {}
    for flag in flags:
        if not flag.startswith("work_fraction:"):
            continue
        parent, _, value = flag.removeprefix("work_fraction:").partition("=")
        try:
            found[int(parent)] = max(0.0, min(1.0, float(value)))
        except ValueError:
            continue
    return found


def average_work_fraction(fractions: dict[int, float]) -> float | None:
    """The family's average: over both parents in a two-parent family."""
    if not fractions:
        return None
    return sum(fractions.values()) / len(fractions)


def works_four_fifths(flags: Iterable[str]) -> bool:
    """Whether the work ground counts: the declared average reaches 4/5.

    Without declared fractions the parent's "work or training at least 4/5" box counts as
    declared (requests from before the fractions were asked).
    """
    flags = list(flags)
    average = average_work_fraction(work_fractions(flags))
    if average is None:
        return "work_or_training" in flags
    return average >= WORK_THRESHOLD - 1e-9


def proof_state(flags: Iterable[str], ground: str) -> str:
    """``verified``, ``refused`` or ``declared`` (not yet checked) for a declared ground."""
    flags = set(flags)
    if f"refused:{ground}" in flags:
        return "refused"
    if f"verified:{ground}" in flags:
        return "verified"
    return "declared"


def counted_grounds(flags: Iterable[str]) -> frozenset[str]:
    """The grounds the allocation counts: plain grounds, work by its average, proof-bound
    grounds only once verified. Location-bound grounds (sibling, deviation) come separately."""
    flags = list(flags)
    grounds = {flag for flag in flags if ":" not in flag and flag != "sibling"}
    grounds.discard("work_or_training")
    if works_four_fifths(flags):
        grounds.add("work_or_training")
    for ground in NEEDS_PROOF:
        if ground in grounds and proof_state(flags, ground) != "verified":
            grounds.discard(ground)
    return frozenset(grounds)


def to_verify(flags: Iterable[str]) -> list[str]:
    """Declared grounds that need proof and that staff have not decided on yet."""
    flags = list(flags)
    return [
        ground
        for ground in sorted(NEEDS_PROOF)
        if ground in flags and proof_state(flags, ground) == "declared"
    ]


def with_proof_decision(flags: Iterable[str], ground: str, decision: str) -> list[str]:
    """The flags after staff decided on the proof of ``ground``."""
    if ground not in NEEDS_PROOF or decision not in PROOF_DECISIONS:
        raise ValueError(f"no proof decision {decision!r} for {ground!r}")
    kept = [f for f in flags if f not in (f"verified:{ground}", f"refused:{ground}")]
    return sorted({*kept, f"{decision}:{ground}"})


@dataclass(frozen=True)
class Deviation:
    location_id: uuid.UUID
    organisation: str


def deviations(flags: Iterable[str]) -> list[Deviation]:
    found = []
    for flag in flags:
        if not flag.startswith("deviation:"):
            continue
        location, _, organisation = flag.removeprefix("deviation:").partition(":")
        try:
            found.append(Deviation(uuid.UUID(location), organisation))
        except ValueError:
            continue
    return found


def deviation_location_ids(flags: Iterable[str]) -> frozenset[uuid.UUID]:
    return frozenset(d.location_id for d in deviations(flags))


def deviation_cap(places: int) -> int:
    """How many children a location may admit by deviation: at most 10 % of its places."""
    return int(places * MAX_DEVIATION_SHARE + 1e-9)


def with_deviation(
    flags: Iterable[str],
    *,
    location_id: uuid.UUID,
    organisation: str,
    places: int,
    already: int,
) -> list[str]:
    """The flags with a deviation at ``location_id``, if the rules allow one more there.

    ``places`` is the location's licensed places, ``already`` the deviations it already has.
    """
    if organisation not in FAMILY_SUPPORT_ORGANISATIONS:
        raise DeviationRefused("no_advice")
    flags = list(flags)
    if location_id in deviation_location_ids(flags):
        return sorted(flags)
    if already + 1 > deviation_cap(places):
        raise DeviationRefused("cap_reached")
    return sorted({*flags, f"deviation:{location_id}:{organisation}"})


def group_name(flags: tuple[str, ...]) -> str:
    """A stable key naming a group by its grounds (for explanations)."""
    return "+".join(flags)


def work_fraction_flags(*percents: int | None) -> list[str]:
    """The flags for the parents' declared work or training percentages (empty: not given)."""
    return [
        f"work_fraction:{parent}={percent / 100:g}"
        for parent, percent in enumerate(percents, start=1)
        if percent is not None
    ]


def work_percents(flags: Iterable[str]) -> dict[str, int]:
    """The declared percentages per parent, for a form (``work_percent_1``, ``_2``)."""
    return {
        f"work_percent_{parent}": round(fraction * 100)
        for parent, fraction in work_fractions(flags).items()
    }


def kept_staff_flags(old: Iterable[str], declared: Iterable[str]) -> set[str]:
    """What staff recorded that survives a parent's change: a proof decision only while the
    ground is still declared (a changed ground needs proof again), and deviations."""
    declared = set(declared)
    kept = set()
    for flag in old:
        kind, _, ground = flag.partition(":")
        if kind in PROOF_DECISIONS and ground in declared or kind in ("deviation", "advice"):
            kept.add(flag)
    return kept


def summary(flags: Iterable[str]) -> dict[str, list[str]]:
    """For a work list: the grounds that count (absolute ones first, in their order) and the
    declared grounds still to verify. Sibling and deviation count at their own location."""
    flags = list(flags)
    counted = set(counted_grounds(flags))
    if any(flag.startswith("sibling:") for flag in flags):
        counted.add("sibling")
    if deviations(flags):
        counted.add("deviation")
    order = [ground for group in ABSOLUTE_GROUPS for ground in group]
    absolute = [ground for ground in order if ground in counted]
    further = sorted(counted - ABSOLUTE_GROUNDS)
    return {"absolute": absolute, "further": further, "to_verify": to_verify(flags)}
