"""A short stay is accepted with a start and a planned end; beyond six weeks it is refused with
a message that points to the long-stay route."""

from __future__ import annotations

from datetime import date

from tests.plugins.ckg.conftest import users
from tests.plugins.ckg.helpers import antenna_named, step, stored, submit


def _ready_for_acceptance(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]), requested_offer="short_stay")
    karim = world.client_for(people["karim"])
    step(karim, referral_id, "received")
    step(karim, referral_id, "intake_planned", intake_on="2026-12-01")
    return referral_id, karim, antenna_named(world.app, "Antenne Genk")


def _accept(karim, referral_id, genk, **fields):
    return step(
        karim,
        referral_id,
        "accepted",
        offer="short_stay",
        antenna=str(genk.id),
        starts_on="2026-12-15",
        **fields,
    )


def test_a_short_stay_beyond_six_weeks_is_refused_with_the_long_stay_route(world):
    referral_id, karim, genk = _ready_for_acceptance(world)
    response = _accept(karim, referral_id, genk, planned_end="2027-02-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "hoogstens zes weken" in html and "26/01/2027" in html and "toegangspoort" in html
    assert stored(world.app, referral_id).status == "intake_planned"
    assert antenna_named(world.app, "Antenne Genk").short_stay_occupied == 0


def test_a_short_stay_needs_a_planned_end_that_follows_its_start(world):
    referral_id, karim, genk = _ready_for_acceptance(world)
    missing = _accept(karim, referral_id, genk)
    assert missing.status_code == 422
    assert "Geef het geplande einde" in missing.get_data(as_text=True)
    before = _accept(karim, referral_id, genk, planned_end="2026-12-01")
    assert before.status_code == 422
    assert "niet vóór de startdatum" in before.get_data(as_text=True)


def test_a_short_stay_of_six_weeks_is_accepted_and_its_end_shown(world):
    referral_id, karim, genk = _ready_for_acceptance(world)
    response = _accept(karim, referral_id, genk, planned_end="2027-01-26")
    assert response.status_code == 303
    saved = stored(world.app, referral_id)
    assert (saved.starts_on, saved.stay_planned_end) == (date(2026, 12, 15), date(2027, 1, 26))
    page = karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert "gepland einde 26/01/2027" in page
