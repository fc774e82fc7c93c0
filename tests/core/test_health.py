"""``/healthz`` says the process lives; ``/readyz`` says which dependency keeps it from serving."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from core.localnet import free_port
from core.web import TenantDirectory
from tests.support.apps import probe_app


@pytest.fixture
def make(sqlite_settings, tmp_path):
    def build(**changes):
        settings = dataclasses.replace(sqlite_settings, **changes)
        return probe_app(settings, config={"STARTERS_UPLOAD_DIR": str(tmp_path / "uploads")})

    return build


def test_healthz_answers_json_even_when_the_tenant_lookup_fails(make, monkeypatch):
    app = make()

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("database is gone"))

    monkeypatch.setattr(TenantDirectory, "resolve", broken)
    for method in ("get", "head"):
        response = getattr(app.test_client(), method)("/healthz")
        assert response.status_code == 200
        assert response.mimetype == "application/json"
    assert app.test_client().get("/healthz").json == {"status": "ok"}


def test_readyz_is_ok_when_every_dependency_answers(make, mail_sink):
    app = make(
        smtp_host="127.0.0.1", smtp_port=mail_sink.port, redis_url="redis://127.0.0.1:6379/0"
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.json
    checks = response.json["checks"]
    assert {"database", "migrations", "mail", "smtp", "redis", "starters.uploads"} <= set(checks)
    assert all(check["ok"] for check in checks.values())
    assert checks["migrations"]["behind"] == []


def test_readyz_is_503_json_naming_a_relay_and_a_queue_that_do_not_answer(make):
    closed = free_port()
    app = make(smtp_host="127.0.0.1", smtp_port=closed, redis_url=f"redis://127.0.0.1:{closed}/0")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.mimetype == "application/json"
    assert response.json["status"] == "unavailable"
    checks = response.json["checks"]
    assert checks["smtp"]["ok"] is False and checks["redis"]["ok"] is False
    assert checks["database"]["ok"] is True and response.json["database"] == "reachable"
    assert "Traceback" not in response.text


def test_readyz_is_503_when_a_plugin_schema_is_behind(make):
    app = make()
    engine = app.extensions["opvangplein.db"].engine
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE loket_alembic_version SET version_num = 'loket_0001'"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["migrations"] == {
        "ok": False,
        "behind": ["loket"],
        "ms": response.json["checks"]["migrations"]["ms"],
    }


def test_readyz_is_503_when_the_upload_store_cannot_be_written(sqlite_settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    app = probe_app(sqlite_settings, config={"STARTERS_UPLOAD_DIR": str(blocker / "uploads")})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["starters.uploads"]["ok"] is False


def test_readyz_is_503_json_when_the_database_is_down(make, monkeypatch):
    app = make()
    database = app.extensions["opvangplein.db"]

    def down():
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(database, "ping", down)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"
    assert response.json["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": response.json["checks"]["database"]["ms"],
    }
