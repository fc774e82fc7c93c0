"""Contact and language: the referral says how to reach the family and the referrer, the CKG
sees it, and the 24/7 on-call number is given to the referrer after a crisis referral and on
the public page."""

from __future__ import annotations

from tests.plugins.ckg.conftest import referral_form, users
from tests.plugins.ckg.helpers import family_confirms, stored, submit


def test_the_ckg_sees_how_to_reach_the_family_and_the_referrer(world):
    people = users(world)
    referral_id = submit(
        world.client_for(people["sara"]),
        family_language="Arabisch",
        interpreter_needed="y",
    )
    saved = stored(world.app, referral_id)
    assert (saved.family_phone, saved.family_language, saved.interpreter_needed) == (
        "0470 12 34 56",
        "Arabisch",
        True,
    )
    html = world.client_for(people["karim"]).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    text = html.get_data(as_text=True)
    for shown in (
        "0470 12 34 56",
        "Kerkstraat 1, 9300 Aalst",
        "Arabisch",
        "Er is een tolk nodig",
        "Sara Claes",
        "Basisschool De Linde",
        "053 11 22 33",
    ):
        assert shown in text, shown


def test_the_form_fills_in_the_referrers_name_and_organisation(world):
    page = world.client_for(users(world)["sara"]).get("/t/aalst/ckg/doorverwijzen")
    html = page.get_data(as_text=True)
    assert 'name="referrer_organisation_name"' in html and 'value="School De Linde"' in html
    assert 'name="family_phone"' in html and 'name="interpreter_needed"' in html


def test_a_phone_number_that_is_not_one_gets_a_message_and_nothing_is_stored(world):
    sara = world.client_for(users(world)["sara"])
    response = sara.post(
        "/t/aalst/ckg/doorverwijzen", data=referral_form(family_phone="bel me maar")
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Geef een telefoonnummer van 8 tot 15 cijfers" in html
    assert 'value="bel me maar"' in html


def test_a_crisis_referral_needs_the_referrers_phone(world):
    sara = world.client_for(users(world)["sara"])
    response = sara.post(
        "/t/aalst/ckg/doorverwijzen", data=referral_form(urgency="crisis", referrer_phone="")
    )
    assert response.status_code == 422
    assert "piketmedewerker belt je terug" in response.get_data(as_text=True)


def test_after_a_crisis_referral_the_referrer_sees_the_on_call_number_at_once(world):
    sara = world.client_for(users(world)["sara"])
    response = sara.post("/t/aalst/ckg/doorverwijzen", data=referral_form(urgency="crisis"))
    assert response.status_code == 303
    confirmation = sara.get(response.headers["Location"]).get_data(as_text=True)
    assert "dag en nacht bereikbaar" in confirmation
    assert "Antenne Genk" in confirmation and "011 00 00 00" in confirmation
    # A regular referral does not shout the crisis number.
    regular = sara.post("/t/aalst/ckg/doorverwijzen", data=referral_form())
    assert "011 00 00 00" not in sara.get(regular.headers["Location"]).get_data(as_text=True)


def test_the_public_ckg_page_shows_the_on_call_number_of_the_municipalitys_ckg(world):
    anonymous = world.app.test_client()
    html = anonymous.get("/t/aalst/ckg/").get_data(as_text=True)
    assert "dag en nacht bereikbaar" in html and "011 00 00 00" in html
    # Gent works with another CKG, whose antenna has no phone: Limburg's number is not Gent's.
    assert "011 00 00 00" not in anonymous.get("/t/gent/ckg/").get_data(as_text=True)


def test_the_family_sees_its_own_contact_details_the_referrer_does_not_see_them_again(world):
    people = users(world)
    sara = world.client_for(people["sara"])
    referral_id = submit(sara)
    family_confirms(world.app)
    referrer_page = sara.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert "0470 12 34 56" not in referrer_page and "Kerkstraat" not in referrer_page


def test_anonymising_clears_the_contact_details(world):
    from core.db import utcnow
    from plugins.ckg import store
    from plugins.ckg.models import Referral
    from tests.support.apps import tenant_id

    referral_id = submit(world.client_for(users(world)["sara"]), interpreter_needed="y")
    with world.app.extensions["opvangplein.db"].tenant_session(tenant_id(world.app, "aalst")) as db:
        store.anonymise(db, db.get(Referral, referral_id), utcnow())
    saved = stored(world.app, referral_id)
    assert (saved.family_phone, saved.family_address, saved.referrer_phone) == ("", "", "")
    assert saved.interpreter_needed is False and saved.referrer_name == ""
