"""Scheduled jobs: tenant by tenant, one failure does not stop the rest, one run at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core.db import utcnow
from core.identity.models import SignInSession
from core.jobs.locks import JobLock, job_lease
from core.jobs.runner import run_job
from core.mail import OutboxMessage, queue_mail
from core.plugin_types import DataSubject
from core.testing import sign_in
from tests.core import probe_plugin
from tests.core.probe_plugin import ProbeFamily
from tests.support.apps import probe_app, tenant_id


@pytest.fixture
def app(sqlite_settings):
    return probe_app(sqlite_settings)


def add_family(app, slug: str, name: str) -> None:
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, slug)) as db:
        db.add(ProbeFamily(name=name))


def test_a_job_runs_once_per_tenant_with_the_plugin_in_the_tenants_own_data(app):
    add_family(app, "aalst", "Peeters")
    add_family(app, "aalst", "Claes")
    add_family(app, "brugge", "Maes")
    report = run_job(app, "probe.count-families")
    assert report.ran and report.failures == []
    assert report.reports == [("aalst", "2 families"), ("brugge", "1 families")]


def test_one_tenants_failure_is_logged_and_the_other_tenants_go_on(app, monkeypatch, caplog):
    real = probe_plugin.count_families

    def broken_in_aalst(session, tenant, now):
        if tenant.slug == "aalst":
            raise RuntimeError("aalst's data is broken")
        return real(session, tenant, now)

    monkeypatch.setattr(probe_plugin, "count_families", broken_in_aalst)
    add_family(app, "brugge", "Maes")
    report = run_job(app, "probe.count-families")
    assert report.failures == [("aalst", "RuntimeError: aalst's data is broken")]
    assert report.reports == [("brugge", "1 families")]
    assert "job probe.count-families failed for tenant aalst" in caplog.text
    result = app.test_cli_runner().invoke(args=["jobs", "run", "probe.count-families"])
    assert result.exit_code == 1
    assert "brugge: 1 families" in result.output and "aalst: FAILED" in result.output


def test_a_second_run_while_the_first_holds_the_lease_is_skipped(app):
    database = app.extensions["opvangplein.db"]
    with job_lease(database, "probe.count-families", ttl=timedelta(minutes=5)) as mine:
        assert mine
        assert run_job(app, "probe.count-families").ran is False
        busy = app.test_cli_runner().invoke(args=["jobs", "run", "probe.count-families"])
        assert busy.exit_code == 1 and "another run is busy" in busy.output
    assert run_job(app, "probe.count-families").ran is True


def test_the_lease_of_a_run_that_died_is_taken_over_once_it_lapses(app):
    database = app.extensions["opvangplein.db"]
    with database.session() as db:
        db.add(JobLock(name="probe.count-families", holder="dead", locked_until=utcnow()))
        db.commit()
    assert run_job(app, "probe.count-families").ran is True


def test_jobs_list_names_the_cores_and_the_plugins_jobs(app):
    listed = app.test_cli_runner().invoke(args=["jobs", "list"]).output
    for name in ("core.deliver-mail", "core.purge-outbox", "core.purge-sign-in-sessions"):
        assert name in listed
    assert "probe.count-families\tevery 1:00:00" in listed
    unknown = app.test_cli_runner().invoke(args=["jobs", "run", "probe.nothing"])
    assert unknown.exit_code != 0 and "no scheduled job named" in unknown.output


def test_ended_and_expired_sign_in_sessions_are_purged_and_live_ones_kept(app):
    client = app.test_client()
    user = sign_in(client, app, "aalst", roles=["tenant_admin"])
    database = app.extensions["opvangplein.db"]
    with database.tenant_session(tenant_id(app, "aalst")) as db:
        db.add(SignInSession(token_hash="a" * 64, user_id=user.id, provider="x", ended_at=utcnow()))
        db.add(
            SignInSession(
                token_hash="b" * 64,
                user_id=user.id,
                provider="x",
                created_at=utcnow() - timedelta(hours=13),
            )
        )
    report = run_job(app, "core.purge-sign-in-sessions")
    assert ("aalst", "2 sign-in sessions purged") in report.reports
    assert client.get("/t/aalst/beheer/").status_code == 200, "the live session still works"


def test_erasing_a_person_also_deletes_the_mail_to_them(app):
    from core.models import Tenant
    from core.subjects import erase_subject

    database = app.extensions["opvangplein.db"]
    database.mail_dispatch = None
    with database.tenant_session(tenant_id(app, "aalst")) as db:
        queue_mail(db, to="An@Ouders.test", subject="Uw aanvraag", body="persoonlijk")
        queue_mail(db, to="bo@ouders.test", subject="Uw aanvraag", body="persoonlijk")
    with app.app_context(), database.tenant_session(tenant_id(app, "aalst")) as db:
        tenant = db.exec(select(Tenant).where(Tenant.slug == "aalst")).one()
        erase_subject(db, tenant, DataSubject(email="an@ouders.test"))
    with database.session(tenant_id(app, "aalst")) as db:
        assert [row.to_address for row in db.exec(select(OutboxMessage))] == ["bo@ouders.test"]
