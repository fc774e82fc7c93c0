"""A backup that holds every municipality's rows: the procedure of docs/operations.md, run.

Row-level security hides every tenant row from the table owner (``pg_dump`` as the owner fails or,
with ``--enable-row-security``, dumps empty tables). The backup role reads everything
(``BYPASSRLS`` plus ``pg_read_all_data``) and nothing else; a restore as the database superuser
brings back rows, policies, grants and the row-level security key.
"""

from __future__ import annotations

import dataclasses
import subprocess

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import func, select

from core.app import create_app
from core.config import PROJECT_ROOT
from core.migrator import upgrade_database
from core.models import Tenant
from core.plugins import build_registry

pytestmark = pytest.mark.postgres

BACKUP_ROLE = "opvangplein_backup"


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def connection_args(url: str, role: str) -> list[str]:
    parsed = make_url(url)
    return ["-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", role]


def fingerprints(admin_url: str, database: str) -> dict[str, tuple[int, str]]:
    """Rows and an md5 of their content, per table, read as the superuser (no policy applies)."""
    engine = sa.create_engine(
        make_url(admin_url).set(database=database), poolclass=sa.pool.NullPool
    )
    with engine.connect() as connection:
        tables = connection.execute(
            sa.text(
                "SELECT schemaname || '.' || tablename FROM pg_tables"
                " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
            )
        ).scalars()
        return {
            table: tuple(
                connection.execute(
                    sa.text(
                        f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text),"
                        f" '')) FROM {table} t"
                    )
                ).one()
            )
            for table in tables
        }


def test_a_backup_as_the_backup_role_restores_every_row_of_every_municipality(
    postgres_server, postgres_settings, tmp_path
):
    settings = dataclasses.replace(postgres_settings, tenants_dir=PROJECT_ROOT / "tenants")
    registry = build_registry()
    upgrade_database(settings, registry, echo=lambda _: None)
    app = create_app({"TESTING": True}, settings=settings, registry=registry)
    runner = app.test_cli_runner()
    for command in (["tenants", "sync"], ["tenants", "demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    source = make_url(settings.database_url).database
    admin = postgres_server.admin_url

    # The owner cannot make a useful backup: row-level security stands in its way.
    owner = make_url(settings.migration_database_url).username
    refused = run("pg_dump", *connection_args(admin, owner), "-Fc", "-f", "/dev/null", source)
    assert refused.returncode != 0 and "row-level security" in refused.stderr

    # docs/operations.md, "Backup": the backup role, once per cluster.
    with sa.create_engine(admin, isolation_level="AUTOCOMMIT").connect() as connection:
        if not connection.execute(
            sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": BACKUP_ROLE}
        ).first():
            connection.execute(sa.text(f"CREATE ROLE {BACKUP_ROLE} LOGIN BYPASSRLS"))
        connection.execute(sa.text(f"GRANT pg_read_all_data TO {BACKUP_ROLE}"))
    dump = tmp_path / "opvangplein.dump"
    dumped = run("pg_dump", *connection_args(admin, BACKUP_ROLE), "-Fc", "-f", str(dump), source)
    assert dumped.returncode == 0, dumped.stderr

    # "Restore": into an empty database of the same owner, as the superuser.
    restored = f"{source}_restored"
    postgres_server.created.append(restored)
    superuser = make_url(admin).username
    created = run("createdb", *connection_args(admin, superuser), "-O", owner, restored)
    assert created.returncode == 0, created.stderr
    loaded = run(
        "pg_restore",
        *connection_args(admin, superuser),
        "--exit-on-error",
        "-d",
        restored,
        str(dump),
    )
    assert loaded.returncode == 0, loaded.stderr

    before, after = fingerprints(admin, source), fingerprints(admin, restored)
    assert after == before
    assert before["public.loket_request"][0] > 0 and before["public.ckg_referral"][0] > 0

    # The restored database serves the municipalities as before: same key, same wall.
    restored_settings = dataclasses.replace(
        settings,
        database_url=str(
            make_url(settings.database_url).set(database=restored).render_as_string(False)
        ),
        migration_database_url=str(
            make_url(settings.migration_database_url).set(database=restored).render_as_string(False)
        ),
        platform_database_url=str(
            make_url(settings.platform_database_url).set(database=restored).render_as_string(False)
        ),
    )
    again = create_app({"TESTING": True}, settings=restored_settings, registry=registry)
    database = again.extensions["opvangplein.db"]
    with database.session() as lookup:
        tenants = lookup.exec(select(Tenant)).all()
    assert {tenant.slug for tenant in tenants} >= {"heusden-zolder", "deinze", "herenthout"}
    from plugins.loket.models import ChildcareRequest

    heusden = next(tenant for tenant in tenants if tenant.slug == "heusden-zolder")
    with database.session(heusden.id) as session:
        seen = session.exec(select(func.count()).select_from(ChildcareRequest)).one()
    superuser_engine = sa.create_engine(
        make_url(admin).set(database=source), poolclass=sa.pool.NullPool
    )
    with superuser_engine.connect() as connection:
        expected = connection.execute(
            sa.text("SELECT count(*) FROM loket_request WHERE tenant_id = :tenant"),
            {"tenant": heusden.id},
        ).scalar_one()
    assert seen == expected > 0
    assert again.test_client().get("/t/heusden-zolder/").status_code == 200
