"""Issue 12, point 3: the training's public forms never change an existing record from a typed
address, and answer a known address exactly like an unknown one.

Attacks reproduced: a signed-in citizen registers for an info session with an existing
candidate's e-mail (today: renames the candidate, links it to herself and reads the whole
training file); an anonymous visitor re-registers with it (today: overwrites name, phone and
consent); both learn from the answer whether the address is known.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from plugins.training.models import Candidate
from plugins.training.services import Stage
from tests.plugins.training.conftest import TRAINING_TENANTS, World, build_world
from tests.plugins.training.helpers import (
    candidate_by_email,
    make_candidate,
    register,
    stored,
    token_of,
)
from tests.support.apps import probe_app
from tests.support.auth import make_user

VICTIM = "lotte.peeters@example.be"


@pytest.fixture
def world(sqlite_settings) -> World:
    return build_world(probe_app(sqlite_settings, tenants=TRAINING_TENANTS))


def victim_candidate(world: World):
    """Lotte is far in her path at CVO Limburg: intake done, in a cohort, internship hours."""
    cohort = world.programme_and_cohort("cvo-limburg")
    candidate_id = make_candidate(
        world, "cvo-limburg", stage=Stage.IN_TRAINING, cohort=cohort, hours=40
    )
    with world.session() as db:
        row = db.get(Candidate, candidate_id)
        row.email, row.phone, row.contact_consent = VICTIM, "0470 99 88 77", False
        db.add(row)
    return row


def test_a_signed_in_citizen_cannot_take_over_a_candidate_by_typing_her_address(world):
    lotte = victim_candidate(world)
    info_session = world.info_session("cvo-limburg")
    attacker = make_user(world.app, "vera", email=VICTIM, email_verified=False)
    world.user("vera", "aalst", ["parent"])
    client = world.client_for(attacker)

    register(client, info_session.id, email=VICTIM, given_name="Vera", family_name="Vijand")

    after = stored(world.app, lotte.id)
    assert (after.given_name, after.family_name) == ("Lotte", "Peeters")
    assert after.user_id is None and after.phone == "0470 99 88 77"
    path = client.get("/t/aalst/opleiding/mijn-traject").get_data(as_text=True)
    assert "Lotte" not in path and "Peeters" not in path and "Campus Centrum" not in path


def test_anonymous_re_registration_does_not_overwrite_name_phone_or_consent(world):
    lotte = victim_candidate(world)
    info_session = world.info_session("cvo-limburg")
    register(
        world.app.test_client(),
        info_session.id,
        email=VICTIM,
        given_name="Vera",
        family_name="Vijand",
        phone="0499 00 00 00",
        contact_consent="1",
    )
    after = stored(world.app, lotte.id)
    assert (after.given_name, after.phone, after.contact_consent) == (
        "Lotte",
        "0470 99 88 77",
        False,
    )


def test_the_registration_form_answers_the_same_for_a_known_and_an_unknown_address(world):
    victim_candidate(world)
    info_session = world.info_session("cvo-limburg")

    def answer(address: str):
        client = world.app.test_client()
        response = register(client, info_session.id, email=address)
        followed = client.get(response.headers.get("Location", "/"))
        return (
            response.status_code,
            response.headers.get("Location"),
            followed.status_code,
            followed.get_data(as_text=True),
        )

    assert answer(VICTIM) == answer("nieuw@example.be")


def test_the_owner_of_the_address_confirms_by_the_mailed_link_once(world):
    lotte = victim_candidate(world)
    info_session = world.info_session("cvo-limburg")
    client = world.app.test_client()
    response = register(client, info_session.id, email=VICTIM, given_name="Lotte", phone="0470 1")
    confirmation = urlsplit(response.mailed_link).path
    assert "/opleiding/inschrijving/bevestigen/" in confirmation

    assert client.get(confirmation).status_code == 200
    assert stored(world.app, lotte.id).phone == "0470 99 88 77"  # opening changes nothing
    confirmed = client.post(confirmation)
    assert (
        confirmed.status_code == 303 and "/opleiding/inschrijving/" in confirmed.headers["Location"]
    )
    assert stored(world.app, lotte.id).phone == "0470 1"
    assert client.post(confirmation).status_code == 404


def test_a_link_asked_for_while_signed_in_confirms_only_for_that_account(world):
    lotte = victim_candidate(world)
    info_session = world.info_session("cvo-limburg")
    attacker = make_user(world.app, "vera", email=VICTIM, email_verified=False)
    world.user("vera", "aalst", ["parent"])
    response = register(world.client_for(attacker), info_session.id, email=VICTIM)
    confirmation = urlsplit(response.mailed_link).path
    # Lotte, not signed in as Vera, opens the mail: the link cannot tie her file to Vera.
    assert world.app.test_client().post(confirmation).status_code == 403
    assert stored(world.app, lotte.id).user_id is None


def test_a_signed_in_citizen_with_a_proven_address_registers_at_once(world):
    info_session = world.info_session("cvo-limburg")
    an = make_user(world.app, "an")  # an@example.be, proven by the provider
    response = register(world.client_for(an), info_session.id, email="an@example.be")
    token_of(response)
    assert candidate_by_email(world.app, "an@example.be").user_id == an.id
