"""Row-level security as a real second wall: SQL run as the application's database role — an SQL
injection, say — never reveals or touches a row of a tenant other than the one the application
bound the transaction to, whatever settings it changes; cross-tenant work needs another role.

The attacker here holds a connection as ``opvangplein_app``, either inside the application's own
transaction for Brugge (as an injection in a Brugge request would) or a raw one bound to nobody.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from core.config import ConfigurationError, Settings
from core.db import Database
from core.migrator import upgrade_database
from core.rls import RLSKeyMismatch, derive_rls_key, tenant_proof
from tests.core.probe_plugin import ProbeFamily
from tests.support.apps import probe_app, tenant_id
from tests.support.databases import APP_ROLE, OWNER_ROLE, PLATFORM_ROLE

pytestmark = pytest.mark.postgres

AALST_SECRET = "Familie Peeters"


@pytest.fixture(scope="module")
def wall(postgres_server, tmp_path_factory):
    """Aalst and Brugge with a family each, built once: the attacks below only read, and what
    they change they roll back."""
    owner_url, app_url = postgres_server.create_database(f"opvangplein_w_{uuid.uuid4().hex[:10]}")
    settings = Settings(
        database_url=app_url,
        migration_database_url=owner_url,
        platform_database_url=postgres_server.platform_url(app_url),
        tenants_dir=tmp_path_factory.mktemp("wall"),
    )
    yield from build_wall(settings)


@pytest.fixture
def own_wall(postgres_settings):
    """The same, for a test that changes the database for good."""
    yield from build_wall(postgres_settings)


def build_wall(settings: Settings):
    app = probe_app(settings)
    db = app.extensions["opvangplein.db"]
    aalst, brugge = tenant_id(app, "aalst"), tenant_id(app, "brugge")
    with db.tenant_session(aalst) as session:
        session.add(ProbeFamily(name=AALST_SECRET))
    with db.tenant_session(brugge) as session:
        session.add(ProbeFamily(name="Familie Janssens"))
    owner = sa.create_engine(settings.effective_migration_url, poolclass=sa.pool.NullPool)
    with owner.begin() as connection:
        # Statistics hold sampled column values; they must not become a side door either.
        connection.execute(sa.text("ANALYZE"))
    with owner.connect() as connection:
        tables = rls_tables(connection)
    owner.dispose()
    app_engine = sa.create_engine(settings.database_url, poolclass=sa.pool.NullPool)
    yield {
        "settings": settings,
        "db": db,
        "aalst": aalst,
        "brugge": brugge,
        "tables": tables,
        "app_engine": app_engine,
    }
    app_engine.dispose()
    db.dispose()


def rls_tables(connection) -> list[str]:
    """Every table with a ``tenant_id`` column and row-level security."""
    return list(
        connection.execute(
            sa.text(
                "SELECT c.relname FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'"
                " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'"
                " WHERE c.relkind = 'r' AND c.relrowsecurity ORDER BY c.relname"
            )
        ).scalars()
    )


def foreign_rows(connection, tables: list[str], own: uuid.UUID | None) -> dict[str, int]:
    """Rows of any tenant but ``own`` that ``connection`` can see, per table."""
    counts = {}
    for table in tables:
        count = connection.execute(
            sa.text(f"SELECT count(*) FROM {table} WHERE tenant_id IS DISTINCT FROM :own"),
            {"own": own},
        ).scalar_one()
        if count:
            counts[table] = count
    return counts


@contextmanager
def attacker(wall, where: str) -> Iterator[tuple[sa.Connection, uuid.UUID | None]]:
    """A connection as the application role: inside the app's Brugge transaction, or raw."""
    if where == "in_brugge_request":
        with wall["db"].session(wall["brugge"]) as session:
            yield session.connection(), wall["brugge"]
    else:
        with wall["app_engine"].connect() as connection:
            yield connection, None


def run_all(connection, statements: list[str]) -> str:
    """Run the attacker's statements; everything they answered (but the echo of its own
    ``set_config`` values), as one text."""
    answers = []
    for statement in statements:
        result = connection.execute(sa.text(statement))
        if result.returns_rows and not statement.startswith("SELECT set_config"):
            answers.extend(repr(row) for row in result.all())
    return "\n".join(answers)


