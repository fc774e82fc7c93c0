"""Free courses (vormingen) for childcare staff: catalogue, sign-up, waiting list, attendance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlmodel import select

from plugins.training.models import Course, CourseSignup
from tests.plugins.training.conftest import grant, member, people
from tests.plugins.training.helpers import last_link_mailed_to, started
from tests.support.apps import tenant_id


def _course(world, *, capacity=1, organisation="cvo-limburg", tenant="aalst", in_days=10) -> Course:
    with world.session(tenant) as db:
        course = Course(
            organisation_id=world.organisation_id(organisation),
            title="Taalstimulering bij peuters",
            starts_at=datetime.now(UTC) + timedelta(days=in_days),
            location="Ontmoetingscentrum",
            capacity=capacity,
        )
        db.add(course)
    return course


def _sign_up(client, course, tenant="aalst", **changes):
    form = {
        "given_name": "Ilse",
        "family_name": "Mertens",
        "email": "ilse@speelboom.be",
        "employer": "KDV De Speelboom",
    }
    form.update(changes)
    return client.post(f"/t/{tenant}/opleiding/vormingen/{course.id}/inschrijven", data=form)


def _statuses(world, tenant="aalst") -> dict[str, str]:
    with world.db.session(tenant_id(world.app, tenant)) as db:
        return {s.email: s.status for s in db.exec(select(CourseSignup))}


def test_anyone_with_an_e_mail_signs_up_and_the_waiting_list_moves_up(world):
    course = _course(world, capacity=1)
    client = world.app.test_client()
    catalogue = client.get("/t/aalst/opleiding/vormingen").get_data(as_text=True)
    assert "Taalstimulering bij peuters" in catalogue
    first = _sign_up(client, course)
    assert first.status_code == 303
    ilse_link = urlsplit(last_link_mailed_to(world.app, "ilse@speelboom.be")).path
    _sign_up(client, course, email="els@vlinder.be")
    els_link = urlsplit(last_link_mailed_to(world.app, "els@vlinder.be")).path
    assert _statuses(world) == {"ilse@speelboom.be": "registered", "els@vlinder.be": "waiting"}
    again = _sign_up(client, course)  # a second sign-up with the address changes nothing
    assert again.status_code == 303
    assert _statuses(world) == {"ilse@speelboom.be": "registered", "els@vlinder.be": "waiting"}
    client.post(ilse_link)
    assert _statuses(world) == {"ilse@speelboom.be": "cancelled", "els@vlinder.be": "registered"}
    assert "Ingeschreven" in client.get(els_link).get_data(as_text=True)


def test_a_signed_in_person_with_a_proven_address_lands_on_the_sign_up_at_once(world):
    grant(world.app, "aalst", "kdv-de-speelboom", modules=("loket",))
    pieter = member(world.app, "pieter", "kdv-de-speelboom")
    course = _course(world)
    client = world.client_for(pieter)
    first = _sign_up(client, course, email="pieter@example.be")
    assert "/vorming-inschrijving/" in first.headers["Location"]
    again = _sign_up(client, course, email="pieter@example.be")
    assert again.status_code == 422 and "al ingeschreven" in again.get_data(as_text=True)


def test_a_provider_member_signing_in_finds_the_form_filled_with_their_organisation(world):
    grant(world.app, "aalst", "kdv-de-speelboom", modules=("loket",))
    pieter = member(world.app, "pieter", "kdv-de-speelboom")
    course = _course(world)
    client = world.client_for(pieter)
    page = client.get(f"/t/aalst/opleiding/vormingen/{course.id}/inschrijven").get_data(
        as_text=True
    )
    assert 'value="Kdv De Speelboom"' in page and 'value="pieter@example.be"' in page


def test_bad_sign_up_input_is_explained_and_a_past_course_is_closed(world):
    course = _course(world)
    client = world.app.test_client()
    bad = _sign_up(client, course, email="nope", employer="")
    assert bad.status_code == 422
    assert "Geef de kinderopvang waar je werkt." in bad.get_data(as_text=True)
    past = _course(world, in_days=-2)
    assert _sign_up(client, past).status_code == 404
    elsewhere = _course(world, tenant="brugge")
    assert _sign_up(client, elsewhere).status_code == 404


def test_the_organiser_records_attendance_and_other_schools_see_nothing(world):
    course = _course(world, capacity=3)
    client = world.app.test_client()
    _sign_up(client, course)
    _sign_up(client, course, email="els@vlinder.be", given_name="Els")
    with world.db.session(tenant_id(world.app, "aalst")) as db:
        ilse = db.exec(select(CourseSignup).where(CourseSignup.email == "ilse@speelboom.be")).one()
    started(world, Course, course.id)
    sara = world.client_for(people(world)["sara"])
    url = f"/t/aalst/opleiding/vormingen/{course.id}/deelnemers"
    page = sara.post(url, data={"attended": [str(ilse.id)]}).get_data(as_text=True)
    assert "1 aanwezig" in page
    with world.db.session(tenant_id(world.app, "aalst")) as db:
        attended = {s.email: s.attended for s in db.exec(select(CourseSignup))}
    assert attended == {"ilse@speelboom.be": True, "els@vlinder.be": False}
    assert world.client_for(people(world)["tom"]).get(url).status_code == 404


def test_staff_plan_a_course_with_clear_messages_for_bad_input(world):
    lieve = world.client_for(people(world)["lieve"])
    bad = lieve.post("/t/aalst/opleiding/vormingen", data={"title": "", "starts_at": "morgen"})
    assert bad.status_code == 422 and 'id="error-summary"' in bad.get_data(as_text=True)
    starts = (datetime.now(UTC) + timedelta(days=20)).strftime("%Y-%m-%dT09:00")
    good = lieve.post(
        "/t/aalst/opleiding/vormingen",
        data={
            "organisation": "",
            "title": "EHBO bij baby's",
            "starts_at": starts,
            "location": "Sociaal Huis",
            "capacity": "14",
        },
    )
    assert good.status_code == 303
    assert "EHBO bij baby's" in world.app.test_client().get(
        "/t/aalst/opleiding/vormingen"
    ).get_data(as_text=True).replace("&#39;", "'")
