"""The candidate is mailed each step they must act on, and reminders run as a scheduled job."""

from __future__ import annotations

import dataclasses
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from core.db import utcnow
from core.jobs.runner import run_job
from core.mail import OutboxMessage
from plugins.training.models import Candidate, InfoRegistration
from plugins.training.services import Stage
from tests.plugins.training.conftest import TRAINING_TENANTS, build_world
from tests.plugins.training.helpers import give_extract, make_candidate, step
from tests.support.apps import probe_app, tenant_id


@pytest.fixture
def mailing_world(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return build_world(probe_app(settings, tenants=TRAINING_TENANTS))


def wait_for(mail_sink, count: int) -> list:
    deadline = time.monotonic() + 5
    while len(mail_sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mail_sink.messages) == count, [m["Subject"] for m in mail_sink.messages]
    return list(mail_sink.messages)


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def link_in(mail) -> str:
    [link] = [word for word in text_of(mail).split() if "://" in word]
    return urlsplit(link).path


def test_each_step_the_candidate_acts_on_is_mailed_in_dutch_with_a_link_to_their_pathway(
    mailing_world, mail_sink
):
    world = mailing_world
    cohort = world.programme_and_cohort("cvo-limburg", hours=80)
    candidate = make_candidate(world, "cvo-limburg", stage=Stage.INFO_SESSION_ATTENDED)
    sara = world.client_for(world.user("sara", "aalst", []))
    refused = step(sara, candidate, "intake", intake_outcome="not_yet")
    assert refused.status_code == 422  # no reason given: nothing recorded, nothing mailed
    reasons = "Eerst Nederlands op niveau B1."
    assert (
        step(
            sara, candidate, "intake", intake_outcome="not_yet", intake_reasons=reasons
        ).status_code
        == 303
    )
    [not_yet] = wait_for(mail_sink, 1)
    assert not_yet["To"] == "lotte.peeters@example.be"
    assert not_yet["Subject"] == "De uitkomst van je intakegesprek"
    assert "Beste Lotte," in text_of(not_yet) and reasons in text_of(not_yet)
    assert link_in(not_yet) == "/t/aalst/opleiding/mijn-traject"
    lotte = world.client_for(world.user("lotte.peeters", "aalst", ["starter"]))
    path = lotte.get(link_in(not_yet))
    assert path.status_code == 200
    assert "Lotte" in path.get_data(as_text=True)

    # A new outcome later is news too: now the candidate is suitable and hears what comes next.
    assert step(sara, candidate, "intake", intake_outcome="suitable").status_code == 303
    suitable = wait_for(mail_sink, 2)[1]
    assert "geschikt bevonden" in text_of(suitable)
    assert step(sara, candidate, "enrolled", cohort=str(cohort.id)).status_code == 303
    enrolled = wait_for(mail_sink, 3)[2]
    assert enrolled["Subject"] == "Je bent ingeschreven voor een opleiding"
    assert "Avondopleiding" in text_of(enrolled) and "Campus Centrum" in text_of(enrolled)
    assert "1 september 2026" in text_of(enrolled)

    assert step(sara, candidate, "in_training").status_code == 303  # nothing to act on
    give_extract(world, candidate)  # the internship needs a valid extract
    assert step(sara, candidate, "internship", placement_name="KDV Zonnetje").status_code == 303
    internship = wait_for(mail_sink, 4)[3]
    assert internship["Subject"] == "Je stage is geregeld"
    assert "KDV Zonnetje" in text_of(internship)

    with world.session() as db:
        db.get(Candidate, candidate).internship_hours = 80
    assert step(sara, candidate, "graduated").status_code == 303
    assert wait_for(mail_sink, 5)[4]["Subject"] == "Proficiat: je bent afgestudeerd"
    assert (
        step(
            sara, candidate, "employed", employer="KDV De Vlinder", employed_in_region="y"
        ).status_code
        == 303
    )
    job = wait_for(mail_sink, 6)[5]
    assert job["Subject"] == "Je job in de kinderopvang is genoteerd"
    assert "KDV De Vlinder" in text_of(job)
    for mail in mail_sink.messages:
        assert mail["Content-Language"] == "nl-BE"
        assert link_in(mail) == "/t/aalst/opleiding/mijn-traject"


def test_a_candidate_with_an_english_account_reads_english(mailing_world, mail_sink):
    world = mailing_world
    lotte = world.user("lotte.peeters", "aalst", ["starter"])
    candidate = make_candidate(world, "cvo-limburg", stage=Stage.INFO_SESSION_ATTENDED)
    with world.db.tenant_session(None) as db:
        db.get(type(lotte), lotte.id).language = "en"
    with world.session() as db:
        db.get(Candidate, candidate).user_id = lotte.id
    sara = world.client_for(world.user("sara", "aalst", []))
    assert step(sara, candidate, "intake", intake_outcome="suitable").status_code == 303
    [mail] = wait_for(mail_sink, 1)
    assert mail["Subject"] == "The outcome of your intake"
    assert mail["Content-Language"] == "en"


def test_reminders_are_the_scheduled_job_training_remind_and_go_once(mailing_world, mail_sink):
    world = mailing_world
    info = world.info_session("cvo-limburg", in_days=1)
    candidate = make_candidate(world, "cvo-limburg")
    with world.session() as db:
        db.add(
            InfoRegistration(
                info_session_id=info.id, candidate_id=candidate, status="registered", token="t0k"
            )
        )
    report = run_job(world.app, "training.remind", now=utcnow())
    assert ("aalst", "1 reminders") in report.reports and not report.failures
    [mail] = wait_for(mail_sink, 1)
    assert mail["Subject"] == "Herinnering: infosessie in Aalst"
    assert link_in(mail) == "/t/aalst/opleiding/inschrijving/t0k"
    assert world.app.test_client().get(link_in(mail)).status_code == 200
    again = run_job(world.app, "training.remind", now=utcnow() + timedelta(minutes=5))
    assert ("aalst", "0 reminders") in again.reports
    with world.db.session(tenant_id(world.app, "aalst")) as db:
        assert len(db.exec(select(OutboxMessage)).all()) == 1
    result = world.app.test_cli_runner().invoke(args=["training", "remind"])
    assert "aalst: 0 reminders" in result.output
