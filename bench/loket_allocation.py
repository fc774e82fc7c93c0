"""Loket allocation: deferred acceptance over 500 locations, three preferences per request.

Pure Python, no database: the figure is the algorithm's own time, as this process's CPU time
(``time.process_time``), so other processes on a busy machine do not count. Each size is timed a
few times and the median printed; the data is seeded, so every run allocates the same market.
Half the locations have the extra subsidy for vulnerable families and so keep the rule pack's
share of their places for them.

Per size: the milliseconds, the number of proposals deferred acceptance made and the
microseconds per proposal. Two baselines measured in the same run:

- the growth factor: microseconds per proposal at the largest size ÷ at the smallest — the cost
  of a proposal should not rise as the market fills up;
- the straightforward implementation the tests compare the outcome with
  (``tests/plugins/loket/reference_allocation.py``), at :data:`REFERENCE_SIZES`, in interleaved
  rounds; the speed-up is the median of the per-round ratios (reference ÷ optimised).
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from bench import Figure
from plugins.loket.allocation import DEFAULT_RULE_PACK, Applicant, Pool, allocate
from tests.plugins.loket.reference_allocation import reference_allocate

LOCATIONS = 500
PREFERENCES = 3
SIZES = (1_000, 3_000, 10_000, 30_000, 100_000)
REFERENCE_SIZES = (10_000,)
ROUNDS = 5
LARGE_ROUNDS = 3  # sizes above 10 000 take seconds a round


def market(requests: int, seed: int = 7) -> tuple[list[Applicant], list[Pool]]:
    chance = random.Random(seed)
    location_ids = [uuid.UUID(int=chance.getrandbits(128)) for _ in range(LOCATIONS)]
    pools = [
        Pool(
            location_id=location,
            age_group="baby",
            places=chance.randint(2, 20),
            held_back=1,
            vulnerable_subsidy=number % 2 == 0,
        )
        for number, location in enumerate(location_ids)
    ]
    start = datetime(2026, 1, 1)
    situations = ["work_or_training", "single_parent", "low_income", "foster_child", "urgency"]
    applicants = []
    for number in range(requests):
        preferences = tuple(chance.sample(location_ids, PREFERENCES))
        applicants.append(
            Applicant(
                id=uuid.UUID(int=chance.getrandbits(128)),
                preferences=preferences,
                age_groups={location: "baby" for location in preferences},
                registered_at=start + timedelta(minutes=number),
                situation=frozenset(chance.sample(situations, chance.randint(0, 2))),
            )
        )
    return applicants, pools


def cpu_seconds(function: Callable[[], object]) -> float:
    started = time.process_time()
    function()
    return time.process_time() - started


def run(dataset=None) -> list[Figure]:
    figures = []
    per_proposal = []
    for size in SIZES:
        applicants, pools = market(size)
        optimised = partial(allocate, applicants, pools, DEFAULT_RULE_PACK, 1)
        reference = partial(
            reference_allocate, applicants, pools, DEFAULT_RULE_PACK, 1, explain=False
        )
        outcome = optimised()
        if size in REFERENCE_SIZES and reference()[0].matches != outcome.matches:
            raise AssertionError(f"{size} requests: the allocation differs from the reference")
        timings, ratios = [], []
        for round_number in range(ROUNDS if size <= 10_000 else LARGE_ROUNDS):
            if size not in REFERENCE_SIZES:
                timings.append(cpu_seconds(optimised))
                continue
            # Alternate which runs first, so a slow stretch falls on both alike.
            if round_number % 2 == 0:
                mine, theirs = cpu_seconds(optimised), cpu_seconds(reference)
            else:
                theirs, mine = cpu_seconds(reference), cpu_seconds(optimised)
            timings.append(mine)
            ratios.append((mine, theirs))
        seconds = statistics.median(timings)
        per_proposal.append(seconds * 1e6 / outcome.proposals)
        name = f"loket_allocation_{size}"
        figures += [
            Figure(f"{name}_requests", seconds * 1000, "ms"),
            Figure(f"{name}_proposals", outcome.proposals, "proposals"),
            Figure(f"{name}_per_proposal", per_proposal[-1], "µs"),
            Figure(f"{name}_placed", len(outcome.matches), "children"),
        ]
        if ratios:
            reference_seconds = statistics.median(theirs for _, theirs in ratios)
            figures += [
                Figure(f"{name}_reference", reference_seconds * 1000, "ms"),
                Figure(
                    f"{name}_reference_per_proposal",
                    reference_seconds * 1e6 / outcome.proposals,
                    "µs",
                ),
                # The speed-up: the reference's time ÷ this one's, per round.
                Figure(
                    f"{name}_reference_vs_optimised",
                    statistics.median(theirs / mine for mine, theirs in ratios),
                    "x",
                ),
            ]
    figures.append(
        Figure(
            f"loket_allocation_per_proposal_{SIZES[-1]}_vs_{SIZES[0]}",
            per_proposal[-1] / per_proposal[0],
            "x",
        )
    )
    return figures
