"""Issue 16 point 8, the parent learns why: the reason after a round on the request page and in
the mail (with a direct link), an offer's full details, and an info-session registration the
person cancels themselves."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.models import AuditEntry
from plugins.loket import info_sessions
from plugins.loket.models import ChildcareRequest, InfoRegistration, InfoSession, Proposal
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    make_location,
    make_organisation,
    make_request,
    tenant_db,
)
from tests.support.apps import probe_app
from tests.support.auth import make_partner, make_user, sign_in, signed_in_as


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def parent(app, client, subject="ouder-an", tenant="aalst"):
    return signed_in_as(client, app, tenant, subject, ["parent"])


def staff(app, client):
    return signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])


def _two_families_one_place(app):
    """An (working parents) and Bert (no priority ground) both want the one place."""
    an, bert, office = app.test_client(), app.test_client(), app.test_client()
    an_user, bert_user = parent(app, an), parent(app, bert, "ouder-bert")
    staff(app, office)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        empty = make_location(db, "Het Kabouterhuis")
        first = make_request(
            db,
            "Noor",
            [location],
            parent_user_id=an_user.id,
            email="an@ouders.test",
            situation=["work_or_training"],
            submitted=datetime(2026, 2, 1, tzinfo=UTC),
        )
        second = make_request(
            db,
            "Mats",
            [location, empty],
            parent_user_id=bert_user.id,
            email="bert@ouders.test",
            submitted=datetime(2026, 1, 1, tzinfo=UTC),
        )
    assert office.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    return an, bert, office, first, second


def test_a_family_without_a_place_reads_why_on_its_page(app):
    _an, bert, _office, _first, second = _two_families_one_place(app)
    page = bert.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert "Waarom er nog geen plaats is" in page
    assert (
        "Keuze 1, De Speelboom: alle plaatsen gingen naar gezinnen met een hogere voorrang" in page
    )
    assert "jouw voorrangsgroep" in page
    assert "Keuze 2, Het Kabouterhuis: geen vrije plaats voor deze leeftijdsgroep" in page
    assert "toon dat met een bewijs" in page  # what would change it
    with tenant_db(app) as db:
        saved = db.get(ChildcareRequest, second.id)
    assert [c["reason"] for c in saved.round_explanation["choices"]] == [
        "outranked",
        "no_free_place",
    ]


def test_the_round_result_mail_gives_the_reason_and_a_direct_link(app, mail_sink):
    _two_families_one_place(app)
    [mail] = [m for m in mail_sink.messages if m["To"] == "bert@ouders.test"]
    body = mail.get_content()
    assert "1. De Speelboom: alle plaatsen gingen naar gezinnen met een hogere voorrang" in body
    assert "jouw voorrangsgroep" in body
    assert re.search(r"http://\S+/t/aalst/loket/mijn-aanvragen#request-[0-9a-f-]{36}", body)


def test_staff_see_the_explanation_too_and_a_placed_family_has_none(app):
    an, _bert, office, first, second = _two_families_one_place(app)
    detail = office.get(f"/t/aalst/loket/aanvragen/{second.id}").get_data(as_text=True)
    assert "Waarom er nog geen plaats is" in detail
    assert "Waarom er nog geen plaats is" not in an.get("/t/aalst/loket/mijn-aanvragen").get_data(
        as_text=True
    )
    with tenant_db(app) as db:
        assert db.get(ChildcareRequest, first.id).round_explanation is None


def test_another_parent_and_another_municipality_do_not_see_the_explanation(app):
    _two_families_one_place(app)
    stranger = app.test_client()
    parent(app, stranger, "ouder-carla")
    assert "Mats" not in stranger.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    brugge = app.test_client()
    parent(app, brugge, "ouder-bert", tenant="brugge")
    assert "Mats" not in brugge.get("/t/brugge/loket/mijn-aanvragen").get_data(as_text=True)


def test_an_offer_shows_address_start_days_price_type_and_contact(app, mail_sink):
    family, office, provider_client = app.test_client(), app.test_client(), app.test_client()
    user = parent(app, family)
    staff(app, office)
    organisation = make_organisation(app)
    member = make_user(app, "opvang-de-speelboom")
    make_partner(app, "aalst", member, "de-speelboom", ["loket"])
    sign_in(provider_client, app, "aalst", member)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1, organisation_id=organisation)
        location.contact_phone, location.contact_email = "053 12 34 56", "info@speelboom.be"
        db.add(location)
        make_request(db, "Noor", [location], parent_user_id=user.id, email="an@ouders.test")
    office.post("/t/aalst/loket/rondes", data={"confirm": "yes"})
    with tenant_db(app) as db:
        proposal = db.exec(select(Proposal)).one()
    provider_client.post(
        f"/t/aalst/loket/voorstel/{proposal.id}/aanbieder", data={"decision": "confirm"}
    )
    page = family.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    for expected in (
        "Kerkstraat 1, 9300 Aalst",
        "openstreetmap.org/search?query=Kerkstraat%201%2C%209300%20Aalst",
        "maandag voormiddag",
        "Inkomensgerelateerde prijs",
        "053 12 34 56",
        "mailto:info@speelboom.be",
        "Startdatum",
    ):
        assert expected in page, expected
    offered = mail_sink.messages[-1]
    assert offered["To"] == "an@ouders.test"
    body = offered.get_content()
    assert (
        "Adres: Kerkstraat 1, 9300, Aalst" in body and "Prijs: Inkomensgerelateerde prijs" in body
    )
    assert "Contact: 053 12 34 56 · info@speelboom.be" in body
    assert "/t/aalst/loket/mijn-aanvragen#request-" in body


def _plan(db, capacity=1) -> InfoSession:
    session = InfoSession(
        title="Hoe werkt het e-loket?",
        starts_at=datetime.now(UTC) + timedelta(days=10),
        place="Huis van het Kind, Aalst",
        capacity=capacity,
    )
    db.add(session)
    db.flush()
    return session


def _cancel_link(mail) -> str:
    found = re.search(
        r"http://[^/\s]+(/t/aalst/loket/infosessies/mijn-inschrijving/\S+)", mail.get_content()
    )
    assert found, mail.get_content()
    return found.group(1)


def test_a_person_cancels_their_own_registration_from_the_mail_and_the_waiting_list_moves_up(
    app, mail_sink
):
    with tenant_db(app) as db:
        session = _plan(db)
    visitor = app.test_client()
    url = f"/t/aalst/loket/infosessies/{session.id}/inschrijven"
    visitor.post(url, data={"name": "An", "email": "an@example.be"})
    visitor.post(url, data={"name": "Bert", "email": "bert@example.be"})
    [an_mail] = [m for m in mail_sink.messages if m["To"] == "an@example.be"]
    assert "Kun je niet komen?" in an_mail.get_content()
    link = _cancel_link(an_mail)
    person = app.test_client()  # the mail's holder, in another browser, without an account
    page = person.get(link)
    assert page.status_code == 200 and "Mijn inschrijving annuleren" in page.get_data(as_text=True)
    assert person.post(link).status_code == 302
    assert "geannuleerd" in person.get(link).get_data(as_text=True)
    with tenant_db(app) as db:
        states = {r.name: r.status for r in db.exec(select(InfoRegistration))}
        entry = db.exec(
            select(AuditEntry).where(AuditEntry.action == "loket.info_registration_cancelled")
        ).one()
    assert states == {"An": "cancelled", "Bert": "registered"}
    assert entry.detail["by"] == "person"
    assert any(
        m["To"] == "bert@example.be" and "ingeschreven" in m["Subject"]
        for m in mail_sink.messages[-1:]
    )
    assert person.post(link).status_code == 302  # a second click changes nothing
    with tenant_db(app) as db:
        assert (
            len(
                db.exec(
                    select(AuditEntry).where(
                        AuditEntry.action == "loket.info_registration_cancelled"
                    )
                ).all()
            )
            == 1
        )


def test_a_forged_or_foreign_cancel_token_is_a_404(app):
    with tenant_db(app) as db:
        session = _plan(db)
        registration = info_sessions.register(db, session, name="An", email="an@example.be")
    client = app.test_client()
    with app.app_context():
        token = info_sessions.cancel_token(registration)
    assert client.get(f"/t/aalst/loket/infosessies/mijn-inschrijving/{token}").status_code == 200
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    assert client.post(f"/t/aalst/loket/infosessies/mijn-inschrijving/{forged}").status_code == 404
    assert client.get("/t/aalst/loket/infosessies/mijn-inschrijving/nonsense").status_code == 404
    # Another municipality does not hold that registration.
    assert client.post(f"/t/brugge/loket/infosessies/mijn-inschrijving/{token}").status_code == 404
    with tenant_db(app) as db:
        assert db.get(InfoRegistration, registration.id).status == "registered"


def test_a_signed_in_person_cancels_their_own_registration_and_nobody_elses(app):
    with tenant_db(app) as db:
        session = _plan(db, capacity=5)
        own = info_sessions.register(db, session, name="An", email="ouder-an@example.be")
        other = info_sessions.register(db, session, name="Bert", email="bert@example.be")
    client = app.test_client()
    parent(app, client)
    page = client.get("/t/aalst/loket/infosessies").get_data(as_text=True)
    assert "Mijn inschrijving annuleren" in page and "bert@example.be" not in page
    base = "/t/aalst/loket/infosessies/inschrijving/{}/mijn-annulering"
    assert client.post(base.format(other.id)).status_code == 404
    assert client.post(base.format(own.id)).status_code == 302
    assert app.test_client().post(base.format(own.id)).status_code == 401
    with tenant_db(app) as db:
        assert db.get(InfoRegistration, own.id).status == "cancelled"
        assert db.get(InfoRegistration, other.id).status == "registered"


def test_get_and_head_on_the_parents_post_routes_answer_405(app):
    client = app.test_client()
    parent(app, client)
    some = "00000000-0000-0000-0000-000000000001"
    for url in (
        f"/t/aalst/loket/infosessies/inschrijving/{some}/mijn-annulering",
        f"/t/aalst/loket/infosessies/inschrijving/{some}/annuleren",
        f"/t/aalst/loket/aanvraag/{some}/intrekken",
        f"/t/aalst/loket/voorstel/{some}/antwoord",
    ):
        assert client.get(url).status_code == 405, url
        assert client.head(url).status_code == 405, url
