"""Issue 16, providers: a free-place report can be changed and withdrawn by its provider (and
loket staff) — never below what is taken or proposed, audited, by POST with a CSRF token only;
another provider or municipality gets 404."""

from __future__ import annotations

import dataclasses
import re
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from core.models import AuditEntry
from plugins.loket import free_places, services
from plugins.loket.models import FreePlace, Proposal
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.plugins.loket.test_views import provider, staff
from tests.support.apps import probe_app
from tests.support.auth import make_partner, make_user, sign_in

LATER = TODAY + timedelta(days=20)


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def _report_url(free_place_id) -> str:
    return f"/t/aalst/loket/plaatsen/vrij/{free_place_id}"


def _own_report(app, organisation, *, places=4, reserve=1, capacity=14):
    with tenant_db(app) as db:
        location = make_location(
            db,
            "De Speelboom",
            places=places,
            capacity=capacity,
            organisation_id=organisation,
            reserve=reserve,
        )
        return location, db.exec(select(FreePlace)).one()


def _use_some(app, location, *, taken: int, proposed: int):
    """``taken`` families accept a place and ``proposed`` wait for the provider."""
    with tenant_db(app) as db:
        for number in range(taken + proposed):
            make_request(db, f"Kind{number}", [location])
        services.run_round(db, reserved=[], seed=1, actor="test", today=TODAY)
        for proposal in list(db.exec(select(Proposal)))[:taken]:
            services.confirm_proposal(db, proposal)
            services.accept_proposal(db, proposal)


def _audit(app, action):
    with tenant_db(app) as db:
        return list(db.exec(select(AuditEntry).where(AuditEntry.action == action)))


def _stored(app, free_place_id) -> FreePlace:
    with tenant_db(app) as db:
        return db.get(FreePlace, free_place_id)


def test_a_provider_changes_the_number_date_and_days_of_its_report(app):
    client = app.test_client()
    organisation = provider(app, client)
    location, report = _own_report(app, organisation)
    places_page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert (
        f'href="{_report_url(report.id)}"' in places_page and "Wijzigen of intrekken" in places_page
    )
    form = client.get(_report_url(report.id)).get_data(as_text=True)
    assert 'value="4"' in form and "1 in de reserve, 3 aangeboden aan gezinnen" in form
    changed = client.post(
        _report_url(report.id),
        data={"places": "6", "available_from": LATER.isoformat(), "days": ["tue-morning"]},
    )
    assert changed.status_code == 302 and changed.headers["Location"].endswith("/loket/plaatsen")
    stored = _stored(app, report.id)
    assert (stored.places, stored.held_back, stored.available_from, stored.days) == (
        6,
        1,  # the reserve was full: the extra places are offered
        LATER,
        ["tue-morning"],
    )
    assert "De vrije plaatsen zijn gewijzigd." in client.get("/t/aalst/loket/plaatsen").text
    [entry] = _audit(app, "loket.free_place_changed")
    assert entry.object_id == str(report.id)
    assert entry.detail["before"]["places"] == 4 and entry.detail["after"]["places"] == 6
    fewer = client.post(
        _report_url(report.id),
        data={"places": "2", "available_from": LATER.isoformat(), "days": ["tue-morning"]},
    )
    assert fewer.status_code == 302
    # Fewer places leave the offered part first: the reserve stays full.
    assert (_stored(app, report.id).places, _stored(app, report.id).held_back) == (2, 1)


def test_a_report_never_goes_below_what_is_taken_or_proposed(app):
    client = app.test_client()
    organisation = provider(app, client)
    location, report = _own_report(app, organisation, places=5, reserve=1)
    _use_some(app, location, taken=1, proposed=1)
    same_terms = {"available_from": TODAY.isoformat()}
    refused = client.post(_report_url(report.id), data={"places": "1", **same_terms})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "2 plaatsen van deze melding zijn al ingenomen of voorgesteld" in page
    assert 'href="#places"' in page and "Traceback" not in page
    moved = client.post(_report_url(report.id), data={"places": "5", "available_from": LATER})
    assert moved.status_code == 422
    assert "de datum en dagen blijven zoals ze zijn" in moved.get_data(as_text=True)
    assert _stored(app, report.id).places == 5 and _stored(app, report.id).available_from == TODAY
    assert _audit(app, "loket.free_place_changed") == []
    # Exactly what is used is allowed: the unused reserve goes, the proposal keeps its place.
    assert (
        client.post(_report_url(report.id), data={"places": "2", **same_terms}).status_code == 302
    )
    stored = _stored(app, report.id)
    assert (stored.places, stored.taken, stored.held_back) == (2, 1, 0)


