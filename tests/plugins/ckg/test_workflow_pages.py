"""The CKG works a referral through its pages: steps, queue, capacity."""

from __future__ import annotations

from datetime import timedelta

from core.db import utcnow
from tests.plugins.ckg.conftest import users
from tests.plugins.ckg.helpers import antenna_named, step, stored, submit
from tests.support.apps import tenant_id


def test_the_ckg_moves_a_referral_to_accepted_and_the_referrer_sees_the_new_status(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    genk = antenna_named(world.app, "Antenne Genk")
    assert step(karim, referral_id, "received").status_code == 303
    assert step(karim, referral_id, "intake_planned", intake_on="2026-12-01").status_code == 303
    accepted = step(
        karim,
        referral_id,
        "accepted",
        offer="home",
        antenna=str(genk.id),
        starts_on="2026-12-15",
    )
    assert accepted.status_code == 303
    referral = stored(world.app, referral_id)
    assert (referral.status, referral.antenna_id) == ("accepted", genk.id)
    assert antenna_named(world.app, "Antenne Genk").home_guidance_occupied == 1
    page = world.client_for(people["sara"]).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    text = page.get_data(as_text=True)
    assert "aanvaard" in text and "Antenne Genk" in text and "15/12/2026" in text


def test_a_skipped_step_is_refused_with_a_message_in_the_page(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    response = step(world.client_for(people["karim"]), referral_id, "accepted")
    assert response.status_code == 422
    assert "kan niet naar" in response.get_data(as_text=True)
    assert stored(world.app, referral_id).status == "submitted"


def test_a_step_missing_its_reason_keeps_the_typed_values(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    step(karim, referral_id, "received")
    step(karim, referral_id, "intake_planned", intake_on="01/12/2026")
    response = step(karim, referral_id, "redirected", redirected_to="CAW Limburg")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Leg uit waarom het gezin doorverwezen wordt" in html
    assert 'value="CAW Limburg"' in html
    assert stored(world.app, referral_id).status == "intake_planned"


def test_accepting_at_a_full_antenna_suggests_the_waiting_list(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]), requested_offer="day")
    karim = world.client_for(people["karim"])
    step(karim, referral_id, "received")
    step(karim, referral_id, "intake_planned", intake_on="2026-12-01")
    genk = antenna_named(world.app, "Antenne Genk")  # no day-guidance places
    response = step(
        karim, referral_id, "accepted", offer="day", antenna=str(genk.id), starts_on="2026-12-15"
    )
    assert response.status_code == 422
    assert "wachtlijst" in response.get_data(as_text=True)


def test_the_queue_puts_crisis_first_with_a_clock_and_shows_capacity(world):
    people = users(world)
    sara = world.client_for(people["sara"])
    regular = submit(sara)
    crisis = submit(sara, urgency="crisis")
    with world.app.extensions["opvangplein.db"].tenant_session(tenant_id(world.app, "aalst")) as db:
        from plugins.ckg.models import Referral

        old = db.get(Referral, regular)
        old.submitted_at = utcnow() - timedelta(days=3, hours=2)
        db.add(old)
    page = world.client_for(people["karim"]).get("/t/aalst/ckg/wachtrij")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    crisis_ref, regular_ref = (f"CKG-{r.hex[:8].upper()}" for r in (crisis, regular))
    assert html.index(crisis_ref) < html.index(regular_ref)
    assert "3 d 2 h" in html
    assert "Antenne Genk" in html and "4 vrij van 4" in html


def test_the_queue_filters_by_urgency_and_offer(world):
    people = users(world)
    sara = world.client_for(people["sara"])
    regular = submit(sara)
    crisis = submit(sara, urgency="crisis", requested_offer="short_stay")
    karim = world.client_for(people["karim"])
    html = karim.get("/t/aalst/ckg/wachtrij?urgency=crisis").get_data(as_text=True)
    assert f"CKG-{crisis.hex[:8].upper()}" in html
    assert f"CKG-{regular.hex[:8].upper()}" not in html
    html = karim.get("/t/aalst/ckg/wachtrij?offer=home").get_data(as_text=True)
    assert f"CKG-{crisis.hex[:8].upper()}" not in html
    fragment = karim.get("/t/aalst/ckg/wachtrij?offer=home", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_a_ckg_worker_updates_capacity_and_bad_numbers_get_a_message(world):
    karim = world.client_for(users(world)["karim"])
    genk = antenna_named(world.app, "Antenne Genk")
    bad = karim.post(
        "/t/aalst/ckg/capaciteit", data={"antenna_id": str(genk.id), "short_stay_beds": "veel"}
    )
    assert bad.status_code == 422 and "geheel getal" in bad.get_data(as_text=True)
    good = karim.post(
        "/t/aalst/ckg/capaciteit",
        data={
            "antenna_id": str(genk.id),
            "short_stay_beds": "6",
            "on_call_email": "nacht@ckg-limburg.be",
        },
    )
    assert good.status_code == 303
    saved = antenna_named(world.app, "Antenne Genk")
    assert (saved.short_stay_beds, saved.on_call_email) == (6, "nacht@ckg-limburg.be")


def test_a_ckg_worker_adds_an_antenna(world):
    from tests.plugins.ckg.conftest import organisation

    karim = world.client_for(users(world)["karim"])
    limburg = organisation(world.app, "ckg-limburg", "ckg")
    response = karim.post(
        "/t/aalst/ckg/capaciteit",
        data={"organisation_id": str(limburg.id), "name": "Antenne Lommel", "long_stay_beds": "2"},
    )
    assert response.status_code == 303
    assert antenna_named(world.app, "Antenne Lommel").long_stay_beds == 2


def test_a_note_that_is_too_long_is_refused_with_a_message(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    response = world.client_for(people["karim"]).post(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}/notities", data={"body": "x" * 2001}
    )
    assert response.status_code == 422 and "2000 tekens" in response.get_data(as_text=True)


def test_a_crisis_not_received_within_the_municipalitys_minutes_is_marked_overdue(world):
    from plugins.ckg.models import Referral

    people = users(world)
    crisis = submit(world.client_for(people["sara"]), urgency="crisis")
    karim = world.client_for(people["karim"])
    assert "te laat" not in karim.get("/t/aalst/ckg/wachtrij").get_data(as_text=True)
    with world.app.extensions["opvangplein.db"].tenant_session(tenant_id(world.app, "aalst")) as db:
        referral = db.get(Referral, crisis)
        referral.submitted_at = utcnow() - timedelta(minutes=61)  # default: 60 minutes
        db.add(referral)
    assert "te laat: nog niet ontvangen" in karim.get("/t/aalst/ckg/wachtrij").get_data(
        as_text=True
    )
    step(karim, crisis, "received")
    assert "te laat" not in karim.get("/t/aalst/ckg/wachtrij").get_data(as_text=True)


def test_the_history_shows_each_step_with_when_and_by_whom(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    step(karim, referral_id, "received")
    html = karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    history = html.split("Elke stap van deze doorverwijzing")[1].split("</table>")[0]
    assert "Sara" in history and "Karim" in history
    assert history.index("ingediend") < history.index("ontvangen")
