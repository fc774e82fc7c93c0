"""A school sees and manages only its own rows; staff see the tenant; other tenants see nothing."""

from __future__ import annotations

import pytest

from plugins.training.services import Stage
from tests.plugins.training.conftest import people
from tests.plugins.training.helpers import make_candidate, step, stored

MANAGER_PAGES = [
    "/programmas",
    "/kandidaten",
    "/infosessies",
    "/cijfers",
    "/cijfers.csv",
]


def _two_schools(world):
    cvo = world.programme_and_cohort("cvo-limburg", name="Avondopleiding CVO")
    linde = world.programme_and_cohort("school-de-linde", name="Dagopleiding Linde")
    lotte = make_candidate(world, "cvo-limburg", stage=Stage.ENROLLED, cohort=cvo)
    karim = make_candidate(
        world,
        "school-de-linde",
        stage=Stage.ENROLLED,
        cohort=linde,
        given_name="Karim",
        family_name="Yilmaz",
    )
    return cvo, linde, lotte, karim


def test_a_school_sees_only_its_own_cohorts_and_candidates(world):
    cvo, linde, lotte, karim = _two_schools(world)
    sara = world.client_for(people(world)["sara"])
    listing = sara.get("/t/aalst/opleiding/programmas").get_data(as_text=True)
    assert "Avondopleiding CVO" in listing and "Dagopleiding Linde" not in listing
    candidates = sara.get("/t/aalst/opleiding/kandidaten").get_data(as_text=True)
    assert "Lotte Peeters" in candidates and "Karim" not in candidates
    assert sara.get(f"/t/aalst/opleiding/groepen/{cvo.id}").status_code == 200
    assert sara.get(f"/t/aalst/opleiding/groepen/{linde.id}").status_code == 404
    assert sara.get(f"/t/aalst/opleiding/kandidaten/{lotte}").status_code == 200
    assert sara.get(f"/t/aalst/opleiding/kandidaten/{karim}").status_code == 404
    assert sara.get(f"/t/aalst/opleiding/programmas/{linde.programme_id}").status_code == 404


def test_a_school_cannot_move_or_enrol_into_another_schools_rows(world):
    cvo, linde, lotte, karim = _two_schools(world)
    sara = world.client_for(people(world)["sara"])
    assert step(sara, karim, "in_training").status_code == 404
    assert stored(world.app, karim).stage == Stage.ENROLLED
    intake = make_candidate(world, "cvo-limburg", stage=Stage.INTAKE, given_name="Ann")
    response = step(sara, intake, "enrolled", cohort=str(linde.id))
    assert response.status_code == 422
    assert stored(world.app, intake).stage == Stage.INTAKE
    assert "Dagopleiding Linde" not in response.get_data(as_text=True)


def test_municipal_staff_see_every_school_and_the_municipalitys_own_candidates(world):
    _two_schools(world)
    own = make_candidate(world, None, given_name="Samira", family_name="Demir")
    lieve = world.client_for(people(world)["lieve"])
    candidates = lieve.get("/t/aalst/opleiding/kandidaten").get_data(as_text=True)
    assert all(name in candidates for name in ("Lotte Peeters", "Karim Yilmaz", "Samira Demir"))
    sara = world.client_for(people(world)["sara"])
    assert sara.get(f"/t/aalst/opleiding/kandidaten/{own}").status_code == 404


def test_staff_hand_a_municipal_candidate_to_a_school_which_then_sees_it(world):
    own = make_candidate(world, None, given_name="Samira", family_name="Demir")
    lieve = world.client_for(people(world)["lieve"])
    response = lieve.post(
        f"/t/aalst/opleiding/kandidaten/{own}/partner",
        data={"partner": str(world.organisation_id("cvo-limburg"))},
    )
    assert response.status_code == 303
    sara = world.client_for(people(world)["sara"])
    assert sara.get(f"/t/aalst/opleiding/kandidaten/{own}").status_code == 200
    # A school cannot hand candidates around.
    tom = world.client_for(people(world)["tom"])
    assert (
        tom.post(
            f"/t/aalst/opleiding/kandidaten/{own}/partner",
            data={"partner": str(world.organisation_id("school-de-linde"))},
        ).status_code
        == 404
    )


def test_another_tenant_sees_nothing_even_for_the_same_school(world):
    cvo, _linde, lotte, _karim = _two_schools(world)
    sara_in_brugge = world.client_for(people(world)["sara"], tenant="brugge")
    assert sara_in_brugge.get(f"/t/brugge/opleiding/kandidaten/{lotte}").status_code == 404
    assert sara_in_brugge.get(f"/t/brugge/opleiding/groepen/{cvo.id}").status_code == 404
    listing = sara_in_brugge.get("/t/brugge/opleiding/kandidaten").get_data(as_text=True)
    assert "Lotte" not in listing
    assert step(sara_in_brugge, lotte, "in_training", tenant="brugge").status_code == 404
    assert stored(world.app, lotte).stage == Stage.ENROLLED


@pytest.mark.parametrize("page", MANAGER_PAGES)
def test_manager_pages_ask_anonymous_visitors_to_sign_in_and_refuse_parents(world, page):
    assert world.app.test_client().get(f"/t/aalst/opleiding{page}").status_code == 401
    parent = world.client_for(people(world)["an"])
    assert parent.get(f"/t/aalst/opleiding{page}").status_code == 403


def test_a_partner_granted_another_module_only_is_not_a_training_partner(world):
    from tests.plugins.training.conftest import grant, member

    grant(world.app, "aalst", "kdv-de-speelboom", modules=("loket",))
    pieter = member(world.app, "pieter", "kdv-de-speelboom")
    client = world.client_for(pieter)
    assert client.get("/t/aalst/opleiding/kandidaten").status_code == 403
