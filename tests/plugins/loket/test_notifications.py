"""What families and providers hear from the loket, read from their mailbox: every mail in the
recipient's language, with a link that opens the page where they act."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from core.db import utcnow
from core.jobs.runner import run_job
from core.models import Tenant
from plugins.loket import notifications, services
from plugins.loket.models import ChildcareRequest, Proposal, ProposalStatus
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    make_location,
    make_request,
    tenant_db,
)
from tests.plugins.loket.test_views import parent, provider, staff
from tests.support.apps import probe_app, tenant_id

EARLY = datetime(2026, 1, 5, tzinfo=UTC)


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def mails_to(mail_sink, address: str) -> list:
    return [m for m in mail_sink.messages if m["To"] == address]


def link_in(mail) -> str:
    """The mail's link as the path a test client follows (scheme and host are the deployment's)."""
    [link] = re.findall(r"https?://\S+", mail.get_content())
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Family:
    """A parent with an account, a test client signed in as them, and their child's request."""

    def __init__(self, app, child: str, subject: str):
        self.client = app.test_client()
        self.user = parent(app, self.client, subject)
        self.child = child
        self.email = self.user.email


def a_round_with_one_place(app):
    """De Speelboom has one place; Ayla (urgency) and Bram both want it, Cas wants only
    't Klaverke, which reported no free place. Staff run a round through the page."""
    provider_client = app.test_client()
    organisation_id = provider(app, provider_client)
    ayla, bram, cas = (
        Family(app, "Ayla", "ouder-ayla"),
        Family(app, "Bram", "ouder-bram"),
        Family(app, "Cas", "ouder-cas"),
    )
    with tenant_db(app) as db:
        speelboom = make_location(db, "De Speelboom", places=1, organisation_id=organisation_id)
        klaverke = make_location(db, "'t Klaverke")
        for family, locations, situation, days in (
            (ayla, [speelboom], ["urgency", "verified:urgency"], 0),
            (bram, [speelboom], [], 1),
            (cas, [klaverke], [], 2),
        ):
            make_request(
                db,
                family.child,
                locations,
                situation=situation,
                parent_user_id=family.user.id,
                email=family.email,
                submitted=EARLY + timedelta(days=days),
            )
    staff_client = app.test_client()
    staff(app, staff_client)
    assert staff_client.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    return provider_client, ayla, bram, cas


def test_after_a_round_every_family_hears_its_result_with_a_link_to_its_request(app, mail_sink):
    provider_client, ayla, bram, cas = a_round_with_one_place(app)

    [placed] = mails_to(mail_sink, ayla.email)
    assert placed["Subject"] == "Er is een plaats voorgesteld voor Ayla"
    body = placed.get_content()
    assert "Locatie: De Speelboom" in body and "Adres: Kerkstraat 1, 9300, Aalst" in body
    assert "Dagen: maandag voormiddag" in body and "Startdatum: " in body
    assert "De opvang bevestigt de plaats eerst" in body
    page = ayla.client.get(link_in(placed))
    assert page.status_code == 200 and "Ayla Peeters" in page.get_data(as_text=True)

    [outranked] = mails_to(mail_sink, bram.email)
    assert outranked["Subject"] == "Geen plaats voor Bram in deze ronde"
    body = outranked.get_content()
    assert "1. De Speelboom: alle plaatsen gingen naar gezinnen met een hogere voorrang" in body
    assert "Je aanvraag blijft op de lijst" in body
    page = bram.client.get(link_in(outranked))
    assert page.status_code == 200 and "Bram Peeters" in page.get_data(as_text=True)

    [no_place] = mails_to(mail_sink, cas.email)
    assert "1. 't Klaverke: geen vrije plaats voor deze leeftijdsgroep" in no_place.get_content()
    assert cas.client.get(link_in(no_place)).status_code == 200

    [to_provider] = mails_to(mail_sink, "opvang-de-speelboom@example.be")
    assert to_provider["Subject"] == "Nieuw voorstel voor De Speelboom"
    assert "stelt 1 kind(eren) voor" in to_provider.get_content()
    page = provider_client.get(link_in(to_provider))
    assert page.status_code == 200 and "Ayla" in page.get_data(as_text=True)


