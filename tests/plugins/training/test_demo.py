"""Demo data: ~40 candidates at every stage, idempotent, different per tenant, owned by the partner."""

from __future__ import annotations

from collections import Counter

from sqlmodel import select

from core.models import Tenant
from plugins.training.demo import load_demo_data
from plugins.training.models import Candidate, Cohort, Course, InfoSession, Programme
from plugins.training.services import PIPELINE, Stage
from tests.plugins.training.conftest import people
from tests.support.apps import tenant_id


def _load(world, slug: str) -> None:
    with world.session(slug) as db:
        load_demo_data(db.get(Tenant, tenant_id(world.app, slug)), db)


def _rows(world, slug: str, model) -> list:
    with world.db.session(tenant_id(world.app, slug)) as db:
        return list(db.exec(select(model)))


def test_demo_data_covers_every_stage_and_is_idempotent(world):
    _load(world, "aalst")
    _load(world, "aalst")
    candidates = _rows(world, "aalst", Candidate)
    assert len(candidates) == 40
    stages = Counter(candidate.stage for candidate in candidates)
    assert set(stages) == {*PIPELINE, Stage.DROPPED_OUT}
    assert len(_rows(world, "aalst", Programme)) == 3
    assert len(_rows(world, "aalst", Cohort)) == 4
    assert len(_rows(world, "aalst", InfoSession)) == 3
    assert len(_rows(world, "aalst", Course)) == 3


def test_demo_data_differs_per_tenant_and_belongs_to_the_granted_partner(world):
    _load(world, "aalst")
    _load(world, "brugge")
    aalst = _rows(world, "aalst", Candidate)
    brugge = _rows(world, "brugge", Candidate)
    assert {(c.given_name, c.family_name) for c in aalst} != {
        (c.given_name, c.family_name) for c in brugge
    }
    assert all("Aalst" in p.name for p in _rows(world, "aalst", Programme))
    assert {p.organisation_id for p in _rows(world, "aalst", Programme)} == {
        world.organisation_id("cvo-limburg")
    }
    sara = world.client_for(people(world)["sara"])
    page = sara.get("/t/aalst/opleiding/programmas").get_data(as_text=True)
    assert "Avondopleiding 2026–2027 Aalst" in page
    figures = sara.get("/t/aalst/opleiding/cijfers").get_data(as_text=True)
    assert "studeerden er" in figures  # the ended demo cohort gives a measured completion rate