def test_withdrawing_removes_the_part_not_taken_or_proposed(app):
    client = app.test_client()
    organisation = provider(app, client)
    location, report = _own_report(app, organisation, places=5, reserve=1)
    _use_some(app, location, taken=1, proposed=1)
    withdrawn = client.post(f"{_report_url(report.id)}/intrekken")
    assert withdrawn.status_code == 302
    stored = _stored(app, report.id)
    assert (stored.places, stored.taken, stored.held_back) == (2, 1, 0)
    assert "3 vrije plaatsen zijn ingetrokken." in client.get("/t/aalst/loket/plaatsen").text
    [entry] = _audit(app, "loket.free_place_withdrawn")
    assert entry.detail["before"]["places"] == 5 and entry.detail["after"]["places"] == 2
    again = client.post(f"{_report_url(report.id)}/intrekken")
    assert again.status_code == 302 and len(_audit(app, "loket.free_place_withdrawn")) == 1
    assert "Niets in te trekken" in client.get("/t/aalst/loket/plaatsen").text
    # The open proposal still has its place: the provider can confirm it.
    with tenant_db(app) as db:
        waiting = db.exec(select(Proposal).where(Proposal.status == "awaiting_provider")).one()
    confirmed = client.post(
        f"/t/aalst/loket/voorstel/{waiting.id}/aanbieder", data={"decision": "confirm"}
    )
    assert confirmed.status_code == 302


def test_a_withdrawn_report_leaves_the_providers_list_and_the_next_round(app):
    client = app.test_client()
    organisation = provider(app, client)
    location, report = _own_report(app, organisation, places=3, reserve=0)
    client.post(f"{_report_url(report.id)}/intrekken")
    assert _stored(app, report.id).places == 0
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert _report_url(report.id) not in page
    with tenant_db(app) as db:
        make_request(db, "Noor", [location])
        _round, proposals = services.run_round(db, reserved=[], seed=1, actor="t", today=TODAY)
    assert proposals == []


def test_more_places_than_licensed_is_a_message(app):
    client = app.test_client()
    organisation = provider(app, client)
    _location, report = _own_report(app, organisation, places=4, capacity=5)
    refused = client.post(
        _report_url(report.id), data={"places": "9", "available_from": TODAY.isoformat()}
    )
    assert refused.status_code == 422
    assert "vergunning voor 5 plaatsen" in refused.get_data(as_text=True)
    nonsense = client.post(_report_url(report.id), data={"places": "veel", "available_from": "x"})
    assert nonsense.status_code == 422 and "Traceback" not in nonsense.get_data(as_text=True)
    assert _stored(app, report.id).places == 4


def test_staff_change_a_report_from_the_location_page(app):
    client = app.test_client()
    staff(app, client)
    _location, report = _own_report(app, None)
    page = client.get(f"/t/aalst/loket/locaties/{report.location_id}").get_data(as_text=True)
    assert "Gemelde vrije plaatsen" in page and f'href="{_report_url(report.id)}"' in page
    changed = client.post(
        _report_url(report.id), data={"places": "3", "available_from": TODAY.isoformat()}
    )
    assert changed.status_code == 302
    assert changed.headers["Location"].endswith(f"/loket/locaties/{report.location_id}")
    assert _stored(app, report.id).places == 3
    assert [e.actor for e in _audit(app, "loket.free_place_changed")] != []