def forged(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def attacks(aalst: uuid.UUID, brugge: uuid.UUID) -> dict[str, list[str]]:
    """Statements an application role may run that try to reach Aalst; each ends by reading."""
    read = ["SELECT name FROM probe_family", "SELECT tenant_id, plugin FROM tenant_plugin"]
    return {
        "cross_tenant_on": ["SELECT set_config('app.cross_tenant', 'on', true)", *read],
        "cross_tenant_on_for_the_session": ["SET app.cross_tenant = 'on'", *read],
        "tenant_id_of_aalst": [f"SELECT set_config('app.tenant_id', '{aalst}', true)", *read],
        "tenant_id_of_aalst_for_the_session": [f"SET app.tenant_id = '{aalst}'", *read],
        "tenant_id_of_aalst_with_a_forged_proof": [
            f"SELECT set_config('app.tenant_id', '{aalst}', true),"
            f" set_config('app.tenant_proof', '{forged(str(aalst))}', true)",
            *read,
        ],
        "tenant_id_of_aalst_with_its_own_proof_copied": [
            "SELECT set_config('app.tenant_proof', current_setting('app.tenant_proof', true), true),"
            f" set_config('app.tenant_id', '{aalst}', true)",
            *read,
        ],
        "tenant_id_in_another_spelling": [
            f"SELECT set_config('app.tenant_id', '{str(aalst).upper()}', true)",
            *read,
        ],
        "both_settings_and_cross_tenant": [
            f"SELECT set_config('app.tenant_id', '{aalst}', true),"
            " set_config('app.cross_tenant', 'on', true),"
            f" set_config('app.tenant_proof', '{forged(str(brugge))}', true)",
            *read,
        ],
        "reset_all": ["RESET ALL", *read],
        "reset_the_settings": ["RESET app.tenant_id", "RESET app.tenant_proof", *read],
        "statistics_of_the_table": [
            "SELECT attname, most_common_vals::text, histogram_bounds::text FROM pg_stats"
            " WHERE tablename = 'probe_family'"
        ],
        "update_everything_then_look": [
            "SELECT set_config('app.cross_tenant', 'on', true)",
            f"SELECT set_config('app.tenant_id', '{aalst}', true)",
            "UPDATE probe_family SET name = name || ' (changed)' RETURNING name",
            "DELETE FROM probe_family RETURNING name",
        ],
    }


ATTACK_NAMES = list(attacks(uuid.uuid4(), uuid.uuid4()))


@pytest.mark.parametrize("where", ["in_brugge_request", "raw_connection"])
@pytest.mark.parametrize("attack", ATTACK_NAMES)
def test_no_setting_or_statement_of_the_application_role_reveals_another_tenant(
    wall, where, attack
):
    with attacker(wall, where) as (connection, own):
        answered = run_all(connection, attacks(wall["aalst"], wall["brugge"])[attack])
        assert AALST_SECRET not in answered
        assert str(wall["aalst"]) not in answered
        assert foreign_rows(connection, wall["tables"], own) == {}
        connection.rollback()
    with wall["db"].platform_session(actor="test", reason="check") as session:
        assert AALST_SECRET in session.exec(select(ProbeFamily.name)).all()


@pytest.mark.parametrize("where", ["in_brugge_request", "raw_connection"])
@pytest.mark.parametrize(
    "statement",
    [
        f"SET ROLE {OWNER_ROLE}",
        f"SET ROLE {PLATFORM_ROLE}",
        f"SET SESSION AUTHORIZATION {PLATFORM_ROLE}",
        "SET row_security = off; SELECT count(*) FROM probe_family",
        "SELECT * FROM tenant_rls.key",
        "CREATE FUNCTION public.everything() RETURNS bigint LANGUAGE sql"
        " AS $$ SELECT count(*) FROM probe_family $$",
        "CREATE OR REPLACE FUNCTION public.rls_bound_tenant() RETURNS uuid LANGUAGE sql"
        " AS $$ SELECT tenant_id FROM probe_family LIMIT 1 $$",
        "ALTER FUNCTION public.rls_bound_tenant() SECURITY INVOKER",
        "ALTER TABLE probe_family NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY tenant_isolation ON probe_family",
        "CREATE POLICY open_door ON probe_family USING (true)",
        "ALTER POLICY tenant_isolation ON probe_family USING (true)",
        "GRANT opvangplein_platform TO opvangplein_app",
        # Temporary objects outlive the transaction on a pooled connection: a table named like a
        # real one would catch what later requests, bound to other tenants, write and read.
        "CREATE TEMPORARY TABLE probe_family (LIKE public.probe_family)",
        "CREATE TEMPORARY VIEW everything AS SELECT * FROM probe_family",
        "CREATE FUNCTION pg_temp.everything() RETURNS SETOF text LANGUAGE sql"
        " SECURITY DEFINER AS $$ SELECT name FROM public.probe_family $$",
    ],
)
def test_the_application_role_cannot_change_who_it_is_or_what_the_wall_is(wall, where, statement):
    with attacker(wall, where) as (connection, _own), pytest.raises(DBAPIError):
        for part in statement.split("; "):
            connection.execute(sa.text(part))


def test_the_key_lives_where_only_the_owner_reads_it(wall):
    owner = sa.create_engine(wall["settings"].effective_migration_url, poolclass=sa.pool.NullPool)
    with owner.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM tenant_rls.key")).scalar() == 1
        grants = connection.execute(
            sa.text(
                "SELECT grantee FROM information_schema.role_table_grants"
                " WHERE table_schema = 'tenant_rls'"
            )
        ).scalars()
        assert set(grants) <= {OWNER_ROLE}
    owner.dispose()


@pytest.mark.parametrize("where", ["in_brugge_request", "raw_connection"])
def test_the_bound_tenant_function_only_confirms_the_applications_own_binding(wall, where):
    aalst = str(wall["aalst"])
    with attacker(wall, where) as (connection, own):

        def bound() -> str | None:
            value = connection.execute(sa.text("SELECT public.rls_bound_tenant()")).scalar()
            return str(value) if value else None

        assert bound() == (str(own) if own else None)
        for tenant, proof in [
            (aalst, forged(aalst)),
            (aalst, ""),
            (aalst, tenant_proof(derive_rls_key("a guessed key"), wall["aalst"])),
            (
                aalst,
                connection.execute(
                    sa.text("SELECT current_setting('app.tenant_proof', true)")
                ).scalar()
                or "",
            ),
        ]:
            connection.execute(
                sa.text(
                    "SELECT set_config('app.tenant_id', :t, true), set_config('app.tenant_proof', :p, true)"
                ),
                {"t": tenant, "p": proof},
            )
            assert bound() is None
        connection.rollback()


def test_other_sessions_bindings_do_not_show_in_the_activity_view(wall):
    """A Brugge attacker reads what every connection of its role is running; Aalst's proof,
    which a concurrent Aalst request sent, is not there."""
    db, aalst = wall["db"], wall["aalst"]
    aalst_proof = tenant_proof(wall["settings"].rls_key_bytes, aalst)
    holding, release = threading.Event(), threading.Event()

    def aalst_request() -> None:
        with db.session(aalst) as session:
            session.connection()  # the transaction begins: the binding is sent, then it waits
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=aalst_request)
    worker.start()
    try:
        assert holding.wait(10)
        with attacker(wall, "in_brugge_request") as (connection, _own):
            seen = run_all(connection, ["SELECT * FROM pg_stat_activity"])
    finally:
        release.set()
        worker.join()
    assert "set_config" in seen  # the view does show the other session's statement…
    assert aalst_proof not in seen  # …but not the values it bound


