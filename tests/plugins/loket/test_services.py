"""Requests, rounds, proposals and placements against a real database."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from core.plugin_types import ReservedPlaces
from plugins.loket import services
from plugins.loket.models import (
    ChildcareRequest,
    FreePlace,
    Placement,
    Preference,
    Proposal,
    RulePack,
)
from plugins.loket.services import RequestInput, validate_request
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.support.apps import probe_app, tenant_id

KINDS = {uuid.UUID(int=1): "groepsopvang", uuid.UUID(int=2): "buitenschoolse_opvang"}


def valid_input(**changes) -> RequestInput:
    values = {
        "child_first_name": "Lotte",
        "child_last_name": "Claes",
        "birth_date": date(2026, 3, 1),
        "desired_start": date(2026, 12, 1),
        "days": ["mon-morning"],
        "preferences": [uuid.UUID(int=1)],
    }
    return RequestInput(**{**values, **changes})


def errors_for(data: RequestInput, **kwargs) -> dict[str, str]:
    options = {"today": date(2026, 11, 25), "max_preferences": 3, "location_kinds": KINDS}
    return validate_request(data, **{**options, **kwargs})


def test_a_complete_request_is_valid():
    assert errors_for(valid_input()) == {}


def test_a_start_date_in_the_past_is_refused():
    assert errors_for(valid_input(desired_start=date(2026, 1, 1)))["desired_start"] == (
        "start_in_past"
    )


def test_registration_before_birth_is_allowed_with_an_expected_date():
    data = valid_input(birth_date=None, expected_birth_date=date(2027, 2, 1))
    assert errors_for(data, location_kinds=KINDS) == {"desired_start": "start_before_birth"}
    assert errors_for(valid_input(birth_date=None, expected_birth_date=date(2026, 12, 1))) == {}


def test_a_child_too_old_for_baby_care_or_too_young_for_school_care_is_refused():
    old = valid_input(birth_date=date(2023, 1, 1))
    assert errors_for(old)["preferences"] == "child_too_old_for_location"
    young = valid_input(preferences=[uuid.UUID(int=2)])
    assert errors_for(young)["preferences"] == "child_too_young_for_location"


def test_too_many_or_repeated_preferences_are_refused():
    many = valid_input(preferences=[uuid.UUID(int=1), uuid.UUID(int=2), uuid.UUID(int=3)])
    assert errors_for(many, max_preferences=2)["preferences"] == "too_many_preferences"
    twice = valid_input(preferences=[uuid.UUID(int=1), uuid.UUID(int=1)])
    assert errors_for(twice)["preferences"] == "duplicate_preferences"


def test_a_second_request_for_the_same_child_is_detected():
    existing = ChildcareRequest(
        child_first_name="lotte",
        child_last_name="CLAES",
        birth_date=date(2026, 3, 1),
        status="open",
    )
    assert errors_for(valid_input(), other_requests=[existing]) == {
        "child_first_name": "duplicate_request"
    }
    existing.status = "withdrawn"
    assert errors_for(valid_input(), other_requests=[existing]) == {}


def run_round(db, *, reserved=(), seed=1):
    return services.run_round(db, reserved=reserved, seed=seed, actor="test", today=TODAY)


def test_a_round_proposes_places_and_records_the_rule_pack_version(app):
    with tenant_db(app) as db:
        speelboom = make_location(db, "De Speelboom", places=1)
        make_request(db, "Noor", [speelboom], situation=["work_or_training"])
        make_request(db, "Wout", [speelboom])
    with tenant_db(app) as db:
        round_, proposals = run_round(db)
        [proposal] = proposals
        pack = db.get(RulePack, round_.rule_pack_id)
        assert proposal.rule_pack_id == pack.id and pack.version == 1
        child = db.get(ChildcareRequest, proposal.request_id)
        assert child.child_first_name == "Noor" and child.status == "proposed"
        # Working at least 4/5 is the first absolute group.
        assert proposal.explanation["priority_group"] == 1


def test_held_back_quota_and_company_reservations_are_not_proposed(app):
    with tenant_db(app) as db:
        location = make_location(db, "Het Nestje", places=4, capacity=20, quota_percent=5)
        for name in ["An", "Bo", "Cas", "Dirk", "Eva"]:
            make_request(db, name, [location])
        reservation = ReservedPlaces(
            location_id=location.id, facility_name="x", company="Bedrijf", places=2, starts_on=TODAY
        )
    with tenant_db(app) as db:
        _, proposals = run_round(db, reserved=[reservation])
        assert len(proposals) == 1  # 4 free − 1 held back − 2 reserved


def test_a_second_round_does_not_propose_places_that_are_already_proposed(app):
    with tenant_db(app) as db:
        location = make_location(db, "Het Nestje", places=1)
        make_request(db, "An", [location])
        make_request(db, "Bo", [location])
    with tenant_db(app) as db:
        assert len(run_round(db)[1]) == 1
    with tenant_db(app) as db:
        assert run_round(db)[1] == []


def test_the_provider_confirms_then_the_parent_accepts_and_is_placed(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        other = make_location(db, "Het Nestje", places=0)
        request = make_request(db, "Noor", [location, other])
    with tenant_db(app) as db:
        [proposal] = run_round(db)[1]
        services.confirm_proposal(db, proposal)
        placement = services.accept_proposal(db, proposal)
        assert placement.location_id == location.id
    with tenant_db(app) as db:
        placed = db.get(ChildcareRequest, request.id)
        assert placed.status == "placed"
        assert services.withdraw_other_preferences(db, placed) == 1
        statuses = [p.status for p in services.preferences_of(db, request.id)]
        assert statuses == ["placed", "withdrawn"]
        assert db.exec(select(FreePlace)).all()[0].taken == 1


def test_a_rejected_or_declined_proposal_returns_the_family_to_the_next_round(app):
    with tenant_db(app) as db:
        first = make_location(db, "De Speelboom", places=1)
        second = make_location(db, "Het Nestje", places=1)
        request = make_request(db, "Noor", [first, second])
    with tenant_db(app) as db:
        [proposal] = run_round(db)[1]
        services.reject_proposal(db, proposal, reason="days_not_possible")
    with tenant_db(app) as db:
        [proposal] = run_round(db)[1]
        assert proposal.location_id == second.id and proposal.explanation["rank"] == 2
        services.confirm_proposal(db, proposal)
        services.expire_proposals(db, now=datetime.now(UTC) + timedelta(days=30))
        assert db.get(ChildcareRequest, request.id).status == "open"
        assert proposal.status == "expired"


def test_accepting_after_the_deadline_is_refused(app):
    with tenant_db(app) as db:
        make_request(db, "Noor", [make_location(db, "De Speelboom", places=1)])
    with tenant_db(app) as db:
        [proposal] = run_round(db)[1]
        services.confirm_proposal(db, proposal, now=datetime.now(UTC) - timedelta(days=10))
        with pytest.raises(services.InvalidTransition):
            services.accept_proposal(db, proposal)


def test_the_database_refuses_more_places_than_there_are(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        free_place = db.exec(select(FreePlace)).one()
        services.take_place(db, free_place.id)
        with pytest.raises(services.PlaceUnavailable):
            services.take_place(db, free_place.id)
        assert location.id == free_place.location_id
    with pytest.raises(sa.exc.IntegrityError), tenant_db(app) as db:
        db.exec(sa.update(FreePlace).values(taken=FreePlace.taken + 1))


def test_an_emergency_placement_uses_a_held_back_place_only(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=2, capacity=20, quota_percent=5)
        request = make_request(db, "Noor", [location])
        other = make_request(db, "Wout", [location])
        free_place = db.exec(select(FreePlace)).one()
        assert free_place.held_back == 1
        services.emergency_placement(db, request, free_place)
        with pytest.raises(services.PlaceUnavailable):
            services.emergency_placement(db, other, free_place)


def test_a_new_rule_pack_is_a_new_version_and_old_decisions_keep_theirs(app):
    with tenant_db(app) as db:
        make_request(db, "Noor", [make_location(db, "De Speelboom", places=1)])
    with tenant_db(app) as db:
        round_, _ = run_round(db)
        pack = services.new_rule_pack_version(db, {"tie_break": "lottery"}, actor="test")
        assert pack.version == 2 and pack.rules["tie_break"] == "lottery"
        assert db.get(RulePack, round_.rule_pack_id).version == 1


def test_what_if_simulation_compares_outcomes_without_saving(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        for name in ["An", "Bo", "Cas"]:
            make_request(db, name, [location], situation=["low_income"])
    with tenant_db(app) as db:
        data = services.round_input(db, reserved=(), today=TODAY)
        rules = services.allocation.RulePack.from_rules({})
        now = services.simulate(data, rules, seed=1)
        more = services.simulate(data, rules, seed=1, extra_places={location.id: 2})
        assert (now.placed, more.placed, more.vulnerable_placed) == (1, 3, 3)
        assert db.exec(select(Proposal)).all() == []


@pytest.mark.postgres
def test_two_parents_can_never_accept_the_same_last_place_on_postgres(postgres_settings):
    app = probe_app(postgres_settings, tenants=LOKET_TENANTS)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        first = make_request(db, "Noor", [location])
        second = make_request(db, "Wout", [location])
        free_place = db.exec(select(FreePlace)).one()
        proposals = []
        for request in (first, second):
            proposal = Proposal(
                request_id=request.id,
                location_id=location.id,
                free_place_id=free_place.id,
                status="awaiting_parent",
                deadline=datetime.now(UTC) + timedelta(days=3),
            )
            db.add(proposal)
            proposals.append(proposal)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def accept(proposal_id):
        database = app.extensions["opvangplein.db"]
        try:
            with database.tenant_session(tenant_id(app, "aalst")) as db:
                proposal = db.get(Proposal, proposal_id)
                barrier.wait(timeout=10)
                services.accept_proposal(db, proposal)
            results.append("placed")
        except services.PlaceUnavailable:
            results.append("taken")

    threads = [threading.Thread(target=accept, args=(p.id,)) for p in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["placed", "taken"]
    with tenant_db(app) as db:
        assert len(db.exec(select(Placement)).all()) == 1
        assert db.exec(select(FreePlace)).one().taken == 1


def test_preferences_belong_to_their_tenant_only(app):
    with tenant_db(app, "aalst") as db:
        make_request(db, "Noor", [make_location(db, "De Speelboom", places=1)])
    with tenant_db(app, "brugge") as db:
        assert db.exec(select(Preference)).all() == []
        assert db.exec(select(ChildcareRequest)).all() == []
