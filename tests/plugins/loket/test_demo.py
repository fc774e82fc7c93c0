"""Demo data: a realistic municipality, loaded once, different for each tenant."""

from __future__ import annotations

from sqlmodel import select

from core.models import Tenant
from plugins.loket import services
from plugins.loket.demo import load_demo_data
from plugins.loket.models import ChildcareRequest, Location
from tests.plugins.loket.conftest import TODAY, tenant_db
from tests.support.apps import tenant_id


def load(app, slug):
    with tenant_db(app, slug) as db:
        load_demo_data(db.get(Tenant, tenant_id(app, slug)), db, requests=300)


def test_demo_data_fills_twenty_locations_and_three_hundred_requests_once(app):
    load(app, "aalst")
    load(app, "aalst")
    with tenant_db(app) as db:
        assert len(db.exec(select(Location)).all()) == 20
        requests = db.exec(select(ChildcareRequest)).all()
        assert len(requests) == 300
        assert {r.status for r in requests} >= {"open", "placed"}


def test_each_tenant_gets_its_own_families_and_a_round_runs_on_them(app):
    load(app, "aalst")
    load(app, "brugge")
    with tenant_db(app, "aalst") as aalst, tenant_db(app, "brugge") as brugge:
        names_a = {r.parent_name for r in aalst.exec(select(ChildcareRequest))}
        names_b = {r.parent_name for r in brugge.exec(select(ChildcareRequest))}
        children = {r.child_first_name for r in aalst.exec(select(ChildcareRequest))}
        assert not {n.split()[0] for n in names_a} & children
        assert names_a != names_b
        _, proposals = services.run_round(aalst, reserved=(), seed=4, actor="t", today=TODAY)
        assert proposals


def test_the_demo_hook_loads_the_number_of_requests_the_tenant_asks_for(app):
    registry = app.extensions["opvangplein.plugins"]
    with tenant_db(app) as db:
        tenant = db.get(Tenant, tenant_id(app, "aalst"))
        registry.for_plugins({"loket"}).demo_data(tenant=tenant, session=db)
    with tenant_db(app) as db:
        assert len(db.exec(select(ChildcareRequest)).all()) == 40
