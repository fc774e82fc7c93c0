"""What the loket answers other plugins and the municipality through hooks."""

from __future__ import annotations

from core.models import Tenant
from plugins.loket import services
from tests.plugins.loket.conftest import TODAY, make_location, make_request, tenant_db
from tests.support.apps import tenant_id


def hooks(app, slug):
    registry = app.extensions["opvangplein.plugins"]
    with app.extensions["opvangplein.db"].session() as db:
        tenant = db.get(Tenant, tenant_id(app, slug))
    return registry.for_plugins({"loket"}), tenant


def test_childcare_locations_lists_the_tenants_own_locations_only(app):
    with tenant_db(app, "aalst") as db:
        make_location(db, "De Speelboom", capacity=18)
    with tenant_db(app, "brugge") as db:
        make_location(db, "Het Brugse Nestje")
    caller, aalst = hooks(app, "aalst")
    with app.app_context(), app.extensions["opvangplein.db"].tenant_session(aalst.id) as db:
        [locations] = caller.childcare_locations(tenant=aalst, session=db)
    assert [(loc.name, loc.capacity) for loc in locations] == [("De Speelboom", 18)]


def test_loket_participation_reports_free_places_and_answered_proposals(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=2)
        make_request(db, "Noor", [location])
    with tenant_db(app) as db:
        [proposal] = services.run_round(db, reserved=(), seed=1, actor="t", today=TODAY)[1]
        services.confirm_proposal(db, proposal)
    caller, aalst = hooks(app, "aalst")
    _, brugge = hooks(app, "brugge")
    database = app.extensions["opvangplein.db"]
    with app.app_context():
        with database.tenant_session(aalst.id) as db:
            participation = caller.loket_participation(
                tenant=aalst, session=db, location_id=location.id
            )
        with database.tenant_session(brugge.id) as db:
            answer = caller.loket_participation(tenant=brugge, session=db, location_id=location.id)
            assert answer is None
    assert participation.joined and participation.free_places_reported == 2
    assert participation.requests_answered == 1 and participation.last_update == TODAY


def test_monitoring_figures_are_aggregates_without_names(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=3)
        make_request(db, "Noor", [location], situation=["low_income"])
    caller, aalst = hooks(app, "aalst")
    with app.app_context(), tenant_db(app) as session:
        [figures] = caller.monitoring_figures(tenant=aalst, session=session)
    values = {figure.key: figure.value for figure in figures}
    assert values["loket.open_requests"] == 1 and values["loket.free_places"] == 3
    assert not any("Noor" in figure.label for figure in figures)
    combine = {figure.key: figure.combine for figure in figures}
    assert combine["loket.placed"] == "sum"
    # Counts of children are hidden where they leave the municipality when small; a share of
    # a single vulnerable family would tell about that family, so it is left out.
    assert {figure.key: figure.suppress_below for figure in figures}["loket.open_requests"] == 5
    assert "loket.vulnerable_placed_share" not in combine
