"""Funnel and forecast arithmetic — plain Python over plain rows, no database.

*Funnel*: how many candidates reached each stage (a candidate who reached ``intake`` also
counts for every stage before it, also after dropping out), the conversion from each stage to
the next, why candidates dropped out, and how many graduates work at a provider in the region.

*Forecast*: graduates expected per quarter. Every candidate still in a cohort (enrolled, in
training or on internship) is counted in the quarter their cohort ends, weighted by the
completion rate: graduates ÷ enrolled in cohorts that have ended. Until a cohort has ended the
rate is :data:`DEFAULT_COMPLETION_RATE`. Set against it: the places starters plan to open in
that quarter and the workers those places need (one per :data:`PLACES_PER_WORKER` places).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from plugins.training.services import IN_COHORT, PIPELINE, DropoutReason, Stage, position

# Assumed until a cohort of this municipality has ended: about six in ten who start a
# kinderbegeleider course finish it (the region's own drop-out worries in the seed texts).
DEFAULT_COMPLETION_RATE = 0.6
# The Flemish ratio in group childcare: one childcare worker per eight children present.
PLACES_PER_WORKER = 8
FORECAST_QUARTERS = 6


@dataclass(frozen=True)
class FunnelRow:
    stage: str
    furthest_stage: str
    dropout_reason: str = ""
    employed_in_region: bool = False
    hired_through_match: bool = False


@dataclass
class Funnel:
    reached: dict[str, int]
    conversion: dict[str, float | None]  # stage → % of its predecessor's count that got here
    dropouts: dict[str, int]
    graduates: int
    employed_in_region: int
    total: int
    hired_through_match: int = 0  # employed through a provider's vacancy (the job match)

    @property
    def dropped_out(self) -> int:
        return sum(self.dropouts.values())


def funnel(rows: list[FunnelRow]) -> Funnel:
    reached = {stage.value: 0 for stage in PIPELINE}
    dropouts = {reason.value: 0 for reason in DropoutReason}
    employed_in_region = 0
    for row in rows:
        furthest = position(row.furthest_stage)
        for stage in PIPELINE[: furthest + 1]:
            reached[stage] += 1
        if row.stage == Stage.DROPPED_OUT:
            dropouts[row.dropout_reason or DropoutReason.OTHER] += 1
        if row.stage == Stage.EMPLOYED and row.employed_in_region:
            employed_in_region += 1
    conversion: dict[str, float | None] = {}
    for before, after in zip(PIPELINE, PIPELINE[1:], strict=False):
        conversion[after] = percent(reached[after], reached[before])
    return Funnel(
        reached=reached,
        conversion=conversion,
        dropouts=dropouts,
        graduates=reached[Stage.GRADUATED],
        employed_in_region=employed_in_region,
        total=len(rows),
        hired_through_match=sum(
            1 for row in rows if row.stage == Stage.EMPLOYED and row.hired_through_match
        ),
    )


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# -- forecast -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortOutcome:
    """A cohort as the forecast sees it."""

    ends_on: date
    enrolled: int  # candidates who ever reached `enrolled` in it
    graduated: int  # of whom reached `graduated`
    still_in_training: int  # now enrolled, in training or on internship


@dataclass(frozen=True)
class CompletionRate:
    rate: float
    measured: bool  # False: the default, no cohort has ended yet
    cohorts: int
    enrolled: int
    graduated: int


def completion_rate(cohorts: list[CohortOutcome], today: date) -> CompletionRate:
    ended = [cohort for cohort in cohorts if cohort.ends_on < today and cohort.enrolled]
    enrolled = sum(cohort.enrolled for cohort in ended)
    graduated = sum(cohort.graduated for cohort in ended)
    if not enrolled:
        return CompletionRate(DEFAULT_COMPLETION_RATE, False, 0, 0, 0)
    return CompletionRate(round(graduated / enrolled, 3), True, len(ended), enrolled, graduated)


@dataclass
class QuarterForecast:
    quarter: str  # 2027-K1
    expected_graduates: float
    planned_places: int
    workers_needed: int


@dataclass
class Forecast:
    rate: CompletionRate
    quarters: list[QuarterForecast] = field(default_factory=list)

    @property
    def expected_total(self) -> float:
        return round(sum(q.expected_graduates for q in self.quarters), 1)

    @property
    def workers_needed_total(self) -> int:
        return sum(q.workers_needed for q in self.quarters)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}-K{quarter}"


def following_quarters(today: date, count: int) -> list[tuple[int, int]]:
    year, quarter = quarter_of(today)
    result = []
    for _ in range(count):
        result.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return result


def forecast(
    cohorts: list[CohortOutcome],
    planned: list,
    *,
    today: date,
    quarters: int = FORECAST_QUARTERS,
) -> Forecast:
    """``planned`` holds :class:`core.plugin_types.PlannedPlaces` (from the starters plugin)."""
    rate = completion_rate(cohorts, today)
    window = following_quarters(today, quarters)
    expected: Counter = Counter()
    for cohort in cohorts:
        if not cohort.still_in_training:
            continue
        # A cohort past its end with candidates still in it finishes in the current quarter.
        key = max(quarter_of(cohort.ends_on), window[0])
        expected[key] += cohort.still_in_training * rate.rate
    places: Counter = Counter()
    for plan in planned:
        if plan.status == "opened":
            continue  # already open: its staff is hired, not forecast
        places[max(quarter_of(plan.opening_on), window[0])] += plan.places
    return Forecast(
        rate=rate,
        quarters=[
            QuarterForecast(
                quarter=quarter_label(*key),
                expected_graduates=round(expected[key], 1),
                planned_places=places[key],
                workers_needed=math.ceil(places[key] / PLACES_PER_WORKER),
            )
            for key in window
        ],
    )


def in_cohort(stage: str) -> bool:
    return stage in IN_COHORT
