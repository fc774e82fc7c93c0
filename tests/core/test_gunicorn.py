"""The platform as an operator runs it: `gunicorn -c gunicorn.conf.py core.wsgi:application`
with two workers, JSON logs whose access lines carry the request id (and no query string), and
Prometheus metrics on their own port: request latency per endpoint, errors, the outbox backlog."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from flask import g
from prometheus_client.parser import text_string_to_metric_families

from core.app import create_app
from core.config import Settings
from core.localnet import free_port, wait_until_up
from core.mail import queue_mail
from tests.support.apps import tenant_id

ROOT = Path(__file__).resolve().parents[2]


def flask(environment, *arguments):
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "core", *arguments],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
    )


@pytest.fixture()
def served(tmp_path):
    web, metrics = free_port(), free_port()
    database_url = f"sqlite:///{tmp_path}/platform.sqlite3"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OPVANGPLEIN_")}
    environment.update(
        OPVANGPLEIN_DATABASE_URL=database_url,
        OPVANGPLEIN_DEV_MAIL_DIR=str(tmp_path / "var" / "mail"),
        OPVANGPLEIN_LOG_FORMAT="json",
        OPVANGPLEIN_BIND=f"127.0.0.1:{web}",
        OPVANGPLEIN_WEB_WORKERS="2",
        OPVANGPLEIN_METRICS_PORT=str(metrics),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    flask(environment, "db", "upgrade")
    flask(environment, "tenants", "sync")
    # One mail waits in the outbox (no worker runs here): the backlog metrics must show it.
    app = create_app(
        settings=Settings(database_url=database_url, dev_mail_dir=tmp_path / "var" / "mail")
    )
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "deinze")) as session:
        queue_mail(session, to="ouder@example.be", subject="Wacht", body="...")
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "core.wsgi:application"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{web}/healthz")
            yield f"http://127.0.0.1:{web}", f"http://127.0.0.1:{metrics}/metrics", log_path
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def samples(metrics_url: str) -> dict:
    found = {}
    for family in text_string_to_metric_families(requests.get(metrics_url, timeout=10).text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_gunicorn_serves_with_json_access_lines_and_prometheus_metrics(served):
    base, metrics_url, log_path = served
    health = requests.get(f"{base}/healthz", timeout=5)
    request_id = health.headers["X-Request-ID"]
    for _ in range(3):
        requests.get(f"{base}/t/deinze/?zoek=Mila+Peeters", timeout=5)
    assert requests.get(f"{base}/bestaat-niet", timeout=5).status_code == 404

    figures = samples(metrics_url)
    healthz = (
        "opvangplein_http_request_duration_seconds_count",
        (("endpoint", "platform.healthz"), ("method", "GET"), ("status", "200")),
    )
    assert figures.get(healthz, 0) >= 2, sorted(k for k in figures if "count" in k[0])
    statuses = {
        dict(labels)["status"]
        for (name, labels), value in figures.items()
        if name == "opvangplein_http_request_total" and value
    }
    assert "404" in statuses
    assert figures[("opvangplein_backlog_up", ())] == 1
    assert figures[("opvangplein_outbox_pending", ())] == 1
    assert figures[("opvangplein_outbox_oldest_pending_seconds", ())] >= 0
    assert figures[("opvangplein_outbox_dead_letters", ())] == 0

    time.sleep(0.5)  # the access lines are written after the response
    text = log_path.read_text()
    assert "Mila" not in text, "a query string reached the log"
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    [access] = [line for line in lines if line.get("request_id") == request_id]
    assert access["logger"] == "access" and access["path"] == "/healthz"
    assert access["status"] == 200 and access["method"] == "GET"
    assert {line["path"] for line in lines if line.get("logger") == "access"} >= {
        "/healthz",
        "/t/deinze/",
        "/bestaat-niet",
    }


def test_application_log_lines_are_json_objects_with_the_request_id(sqlite_settings):
    import dataclasses

    app = create_app(settings=dataclasses.replace(sqlite_settings, log_format="json"))
    [handler] = app.logger.handlers
    stream = io.StringIO()
    handler.setStream(stream)
    with app.test_request_context("/"):
        g.request_id = "abc123"
        app.logger.warning("relay refused %s", "a message")
    line = json.loads(stream.getvalue())
    assert line["message"] == "relay refused a message"
    assert line["request_id"] == "abc123"
    assert line["level"] == "WARNING" and line["logger"] == app.logger.name
    assert "time" in line


def test_an_unknown_log_format_is_refused_at_start(monkeypatch):
    from core.config import ConfigurationError

    monkeypatch.setenv("OPVANGPLEIN_LOG_FORMAT", "xml")
    with pytest.raises(ConfigurationError, match="OPVANGPLEIN_LOG_FORMAT"):
        Settings.from_environ()


def test_text_logs_keep_the_request_id_too(sqlite_settings):
    app = create_app(settings=sqlite_settings)
    [handler] = app.logger.handlers
    stream = io.StringIO()
    handler.setStream(stream)
    with app.test_request_context("/"):
        g.request_id = "abc123"
        app.logger.log(logging.WARNING, "hello")
    assert "[abc123]" in stream.getvalue() and "hello" in stream.getvalue()


def test_text_access_lines_name_the_requested_path_and_request_id():
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from core.access_log import TEXT_ACCESS_FORMAT, AccessLogger

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", TEXT_ACCESS_FORMAT)
    logger = AccessLogger(config)
    stream = io.StringIO()
    logger.access_log.handlers[0].setStream(stream)
    response = SimpleNamespace(
        status="200 OK", status_code=200, sent=12, headers=[("X-Request-ID", "r-1")]
    )
    request = SimpleNamespace(path="/t/deinze/loket", query="zoek=Mila", headers=[])
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/loket",
        "QUERY_STRING": "zoek=Mila",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "RAW_URI": "/t/deinze/loket?zoek=Mila",
    }
    logger.access(response, request, environ, timedelta(milliseconds=5))
    line = stream.getvalue()
    assert '"GET /t/deinze/loket HTTP/1.1" 200' in line and "[r-1]" in line
    assert "Mila" not in line
