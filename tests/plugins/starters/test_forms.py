"""What the starters' forms guarantee, seen from the side of someone sending bad input."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlmodel import select

from plugins.starters.models import (
    Application,
    Building,
    BuildingInterest,
    CompanyAgreement,
    InformationRequest,
    RequestedMeasure,
    SupportMeasure,
)
from tests.plugins.starters.conftest import (
    add_measure,
    client_as,
    project_form,
    start,
    step_url,
    stored,
    submitted_application,
    tenant_db,
)

BASE = "/t/aalst/starters"
HTMX = {"HX-Request": "true"}
CONTROL_MESSAGE = "Verwijder de onzichtbare stuurtekens uit dit veld."


@pytest.fixture
def scene(app):
    """A submitted application with an open question, a building with a starter's interest, and
    a draft whose chosen measure still needs a document."""
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    staff = client_as(app, "els", ["staff:starters"])
    submitted = submitted_application(app, sofie, [measure])
    asked = staff.post(f"{BASE}/aanvragen/{submitted}/vragen", data={"question": "Welk pand?"})
    assert asked.status_code == 303
    with tenant_db(app) as db:
        building = Building(address="Dorpsstraat 12", area_m2=180, suitable_places=18)
        db.add(building)
    draft = start(sofie)
    sofie.post(step_url(draft, "project"), data=project_form())
    sofie.post(step_url(draft, "measures"), data={"measures": [str(measure)]})
    sofie.post(f"{BASE}/panden/{building.id}/interesse", data={"application_id": str(draft)})
    with tenant_db(app) as db:
        question = db.exec(select(InformationRequest)).one()
        interest = db.exec(select(BuildingInterest)).one()
        requested = db.exec(
            select(RequestedMeasure).where(RequestedMeasure.application_id == submitted)
        ).one()
    return {
        "sofie": sofie,
        "staff": staff,
        "submitted": submitted,
        "draft": draft,
        "question": question.id,
        "interest": interest.id,
        "building": building.id,
        "requested": requested.id,
    }


def _bad_submissions(scene) -> list[tuple[str, str, dict]]:
    """(who, url, bad input) for every starters form."""
    submitted, draft = scene["submitted"], scene["draft"]
    detail = f"{BASE}/aanvragen/{submitted}"
    return [
        ("sofie", step_url(draft, "project"), {"planned_places": "veel", "action": "next"}),
        ("sofie", step_url(draft, "measures"), {"measures": ["geen-id"], "action": "next"}),
        ("sofie", step_url(draft, "documents"), {"action": "next"}),
        ("sofie", step_url(draft, "declaration"), {"action": "submit"}),
        ("sofie", f"{BASE}/aanvragen/{draft}/documenten", {"kind": "geen-soort"}),
        ("sofie", f"{detail}/documenten", {"kind": ""}),
        ("sofie", f"{detail}/vragen/{scene['question']}/antwoord", {"answer": ""}),
        (
            "sofie",
            f"{BASE}/panden/{scene['building']}/interesse",
            {"application_id": str(draft), "message": "x" * 1001},
        ),
        ("staff", f"{detail}/vragen", {"question": ""}),
        (
            "staff",
            f"{detail}/maatregelen/{scene['requested']}/beslissing",
            {"decision": "misschien"},
        ),
        ("staff", f"{detail}/opening", {"opened_on": "gisteren"}),
        ("staff", f"{detail}/locatie", {"location_id": "elders"}),
        ("staff", f"{BASE}/beheer/maatregelen/nieuw", {"title": "", "kind": "premium"}),
        ("staff", f"{BASE}/panden", {"address": "Markt 1", "area_m2": "groot"}),
        ("staff", f"{BASE}/panden/interesse/{scene['interest']}", {"outcome": "misschien"}),
        ("staff", f"{BASE}/bedrijven", {"company": "Garage Peeters", "places": "0"}),
    ]


def test_every_starters_form_answers_its_htmx_fragment_with_the_messages(scene):
    # Issue 14: a fragment is rendered without the page's top-level imports; it used to crash.
    for who, url, data in _bad_submissions(scene):
        response = scene[who].post(url, data=data, headers=HTMX)
        page = response.get_data(as_text=True)
        assert response.status_code == 422, (url, page[-2000:])
        assert "<html" not in page, url  # the fragment, not the whole page
        assert 'id="error-summary"' in page and "utrecht-link" in page, url


def test_every_starters_form_page_renders_as_an_htmx_fragment(scene):
    draft, submitted = scene["draft"], scene["submitted"]
    pages = [("sofie", step_url(draft, step)) for step in ("project", "measures", "documents")] + [
        ("sofie", step_url(draft, "declaration")),
        ("sofie", f"{BASE}/aanvragen/{submitted}"),
        ("sofie", f"{BASE}/panden"),
        ("staff", f"{BASE}/aanvragen/{submitted}"),
        ("staff", f"{BASE}/panden"),
        ("staff", f"{BASE}/bedrijven"),
        ("staff", f"{BASE}/beheer/maatregelen/nieuw"),
    ]
    for who, url in pages:
        response = scene[who].get(url, headers=HTMX)
        assert response.status_code == 200, url
        assert "<html" not in response.get_data(as_text=True), url


def test_a_nul_byte_is_refused_with_the_message_and_nothing_is_saved(app):
    staff = client_as(app, "els", ["staff:starters"])
    cases = [
        (f"{BASE}/panden", {"address": "Markt\x001", "area_m2": "120", "suitable_places": "12"}),
        (
            f"{BASE}/bedrijven",
            {"company": "Garage\x00", "facility_name": "De Rupsjes", "places": "3"}
            | {"starts_on": "2030-01-01"},
        ),
        (
            f"{BASE}/beheer/maatregelen/nieuw",
            {"title": "Coaching", "kind": "coaching", "description": "Hulp\x00 bij de start."},
        ),
    ]
    for url, data in cases:
        response = staff.post(url, data=data)
        assert response.status_code == 422, url
        assert CONTROL_MESSAGE in response.get_data(as_text=True), url
    with tenant_db(app) as db:
        for model in (Building, CompanyAgreement, SupportMeasure):
            assert db.exec(select(model)).all() == []


def test_a_nul_byte_in_the_project_keeps_the_stored_name(app):
    sofie = client_as(app, "sofie", ["starter"])
    application_id = start(sofie)
    before = stored(app, application_id).applicant_name
    response = sofie.post(
        step_url(application_id, "project"), data=project_form(applicant_name="Sofie\x00")
    )
    assert response.status_code == 422
    assert CONTROL_MESSAGE in response.get_data(as_text=True)
    assert stored(app, application_id).applicant_name == before


def test_two_e_mail_addresses_are_refused(app):
    sofie = client_as(app, "sofie", ["starter"])
    application_id = start(sofie)
    before = stored(app, application_id).applicant_email
    response = sofie.post(
        step_url(application_id, "project"),
        data=project_form(applicant_email="a@x.be,b@y.be"),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#applicant_email"' in page and "Vul één e-mailadres in" in page
    assert stored(app, application_id).applicant_email == before


def test_head_on_a_submit_url_changes_nothing(app):
    measure = add_measure(app, required_documents=[])
    sofie = client_as(app, "sofie", ["starter"])
    staff = client_as(app, "els", ["staff:starters"])
    application_id = start(sofie)
    form = project_form(applicant_name="Iemand Anders")
    assert sofie.head(step_url(application_id, "project"), data=form).status_code == 200
    assert stored(app, application_id).applicant_name != "Iemand Anders"
    sofie.post(step_url(application_id, "project"), data=form)
    sofie.post(step_url(application_id, "measures"), data={"measures": [str(measure)]})
    declaration = {"declaration": "1", "action": "submit"}
    assert sofie.head(step_url(application_id, "declaration"), data=declaration).status_code == 200
    assert stored(app, application_id).status == "draft"
    new_measure = {"title": "Coaching", "kind": "coaching", "description": "Hulp."}
    assert staff.head(f"{BASE}/beheer/maatregelen/nieuw", data=new_measure).status_code == 200
    agreement = {"company": "Garage", "facility_name": "Rups", "places": "3"}
    assert staff.head(f"{BASE}/bedrijven", data=agreement).status_code == 200
    # Starting an application is a POST; a HEAD on its URL only reads the list.
    assert sofie.head(f"{BASE}/aanvragen").status_code == 200
    upload = {"kind": "business_plan", "document": (BytesIO(b"%PDF-1.4\n"), "plan.pdf")}
    documents = f"{BASE}/aanvragen/{application_id}/documenten"
    assert sofie.head(documents, data=upload).status_code == 405
    with tenant_db(app) as db:
        assert len(db.exec(select(Application)).all()) == 1
        assert [m.title for m in db.exec(select(SupportMeasure))] == ["Opstartpremie kinderopvang"]
        assert db.exec(select(CompanyAgreement)).all() == []
