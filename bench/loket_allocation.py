"""Loket allocation: deferred acceptance over 500 locations, three preferences per request.

Pure Python, no database: the figure is the algorithm's own time. Each size is timed a few times
and the median printed; the data is seeded, so every run allocates the same market.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from datetime import datetime, timedelta

from bench import Figure
from plugins.loket.allocation import DEFAULT_RULE_PACK, Applicant, Pool, allocate

LOCATIONS = 500
PREFERENCES = 3
SIZES = (1_000, 3_000, 10_000, 30_000)
ROUNDS = 3
TARGET_SIZE = 10_000


def market(requests: int, seed: int = 7) -> tuple[list[Applicant], list[Pool]]:
    chance = random.Random(seed)
    location_ids = [uuid.UUID(int=chance.getrandbits(128)) for _ in range(LOCATIONS)]
    pools = [
        Pool(location_id=location, age_group="baby", places=chance.randint(2, 20), held_back=1)
        for location in location_ids
    ]
    start = datetime(2026, 1, 1)
    situations = ["work", "single_parent", "low_income", "foster_child", "urgency"]
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


def run(dataset=None) -> list[Figure]:
    """Time per size; the smallest size is the baseline the growth ratios are measured against."""
    figures = []
    baseline = None
    for size in SIZES:
        applicants, pools = market(size)
        timings = []
        for _ in range(ROUNDS if size <= TARGET_SIZE else 1):
            started = time.perf_counter()
            outcome = allocate(applicants, pools, DEFAULT_RULE_PACK, seed=1)
            timings.append(time.perf_counter() - started)
        milliseconds = statistics.median(timings) * 1000
        baseline = baseline or milliseconds
        figures.append(Figure(f"loket_allocation_{size}_requests", milliseconds, "ms"))
        figures.append(
            Figure(f"loket_allocation_{size}_vs_{SIZES[0]}", milliseconds / baseline, "x")
        )
        figures.append(Figure(f"loket_allocation_{size}_placed", len(outcome.matches), "children"))
    return figures