def test_the_application_role_still_sees_its_own_tenant(wall):
    with wall["db"].session(wall["brugge"]) as session:
        assert session.execute(sa.text("SELECT current_user")).scalar() == APP_ROLE
        assert session.execute(sa.text("SELECT name FROM probe_family")).scalars().all() == [
            "Familie Janssens"
        ]


def test_platform_sessions_cross_tenants_as_their_own_role(wall):
    with wall["db"].platform_session(actor="test", reason="yearly statistics") as session:
        assert session.execute(sa.text("SELECT current_user")).scalar() == PLATFORM_ROLE
        names = session.execute(sa.text("SELECT name FROM probe_family")).scalars().all()
        assert sorted(names) == ["Familie Janssens", AALST_SECRET]
        # Not a setting but the role admits every row: switching scoping "off" changes nothing.
        session.execute(sa.text("SELECT set_config('app.cross_tenant', 'off', true)"))
        assert len(session.execute(sa.text("SELECT name FROM probe_family")).all()) == 2


def test_an_application_with_another_key_stops_with_a_clear_error(wall):
    other = Database(wall["settings"].database_url, rls_key=derive_rls_key("x" * 40))
    try:
        with (
            pytest.raises(RLSKeyMismatch, match="OPVANGPLEIN_RLS_KEY"),
            other.session(wall["brugge"]) as session,
        ):
            session.execute(sa.text("SELECT 1"))
    finally:
        other.engine.dispose()


