"""Company places first (pure): claimants get their company's reserved seats before the round,
in claim order, where age group and days fit; the seats no claimant takes stay out of reach."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from plugins.loket import allocation, company_places

HOPVELD = uuid.UUID(int=1)
ELSEWHERE = uuid.UUID(int=2)
EARLY = datetime(2026, 1, 1, tzinfo=UTC)


def _applicant(number: int, *, prefs=(HOPVELD,), days=frozenset(), group="baby", days_later=0):
    return allocation.Applicant(
        id=uuid.UUID(int=100 + number),
        preferences=tuple(prefs),
        age_groups={location: group for location in (*prefs, HOPVELD)},
        registered_at=EARLY + timedelta(days=days_later),
        days=frozenset(days),
    )


def _pool(location=HOPVELD, *, places=2, reserved=1, days=frozenset(), group="baby"):
    return allocation.Pool(
        location_id=location, age_group=group, places=places, reserved=reserved, days=days
    )


def test_a_claimant_gets_the_reserved_seat_before_a_family_registered_earlier():
    earlier = _applicant(1)
    employee = _applicant(2, prefs=(ELSEWHERE,), days_later=300)
    pools = [_pool(places=1, reserved=1), _pool(ELSEWHERE, places=0, reserved=0)]
    claims = {HOPVELD: [(employee.id, "Brouwerij De Kroon")]}
    outcome = company_places.allocate(
        [earlier, employee], pools, claims, allocation.DEFAULT_RULE_PACK, seed=1
    )
    assert outcome.matches == {employee.id: (HOPVELD, "baby")}
    assert outcome.explanations[employee.id]["company_place"] == "Brouwerij De Kroon"
    # The family registered earlier was not placed and keeps its own explanation.
    assert outcome.explanations[earlier.id]["placed"] is False


def test_claims_are_served_in_claim_order_while_the_seats_last():
    first, second = _applicant(1, days_later=50), _applicant(2)
    claims = {HOPVELD: [(first.id, "Kroon"), (second.id, "Kroon")]}
    matches, _explanations, pools = company_places.match_claims(
        [first, second], [_pool(places=3, reserved=1)], claims, allocation.DEFAULT_RULE_PACK
    )
    assert matches == {first.id: (HOPVELD, "baby")}
    [pool] = pools
    assert (pool.reserved, pool.taken, pool.allocatable) == (0, 1, 2)


def test_unused_reserved_seats_stay_out_of_reach():
    family = _applicant(1)
    outcome = company_places.allocate(
        [family], [_pool(places=1, reserved=1)], {}, allocation.DEFAULT_RULE_PACK, seed=1
    )
    assert outcome.matches == {}


def test_a_claim_whose_age_group_or_days_do_not_fit_waits():
    toddler = _applicant(1, group="toddler")
    weekend = _applicant(2, days={"sat-morning"})
    claims = {HOPVELD: [(toddler.id, "Kroon"), (weekend.id, "Kroon")]}
    matches, _explanations, _pools = company_places.match_claims(
        [toddler, weekend],
        [_pool(places=2, reserved=2, days=frozenset({"mon-morning"}))],
        claims,
        allocation.DEFAULT_RULE_PACK,
    )
    assert matches == {}


def test_a_claim_for_a_request_not_in_the_round_is_ignored():
    claims = {HOPVELD: [(uuid.uuid4(), "Kroon")]}
    matches, _explanations, pools = company_places.match_claims(
        [], [_pool()], claims, allocation.DEFAULT_RULE_PACK
    )
    assert matches == {} and pools[0].reserved == 1


def test_claims_of_ended_or_unplaced_reservations_do_not_count():
    from core.plugin_types import ReservedPlaces

    request_id = uuid.uuid4()
    today = date(2026, 6, 1)
    running = ReservedPlaces(
        HOPVELD, "Het Hopveld", "Kroon", 1, date(2026, 1, 1), None, "r1", (request_id,)
    )
    ended = ReservedPlaces(
        ELSEWHERE, "Elders", "Kroon", 1, date(2025, 1, 1), date(2025, 12, 31), "r2", (request_id,)
    )
    unplaced = ReservedPlaces(
        None, "Nergens", "Kroon", 1, date(2026, 1, 1), None, "r3", (request_id,)
    )

    def current(reservation):
        return reservation.starts_on <= today and (
            reservation.ends_on is None or reservation.ends_on >= today
        )

    assert company_places.claims_from([running, ended, unplaced], current) == {
        HOPVELD: [(request_id, "Kroon")]
    }
