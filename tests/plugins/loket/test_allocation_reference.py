"""The optimised allocation gives exactly what the straightforward one gives: same matches in
the same order, same number of proposals, same explanations — on random markets with every
rule that changes a location's order."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from plugins.loket.allocation import Applicant, Pool, RulePack, allocate, blocking_pairs
from tests.plugins.loket.reference_allocation import reference_allocate

GROUNDS = ["work_or_training", "single_parent", "low_income", "foster_child", "urgency"]
DAYS = ["mon", "tue", "wed", "thu", "fri"]
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def random_market(seed: int, requests: int, locations: int):
    chance = random.Random(seed)
    location_ids = [uuid.UUID(int=chance.getrandbits(128)) for _ in range(locations)]
    pools = []
    for location in location_ids:
        # Some locations have one age group only; a child's other group finds no pool there.
        for age_group in chance.sample(["baby", "toddler"], chance.randint(1, 2)):
            places = chance.randint(0, 8)
            pools.append(
                Pool(
                    location_id=location,
                    age_group=age_group,
                    places=places,
                    held_back=chance.randint(0, min(1, places)),
                    reserved=chance.choice([0, 0, 1]),
                    taken=chance.choice([0, 0, 1]),
                    income_related=chance.random() < 0.7,
                    vulnerable_subsidy=chance.random() < 0.5,
                    days=frozenset(chance.sample(DAYS, chance.randint(3, 5)))
                    if chance.random() < 0.3
                    else frozenset(),
                    available_from=date(2026, 9, 1) + timedelta(chance.randint(0, 90))
                    if chance.random() < 0.6
                    else None,
                )
            )
    # A location a family asks for that offers nothing at all.
    location_ids.append(uuid.UUID(int=chance.getrandbits(128)))
    applicants = []
    for _ in range(requests):
        preferences = tuple(chance.sample(location_ids, chance.randint(0, 4)))
        age_group = chance.choice(["baby", "toddler"])
        applicants.append(
            Applicant(
                id=uuid.UUID(int=chance.getrandbits(128)),
                preferences=preferences,
                age_groups=dict.fromkeys(preferences, age_group),
                # Coarse registration times: many families share one, the id decides.
                registered_at=EPOCH + timedelta(hours=chance.randint(0, requests // 4)),
                situation=frozenset(chance.sample(GROUNDS, chance.randint(0, 3))),
                days=frozenset(chance.sample(DAYS, chance.randint(1, 4))),
                sibling_location_ids=frozenset(
                    location for location in preferences if chance.random() < 0.1
                ),
                deviation_location_ids=frozenset(
                    location for location in preferences if chance.random() < 0.05
                ),
                desired_start=date(2026, 8, 1) + timedelta(chance.randint(0, 150))
                if chance.random() < 0.8
                else None,
            )
        )
    rules = RulePack.from_rules(
        {
            "tie_break": chance.choice(["registration_date", "lottery"]),
            "vulnerable_share_percent": chance.choice([0, 20, 50, 100]),
            "priority_groups": chance.choice(
                [[["urgency"], ["single_parent", "low_income"]], [["low_income"]], []]
            ),
            "free_price_groups": chance.choice([[["sibling"]], [["sibling"], ["urgency"]]]),
            "income_related_only": chance.random() < 0.8,
        },
        version=seed,
    )
    return applicants, pools, rules


@pytest.mark.parametrize("seed", range(12))
def test_the_optimised_allocation_matches_the_reference_on_random_markets(seed):
    # From a market with room for most families to one where most propose to every choice.
    requests = [40, 150, 600][seed % 3]
    applicants, pools, rules = random_market(seed, requests, locations=12)
    outcome = allocate(applicants, pools, rules, seed)
    expected, explanations = reference_allocate(applicants, pools, rules, seed)
    assert list(outcome.matches.items()) == list(expected.matches.items())
    assert outcome.proposals == expected.proposals
    assert dict(outcome.explanations) == explanations
    assert list(outcome.explanations) == list(explanations)  # in id order, as before
    # The market is not trivial: some families lose a place to others, some are placed.
    assert 0 < len(outcome.matches) < len(applicants)
    assert any(
        note["reason"] == "outranked"
        for explanation in explanations.values()
        for note in explanation["higher_choices"]
    )


def test_the_random_markets_exercise_every_rule_the_reference_is_compared_on():
    """Guards the comparison above against a generator that stops producing a case."""
    markets = [random_market(seed, 150, locations=12) for seed in range(12)]
    pools = [p for _, market_pools, _ in markets for p in market_pools]
    applicants = [a for market_applicants, _, _ in markets for a in market_applicants]
    rule_packs = [rules for _, _, rules in markets]
    assert {p.vulnerable_subsidy for p in pools} == {True, False}
    assert {p.income_related for p in pools} == {True, False}
    assert any(p.days for p in pools) and any(p.available_from for p in pools)
    assert any(a.sibling_location_ids for a in applicants)
    assert any(a.deviation_location_ids for a in applicants)
    assert {rules.tie_break for rules in rule_packs} == {"registration_date", "lottery"}
    assert {rules.vulnerable_share_percent > 0 for rules in rule_packs} == {True, False}


@pytest.mark.parametrize("seed", range(4))
def test_the_optimised_allocation_is_stable_on_random_markets(seed):
    applicants, pools, rules = random_market(100 + seed, 300, locations=12)
    outcome = allocate(applicants, pools, rules, seed)
    assert blocking_pairs(applicants, pools, outcome, rules) == []


def test_the_garbage_collector_is_switched_back_on_even_when_the_allocation_fails():
    import gc

    broken = Applicant(
        id=uuid.UUID(int=1),
        preferences=(),
        age_groups={},
        registered_at=None,  # type: ignore[arg-type]
    )
    assert gc.isenabled()
    with pytest.raises(AttributeError):
        allocate([broken], [], RulePack.from_rules({}))
    assert gc.isenabled()
