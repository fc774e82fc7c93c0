"""Shared fixtures: databases (SQLite and the real PostgreSQL), apps, tenants.

In CI (CI=true) a test that needs PostgreSQL or Chromium fails instead of skipping.
"""

from __future__ import annotations

import uuid
import weakref

import pytest
import sqlalchemy as sa

from core.config import Settings
from tests.support.ci import unavailable
from tests.support.databases import PostgresServer
from tests.support.identity_providers import (
    AALST_USERS,
    BRUGGE_USERS,
    HostileProvider,
    MockProviderProcess,
)

pytest_plugins = ["tests.support.browser", "tests.support.xdist_groups"]


# Every app a test builds keeps a pool of PostgreSQL connections until it is garbage collected;
# with several test processes on one server they would add up to its connection limit (a
# concurrency test opens twenty at once). A pool closed after the test reconnects when used.
_postgres_engines: weakref.WeakSet = weakref.WeakSet()


@sa.event.listens_for(sa.engine.Engine, "engine_connect")
def _remember_postgres_engine(connection) -> None:
    if connection.engine.dialect.name == "postgresql":
        _postgres_engines.add(connection.engine)


@pytest.fixture(autouse=True)
def _close_idle_postgres_connections():
    yield
    for engine in list(_postgres_engines):
        engine.dispose()


def pytest_sessionfinish(session):
    from tests.support.templates import drop_templates

    drop_templates()


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer.from_environ()
    if not server.reachable():
        unavailable(f"PostgreSQL not reachable at {server.admin_url}")
    yield server
    server.drop_created_databases()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_settings(request, tmp_path) -> Settings:
    """Settings for a fresh, migrated-by-the-test database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return Settings(database_url=url, migration_database_url=url, tenants_dir=tmp_path)
    return request.getfixturevalue("postgres_settings")


@pytest.fixture
def postgres_settings(postgres_server, tmp_path) -> Settings:
    """A fresh PostgreSQL database owned by a non-superuser; the app connects as another role,
    cross-tenant work as a third."""
    owner_url, app_url = postgres_server.create_database(f"opvangplein_t_{uuid.uuid4().hex[:10]}")
    return Settings(
        database_url=app_url,
        migration_database_url=owner_url,
        platform_database_url=postgres_server.platform_url(app_url),
        tenants_dir=tmp_path,
    )


@pytest.fixture
def sqlite_settings(tmp_path) -> Settings:
    url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return Settings(database_url=url, migration_database_url=url, tenants_dir=tmp_path)


def table_count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return count


@pytest.fixture(scope="session")
def providers():
    """Two real OpenID providers (own processes, own keys, own issuers) and a hostile one."""
    first, second = MockProviderProcess(AALST_USERS), MockProviderProcess(BRUGGE_USERS)
    hostile = HostileProvider()
    try:
        first.wait_until_ready()
        second.wait_until_ready()
        yield {"aalst": first, "brugge": second, "hostile": hostile}
    finally:
        first.stop()
        second.stop()
        hostile.stop()


@pytest.fixture
def mail_sink():
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    from core.dev_mail import MailSink

    sink = MailSink().start()
    yield sink
    sink.stop()
