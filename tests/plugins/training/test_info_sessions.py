"""Info sessions: registration without sign-in, seats, waiting list, reminders, attendance."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlmodel import select

from core.db import utcnow
from core.mail import OutboxMessage
from plugins.training.models import InfoRegistration, InfoSession
from plugins.training.services import Stage
from tests.plugins.training.conftest import people
from tests.plugins.training.helpers import (
    candidate_by_email,
    register,
    started,
    timeline,
    token_of,
)
from tests.support.apps import tenant_id


def outbox(app, tenant: str = "aalst") -> list[OutboxMessage]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.created_at)))


def registrations(app, tenant: str = "aalst") -> dict[str, str]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        return {r.token: r.status for r in db.exec(select(InfoRegistration))}


def test_anyone_registers_without_signing_in_and_gets_a_confirmation_with_a_link(world):
    info_session = world.info_session("cvo-limburg")
    client = world.app.test_client()
    token = token_of(register(client, info_session.id))
    page = client.get(f"/t/aalst/opleiding/inschrijving/{token}").get_data(as_text=True)
    assert "Ingeschreven" in page and "Sociaal Huis" in page
    candidate = candidate_by_email(world.app, "fatima@example.be")
    assert (candidate.given_name, candidate.family_name) == ("Fatima", "Elamrani")
    assert (candidate.phone, candidate.contact_consent) == ("0470 12 34 56", True)
    assert candidate.stage == Stage.INTERESTED
    assert candidate.organisation_id == world.organisation_id("cvo-limburg")
    (mail,) = outbox(world.app)
    assert mail.to_address == "fatima@example.be"
    assert f"/t/aalst/opleiding/inschrijving/{token}" in mail.body
    assert [entry.kind for entry in timeline(world.app, candidate.id)] == ["registration"]


def test_a_full_session_puts_people_on_the_waiting_list_and_a_cancellation_promotes_the_first(
    world,
):
    info_session = world.info_session("cvo-limburg", capacity=2)
    client = world.app.test_client()
    first = token_of(register(client, info_session.id, email="een@example.be"))
    token_of(register(client, info_session.id, email="twee@example.be"))
    waiting = token_of(register(client, info_session.id, email="drie@example.be"))
    later = token_of(register(client, info_session.id, email="vier@example.be"))
    assert registrations(world.app)[waiting] == "waiting"
    assert "wachtlijst" in client.get(f"/t/aalst/opleiding/inschrijving/{waiting}").get_data(
        as_text=True
    )
    assert client.post(f"/t/aalst/opleiding/inschrijving/{first}").status_code == 303
    statuses = registrations(world.app)
    assert (statuses[first], statuses[waiting], statuses[later]) == (
        "cancelled",
        "registered",
        "waiting",
    )
    promoted_mail = [m for m in outbox(world.app) if m.purpose == "training.info_promoted"]
    assert [m.to_address for m in promoted_mail] == ["drie@example.be"]
    # Cancelling twice changes nothing more.
    client.post(f"/t/aalst/opleiding/inschrijving/{first}")
    assert registrations(world.app)[later] == "waiting"


def test_a_waiting_person_who_cancels_promotes_nobody(world):
    info_session = world.info_session("cvo-limburg", capacity=1)
    client = world.app.test_client()
    token_of(register(client, info_session.id, email="een@example.be"))
    waiting = token_of(register(client, info_session.id, email="twee@example.be"))
    third = token_of(register(client, info_session.id, email="drie@example.be"))
    client.post(f"/t/aalst/opleiding/inschrijving/{waiting}")
    assert registrations(world.app)[third] == "waiting"


def test_registering_twice_for_the_same_session_is_refused_with_a_message(world):
    # The public form answers a known address like any other (a mail goes out); the owner of
    # the address, following the link, is told they are registered already.
    info_session = world.info_session("cvo-limburg")
    client = world.app.test_client()
    token_of(register(client, info_session.id))
    again = register(client, info_session.id)
    assert again.status_code == 303
    confirmation = urlsplit(again.mailed_link).path
    assert "/inschrijving/bevestigen/" in confirmation
    refused = client.post(confirmation)
    assert refused.status_code == 409
    assert "al ingeschreven" in refused.get_data(as_text=True)


def test_bad_registration_input_is_shown_beside_the_fields_and_nothing_is_saved(world):
    info_session = world.info_session("cvo-limburg")
    client = world.app.test_client()
    response = register(
        client,
        info_session.id,
        given_name="",
        email="geen-adres",
        phone="bel me",
        interest="onthaalouder",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page
    assert "Vul je voornaam in" in page
    assert "name@example.be" in page or "naam@voorbeeld.be" in page
    assert "andere soort" in page  # a kinderbegeleider session chosen for onthaalouder
    assert registrations(world.app) == {}
    unknown = register(client, "not-a-session")
    assert unknown.status_code == 422


def test_a_session_of_another_tenant_cannot_be_registered_for(world):
    elsewhere = world.info_session("cvo-limburg", tenant="brugge")
    response = register(world.app.test_client(), elsewhere.id)
    assert response.status_code == 422
    assert registrations(world.app, "brugge") == {}


def test_a_past_session_is_no_longer_offered(world):
    past = world.info_session("cvo-limburg", in_days=-1)
    client = world.app.test_client()
    assert str(past.id) not in client.get("/t/aalst/opleiding/inschrijven").get_data(as_text=True)
    assert register(client, past.id).status_code == 422


def test_reminders_go_once_to_seated_people_of_sessions_within_two_days(world):
    soon = world.info_session("cvo-limburg", capacity=1, in_days=1)
    later = world.info_session("cvo-limburg", in_days=5)
    client = world.app.test_client()
    token_of(register(client, soon.id, email="een@example.be"))
    token_of(register(client, soon.id, email="wacht@example.be"))
    token_of(register(client, later.id, email="later@example.be"))
    runner = world.app.test_cli_runner()
    result = runner.invoke(args=["training", "remind"])
    assert "aalst: 1 reminders" in result.output, result.output
    reminders = [m for m in outbox(world.app) if m.purpose == "training.info_reminder"]
    assert [m.to_address for m in reminders] == ["een@example.be"]
    # Sent by cron, outside any request: the link is built from the platform's public address.
    assert "http://127.0.0.1:5000/t/aalst/opleiding/inschrijving/" in reminders[0].body
    again = runner.invoke(args=["training", "remind"])
    assert "aalst: 0 reminders" in again.output


def test_attendance_moves_those_who_came_to_info_session_attended(world):
    info_session = world.info_session("cvo-limburg", capacity=5)
    client = world.app.test_client()
    token_of(register(client, info_session.id, email="kwam@example.be"))
    token_of(register(client, info_session.id, email="niet@example.be"))
    came = candidate_by_email(world.app, "kwam@example.be")
    started(world, InfoSession, info_session.id)
    sara = world.client_for(people(world)["sara"])
    page = sara.get(f"/t/aalst/opleiding/infosessies/{info_session.id}").get_data(as_text=True)
    assert "Fatima Elamrani" in page
    with world.session() as db:
        registration_id = db.exec(
            select(InfoRegistration.id).where(InfoRegistration.candidate_id == came.id)
        ).one()
    response = sara.post(
        f"/t/aalst/opleiding/infosessies/{info_session.id}",
        data={"attended": [str(registration_id), "not-an-id"]},
    )
    assert response.status_code == 303
    assert candidate_by_email(world.app, "kwam@example.be").stage == Stage.INFO_SESSION_ATTENDED
    assert candidate_by_email(world.app, "niet@example.be").stage == Stage.INTERESTED
    other_school = world.client_for(people(world)["tom"])
    assert other_school.get(f"/t/aalst/opleiding/infosessies/{info_session.id}").status_code == 404


def test_staff_plan_a_session_and_bad_input_is_explained(world):
    lieve = world.client_for(people(world)["lieve"])
    bad = lieve.post(
        "/t/aalst/opleiding/infosessies",
        data={"kind": "kinderbegeleider", "starts_at": "gisteren", "location": "", "capacity": "0"},
    )
    assert bad.status_code == 422
    starts = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT19:00")
    good = lieve.post(
        "/t/aalst/opleiding/infosessies",
        data={
            "organisation": "",
            "kind": "onthaalouder",
            "starts_at": starts,
            "location": "Huis van het Kind",
            "capacity": "12",
        },
    )
    assert good.status_code == 303
    public = world.app.test_client().get("/t/aalst/opleiding/").get_data(as_text=True)
    assert "Huis van het Kind" in public


def test_a_signed_in_citizen_sees_their_own_registrations_and_path_only(world):
    info_session = world.info_session("cvo-limburg")
    an = people(world)["an"]
    mine = world.client_for(an)
    token_of(register(mine, info_session.id, email="an@example.be", given_name="An"))
    token_of(register(world.app.test_client(), info_session.id, email="iemand@example.be"))
    page = mine.get("/t/aalst/opleiding/mijn-traject").get_data(as_text=True)
    assert "Sociaal Huis" in page and "Geïnteresseerd" in page
    assert "iemand@example.be" not in page and "Elamrani" not in page
    assert world.app.test_client().get("/t/aalst/opleiding/mijn-traject").status_code == 401


def test_one_connection_cannot_flood_the_public_registration(world):
    from plugins.training.views.common import PUBLIC_FORMS_PER_MINUTE

    client = world.app.test_client()
    statuses = [
        client.post(
            "/t/aalst/opleiding/inschrijven",
            data={"name": ""},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        ).status_code
        for _ in range(PUBLIC_FORMS_PER_MINUTE + 1)
    ]
    assert 429 not in statuses[:PUBLIC_FORMS_PER_MINUTE]
    assert statuses[-1] == 429
    other = client.post(
        "/t/aalst/opleiding/inschrijven",
        data={"name": ""},
        environ_base={"REMOTE_ADDR": "198.51.100.8"},
    )
    assert other.status_code != 429