def test_another_provider_or_municipality_gets_404_and_nothing_changes(app):
    owner = provider(app, app.test_client())
    _location, report = _own_report(app, owner)
    intruder = app.test_client()
    provider(app, intruder, organisation="het-vlindertje")
    url = _report_url(report.id)
    data = {"places": "1", "available_from": TODAY.isoformat()}
    assert intruder.get(url).status_code == 404
    assert intruder.post(url, data=data).status_code == 404
    assert intruder.post(f"{url}/intrekken").status_code == 404
    # The owner's own members at another municipality do not reach Aalst's report either.
    member = make_user(app, "opvang-brugge")
    make_partner(app, "brugge", member, "de-speelboom", ["loket"])
    brugge = app.test_client()
    sign_in(brugge, app, "brugge", member)
    other_town = url.replace("/t/aalst/", "/t/brugge/")
    assert brugge.get(other_town).status_code == 404
    assert brugge.post(other_town, data=data).status_code == 404
    assert brugge.post(f"{other_town}/intrekken").status_code == 404
    parent = app.test_client()
    from tests.plugins.loket.test_views import parent as sign_in_parent

    sign_in_parent(app, parent)
    assert parent.post(f"{url}/intrekken").status_code == 403
    assert app.test_client().post(f"{url}/intrekken").status_code == 401
    assert _stored(app, report.id).places == 4 and _audit(app, "loket.free_place_withdrawn") == []


def test_get_and_head_change_nothing(app):
    client = app.test_client()
    organisation = provider(app, client)
    _location, report = _own_report(app, organisation)
    url = _report_url(report.id)
    assert client.head(url).status_code == 200
    assert client.get(url).status_code == 200
    assert client.get(f"{url}/intrekken").status_code == 405
    assert client.head(f"{url}/intrekken").status_code == 405
    assert _stored(app, report.id).places == 4


@pytest.fixture
def csrf_app(sqlite_settings):
    return probe_app(sqlite_settings, tenants=LOKET_TENANTS, config={"WTF_CSRF_ENABLED": True})


def test_changing_and_withdrawing_need_the_csrf_token(csrf_app):
    client = csrf_app.test_client()
    organisation = provider(csrf_app, client)
    _location, report = _own_report(csrf_app, organisation)
    url = _report_url(report.id)
    data = {"places": "2", "available_from": TODAY.isoformat()}
    assert client.post(url, data=data).status_code == 400
    assert client.post(f"{url}/intrekken").status_code == 400
    assert _stored(csrf_app, report.id).places == 4
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)
    assert client.post(f"{url}/intrekken", data={"csrf_token": token}).status_code == 302
    assert _stored(csrf_app, report.id).places == 0


@pytest.mark.postgres
def test_a_withdrawal_and_an_acceptance_at_once_keep_the_accepted_place_on_postgres(
    postgres_settings,
):
    app = probe_app(postgres_settings, tenants=LOKET_TENANTS)
    organisation = provider(app, app.test_client())
    location, report = _own_report(app, organisation, places=3, reserve=0)
    with tenant_db(app) as db:
        make_request(db, "Noor", [location])
        _round, [proposal] = services.run_round(db, reserved=[], seed=1, actor="t", today=TODAY)
        services.confirm_proposal(db, proposal)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def withdraw():
        with tenant_db(app) as db:
            barrier.wait(timeout=10)
            free_places.withdraw_free_place(db, report.id)

    def accept():
        with tenant_db(app) as db:
            waiting = db.get(Proposal, proposal.id)
            barrier.wait(timeout=10)
            services.accept_proposal(db, waiting)

    def guarded(step):
        try:
            step()
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(step,)) for step in (withdraw, accept)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    stored = _stored(app, report.id)
    assert (stored.places, stored.taken, stored.held_back) == (1, 1, 0)
    with tenant_db(app) as db:
        assert db.get(Proposal, proposal.id).status == "accepted"


@pytest.mark.postgres
def test_changing_a_report_over_http_works_on_postgres(postgres_settings, mail_sink):
    settings = dataclasses.replace(
        postgres_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port
    )
    app = probe_app(settings, tenants=LOKET_TENANTS)
    client = app.test_client()
    organisation = provider(app, client)
    _location, report = _own_report(app, organisation)
    assert client.get(_report_url(report.id)).status_code == 200
    changed = client.post(
        _report_url(report.id), data={"places": "2", "available_from": TODAY.isoformat()}
    )
    assert changed.status_code == 302 and _stored(app, report.id).places == 2
    assert client.post(f"{_report_url(report.id)}/intrekken").status_code == 302
    assert _stored(app, report.id).places == 0
    assert len(_audit(app, "loket.free_place_changed")) == 1