def test_the_provider_confirms_and_the_parent_gets_the_offer_with_its_deadline(app, mail_sink):
    provider_client, ayla, *_ = a_round_with_one_place(app)
    with tenant_db(app) as db:
        proposal = db.exec(select(Proposal)).one()
    response = provider_client.post(
        f"/t/aalst/loket/voorstel/{proposal.id}/aanbieder",
        data={"decision": "confirm"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    offer = mails_to(mail_sink, ayla.email)[-1]
    assert offer["Subject"] == "Een plaats voor Ayla"
    body = offer.get_content()
    with tenant_db(app) as db:
        deadline = db.get(Proposal, proposal.id).deadline
    assert "Locatie: De Speelboom" in body and "Dagen: maandag voormiddag" in body
    assert f"vóór {deadline.strftime('%d/%m/%Y')}" in body
    page = ayla.client.get(link_in(offer)).get_data(as_text=True)
    assert "De Speelboom biedt een plaats aan" in page
    assert f"/loket/voorstel/{proposal.id}/antwoord" in page


def confirmed_offer(app, family: Family, *, confirmed_days_ago: int) -> None:
    with tenant_db(app) as db:
        location = make_location(db, f"Opvang {family.child}", places=1)
        make_request(
            db, family.child, [location], parent_user_id=family.user.id, email=family.email
        )
    with tenant_db(app) as db:
        proposals = services.run_round(db, reserved=(), seed=1, actor="t", today=utcnow().date())[1]
        [proposal] = proposals  # earlier families' requests are no longer open
        services.confirm_proposal(db, proposal, now=utcnow() - timedelta(days=confirmed_days_ago))


def test_a_parent_who_has_not_answered_is_reminded_once_before_the_deadline(app, mail_sink):
    soon = Family(app, "Lien", "ouder-lien")
    confirmed_offer(app, soon, confirmed_days_ago=6)  # the deadline is tomorrow
    later = Family(app, "Mats", "ouder-mats")
    confirmed_offer(app, later, confirmed_days_ago=1)  # six days left: no reminder yet
    mail_sink.messages.clear()

    first = run_job(app, "loket.remind-deadlines")
    assert first.reports == [("aalst", "1 deadline reminders"), ("brugge", "0 deadline reminders")]
    second = run_job(app, "loket.remind-deadlines")
    assert second.reports[0] == ("aalst", "0 deadline reminders")

    [reminder] = mail_sink.messages
    assert reminder["To"] == soon.email
    assert reminder["Subject"] == "Herinnering: antwoord op de plaats voor Lien"
    assert "Je hebt nog niet geantwoord op de plaats in Opvang Lien" in reminder.get_content()
    page = soon.client.get(link_in(reminder)).get_data(as_text=True)
    assert "Opvang Lien biedt een plaats aan" in page


def test_the_cli_command_runs_the_same_reminder_job(app, mail_sink):
    soon = Family(app, "Lien", "ouder-lien")
    confirmed_offer(app, soon, confirmed_days_ago=6)
    result = app.test_cli_runner().invoke(args=["loket", "remind-deadlines"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "aalst: 1 deadline reminders",
        "brugge: 0 deadline reminders",
    ]


def test_a_mail_sent_by_a_job_links_through_the_public_address(app, mail_sink):
    family = Family(app, "Noor", "ouder-noor")
    confirmed_offer(app, family, confirmed_days_ago=8)  # past the deadline
    mail_sink.messages.clear()
    run_job(app, "loket.expire-proposals")
    [expired] = mails_to(mail_sink, family.email)
    assert "vervallen" in expired["Subject"]
    public = app.extensions["opvangplein.settings"].public_url
    assert f"{public}/t/aalst/loket/mijn-aanvragen#request-" in expired.get_content()
    assert family.client.get(link_in(expired)).status_code == 200


def test_the_request_confirmation_links_to_the_parents_requests(app, mail_sink):
    family = Family(app, "Lotte", "ouder-lotte")
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    from tests.plugins.loket.test_views import request_form

    assert (
        family.client.post("/t/aalst/loket/aanvraag/nieuw", data=request_form(location)).status_code
        == 302
    )
    [received] = mails_to(mail_sink, family.email)
    assert "Volg je aanvraag hier op:" in received.get_content()
    page = family.client.get(link_in(received))
    assert page.status_code == 200 and "Lotte Claes" in page.get_data(as_text=True)


def test_a_family_that_chose_english_hears_in_english_and_another_home_language_falls_back(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
        english = make_request(db, "Emma", [location])
        english.language = "en"
        arabic = make_request(db, "Adam", [location])
        arabic.language = "ar"  # not a language the platform speaks: the account's, else Dutch
        assert notifications.parent_language(db, english) == "en"
        assert notifications.parent_language(db, arabic) == "nl"


def test_a_not_placed_mail_in_english(app, mail_sink):
    with app.app_context(), tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
        request = make_request(db, "Emma", [location], email="emma@example.be")
        request.language = "en"
        tenant = db.get(Tenant, tenant_id(app, "aalst"))
        notifications.not_placed(db, tenant, request, [(1, "De Speelboom", "no_free_place")])
    [mail] = mail_sink.messages
    assert mail["Subject"] == "No place for Emma in this round"
    assert "1. De Speelboom: no free place for this age group" in mail.get_content()
    assert "/t/aalst/loket/mijn-aanvragen#request-" in mail.get_content()


def test_one_municipalitys_failure_does_not_stop_the_others_run(app, monkeypatch):
    from plugins.loket import privacy

    long_ago = datetime.now(UTC) - timedelta(days=4 * 365)
    for slug in ("aalst", "brugge"):
        with tenant_db(app, slug) as db:
            location = make_location(db, "De Speelboom")
            closed = make_request(db, "Oud", [location], submitted=long_ago)
            closed.status, closed.placed_at = "placed", long_ago
    aalst = tenant_id(app, "aalst")
    real = privacy.anonymise_closed

    def broken_in_aalst(session, **kwargs):
        if session.tenant_id == aalst:
            raise RuntimeError("broken data in Aalst")
        return real(session, **kwargs)

    monkeypatch.setattr(privacy, "anonymise_closed", broken_in_aalst)
    report = run_job(app, "loket.anonymise-closed")
    assert report.failures == [("aalst", "RuntimeError: broken data in Aalst")]
    assert report.reports == [("brugge", "1 closed requests anonymised (3 years)")]
    with tenant_db(app, "brugge") as db:
        assert db.exec(select(ChildcareRequest.child_first_name)).one() == ""
    with tenant_db(app, "aalst") as db:
        assert db.exec(select(ChildcareRequest.child_first_name)).one() == "Oud"
    result = app.test_cli_runner().invoke(args=["loket", "anonymise-closed"])
    assert result.exit_code == 1
    assert "aalst: FAILED RuntimeError: broken data in Aalst" in result.output


def test_expired_proposals_are_no_longer_reminded(app, mail_sink):
    family = Family(app, "Roos", "ouder-roos")
    confirmed_offer(app, family, confirmed_days_ago=8)
    run_job(app, "loket.expire-proposals")
    mail_sink.messages.clear()
    assert run_job(app, "loket.remind-deadlines").reports[0] == ("aalst", "0 deadline reminders")
    with tenant_db(app) as db:
        assert db.exec(select(Proposal.status)).one() == ProposalStatus.EXPIRED
    assert mail_sink.messages == []
