"""Issue 16, point 3: a care need never silently excludes a child. Mila (special diet) is
offered a place at a location that does not list diets; the provider is asked to confirm it,
staff see her needs, and a refusal for the need is said in words to the parent."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from plugins.loket.models import Proposal
from tests.plugins.loket.conftest import LOKET_TENANTS, make_location, make_request, tenant_db
from tests.plugins.loket.test_views import parent, provider, staff
from tests.support.apps import probe_app


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def _mila_and_a_free_place(app):
    parent_client, provider_client, staff_client = (app.test_client() for _ in range(3))
    user = parent(app, parent_client)
    organisation = provider(app, provider_client)
    staff(app, staff_client)
    with tenant_db(app) as db:
        location = make_location(db, "De Linde", places=1, organisation_id=organisation)
        mila = make_request(db, "Mila", [location], parent_user_id=user.id)
        mila.care_needs = ["dietary"]
        db.add(mila)
    assert staff_client.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    return parent_client, provider_client, staff_client, mila.id


def test_a_child_whose_need_the_location_does_not_list_is_offered_and_flagged(app):
    parent_client, provider_client, staff_client, mila = _mila_and_a_free_place(app)
    with tenant_db(app) as db:
        proposal = db.exec(select(Proposal)).one()
    assert proposal.request_id == mila
    assert proposal.explanation["care_needs_to_confirm"] == ["dietary"]

    places = provider_client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert "Zorgnoden: Speciaal dieet." in places
    assert (
        "Niet vermeld voor deze locatie: Speciaal dieet. Bevestig enkel als je dit kunt bieden"
        in places
    )

    work_list = staff_client.get("/t/aalst/loket/werklijst").get_data(as_text=True)
    assert '<td class="utrecht-table__cell">Speciaal dieet</td>' in work_list
    detail = staff_client.get(f"/t/aalst/loket/aanvragen/{mila}").get_data(as_text=True)
    assert (
        '>Zorgnoden</dt><dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">Speciaal dieet</dd>'
        in detail
    )
    assert "de locatie bekijkt of ze Speciaal dieet kan bieden" in detail

    own = parent_client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert "de locatie bekijkt of ze Speciaal dieet kan bieden" in own


def test_a_refusal_for_the_care_need_is_said_to_the_parent_and_staff(app):
    parent_client, provider_client, staff_client, mila = _mila_and_a_free_place(app)
    with tenant_db(app) as db:
        proposal = db.exec(select(Proposal)).one()
    answer = provider_client.post(
        f"/t/aalst/loket/voorstel/{proposal.id}/aanbieder",
        data={"decision": "reject", "reason": "care_need_not_supported"},
    )
    assert answer.status_code == 302
    own = parent_client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert "De zorgnood kan niet opgevangen worden" in own
    detail = staff_client.get(f"/t/aalst/loket/aanvragen/{mila}").get_data(as_text=True)
    assert "De zorgnood kan niet opgevangen worden" in detail
