"""A crisis is taken in without an intake appointment; an accepted case can close directly."""

from __future__ import annotations

from html import unescape

from tests.plugins.ckg.conftest import users
from tests.plugins.ckg.helpers import antenna_named, step, stored, submit


def test_a_crisis_is_accepted_straight_from_received(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]), urgency="crisis")
    karim = world.client_for(people["karim"])
    assert step(karim, referral_id, "received").status_code == 303
    page = karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert 'value="accepted"' in page and 'value="intake_planned"' in page
    genk = antenna_named(world.app, "Antenne Genk")
    accepted = step(
        karim, referral_id, "accepted", offer="home", antenna=str(genk.id), starts_on="2026-12-04"
    )
    assert accepted.status_code == 303
    assert stored(world.app, referral_id).status == "accepted"
    assert antenna_named(world.app, "Antenne Genk").home_guidance_occupied == 1


def test_a_regular_referral_still_needs_its_intake_first(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    step(karim, referral_id, "received")
    page = karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert 'value="accepted"' not in page
    genk = antenna_named(world.app, "Antenne Genk")
    refused = step(
        karim, referral_id, "accepted", offer="home", antenna=str(genk.id), starts_on="2026-12-04"
    )
    assert refused.status_code == 422
    assert 'met status "ontvangen" kan niet naar "aanvaard"' in unescape(
        refused.get_data(as_text=True)
    )
    assert stored(world.app, referral_id).status == "received"


def test_an_accepted_case_closes_directly_and_frees_its_place(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]), urgency="crisis")
    karim = world.client_for(people["karim"])
    genk = antenna_named(world.app, "Antenne Genk")
    step(karim, referral_id, "received")
    step(karim, referral_id, "accepted", offer="home", antenna=str(genk.id), starts_on="2026-12-04")
    missing = step(karim, referral_id, "closed")
    assert missing.status_code == 422 and "Kies het resultaat" in missing.get_data(as_text=True)
    closed = step(karim, referral_id, "closed", outcome="stopped_by_family")
    assert closed.status_code == 303
    saved = stored(world.app, referral_id)
    assert (saved.status, saved.outcome) == ("closed", "stopped_by_family")
    assert antenna_named(world.app, "Antenne Genk").home_guidance_occupied == 0


def test_another_ckg_cannot_take_the_fast_path(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]), urgency="crisis")
    step(world.client_for(people["karim"]), referral_id, "received")
    ghislaine = world.client_for(people["ghislaine"])
    genk = antenna_named(world.app, "Antenne Genk")
    response = step(
        ghislaine,
        referral_id,
        "accepted",
        offer="home",
        antenna=str(genk.id),
        starts_on="2026-12-04",
    )
    assert response.status_code == 403  # CKG Gent is not granted in Aalst: no ckg.work there
    assert stored(world.app, referral_id).status == "received"
