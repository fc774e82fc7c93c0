"""Continuous allocation: a freed place goes straight to the next family by the same rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from core.models import Tenant
from core.tenancy import plugin_row
from plugins.loket import continuous, services
from plugins.loket.models import FreePlace, Proposal, ProposalStatus, RequestStatus
from tests.plugins.loket.conftest import TODAY, make_location, make_request, tenant_db
from tests.support.apps import tenant_id
from tests.support.auth import signed_in_as

EARLY = datetime(2026, 1, 5, tzinfo=UTC)
# Withdrawing asks to confirm (issue 16): the ticked box the page sends.
CONFIRM = {"confirm": "yes"}


def set_mode(app, mode: str, slug: str = "aalst") -> None:
    with tenant_db(app, slug) as db:
        row = plugin_row(db, "loket")
        row.settings = {**row.settings, "allocation_mode": mode}
        db.add(row)


def families(db, location, count: int = 3):
    """Families in priority order: verified urgency first, then a single parent, then the rest."""
    situations = [["urgency", "verified:urgency"], ["single_parent"], [], []][:count]
    names = ["Ayla", "Bram", "Cas", "Dana"][:count]
    return [
        make_request(db, name, [location], situation=flags, submitted=EARLY + timedelta(days=i))
        for i, (name, flags) in enumerate(zip(names, situations, strict=True))
    ]


def offered_to(db) -> list[str]:
    """The children with an open proposal, oldest proposal first."""
    from plugins.loket.models import ChildcareRequest

    rows = db.exec(
        select(ChildcareRequest.child_first_name)
        .join(Proposal, Proposal.request_id == ChildcareRequest.id)
        .where(Proposal.status.in_(ProposalStatus.OPEN))
        .order_by(Proposal.created_at)
    )
    return list(rows)


def decline(app, db, proposal: Proposal) -> list[Proposal]:
    services.confirm_proposal(db, proposal)
    services.decline_proposal(db, proposal)
    tenant = db.get(Tenant, tenant_id(app, "aalst"))
    return continuous.place_freed(db, tenant, [proposal.location_id], trigger="declined")


def test_a_decline_moves_the_place_to_the_next_family_in_priority_order(app):
    set_mode(app, "continuous")
    with app.app_context(), tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        ayla, bram, cas = families(db, location)
        [first] = services.run_round(db, reserved=(), seed=7, actor="t", today=TODAY)[1]
        assert first.request_id == ayla.id
        [second] = decline(app, db, first)
        assert second.request_id == bram.id and second.round_id is None
        assert offered_to(db) == ["Bram"]
        [third] = decline(app, db, second)
        assert third.request_id == cas.id
        pack = services.current_rule_pack(db)
        assert third.rule_pack_id == pack.id
        assert third.explanation["rule_pack_version"] == pack.version
        assert third.explanation["continuous"] == "declined"
        assert third.explanation["seed"] == 7  # the lottery of the last round
        assert third.explanation["rank"] == 1 and third.explanation["priority_group"] == 7
        assert db.get(type(ayla), ayla.id).status == RequestStatus.OPEN


def test_with_rounds_only_a_declined_place_waits_for_the_next_round(app):
    set_mode(app, "rounds")
    with app.app_context(), tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        families(db, location)
        [first] = services.run_round(db, reserved=(), seed=7, actor="t", today=TODAY)[1]
        assert decline(app, db, first) == []
        assert offered_to(db) == []


def test_the_held_back_quota_is_never_offered(app):
    set_mode(app, "continuous")
    with app.app_context(), tenant_db(app) as db:
        # 3 places of a capacity of 10 with a 10 % quota: one place is held back.
        location = make_location(db, "De Speelboom", places=3, capacity=10, quota_percent=10)
        ayla, *_ = families(db, location, count=4)
        proposals = services.run_round(db, reserved=(), seed=7, actor="t", today=TODAY)[1]
        assert len(proposals) == 2
        [to_ayla] = [p for p in proposals if p.request_id == ayla.id]
        [moved_on] = decline(app, db, to_ayla)
        assert offered_to(db) == ["Bram", "Cas"]  # Dana waits: the third place is held back
        decline(app, db, moved_on)
        free_place = db.exec(select(FreePlace)).one()
        assert free_place.held_back == 1 and free_place.emergency_taken == 0
        assert len(offered_to(db)) == free_place.places - free_place.held_back


def test_reported_free_places_are_offered_at_once_through_the_provider_page(app):
    from tests.plugins.loket.test_views import provider

    set_mode(app, "continuous")
    client = app.test_client()
    organisation = provider(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", organisation_id=organisation)
        families(db, location, count=2)
        location_id = location.id
    response = client.post(
        f"/t/aalst/loket/plaatsen/{location_id}/vrij",
        data={"places": "2", "age_group": "baby", "available_from": TODAY.isoformat()},
    )
    assert response.status_code == 302
    # Of two places one is the tenant's 5 % quota of 14 (rounded up): only one is offered.
    with tenant_db(app) as db:
        assert offered_to(db) == ["Ayla"]
        [proposal] = db.exec(select(Proposal)).all()
        assert proposal.explanation["continuous"] == "free_places_reported"
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert "Ayla" in page


def test_a_withdrawn_request_hands_its_proposed_place_on(app):
    set_mode(app, "continuous")
    client = app.test_client()
    parent = signed_in_as(client, app, "aalst", "ouder-ayla", ["parent"])
    with app.app_context(), tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        ayla, _bram, _cas = families(db, location)
        ayla.parent_user_id = parent.id
        db.add(ayla)
        services.run_round(db, reserved=(), seed=7, actor="t", today=TODAY)
        ayla_id = ayla.id
    response = client.post(f"/t/aalst/loket/aanvraag/{ayla_id}/intrekken", data=CONFIRM)
    assert response.status_code == 302
    with tenant_db(app) as db:
        assert offered_to(db) == ["Bram"]
        withdrawn = db.exec(select(Proposal).where(Proposal.request_id == ayla_id)).one()
        assert withdrawn.status == ProposalStatus.WITHDRAWN
    page = client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert "De aanvraag is ingetrokken." in page and "Ingetrokken" in page
    again = client.post(
        f"/t/aalst/loket/aanvraag/{ayla_id}/intrekken", data=CONFIRM, follow_redirects=True
    )
    assert "Deze aanvraag kan niet meer ingetrokken worden." in again.get_data(as_text=True)


def test_a_provider_saying_the_place_is_gone_takes_it_off_instead_of_moving_it_on(app):
    set_mode(app, "continuous")
    with app.app_context(), tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        families(db, location)
        [first] = services.run_round(db, reserved=(), seed=7, actor="t", today=TODAY)[1]
        assert services.reject_proposal(db, first, reason="no_longer_free") is False
        db.flush()
        db.expire_all()
        assert db.exec(select(FreePlace.places)).one() == 0
        assert services.run_round(db, reserved=(), seed=8, actor="t", today=TODAY)[1] == []
