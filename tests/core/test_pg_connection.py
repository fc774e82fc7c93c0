"""PostgreSQL connections: no round trip before the work, recovery from a closed connection,
and row-level security binding every statement, the first included."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.core.probe_plugin import ProbeFamily
from tests.support.apps import probe_app, tenant_id
from tests.support.queries import app_engines, counted_statements

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(postgres_settings):
    app = probe_app(postgres_settings)
    db = app.extensions["opvangplein.db"]
    for slug, name in (("aalst", "Familie Aalst"), ("brugge", "Familie Brugge")):
        with db.tenant_session(tenant_id(app, slug)) as session:
            session.add(ProbeFamily(name=name))
    return app


def _terminate_app_connections(server, database_url: str) -> None:
    name = make_url(database_url).database
    admin = sa.create_engine(server.admin_url, poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            left = connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            ).scalar_one()
            if left == 0:
                break
            time.sleep(0.05)
    admin.dispose()


def test_a_request_after_the_server_closed_every_pooled_connection_is_served(
    pg_app, postgres_server, postgres_settings
):
    client = pg_app.test_client()
    assert "Familie Aalst" in client.get("/t/aalst/probe/").get_data(as_text=True)
    pool = pg_app.extensions["opvangplein.db"].engine.pool
    assert pool.checkedin() >= 1  # the request left a pooled connection behind
    _terminate_app_connections(postgres_server, postgres_settings.database_url)
    response = client.get("/t/aalst/probe/")
    assert response.status_code == 200
    assert "Familie Aalst" in response.get_data(as_text=True)


def test_no_connection_is_pinged_before_use(pg_app, monkeypatch):
    engine = pg_app.extensions["opvangplein.db"].engine
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(1) or real_ping(c))
    client = pg_app.test_client()
    for _ in range(5):
        assert client.get("/t/aalst/probe/").status_code == 200
    assert pings == []
    assert engine.pool._recycle > 0, "without pings, connections must be recycled"


def test_the_tenant_binding_travels_with_the_first_statement_of_each_transaction(pg_app):
    client = pg_app.test_client()
    client.get("/t/aalst/probe/")
    with counted_statements(*app_engines(pg_app)) as log:
        page = client.get("/t/aalst/probe/").get_data(as_text=True)
    assert "Familie Aalst" in page and "Familie Brugge" not in page
    bindings = [sql for sql in log.statements if "set_config('app.tenant_id'" in sql]
    assert bindings, str(log)
    assert all("; SELECT" in sql or "; INSERT" in sql or "; UPDATE" in sql for sql in bindings)


def test_row_level_security_binds_the_first_statement_itself(pg_app):
    """Raw SQL as a transaction's first statement: only row-level security scopes it."""
    db = pg_app.extensions["opvangplein.db"]
    for slug, expected in (("aalst", ["Familie Aalst"]), ("brugge", ["Familie Brugge"])):
        with db.session(tenant_id(pg_app, slug)) as session:
            names = session.execute(sa.text("SELECT name FROM probe_family")).scalars().all()
        assert names == expected
    with db.session(None) as session:
        assert session.execute(sa.text("SELECT count(*) FROM probe_family")).scalar_one() == 0


def test_a_transaction_that_ended_before_any_statement_binds_the_next_one_afresh(pg_app):
    db = pg_app.extensions["opvangplein.db"]
    with db.session(tenant_id(pg_app, "aalst")) as session:
        session.connection()  # begins, binds nothing yet
        session.rollback()
        session.info["tenant_id"] = tenant_id(pg_app, "brugge")
        names = session.execute(sa.text("SELECT name FROM probe_family")).scalars().all()
    assert names == ["Familie Brugge"]


def test_a_checkout_works_when_the_process_holds_more_than_1024_descriptors(pg_app):
    """select() refuses a descriptor above FD_SETSIZE; a long-running worker gets there."""
    import os
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    # Every low descriptor taken first, so the pool's next connection gets one above 1024.
    pg_app.extensions["opvangplein.db"].engine.dispose()
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        client = pg_app.test_client()
        assert client.get("/t/aalst/probe/").status_code == 200
        assert client.get("/t/aalst/probe/").status_code == 200  # a pooled checkout
    finally:
        for descriptor in held:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
