"""Mail leaves through real Celery workers, exactly once, and never inside a request.

The workers and the scheduler are real processes (``python -m celery -A core.worker``) on the
test's database and broker: Redis with PostgreSQL, as in production, and the embedded SQLite
broker with SQLite, as ``make run`` uses. The SMTP relay is a real aiosmtpd server; a message's
``Message-ID`` is derived from its outbox row, so a copy sent twice shows as a duplicate id.
"""

from __future__ import annotations

import collections
import dataclasses
import socket
import threading
import time

import pytest
from sqlmodel import select

from core import create_app
from core.dev_mail import MailSink
from core.localnet import free_port
from core.mail import OutboxMessage, queue_mail
from core.plugins import build_registry
from core.tenant_files import sync_directory
from tests.support.apps import tenant_id
from tests.support.job_stack import JobStack, redis_broker, unique_queue, wait_for
from tests.support.templates import migrate


def platform_app(settings, *, config: dict | None = None):
    """The app as the workers build it (every installed plugin), with the tenant Aalst."""
    registry = build_registry()
    migrate(settings, registry)
    (settings.tenants_dir / "aalst.toml").write_text(
        'slug = "aalst"\nname = "Aalst"\nplugins = ["loket"]\n', encoding="utf-8"
    )
    app = create_app(
        {"TESTING": True, "OPVANGPLEIN_TASKS_EAGER": False, **(config or {})},
        settings=settings,
        registry=registry,
    )
    sync_directory(app.extensions["opvangplein.db"], settings.tenants_dir, registry)
    return app


def queue_many(app, count: int) -> list:
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        messages = [
            queue_mail(db, to=f"ouder{n}@ouders.test", subject=f"Bericht {n}", body="Beste ouder")
            for n in range(count)
        ]
    return [message.id for message in messages]


def outbox_states(app) -> collections.Counter:
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        return collections.Counter(db.exec(select(OutboxMessage.status)).all())


def delivered_ids(sink) -> list[str]:
    return [message["Message-ID"] for message in list(sink.messages)]


def expected_ids(app, ids) -> set[str]:
    domain = app.extensions["opvangplein.db"].mailer.domain
    return {f"<{message_id}@{domain}>" for message_id in ids}


@pytest.mark.postgres
def test_a_thousand_messages_arrive_once_with_two_workers_and_one_killed_mid_run(
    postgres_settings, mail_sink, tmp_path
):
    settings = dataclasses.replace(
        postgres_settings,
        smtp_host="127.0.0.1",
        smtp_port=mail_sink.port,
        broker_url=redis_broker(),
        job_queue=unique_queue(),
        mail_lease_seconds=3,
        mail_sweep_seconds=1,
    )
    app = platform_app(settings)
    ids = queue_many(app, 1000)
    stack = JobStack(settings, tmp_path)
    try:
        started = time.monotonic()
        stack.worker("first")
        stack.worker("second")
        stack.beat()
        wait_for(lambda: len(mail_sink.messages) >= 300, seconds=120, what="300 sent", stack=stack)
        stack.kill("first")
        wait_for(
            lambda: set(delivered_ids(mail_sink)) >= expected_ids(app, ids),
            seconds=180,
            what="every message delivered",
            stack=stack,
        )
        elapsed = time.monotonic() - started
        # A copy of the message the killed worker held would come after its lease lapsed.
        time.sleep(settings.mail_lease_seconds + 2 * settings.mail_sweep_seconds + 1)
    finally:
        stack.stop()
    deliveries = delivered_ids(mail_sink)
    duplicates = len(deliveries) - len(set(deliveries))
    print(
        f"\nmessages: 1000, deliveries: {len(deliveries)}, duplicates: {duplicates},"
        f" all delivered in {elapsed:.1f} s (workers' start-up included)"
    )
    assert set(deliveries) == expected_ids(app, ids)
    assert duplicates <= 1, "only the message a killed worker held may go out twice"
    assert outbox_states(app) == {"sent": 1000}


def test_with_the_relay_down_mail_waits_is_logged_and_goes_out_once_when_it_is_back(
    sqlite_settings, tmp_path
):
    """The development set-up: SQLite database, SQLite broker, no Redis anywhere."""
    relay_port = free_port()  # nobody listens yet: the relay is down
    settings = dataclasses.replace(
        sqlite_settings,
        smtp_host="127.0.0.1",
        smtp_port=relay_port,
        broker_url=f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}",
        job_queue=unique_queue(),
        mail_lease_seconds=3,
        mail_retry_seconds=1,
        mail_sweep_seconds=1,
    )
    app = platform_app(settings)
    ids = queue_many(app, 20)
    stack = JobStack(settings, tmp_path)
    sink = None
    try:
        stack.worker("first")
        stack.worker("second")
        stack.beat()
        wait_for(
            lambda: "not delivered" in stack.log("first") + stack.log("second"),
            seconds=60,
            what="a failed delivery logged",
            stack=stack,
        )
        assert outbox_states(app)["sent"] == 0
        logged = stack.log("first") + stack.log("second")
        assert any(str(message_id) in logged for message_id in ids)
        assert "Connection" in logged or "refused" in logged
        sink = MailSink(port=relay_port).start()  # the relay is back
        took = wait_for(
            lambda: set(delivered_ids(sink)) >= expected_ids(app, ids),
            seconds=90,
            what="every message delivered after the relay came back",
            stack=stack,
        )
        time.sleep(2)
    finally:
        stack.stop()
        if sink is not None:
            sink.stop()
    deliveries = delivered_ids(sink)
    print(f"\nrelay back: 20 messages, {len(deliveries)} deliveries, all within {took:.1f} s")
    assert sorted(deliveries) == sorted(expected_ids(app, ids)), "each exactly once"
    assert outbox_states(app) == {"sent": 20}


class SilentRelay:
    """An SMTP relay that accepts connections and never answers: the slowest relay there is."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.connections:
            connection.close()


@pytest.mark.parametrize("broker", ["reachable", "down"])
def test_a_parents_form_never_waits_for_the_mail_relay(sqlite_settings, broker):
    from tests.plugins.loket.conftest import LOKET_TENANTS, make_location, tenant_db
    from tests.plugins.loket.test_views import parent, request_form
    from tests.support.apps import probe_app

    relay = SilentRelay()
    broker_url = redis_broker() if broker == "reachable" else f"redis://127.0.0.1:{free_port()}/0"
    settings = dataclasses.replace(
        sqlite_settings,
        smtp_host="127.0.0.1",
        smtp_port=relay.port,
        broker_url=broker_url,
        job_queue=unique_queue(),
    )
    try:
        app = probe_app(settings, tenants=LOKET_TENANTS, config={"OPVANGPLEIN_TASKS_EAGER": False})
        with tenant_db(app) as db:
            location = make_location(db, "De Speelboom")
        client = app.test_client()
        parent(app, client)
        started = time.monotonic()
        response = client.post("/t/aalst/loket/aanvraag/nieuw", data=request_form(location))
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        assert elapsed < 3, f"the form took {elapsed:.1f} s"
        assert relay.connections == [], "the request itself talked to the relay"
        with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
            [message] = db.exec(select(OutboxMessage)).all()
        assert (message.status, message.attempts) == ("pending", 0)
        assert message.request_id, "the delivery log can name the request that queued it"
    finally:
        relay.close()
