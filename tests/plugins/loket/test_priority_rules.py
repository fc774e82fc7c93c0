"""Priority since 1 April 2024: absolute groups first, proof before urgency and foster care
count, vulnerable families counted once, deviations only on advice and at most 10 %."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from plugins.loket import priority
from plugins.loket.allocation import (
    DEFAULT_RULE_PACK,
    Applicant,
    Pool,
    RulePack,
    allocate,
    lottery_numbers,
    priority_of,
)

A, B = uuid.UUID(int=7001), uuid.UUID(int=7002)
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def family(number: int, *flags: str, sibling_at=(), location=A) -> Applicant:
    """A family as a parent declared it and staff checked it (``flags`` as stored)."""
    return Applicant(
        id=uuid.UUID(int=number),
        preferences=(location,),
        age_groups={location: "baby"},
        # The lower the number, the earlier the registration.
        registered_at=EPOCH + timedelta(days=number),
        situation=priority.counted_grounds(flags),
        sibling_location_ids=frozenset(sibling_at),
        deviation_location_ids=priority.deviation_location_ids(flags),
    )


def ranking(families, pool, rules=DEFAULT_RULE_PACK) -> list[int]:
    """The location's order: who it would take first."""
    lottery = lottery_numbers((f.id for f in families), 0)
    keyed = sorted(families, key=lambda f: (priority_of(f, pool, rules, lottery).key, f.id))
    return [f.id.int for f in keyed]


NO_RESERVE = RulePack.from_rules({"vulnerable_share_percent": 0})


def test_income_related_order_is_work_then_sibling_then_foster_then_deviation_then_further():
    families = [
        family(1),  # registered first, no ground
        family(2, "single_parent"),
        family(3, "urgency", "verified:urgency"),
        family(4, "foster_child", "verified:foster_child"),
        family(5, sibling_at=[A]),
        family(6, "work_or_training", "work_fraction:1=1.0", "work_fraction:2=0.6"),
        family(7, f"deviation:{A}:caw"),
        family(8, "low_income"),
    ]
    income_related = Pool(location_id=A, age_group="baby", places=3)
    assert ranking(families, income_related, NO_RESERVE) == [6, 5, 4, 7, 3, 2, 8, 1]
    # Three places: exactly the three absolute groups, none of the earlier registrations.
    outcome = allocate(families, [income_related], NO_RESERVE)
    assert sorted(a.int for a in outcome.matches) == [4, 5, 6]
    explanation = outcome.explanations[uuid.UUID(int=6)]
    assert (explanation["priority_group"], explanation["priority_grounds"]) == (
        1,
        ["work_or_training"],
    )


def test_working_parents_no_longer_rank_last():
    early = family(1, "single_parent")
    working = family(9, "work_or_training")
    one_place = [Pool(location_id=A, age_group="baby", places=1)]
    assert list(allocate([early, working], one_place, NO_RESERVE).matches) == [working.id]
    # Where the location keeps a place for vulnerable families, that place stays theirs.
    keeps_one = RulePack.from_rules({"vulnerable_share_percent": 100})
    assert list(allocate([early, working], one_place, keeps_one).matches) == [early.id]


@pytest.mark.parametrize(
    ("fractions", "counts"),
    [
        (("work_fraction:1=1.0", "work_fraction:2=0.6"), True),  # average 0.8
        (("work_fraction:1=1.0", "work_fraction:2=0.5"), False),  # average 0.75
        (("work_fraction:1=0.8",), True),  # one parent at 4/5
        (("work_fraction:1=0.6",), False),
        ((), True),  # the box "works or trains at least 4/5" without fractions
    ],
)
def test_work_counts_when_the_parents_average_reaches_four_fifths(fractions, counts):
    grounds = priority.counted_grounds(["work_or_training", *fractions])
    assert ("work_or_training" in grounds) is counts


