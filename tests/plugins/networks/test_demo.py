"""The demo data: a Huis van het Kind with members, two meetings, actions and a social map."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from core.models import Tenant
from plugins.networks.models import DirectoryService, Meeting, Network, NetworkAction, NetworkMember
from plugins.networks.services import overdue_actions
from tests.support.apps import tenant_id


def _load(world, slug: str) -> None:
    registry = world.app.extensions["opvangplein.plugins"]
    with world.db(slug) as db:
        tenant = db.get(Tenant, tenant_id(world.app, slug))
        registry.for_plugins({"networks"}).demo_data(tenant=tenant, session=db)


def test_demo_data_is_complete_and_idempotent(world):
    _load(world, "aalst")
    _load(world, "aalst")
    with world.db() as db:
        network = db.exec(select(Network).where(Network.source == "demo")).one()
        members = db.exec(select(NetworkMember).where(NetworkMember.network_id == network.id)).all()
        meetings = db.exec(select(Meeting).where(Meeting.network_id == network.id)).all()
        actions = db.exec(select(NetworkAction).where(NetworkAction.network_id == network.id)).all()
        services = db.exec(select(DirectoryService)).all()
    assert network.name == "Huis van het Kind Aalst" and network.kind == "huis_van_het_kind"
    # The three organisations Aalst granted `networks` join, beside the partners named here.
    assert {"Ckg Oost", "School De Klimop", "Kdv Zonnebloem"} <= {m.name for m in members}
    assert len(meetings) == 2 and any(m.minutes for m in meetings)
    assert len(overdue_actions(actions, date.today())) == 1
    assert {s.public for s in services} == {True, False}


def test_demo_texts_differ_per_tenant(world):
    _load(world, "aalst")
    _load(world, "brugge")
    texts = {}
    for slug in ("aalst", "brugge"):
        with world.db(slug) as db:
            texts[slug] = {
                value
                for model in (Network, NetworkMember, Meeting, NetworkAction, DirectoryService)
                for row in db.exec(select(model)).all()
                for value in row.model_dump().values()
                if isinstance(value, str) and " " in value and len(value) >= 8
            }
    assert texts["aalst"] and not texts["aalst"] & texts["brugge"]


def test_the_demo_coordinator_sees_the_overdue_action(world):
    _load(world, "aalst")
    staff = world.client("greet", roles=["staff:networks"])
    page = staff.get("/t/aalst/netwerken/acties/achterstallig").get_data(as_text=True)
    assert "Lijst van sociale tarieven in Aalst bundelen" in page
    public = world.app.test_client().get("/t/aalst/netwerken/sociale-kaart").get_data(as_text=True)
    assert "Luierbank en sociale kruidenier Aalst" in public
    assert "Casusoverleg kinderarmoede Aalst" not in public
