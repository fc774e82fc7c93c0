"""The allocation: stable, within capacity, never into held-back places, repeatable for a seed."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.loket.allocation import (
    DEFAULT_RULE_PACK,
    Applicant,
    Pool,
    RulePack,
    age_group_for,
    allocate,
    blocking_pairs,
    needs_to_confirm,
    reserved_for_vulnerable,
)

LOCATIONS = [uuid.UUID(int=1000 + n) for n in range(6)]
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
FLAGS = ["work_or_training", "single_parent", "low_income", "foster_child", "urgency"]


def applicant(number: int, preferences, *, situation=(), days=(), needs=(), registered=None):
    return Applicant(
        id=uuid.UUID(int=number),
        preferences=tuple(preferences),
        age_groups=dict.fromkeys(preferences, "baby"),
        registered_at=registered or EPOCH + timedelta(days=number),
        situation=frozenset(situation),
        days=frozenset(days),
        care_needs=frozenset(needs),
    )


def pool(location, places, **kwargs) -> Pool:
    return Pool(location_id=location, age_group="baby", places=places, **kwargs)


@st.composite
def markets(draw):
    pools = []
    for location in LOCATIONS[: draw(st.integers(1, len(LOCATIONS)))]:
        places = draw(st.integers(0, 4))
        pools.append(
            pool(
                location,
                places,
                held_back=draw(st.integers(0, min(1, places))),
                reserved=draw(st.integers(0, 1)),
                income_related=draw(st.booleans()),
                vulnerable_subsidy=draw(st.booleans()),
            )
        )
    locations = [p.location_id for p in pools]
    applicants = []
    for number in range(1, draw(st.integers(0, 14)) + 1):
        preferences = draw(st.lists(st.sampled_from(locations), max_size=3, unique=True))
        situation = draw(st.sets(st.sampled_from(FLAGS), max_size=2))
        registered = EPOCH + timedelta(hours=draw(st.integers(0, 50)))
        applicants.append(
            applicant(number, preferences, situation=situation, registered=registered)
        )
    rules = RulePack.from_rules(
        {
            "tie_break": draw(st.sampled_from(["registration_date", "lottery"])),
            "vulnerable_share_percent": draw(st.sampled_from([0, 20, 50])),
        }
    )
    return applicants, pools, rules, draw(st.integers(0, 2**31))


@settings(max_examples=150, deadline=None)
@given(markets())
def test_no_family_and_location_would_both_rather_have_each_other(market):
    applicants, pools, rules, seed = market
    outcome = allocate(applicants, pools, rules, seed)
    assert blocking_pairs(applicants, pools, outcome, rules) == []


@settings(max_examples=150, deadline=None)
@given(markets())
def test_capacity_is_never_exceeded_and_held_back_places_are_never_used(market):
    applicants, pools, rules, seed = market
    outcome = allocate(applicants, pools, rules, seed)
    for p in pools:
        matched = sum(1 for key in outcome.matches.values() if key == p.key)
        assert matched <= p.places - p.held_back
        assert matched <= p.allocatable


@settings(max_examples=100, deadline=None)
@given(markets(), st.randoms())
def test_same_input_and_seed_give_the_same_outcome_whatever_the_order(market, shuffler):
    applicants, pools, rules, seed = market
    first = allocate(applicants, pools, rules, seed)
    shuffled_applicants, shuffled_pools = list(applicants), list(pools)
    shuffler.shuffle(shuffled_applicants)
    shuffler.shuffle(shuffled_pools)
    second = allocate(shuffled_applicants, shuffled_pools, rules, seed)
    assert first.matches == second.matches
    assert first.explanations == second.explanations


@settings(max_examples=100, deadline=None)
@given(markets())
def test_every_family_is_matched_only_to_a_location_it_asked_for(market):
    applicants, pools, rules, seed = market
    outcome = allocate(applicants, pools, rules, seed)
    by_id = {a.id: a for a in applicants}
    for applicant_id, (location, _) in outcome.matches.items():
        assert location in by_id[applicant_id].preferences


@settings(max_examples=150, deadline=None)
@given(markets(), st.data())
def test_no_family_gets_a_place_it_prefers_by_misreporting_its_preferences(market, data):
    applicants, pools, rules, seed = market
    if not applicants:
        return
    liar = data.draw(st.sampled_from(applicants))
    told = data.draw(st.lists(st.sampled_from(LOCATIONS), max_size=3, unique=True))
    misreport = dataclasses.replace(
        liar, preferences=tuple(told), age_groups=dict.fromkeys(told, "baby")
    )
    others = [a for a in applicants if a.id != liar.id]

    def true_rank(outcome) -> int:
        # Lower is better by the family's true preferences; unplaced or elsewhere is worst.
        match = outcome.matches.get(liar.id)
        if match is None or match[0] not in liar.preferences:
            return len(liar.preferences)
        return liar.preferences.index(match[0])

    truthful = allocate(applicants, pools, rules, seed)
    lying = allocate([*others, misreport], pools, rules, seed)
    assert true_rank(lying) >= true_rank(truthful)


def test_a_priority_group_goes_before_an_earlier_registration():
    a, b = LOCATIONS[:2]
    early = applicant(1, [a], situation=[], registered=EPOCH)
    working = applicant(2, [a], situation=["work_or_training"], registered=EPOCH + timedelta(9))
    outcome = allocate([early, working], [pool(a, 1)], DEFAULT_RULE_PACK)
    assert outcome.matches == {working.id: (a, "baby")}
    assert outcome.explanations[early.id]["higher_choices"] == [
        {
            "rank": 1,
            "location_id": str(a),
            "reason": "outranked",
            "own_group": 7,
            "last_admitted_group": 1,
            "places": 1,
        }
    ]


def test_the_explanation_names_rank_group_and_why_higher_choices_did_not_take_them():
    a, b = LOCATIONS[:2]
    first = applicant(1, [a], situation=["single_parent"])
    second = applicant(2, [a, b])
    outcome = allocate([first, second], [pool(a, 1, vulnerable_subsidy=True), pool(b, 1)])
    explanation = outcome.explanations[second.id]
    # Four absolute groups and two further ones: no ground at all is group 7.
    assert (explanation["rank"], explanation["priority_group"]) == (2, 7)
    assert [note["reason"] for note in explanation["higher_choices"]] == ["outranked"]
    # The single parent took the place the subsidised location reserves for vulnerable
    # families (counted once: not also in the further group of single parents).
    assert outcome.explanations[first.id]["priority_group"] == 7
    assert outcome.explanations[first.id]["vulnerable"] is True


def test_held_back_and_reserved_places_are_kept_out_of_reach():
    a = LOCATIONS[0]
    families = [applicant(n, [a]) for n in range(1, 6)]
    outcome = allocate(families, [pool(a, 4, held_back=1, reserved=2)])
    assert len(outcome.matches) == 1


def test_a_target_share_reserves_places_for_vulnerable_families():
    a = LOCATIONS[0]
    working = [applicant(n, [a], situation=["work_or_training"]) for n in range(1, 5)]
    vulnerable = applicant(9, [a], situation=["low_income"], registered=EPOCH + timedelta(99))
    rules = RulePack.from_rules(
        {"priority_groups": [["work_or_training"]], "vulnerable_share_percent": 25}
    )
    subsidised = pool(a, 4, vulnerable_subsidy=True)
    outcome = allocate([*working, vulnerable], [subsidised], rules)
    assert vulnerable.id in outcome.matches
    without_share = RulePack.from_rules(
        {"priority_groups": [["work_or_training"]], "vulnerable_share_percent": 0}
    )
    assert (
        vulnerable.id not in allocate([*working, vulnerable], [subsidised], without_share).matches
    )


def test_a_location_without_the_subsidy_keeps_no_places_for_vulnerable_families():
    a = LOCATIONS[0]
    working = [applicant(n, [a], situation=["work_or_training"]) for n in range(1, 5)]
    vulnerable = applicant(9, [a], situation=["low_income"], registered=EPOCH + timedelta(99))
    rules = RulePack.from_rules(
        {"priority_groups": [["work_or_training"]], "vulnerable_share_percent": 25}
    )
    plain = pool(a, 4)
    assert reserved_for_vulnerable(plain, rules) == 0
    outcome = allocate([*working, vulnerable], [plain], rules)
    assert set(outcome.matches) == {family.id for family in working}
    assert outcome.explanations[vulnerable.id]["higher_choices"][0]["reason"] == "outranked"


def test_without_the_subsidy_a_vulnerable_family_counts_in_the_further_groups_instead():
    a = LOCATIONS[0]
    rules = RulePack.from_rules({"vulnerable_share_percent": 50})
    single = applicant(5, [a], situation=["single_parent"], registered=EPOCH + timedelta(50))
    nobody = [applicant(n, [a]) for n in range(1, 3)]
    plain, subsidised = pool(a, 2), pool(a, 2, vulnerable_subsidy=True)
    # No reserve here: the single parent's further group (6 of 7) ranks above no ground (7).
    outcome = allocate([*nobody, single], [plain], rules)
    assert outcome.explanations[single.id]["priority_group"] == 6
    assert outcome.explanations[single.id]["priority_grounds"] == ["single_parent"]
    assert set(outcome.matches) == {single.id, nobody[0].id}
    # With the subsidy: one of the two places is reserved for her, and being vulnerable does not
    # also lift her a group — counted once.
    assert reserved_for_vulnerable(subsidised, rules) == 1
    outcome = allocate([*nobody, single], [subsidised], rules)
    assert outcome.explanations[single.id]["priority_group"] == 7
    assert outcome.explanations[single.id]["vulnerable"] is True
    assert set(outcome.matches) == {single.id, nobody[0].id}


def test_at_a_subsidised_location_the_reserved_places_go_to_the_vulnerable_first():
    a = LOCATIONS[0]
    rules = RulePack.from_rules(
        {"priority_groups": [["work_or_training"]], "vulnerable_share_percent": 50}
    )
    working = [applicant(n, [a], situation=["work_or_training"]) for n in range(1, 5)]
    vulnerable = [
        applicant(n, [a], situation=["low_income"], registered=EPOCH + timedelta(90 + n))
        for n in range(10, 14)
    ]
    subsidised, plain = pool(a, 4, vulnerable_subsidy=True), pool(a, 4)
    placed = set(allocate([*working, *vulnerable], [subsidised], rules).matches)
    # Two of the four places are reserved: the two earliest vulnerable families, then the two
    # earliest working families.
    assert placed == {vulnerable[0].id, vulnerable[1].id, working[0].id, working[1].id}
    assert set(allocate([*working, *vulnerable], [plain], rules).matches) == {
        family.id for family in working
    }


def test_unused_reserved_places_go_to_everyone():
    a = LOCATIONS[0]
    rules = RulePack.from_rules({"vulnerable_share_percent": 50})
    families = [applicant(n, [a]) for n in range(1, 6)]
    outcome = allocate(families, [pool(a, 4, vulnerable_subsidy=True)], rules)
    assert set(outcome.matches) == {family.id for family in families[:4]}


def test_days_a_location_cannot_offer_rule_it_out():
    a, b = LOCATIONS[:2]
    family = applicant(1, [a, b], days=["wed-morning"], needs=["medical"])
    pools = [
        pool(a, 2, days=frozenset({"mon-morning"}), care_needs=frozenset({"medical"})),
        pool(b, 2, days=frozenset({"wed-morning"}), care_needs=frozenset({"medical"})),
    ]
    outcome = allocate([family], pools)
    assert outcome.matches == {family.id: (b, "baby")}
    assert outcome.explanations[family.id]["higher_choices"][0]["reason"] == "days_not_offered"


def test_a_care_need_the_location_does_not_list_never_rules_a_child_out():
    a = LOCATIONS[0]
    mila = applicant(1, [a], needs=["dietary"])
    listed_nothing = pool(a, 1)
    outcome = allocate([mila], [listed_nothing])
    assert outcome.matches == {mila.id: (a, "baby")}
    assert needs_to_confirm(mila, listed_nothing) == {"dietary"}


def test_a_lottery_depends_on_the_seed_and_only_on_the_seed():
    a = LOCATIONS[0]
    families = [applicant(n, [a], registered=EPOCH) for n in range(1, 30)]
    rules = RulePack.from_rules({"tie_break": "lottery"})
    winners = {seed: allocate(families, [pool(a, 1)], rules, seed).matches for seed in range(8)}
    assert winners[3] == allocate(families, [pool(a, 1)], rules, 3).matches
    assert len({tuple(m) for m in winners.values()}) > 1


def test_age_groups_follow_the_child_age_and_location_type():
    birth = date(2026, 1, 15)
    assert age_group_for(birth, date(2026, 9, 1), "groepsopvang") == "baby"
    assert age_group_for(birth, date(2027, 9, 1), "gezinsopvang") == "toddler"
    assert age_group_for(birth, date(2029, 9, 1), "buitenschoolse_opvang") == "schoolchild"
