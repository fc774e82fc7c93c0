"""What the CKG's forms guarantee, seen from the side of someone who posts what they like."""

from __future__ import annotations

from sqlmodel import select

from plugins.ckg.models import CaseNote, Referral
from tests.plugins.ckg.conftest import referral_form, users
from tests.plugins.ckg.helpers import antenna_named, submit
from tests.support.apps import tenant_id

HTMX = {"HX-Request": "true"}


def _referrals(app) -> list[Referral]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        return list(db.exec(select(Referral)).all())


def test_the_referral_form_fragment_with_bad_input_shows_the_form_with_messages(world):
    # Issue 14: the htmx fragment of the referral form used to crash (jinja2 UndefinedError).
    client = world.client_for(users(world)["sara"])
    response = client.post(
        "/t/aalst/ckg/doorverwijzen",
        data=referral_form(**{"child-1-birth_date": "31 februari", "parent-1-name": ""}),
        headers=HTMX,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and 'id="error-summary"' in html
    assert "dag/maand/jaar" in html and 'value="31 februari"' in html
    assert 'id="child-1-birth_date-error"' in html
    assert client.get("/t/aalst/ckg/doorverwijzen", headers=HTMX).status_code == 200


def test_the_capacity_form_fragment_with_bad_input_shows_the_form_with_messages(world):
    karim = world.client_for(users(world)["karim"])
    genk = antenna_named(world.app, "Antenne Genk")
    response = karim.post(
        "/t/aalst/ckg/capaciteit",
        data={"antenna_id": str(genk.id), "short_stay_beds": "veel"},
        headers=HTMX,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and 'id="error-summary"' in html
    assert f'href="#antenna-{genk.id}-short_stay_beds"' in html
    assert 'value="veel"' in html and "geheel getal" in html
    assert antenna_named(world.app, "Antenne Genk").short_stay_beds == 2
    assert karim.get("/t/aalst/ckg/capaciteit", headers=HTMX).status_code == 200


def test_a_nul_byte_in_the_concern_is_refused_with_a_message_and_nothing_is_saved(world):
    client = world.client_for(users(world)["sara"])
    response = client.post(
        "/t/aalst/ckg/doorverwijzen", data=referral_form(concern_summary="Uitgeput\x00")
    )
    assert response.status_code == 422
    assert "onzichtbare stuurtekens" in response.get_data(as_text=True)
    assert _referrals(world.app) == []


def test_two_addresses_in_the_family_email_are_refused(world):
    client = world.client_for(users(world)["sara"])
    response = client.post(
        "/t/aalst/ckg/doorverwijzen", data=referral_form(family_email="a@x.be,b@y.be")
    )
    assert response.status_code == 422
    assert "Vul één e-mailadres in" in response.get_data(as_text=True)
    assert _referrals(world.app) == []


def test_two_addresses_as_the_on_call_email_are_refused(world):
    karim = world.client_for(users(world)["karim"])
    genk = antenna_named(world.app, "Antenne Genk")
    response = karim.post(
        "/t/aalst/ckg/capaciteit",
        data={"antenna_id": str(genk.id), "on_call_email": "a@x.be,b@y.be"},
    )
    assert response.status_code == 422
    assert antenna_named(world.app, "Antenne Genk").on_call_email == "piket@ckg-limburg.be"


def test_head_on_the_referral_form_submits_nothing(world):
    client = world.client_for(users(world)["sara"])
    assert client.head("/t/aalst/ckg/doorverwijzen").status_code == 200
    assert _referrals(world.app) == []


def test_head_on_the_familys_confirmation_link_confirms_nothing(world):
    from tests.plugins.ckg.helpers import stored
    from tests.security.test_email_ckg import mailed_link

    referral_id = submit(world.client_for(users(world)["sara"]))
    link = mailed_link(world.app, "sofie@example.be")
    assert world.app.test_client().head(link).status_code == 200
    assert stored(world.app, referral_id).family_email_confirmed_at is None


def test_a_nul_byte_in_a_case_note_is_refused_and_nothing_is_saved(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    response = world.client_for(people["karim"]).post(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}/notities", data={"body": "x\x00y"}
    )
    assert response.status_code == 422
    assert "onzichtbare stuurtekens" in response.get_data(as_text=True)
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        assert db.exec(select(CaseNote)).all() == []
