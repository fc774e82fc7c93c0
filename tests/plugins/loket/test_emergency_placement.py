"""Issue 16, point 4: an emergency placement checks the child's age against the place, shows
the place to the parent, counts as taken for the provider, and mails parent and provider."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import select

from plugins.loket.models import ChildcareRequest, FreePlace, LocationCapacity
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.plugins.loket.test_notifications import link_in, mails_to
from tests.plugins.loket.test_views import parent, provider, staff
from tests.support.apps import probe_app


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def _child(db, name, *, born_days_ago=None, expected_in_days=None, parent_user_id=None):
    request = make_request(db, name, [], parent_user_id=parent_user_id, email=f"{name}@ouders.test")
    request.birth_date = TODAY - timedelta(days=born_days_ago) if born_days_ago else None
    request.expected_birth_date = (
        TODAY + timedelta(days=expected_in_days) if expected_in_days else None
    )
    db.add(request)
    return request.id


def _reserved_place(db, location):
    [place] = db.exec(select(FreePlace).where(FreePlace.location_id == location.id)).all()
    assert place.held_back == 1
    return place.id


def _place(client, request_id, free_place_id):
    return client.post(
        f"/t/aalst/loket/aanvragen/{request_id}/noodopvang",
        data={"free_place_id": str(free_place_id)},
    )


@pytest.mark.parametrize(
    ("kind", "child", "message"),
    [
        ("buitenschoolse_opvang", {"expected_in_days": 60}, "Het kind is nog niet geboren"),
        ("groepsopvang", {"expected_in_days": 60}, "Het kind is nog niet geboren"),
        ("buitenschoolse_opvang", {"born_days_ago": 400}, "te jong voor buitenschoolse opvang"),
        ("groepsopvang", {"born_days_ago": 4 * 365}, "te oud voor opvang van baby"),
    ],
)
def test_a_child_whose_age_does_not_fit_the_place_is_refused_with_the_reason(
    app, kind, child, message
):
    with tenant_db(app) as db:
        location = make_location(db, "De Vlieger", kind=kind, places=1, reserve=1)
        free_place_id = _reserved_place(db, location)
        request_id = _child(db, "Mila", **child)
    client = app.test_client()
    staff(app, client)
    refused = _place(client, request_id, free_place_id)
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    with tenant_db(app) as db:
        assert db.get(ChildcareRequest, request_id).status == "open"
        assert db.get(FreePlace, free_place_id).emergency_taken == 0


def test_a_baby_in_a_toddler_place_is_refused(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Linde", capacity=10)
        db.add(LocationCapacity(location_id=location.id, age_group="toddler", places=10))
        db.add(
            FreePlace(
                location_id=location.id,
                age_group="toddler",
                available_from=TODAY,
                places=1,
                held_back=1,
            )
        )
        db.flush()
        free_place_id = _reserved_place(db, location)
        request_id = _child(db, "Mila", born_days_ago=100)
    client = app.test_client()
    staff(app, client)
    refused = _place(client, request_id, free_place_id)
    assert refused.status_code == 422
    assert "andere leeftijdsgroep" in refused.get_data(as_text=True)


def test_the_parent_sees_the_place_the_provider_counts_it_and_both_get_a_mail(app, mail_sink):
    parent_client, provider_client, staff_client = (app.test_client() for _ in range(3))
    user = parent(app, parent_client)
    organisation = provider(app, provider_client)
    assert provider_client.get("/t/aalst/taal/en?next=/").status_code == 302
    staff(app, staff_client)
    with tenant_db(app) as db:
        location = make_location(
            db, "De Speelboom", places=1, reserve=1, organisation_id=organisation
        )
        free_place_id = _reserved_place(db, location)
        request_id = _child(db, "Noor", born_days_ago=120, parent_user_id=user.id)
    placed = _place(staff_client, request_id, free_place_id)
    assert placed.status_code == 302

    own = parent_client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert f"Geplaatst bij De Speelboom, Kerkstraat 1, 9300 Aalst, vanaf {TODAY:%d/%m/%Y}." in own
    assert "(noodopvang)" in own
    places = provider_client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert "(1 kept in the reserve, 1 taken)" in places

    [to_parent] = mails_to(mail_sink, "Noor@ouders.test")
    assert to_parent["Subject"] == "Noor heeft een plaats in noodopvang"
    assert "Adres: Kerkstraat 1, 9300, Aalst" in to_parent.get_content()
    assert f"#request-{request_id}" in to_parent.get_content()
    assert parent_client.get(link_in(to_parent)).status_code == 200
    [to_provider] = mails_to(mail_sink, "opvang-de-speelboom@example.be")
    assert to_provider["Subject"] == "Emergency placement at De Speelboom"
    assert "counts as taken" in to_provider.get_content()
    assert provider_client.get(link_in(to_provider)).status_code == 200