def test_self_declared_foster_child_or_urgency_counts_only_once_verified():
    declared = ["foster_child", "urgency"]
    assert priority.counted_grounds(declared) == frozenset()
    assert priority.to_verify(declared) == ["foster_child", "urgency"]
    checked = priority.with_proof_decision(declared, "foster_child", "verified")
    checked = priority.with_proof_decision(checked, "urgency", "refused")
    assert priority.counted_grounds(checked) == {"foster_child"}
    assert priority.to_verify(checked) == []
    pool = Pool(location_id=A, age_group="baby", places=1)
    unchecked, verified = family(1, *declared), family(2, *checked)
    assert list(allocate([unchecked, verified], [pool]).matches) == [verified.id]


def test_free_price_location_follows_the_tenants_own_groups():
    families = [family(1), family(2, "work_or_training"), family(3, sibling_at=[A])]
    free_price = Pool(location_id=A, age_group="baby", places=1, income_related=False)
    assert ranking(families, free_price) == [3, 1, 2]
    own = RulePack.from_rules({"free_price_groups": [["work_or_training"], ["sibling"]]})
    assert ranking(families, free_price, own) == [2, 3, 1]


def test_further_groups_are_the_tenants_and_never_move_the_absolute_ones():
    rules = RulePack.from_rules(
        {"priority_groups": [["low_income"], ["work_or_training", "urgency"]]}
    )
    assert rules.priority_groups == (("low_income",), ("urgency",))
    families = [family(1, "urgency", "verified:urgency"), family(2, "low_income"), family(3)]
    pool = Pool(location_id=A, age_group="baby", places=2)
    no_reserve = RulePack.from_rules({**rules.as_rules(), "vulnerable_share_percent": 0})
    assert ranking(families, pool, no_reserve) == [2, 1, 3]


def what_if_market():
    """Ten places, five working families, ten low-income families and five others who
    registered before the low-income families."""
    working = [family(n, "work_or_training") for n in range(100, 105)]
    others = [family(n) for n in range(1, 6)]
    vulnerable = [family(n, "low_income") for n in range(10, 20)]
    return [*working, *others, *vulnerable], [Pool(location_id=A, age_group="baby", places=10)]


def test_what_if_vulnerable_families_are_counted_once_not_twice():
    families, pools = what_if_market()
    with_reserve = RulePack.from_rules({"vulnerable_share_percent": 20})
    outcome = allocate(families, pools, with_reserve)
    placed = sorted(a.int for a in outcome.matches)
    # The five working families, the two reserved places for the best-ranked vulnerable
    # families, then the earliest registrations: the reserve does not also lift them a group.
    assert placed == [1, 2, 3, 10, 11, 100, 101, 102, 103, 104]
    # Without a reserve the further group "single parent or low income" counts instead.
    outcome = allocate(families, pools, RulePack.from_rules({"vulnerable_share_percent": 0}))
    assert sorted(a.int for a in outcome.matches) == [10, 11, 12, 13, 14, 100, 101, 102, 103, 104]


def test_a_deviation_needs_a_named_family_support_organisation():
    with pytest.raises(priority.DeviationRefused, match="no_advice"):
        priority.with_deviation([], location_id=A, organisation="", places=20, already=0)
    flags = priority.with_deviation([], location_id=A, organisation="ckg", places=20, already=0)
    assert flags == [f"deviation:{A}:ckg"]
    assert priority.deviation_location_ids(flags) == {A}


def test_a_deviation_counts_only_at_its_own_location():
    deviated = family(2, f"deviation:{B}:ocmw")
    pool = Pool(location_id=A, age_group="baby", places=1)
    assert ranking([family(1), deviated], pool, NO_RESERVE) == [1, 2]


@pytest.mark.parametrize(("places", "allowed"), [(9, 0), (10, 1), (20, 2), (29, 2), (30, 3)])
def test_deviations_are_capped_at_ten_percent_of_the_places(places, allowed):
    assert priority.deviation_cap(places) == allowed
    for already in range(allowed):
        priority.with_deviation(
            [], location_id=A, organisation="caw", places=places, already=already
        )
    with pytest.raises(priority.DeviationRefused, match="cap_reached"):
        priority.with_deviation(
            [], location_id=A, organisation="caw", places=places, already=allowed
        )
