"""On PostgreSQL, row-level security keeps every ckg tenant table to its tenant, raw SQL included."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.db import TenantScoped
from plugins.ckg import models
from tests.plugins.ckg.conftest import CKG_TENANTS, build_world, users
from tests.plugins.ckg.helpers import antenna_named, step, submit
from tests.support.apps import probe_app, tenant_id

pytestmark = pytest.mark.postgres
TENANT_TABLES = [
    model.__tablename__
    for model in vars(models).values()
    if isinstance(model, type) and issubclass(model, TenantScoped) and model is not TenantScoped
]


@pytest.fixture
def pg_world(postgres_settings):
    return build_world(probe_app(postgres_settings, tenants=CKG_TENANTS))


def test_raw_sql_in_another_tenant_sees_no_ckg_rows(pg_world):
    people = users(pg_world)
    referral_id = submit(pg_world.client_for(people["sara"]), urgency="crisis")
    karim = pg_world.client_for(people["karim"])
    karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    assert step(karim, referral_id, "received").status_code == 303
    genk = antenna_named(pg_world.app, "Antenne Genk")
    accepted = step(
        karim,
        referral_id,
        "accepted",
        offer="training",
        antenna=str(genk.id),
        starts_on="2026-12-04",
    )
    assert accepted.status_code == 303  # an offer episode now exists in Aalst
    hasselt = antenna_named(pg_world.app, "Antenne Hasselt")
    moved = karim.post(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}/antenne", data={"antenna": str(hasselt.id)}
    )
    assert moved.status_code == 303  # and a handover record
    database = pg_world.app.extensions["opvangplein.db"]
    assert len(TENANT_TABLES) == 8
    for table in TENANT_TABLES:
        with database.session(tenant_id(pg_world.app, "brugge")) as db:
            assert db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table
        with database.session(tenant_id(pg_world.app, "aalst")) as db:
            # Loket advice needs the loket plugin: test_loket_advice.py checks it on PostgreSQL.
            if table not in ("ckg_case_note", "ckg_loket_advice"):
                assert db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() > 0


def test_the_application_role_reads_the_platform_level_antennas(pg_world):
    database = pg_world.app.extensions["opvangplein.db"]
    with database.session(tenant_id(pg_world.app, "brugge")) as db:
        assert db.execute(sa.text("SELECT count(*) FROM ckg_antenna")).scalar_one() == 3


def test_the_application_role_cannot_rewrite_or_delete_the_access_log(pg_world):
    people = users(pg_world)
    referral_id = submit(pg_world.client_for(people["sara"]))
    pg_world.client_for(people["karim"]).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    database = pg_world.app.extensions["opvangplein.db"]
    with database.session(tenant_id(pg_world.app, "aalst")) as db:
        assert db.execute(sa.text("SELECT count(*) FROM ckg_access_log")).scalar_one() > 0
    for statement in ("UPDATE ckg_access_log SET role = 'x'", "DELETE FROM ckg_access_log"):
        with (
            database.session(tenant_id(pg_world.app, "aalst")) as db,
            pytest.raises(sa.exc.DBAPIError, match="permission denied"),
        ):
            db.execute(sa.text(statement))


def test_the_caseload_searches_by_reference_and_name_on_postgresql(pg_world):
    people = users(pg_world)
    sara = pg_world.client_for(people["sara"])
    janssens = submit(sara)
    peeters = submit(sara, **{"parent-1-name": "Ahmed Peeters", "child-1-name": "Yasmine"})
    karim = pg_world.client_for(people["karim"])
    reference = f"CKG-{janssens.hex[:8].upper()}"
    html = karim.get(f"/t/aalst/ckg/wachtrij?state=all&q={reference}").get_data(as_text=True)
    assert reference in html and f"CKG-{peeters.hex[:8].upper()}" not in html
    html = karim.get("/t/aalst/ckg/wachtrij?state=all&q=yasm").get_data(as_text=True)
    assert f"CKG-{peeters.hex[:8].upper()}" in html and reference not in html
    # The same search in Brugge, which Karim's CKG also serves, finds nothing of Aalst.
    brugge = pg_world.client_for(people["karim"], tenant="brugge")
    assert "0 zaken gevonden" in brugge.get(
        f"/t/brugge/ckg/wachtrij?state=all&q={reference}"
    ).get_data(as_text=True)


def test_the_workspace_reads_each_municipality_under_its_own_row_level_security(pg_world):
    from core.models import AuditEntry
    from tests.plugins.ckg.conftest import grant, member

    people = users(pg_world)
    in_aalst = submit(pg_world.client_for(people["sara"]))
    grant(pg_world.app, "brugge", "school-de-brug")
    bart = member(pg_world.app, "bart", "school-de-brug")
    in_brugge = submit(pg_world.client_for(bart, "brugge"), tenant="brugge")
    html = (
        pg_world.client_for(people["karim"]).get("/t/aalst/ckg/werkruimte").get_data(as_text=True)
    )
    assert f"CKG-{in_aalst.hex[:8].upper()}" in html
    assert f"CKG-{in_brugge.hex[:8].upper()}" in html
    database = pg_world.app.extensions["opvangplein.db"]
    with database.session(tenant_id(pg_world.app, "brugge")) as db:
        actions = db.execute(
            sa.select(AuditEntry.action).where(AuditEntry.action == "ckg.workspace_read")
        ).all()
    assert len(actions) == 1