def test_db_upgrade_refuses_another_key_unless_told_to_replace_it(own_wall):
    wall = own_wall
    registry = build_probe_registry()
    settings: Settings = wall["settings"]
    rotated = dataclasses.replace(settings, rls_key="a-new-row-level-security-key-" + "x" * 10)
    with pytest.raises(ConfigurationError, match="replace-rls-key"):
        upgrade_database(rotated, registry, echo=lambda _: None)
    upgrade_database(rotated, registry, echo=lambda _: None, replace_rls_key=True)
    database = Database(rotated.database_url, rls_key=rotated.rls_key_bytes)
    try:
        with database.session(wall["brugge"]) as session:
            assert session.exec(select(ProbeFamily.name)).all() == ["Familie Janssens"]
    finally:
        database.engine.dispose()


def test_every_tenant_table_gets_the_new_policy_also_after_upgrading_an_old_database(own_wall):
    wall = own_wall
    """0006 replaces the old policy on tables that exist; downgrading restores it."""
    from alembic import command

    from core.migrator import MIGRATIONS_DIR, alembic_config

    settings = wall["settings"]
    wall["db"].dispose()
    config = alembic_config(
        settings.effective_migration_url, target="core", versions_dir=MIGRATIONS_DIR / "versions"
    )
    command.downgrade(config, "0005_user_language")
    owner = sa.create_engine(settings.effective_migration_url, poolclass=sa.pool.NullPool)

    def policies() -> set[str]:
        with owner.connect() as connection:
            return set(
                connection.execute(
                    sa.text(
                        "SELECT tablename || ':' || policyname || ':' || qual FROM pg_policies"
                        " WHERE schemaname = 'public'"
                    )
                ).scalars()
            )

    def tables_with_rls() -> set[str]:
        with owner.connect() as connection:
            return set(
                connection.execute(
                    sa.text(
                        "SELECT relname FROM pg_class WHERE relrowsecurity"
                        " AND relnamespace = 'public'::regnamespace"
                    )
                ).scalars()
            )

    old = policies()
    assert all("app.cross_tenant" in policy for policy in old)
    # Tables created by later core revisions are gone at 0005; every one left has the old policy.
    assert {policy.split(":")[0] for policy in old} == tables_with_rls()
    assert tables_with_rls() <= set(wall["tables"])
    upgrade_database(settings, build_probe_registry(), echo=lambda _: None)
    new = policies()
    isolation = {p for p in new if ":tenant_isolation:" in p}
    assert {p.split(":")[0] for p in isolation} == set(wall["tables"])
    assert all("rls_bound_tenant" in p and "cross_tenant" not in p for p in isolation)
    owner.dispose()


def build_probe_registry():
    from core.plugins import build_registry
    from tests.core import probe_plugin

    return build_registry([("probe", probe_plugin)])


def test_production_needs_the_platform_role_on_postgresql():
    settings = Settings(
        env="production",
        secret_key="s" * 40,
        database_url="postgresql+psycopg://app@db/opvangplein",
        secure_cookies=True,
        secrets_keys="k1:" + "A" * 43,
        smtp_host="relay.gemeente.be",
        redis_url="redis://redis:6379/0",
        public_url="https://opvangplein.gemeente.be",
    )
    with pytest.raises(ConfigurationError, match="OPVANGPLEIN_PLATFORM_DATABASE_URL"):
        settings.check()
    dataclasses.replace(
        settings, platform_database_url="postgresql+psycopg://platform@db/opvangplein"
    ).check()


def test_the_platform_url_must_not_be_the_applications_role(postgres_settings):
    settings = dataclasses.replace(
        postgres_settings, platform_database_url=postgres_settings.database_url
    )
    with pytest.raises(ConfigurationError, match="OPVANGPLEIN_PLATFORM_DATABASE_URL"):
        upgrade_database(settings, build_probe_registry(), echo=lambda _: None)
