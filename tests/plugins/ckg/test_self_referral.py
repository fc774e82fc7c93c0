"""A parent asks the CKG for help for their own family with a plain form of its own: the
crisis number first, no consent override, the parent is the consenting party."""

from __future__ import annotations

import uuid

from tests.plugins.ckg.conftest import referral_form
from tests.plugins.ckg.helpers import stored


def _parent(world):
    return world.client_for(world.user("ouder-an", "aalst", ["parent"]))


def _self_form(**changes) -> dict:
    form = {
        "parent-1-name": "An Peeters",
        "parent-1-relation": "moeder",
        "child-1-name": "Mila",
        "child-1-birth_date": "2021-06-01",
        "domains": ["parenting"],
        "concern_summary": "Ik raak uitgeput.",
        "requested_offer": "home",
        "urgency": "regular",
        "family_phone": "0470 98 76 54",
    }
    form.update(changes)
    return form


def test_a_parent_gets_the_plain_form_with_the_crisis_number_and_no_consent_choice(world):
    parent = _parent(world)
    start = parent.get("/t/aalst/ckg/doorverwijzen")
    assert start.status_code == 303 and start.headers["Location"].endswith("/ckg/zelf-aanmelden")
    html = parent.get("/t/aalst/ckg/zelf-aanmelden").get_data(as_text=True)
    assert "Hulp vragen aan een CKG" in html
    assert html.index("011 00 00 00") < html.index('name="parent-1-name"')
    for absent in ('name="consent"', "consent_override_reason", 'name="route"', "family_email"):
        assert absent not in html, absent
    assert 'value="long_stay"' not in html
    assert "Hulp vragen aan een CKG" in parent.get("/t/aalst/ckg/").get_data(as_text=True)


def test_a_self_referral_is_recorded_with_the_parents_consent(world):
    parent = _parent(world)
    response = parent.post("/t/aalst/ckg/zelf-aanmelden", data=_self_form())
    assert response.status_code == 303, response.get_data(as_text=True)
    referral_id = uuid.UUID(response.headers["Location"].split("/doorverwijzingen/")[1][:36])
    referral = stored(world.app, referral_id)
    assert (referral.referrer_kind, referral.consent, referral.consent_override_reason) == (
        "parent",
        "given",
        "",
    )
    assert referral.family_phone == "0470 98 76 54" and referral.family_email == ""
    page = parent.get(response.headers["Location"]).get_data(as_text=True)
    # The parent controls the consent they gave, from their own page.
    assert "Mijn toestemming intrekken" in page


def test_a_parent_cannot_post_an_override_to_either_form(world):
    parent = _parent(world)
    posted = {
        "consent": "overridden",
        "consent_override_reason": "crisis",
        "consent_explanation": "Zelf beslist",
        "urgency": "crisis",
        "family_email": "iemand-anders@example.be",
    }
    for path, form in (
        ("/t/aalst/ckg/zelf-aanmelden", _self_form(**posted)),
        ("/t/aalst/ckg/doorverwijzen", referral_form(**posted, family_phone="0470 98 76 54")),
    ):
        response = parent.post(path, data=form)
        assert response.status_code == 303, (path, response.get_data(as_text=True))
        referral_id = uuid.UUID(response.headers["Location"].split("/doorverwijzingen/")[1][:36])
        referral = stored(world.app, referral_id)
        assert (referral.consent, referral.consent_override_reason) == ("given", ""), path
        assert referral.family_email == "", path


def test_a_crisis_self_referral_needs_a_phone_and_the_page_says_so(world):
    response = _parent(world).post(
        "/t/aalst/ckg/zelf-aanmelden", data=_self_form(urgency="crisis", family_phone="")
    )
    assert response.status_code == 422
    assert "belt de piketmedewerker van het CKG je terug" in response.get_data(as_text=True)


def test_a_parent_cannot_ask_for_a_long_stay_directly(world):
    response = _parent(world).post(
        "/t/aalst/ckg/zelf-aanmelden", data=_self_form(requested_offer="long_stay")
    )
    assert response.status_code == 422


def test_professionals_keep_the_professional_form(world):
    from tests.plugins.ckg.conftest import users

    sara = world.client_for(users(world)["sara"])
    assert sara.get("/t/aalst/ckg/zelf-aanmelden").status_code == 403
    assert 'name="consent"' in sara.get("/t/aalst/ckg/doorverwijzen").get_data(as_text=True)
