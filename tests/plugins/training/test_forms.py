"""What the training forms guarantee, from the side of someone crafting the request."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from core.db import utcnow
from plugins.training.models import (
    Candidate,
    CourseSignup,
    InfoRegistration,
    InfoSession,
    Programme,
)
from plugins.training.services import Stage
from tests.plugins.training.conftest import people
from tests.plugins.training.helpers import make_candidate, register, stored, token_of
from tests.plugins.training.test_courses import _course, _sign_up
from tests.support.apps import tenant_id


def _rows(app, model, tenant: str = "aalst") -> list:
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        return list(db.exec(select(model)))


def test_a_nul_byte_in_a_name_is_refused_with_a_message_and_nothing_is_saved(world):
    info_session = world.info_session("cvo-limburg")
    response = register(world.app.test_client(), info_session.id, given_name="Fa\x00tima")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page and "onzichtbare stuurtekens" in page
    assert 'href="#given_name"' in page and 'id="given_name-error"' in page
    assert _rows(world.app, InfoRegistration) == [] and _rows(world.app, Candidate) == []


def test_a_list_of_addresses_is_refused_in_every_e_mail_field(world):
    info_session = world.info_session("cvo-limburg")
    client = world.app.test_client()
    response = register(client, info_session.id, email="a@x.be,b@y.be")
    assert response.status_code == 422
    assert "Vul één e-mailadres in" in response.get_data(as_text=True)
    assert _rows(world.app, Candidate) == []
    course = _course(world, capacity=3)
    signup = _sign_up(client, course, email="ilse@speelboom.be, els@vlinder.be")
    assert signup.status_code == 422 and _rows(world.app, CourseSignup) == []
    sara = world.client_for(people(world)["sara"])
    added = sara.post(
        "/t/aalst/opleiding/kandidaten",
        data={
            "given_name": "Lotte",
            "family_name": "Peeters",
            "email": "lotte@example.be;boss@example.be",
            "interest": "kinderbegeleider",
        },
    )
    assert added.status_code == 422 and _rows(world.app, Candidate) == []


def test_a_refused_form_keeps_what_was_typed(world):
    info_session = world.info_session("cvo-limburg")
    response = register(world.app.test_client(), info_session.id, email="geen-adres")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Fatima"' in page and 'value="geen-adres"' in page
    assert (
        f'id="session-{info_session.id}" name="info_session" value="{info_session.id}" checked'
        in page
    )


def test_head_on_a_submit_url_changes_nothing(world):
    info_session = world.info_session("cvo-limburg", capacity=5)
    client = world.app.test_client()
    token = token_of(register(client, info_session.id))
    # The secret link's cancel button posts to the page itself: a HEAD (a link checker) is no
    # cancellation.
    assert client.head(f"/t/aalst/opleiding/inschrijving/{token}").status_code == 200
    assert [r.status for r in _rows(world.app, InfoRegistration)] == ["registered"]
    sara = world.client_for(people(world)["sara"])
    sara.head(
        "/t/aalst/opleiding/programmas",
        query_string={"name": "Avondopleiding", "qualification": "kinderbegeleider"},
    )
    assert _rows(world.app, Programme) == []
    registration = _rows(world.app, InfoRegistration)[0]
    sara.head(
        f"/t/aalst/opleiding/infosessies/{info_session.id}",
        query_string={"attended": str(registration.id)},
    )
    assert _rows(world.app, InfoRegistration)[0].attended is None  # never recorded
    assert len(_rows(world.app, InfoSession)) == 1


def test_a_partner_cannot_publish_for_an_organisation_it_does_not_act_for(world):
    sara = world.client_for(people(world)["sara"])
    other = world.organisation_id("school-de-linde")
    starts = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT19:00")
    response = sara.post(
        "/t/aalst/opleiding/infosessies",
        data={
            "organisation": str(other),
            "kind": "kinderbegeleider",
            "starts_at": starts,
            "location": "Elders",
            "capacity": "10",
        },
    )
    assert response.status_code == 422
    assert len(_rows(world.app, InfoSession)) == 0


def test_a_crafted_stage_or_outcome_is_refused_and_the_candidate_stays(world):
    candidate = make_candidate(world, "cvo-limburg", stage=Stage.INTAKE)
    sara = world.client_for(people(world)["sara"])
    for fields in (
        {"target": "enrolled\x00"},
        {"target": "intake", "intake_outcome": "<script>"},
        {"target": "intake", "intake_outcome": "suitable", "reason": "ok\x00"},
    ):
        response = sara.post(f"/t/aalst/opleiding/kandidaten/{candidate}/stap", data=fields)
        assert response.status_code == 422, fields
        assert "<script>" not in response.get_data(as_text=True)
    assert stored(world.app, candidate).stage == Stage.INTAKE
