"""Rows of tenant A are invisible and untouchable from tenant B — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from core.db import TenantViolation
from core.models import AuditEntry, PlatformAuditEntry
from tests.core.probe_plugin import ProbeChild, ProbeFamily
from tests.support.apps import probe_app, tenant_id


@pytest.fixture
def world(database_settings):
    return build_world(database_settings)


@pytest.fixture
def pg_world(postgres_settings):
    return build_world(postgres_settings)


def build_world(settings):
    app = probe_app(settings)
    db = app.extensions["opvangplein.db"]
    aalst, brugge = tenant_id(app, "aalst"), tenant_id(app, "brugge")
    with db.tenant_session(aalst) as session:
        family = ProbeFamily(name="Familie Peeters")
        session.add(family)
        session.flush()
        child = ProbeChild(name="Lotte Peeters", family_id=family.id)
        session.add(child)
        session.flush()
        family_id, child_id = family.id, child.id
    with db.tenant_session(brugge) as session:
        session.add(ProbeFamily(name="Familie Janssens"))
    return {
        "settings": settings,
        "app": app,
        "db": db,
        "aalst": aalst,
        "brugge": brugge,
        "family_id": family_id,
        "child_id": child_id,
    }


def test_queries_see_only_the_sessions_tenant(world):
    with world["db"].session(world["brugge"]) as session:
        names = session.exec(select(ProbeFamily.name)).all()
        assert names == ["Familie Janssens"]
        assert session.exec(select(ProbeChild)).all() == []
        joined = session.exec(select(ProbeChild).join(ProbeFamily)).all()
        assert joined == []
        assert session.exec(select(sa.func.count()).select_from(ProbeFamily)).one() == 1


def test_session_get_does_not_reach_another_tenant(world):
    with world["db"].session(world["brugge"]) as session:
        assert session.get(ProbeFamily, world["family_id"]) is None
        assert session.get(ProbeChild, world["child_id"]) is None
    with world["db"].session(world["aalst"]) as session:
        assert session.get(ProbeFamily, world["family_id"]).name == "Familie Peeters"


def test_relationship_and_lazy_loads_stay_in_the_tenant(world):
    db = world["db"]
    # A child of Brugge pointing at Aalst's family may not reveal that family through a lazy load.
    with db.session(world["aalst"]) as session:
        family = session.get(ProbeFamily, world["family_id"])
        assert [child.name for child in family.children] == ["Lotte Peeters"]
    with db.session(world["brugge"]) as session:
        brugge_family = session.exec(select(ProbeFamily)).one()
        assert brugge_family.children == []


def test_a_session_without_tenant_sees_no_tenant_rows(world):
    with world["db"].session(None) as session:
        assert session.exec(select(ProbeFamily)).all() == []


def test_insert_with_a_foreign_tenant_id_is_refused(world):
    with world["db"].session(world["brugge"]) as session:
        session.add(ProbeFamily(name="Indringer", tenant_id=world["aalst"]))
        with pytest.raises(TenantViolation):
            session.flush()


def test_moving_a_row_to_another_tenant_is_refused(world):
    with world["db"].session(world["aalst"]) as session:
        family = session.get(ProbeFamily, world["family_id"])
        family.tenant_id = world["brugge"]
        with pytest.raises(TenantViolation):
            session.flush()


def test_bulk_update_and_delete_are_scoped(world):
    with world["db"].tenant_session(world["brugge"]) as session:
        session.exec(sa.update(ProbeFamily).values(name="Gewijzigd"))
        session.exec(sa.delete(ProbeChild))
    with world["db"].session(world["aalst"]) as session:
        assert session.get(ProbeFamily, world["family_id"]).name == "Familie Peeters"
        assert len(session.exec(select(ProbeChild)).all()) == 1


def test_new_rows_are_stamped_with_the_sessions_tenant(world):
    with world["db"].tenant_session(world["brugge"]) as session:
        family = ProbeFamily(name="Familie Maes")
        session.add(family)
        session.flush()
        assert family.tenant_id == world["brugge"]


def test_audit_entries_are_append_only(world):
    with world["db"].tenant_session(world["aalst"]) as session:
        entry = session.exec(select(AuditEntry)).first()
        assert entry is not None
    with world["db"].session(world["aalst"]) as session:
        entry = session.exec(select(AuditEntry)).first()
        entry.action = "rewritten"
        with pytest.raises(TenantViolation):
            session.flush()


def test_crossing_tenants_needs_the_audited_escape_hatch(world):
    db = world["db"]
    with db.platform_session(actor="cli:test", reason="yearly statistics") as session:
        names = sorted(session.exec(select(ProbeFamily.name)).all())
    assert names == ["Familie Janssens", "Familie Peeters"]
    with db.session() as session:
        session.info["cross_tenant"] = True
        actions = session.exec(select(PlatformAuditEntry.action, PlatformAuditEntry.detail)).all()
    assert ("cross_tenant.open", {"reason": "yearly statistics"}) in actions


@pytest.mark.postgres
def test_postgres_rls_hides_rows_from_raw_sql(pg_world):
    world = pg_world
    with world["db"].session(world["brugge"]) as session:
        rows = session.execute(sa.text("SELECT name FROM probe_family")).scalars().all()
        assert rows == ["Familie Janssens"]
        children = session.execute(sa.text("SELECT count(*) FROM probe_child")).scalar_one()
        assert children == 0
    engine = sa.create_engine(world["settings"].database_url)
    with engine.connect() as connection:  # no tenant set at all: nothing
        assert connection.execute(sa.text("SELECT count(*) FROM probe_family")).scalar_one() == 0
    engine.dispose()


@pytest.mark.postgres
def test_postgres_rls_refuses_inserts_for_another_tenant_in_raw_sql(pg_world):
    world = pg_world
    with world["db"].session(world["brugge"]) as session, pytest.raises(DBAPIError):
        session.execute(
            sa.text(
                "INSERT INTO probe_family (id, tenant_id, name) VALUES (gen_random_uuid(), :t, 'x')"
            ),
            {"t": world["aalst"]},
        )
        session.flush()


@pytest.mark.postgres
def test_postgres_application_role_cannot_disable_rls(pg_world):
    world = pg_world
    engine = sa.create_engine(world["settings"].database_url)
    for statement in (
        "ALTER TABLE probe_family DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE probe_family NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY tenant_isolation ON probe_family",
        "UPDATE audit_entry SET action = 'x'",
    ):
        with engine.connect() as connection, pytest.raises(DBAPIError):
            connection.execute(sa.text(statement))
    with engine.connect() as connection:
        connection.execute(sa.text("SET row_security = off"))
        with pytest.raises(DBAPIError):  # with FORCE, a role without BYPASSRLS gets an error
            connection.execute(sa.text("SELECT count(*) FROM probe_family"))
    engine.dispose()
