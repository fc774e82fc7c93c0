"""The outbox: mail leaves only after commit, over real SMTP, and failures are retried."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import select

from core.db import utcnow
from core.mail import MAX_ATTEMPTS, OutboxMessage, deliver_pending, queue_mail
from tests.support.apps import probe_app, tenant_id


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings)


def outbox(app, slug):
    with app.extensions["opvangplein.db"].session(tenant_id(app, slug)) as db:
        return db.exec(select(OutboxMessage)).all()


def test_mail_is_sent_after_the_transaction_commits(app, mail_sink):
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        queue_mail(
            db,
            to="an@ouders.test",
            subject="Uw aanvraag",
            body="Beste An,\n\nWe hebben uw aanvraag.",
            purpose="test",
        )
        assert mail_sink.messages == []  # not before commit
    [message] = mail_sink.messages
    assert message["To"] == "an@ouders.test" and message["Subject"] == "Uw aanvraag"
    assert "We hebben uw aanvraag." in message.get_content()
    assert message["Content-Language"] == "nl-BE"
    [row] = outbox(app, "aalst")
    assert (row.status, row.attempts) == ("sent", 1)


def test_nothing_is_sent_when_the_work_rolls_back(app, mail_sink):
    with (
        pytest.raises(RuntimeError),
        app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db,
    ):
        queue_mail(db, to="an@ouders.test", subject="Nooit", body="x")
        raise RuntimeError("the unit of work failed")
    assert mail_sink.messages == []
    assert outbox(app, "aalst") == []


def test_a_failed_delivery_stays_in_the_outbox_and_is_retried(app, mail_sink):
    database = app.extensions["opvangplein.db"]
    working = database.mailer
    from core.mail import Mailer

    database.mailer = Mailer(host="127.0.0.1", port=1, sender="x@y.z")  # nothing listens on port 1
    with database.tenant_session(tenant_id(app, "aalst")) as db:
        queue_mail(db, to="an@ouders.test", subject="Later", body="x")
    [row] = outbox(app, "aalst")
    assert (row.status, row.attempts) == ("pending", 1) and "Connection" in row.last_error
    database.mailer = working
    assert deliver_pending(database, working, tenant_id(app, "aalst")) == (0, 0), "not due yet"
    sent, failed = deliver_pending(
        database, working, tenant_id(app, "aalst"), now=utcnow() + timedelta(minutes=5)
    )
    assert (sent, failed) == (1, 0)
    assert [message["Subject"] for message in mail_sink.messages] == ["Later"]


def test_a_message_that_keeps_failing_is_marked_failed(app):
    from core.mail import Mailer

    database = app.extensions["opvangplein.db"]
    broken = Mailer(host="127.0.0.1", port=1, sender="x@y.z")
    database.mailer = broken
    with database.tenant_session(tenant_id(app, "aalst")) as db:
        queue_mail(db, to="an@ouders.test", subject="Stuk", body="x")
    for attempt in range(MAX_ATTEMPTS):
        deliver_pending(
            database, broken, tenant_id(app, "aalst"), now=utcnow() + timedelta(days=attempt + 1)
        )
    assert outbox(app, "aalst")[0].status == "failed"


def test_header_injection_is_refused():
    with pytest.raises(ValueError):
        queue_mail(None, to="an@ouders.test\nBcc: everyone@example.be", subject="x", body="x")


def test_the_deliver_command_sends_what_is_due(app, mail_sink):
    from core.mail import Mailer

    database = app.extensions["opvangplein.db"]
    working, database.mailer = (
        database.mailer,
        Mailer(host="", port=0, sender="x@y.z"),
    )  # not configured
    with database.tenant_session(tenant_id(app, "brugge")) as db:
        queue_mail(db, to="bram@brugge.test", subject="Via cron", body="x")
    database.mailer = working
    result = app.test_cli_runner().invoke(args=["mail", "deliver"])
    assert "brugge: 1 sent, 0 failed" in result.output
    assert [message["Subject"] for message in mail_sink.messages] == ["Via cron"]


def test_the_development_mail_page_shows_caught_mail_on_the_platform_host_only(
    sqlite_settings, tmp_path
):
    import smtplib

    from core.dev_mail import MailSink

    directory = tmp_path / "mail"
    sink = MailSink(directory=directory).start()
    try:
        with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
            smtp.sendmail(
                "a@b.c", ["an@ouders.test"], "Subject: Bevestiging\n\nUw plaats is bevestigd."
            )
    finally:
        sink.stop()
    app = probe_app(dataclasses.replace(sqlite_settings, dev_mail_dir=directory))
    client = app.test_client()
    page = client.get("/dev/post")
    assert (
        page.status_code == 200
        and "Bevestiging" in page.text
        and "Uw plaats is bevestigd." in page.text
    )
    assert client.get("/t/aalst/dev/post").status_code == 404


def test_a_worker_that_dies_between_sending_and_marking_resends_only_that_message(app, mail_sink):
    from core.mail import claim

    database = app.extensions["opvangplein.db"]
    aalst = tenant_id(app, "aalst")
    database.mail_dispatch = None  # nobody hands the mail over: the "workers" below take it
    with database.tenant_session(aalst) as db:
        for number in range(5):
            queue_mail(db, to=f"ouder{number}@ouders.test", subject=f"Bericht {number}", body="x")
    now = utcnow()
    with database.tenant_session(aalst) as db:
        held = claim(db, now, lease_seconds=60)
        database.mailer.send(held)  # ... and the worker is killed before it marks the message
    # A second worker, at once: the dead one's claim still holds, the other four go out.
    assert deliver_pending(database, database.mailer, aalst, now=now) == (4, 0)
    # After the lease the held message is sent again: it alone, with the same Message-ID.
    later = now + timedelta(seconds=61)
    assert deliver_pending(database, database.mailer, aalst, now=later) == (1, 0)
    identifiers = [message["Message-ID"] for message in mail_sink.messages]
    assert len(identifiers) == 6 and len(set(identifiers)) == 5
    assert identifiers.count(f"<{held.id}@opvangplein.localhost>") == 2
    assert {row.status for row in outbox(app, "aalst")} == {"sent"}


def test_two_workers_never_claim_the_same_message(app):
    from core.mail import claim

    database = app.extensions["opvangplein.db"]
    database.mail_dispatch = None
    aalst = tenant_id(app, "aalst")
    with database.tenant_session(aalst) as db:
        queue_mail(db, to="an@ouders.test", subject="Een", body="x")
    now = utcnow()
    with database.tenant_session(aalst) as first, database.tenant_session(aalst) as second:
        taken = [claim(first, now, lease_seconds=60), claim(second, now, lease_seconds=60)]
    assert [message is not None for message in taken] == [True, False]


def test_sent_mail_is_deleted_after_the_tenants_retention_and_pending_mail_is_kept(app):
    from core.jobs.runner import run_job

    database = app.extensions["opvangplein.db"]
    aalst = tenant_id(app, "aalst")
    database.mail_dispatch = None
    with database.tenant_session(aalst) as db:
        queue_mail(db, to="an@ouders.test", subject="Verzonden", body="persoonlijk")
        queue_mail(db, to="bo@ouders.test", subject="Wacht nog", body="persoonlijk")
    assert deliver_pending(database, database.mailer, aalst, limit=1) == (1, 0)
    report = run_job(app, "core.purge-outbox", now=utcnow() + timedelta(days=29))
    assert ("aalst", "0 old messages deleted (30 days)") in report.reports
    report = run_job(app, "core.purge-outbox", now=utcnow() + timedelta(days=31))
    assert ("aalst", "1 old messages deleted (30 days)") in report.reports
    assert [row.subject for row in outbox(app, "aalst")] == ["Wacht nog"]


def test_readyz_reports_the_outbox_backlog_and_the_age_of_the_oldest_waiting_message(app):
    database = app.extensions["opvangplein.db"]
    database.mail_dispatch = None  # the worker is "down": mail waits
    client = app.test_client()
    assert client.get("/readyz").json["mail"] == {
        "pending": 0,
        "oldest_pending_seconds": 0,
        "dead_letters": 0,
    }
    with database.tenant_session(tenant_id(app, "aalst")) as db:
        message = queue_mail(db, to="an@ouders.test", subject="Wacht", body="x")
        message.created_at = utcnow() - timedelta(minutes=10)
    with database.tenant_session(tenant_id(app, "brugge")) as db:
        queue_mail(db, to="bram@brugge.test", subject="Wacht ook", body="x")
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["status"] == "ok"
    assert ready.json["mail"]["pending"] == 2
    assert 590 <= ready.json["mail"]["oldest_pending_seconds"] <= 660
    assert client.get("/t/aalst/readyz").status_code == 404
