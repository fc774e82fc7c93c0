"""A starter applies in steps: each step is checked, drafts are kept, submitting needs it all."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from plugins.starters.models import LicenceStep, RequestedMeasure, TimelineEntry
from tests.plugins.starters.conftest import (
    PDF,
    add_measure,
    client_as,
    project_form,
    start,
    step_url,
    stored,
    tenant_db,
    upload,
)
from tests.support.auth import make_user


def test_the_project_step_refuses_bad_input_with_messages_and_keeps_the_values(app):
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(
        step_url(application_id, "project"),
        data=project_form(
            facility_type="gezinsopvang",
            planned_places="12",
            target_opening=yesterday,
            applicant_email="geen-adres",
            postcode="355",
            applicant_name="Sofie <b>Starter</b>",
        ),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-summary"' in page
    assert 'href="#planned_places"' in page and 'href="#target_opening"' in page
    assert 'href="#applicant_email"' in page and 'href="#postcode"' in page
    assert "postcode van vier cijfers" in page and 'value="355"' in page
    assert 'value="geen-adres"' in page and 'value="12"' in page
    assert "Sofie &lt;b&gt;Starter&lt;/b&gt;" in page
    assert 'aria-invalid="true"' in page
    assert stored(app, application_id).planned_places is None


def test_a_complete_project_moves_on_to_the_measures_and_is_kept(app):
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    response = client.post(step_url(application_id, "project"), data=project_form())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/stap/measures")
    saved = stored(app, application_id)
    assert (saved.facility_type, saved.planned_places, saved.area) == (
        "groepsopvang",
        14,
        "Centrum",
    )
    page = client.get(step_url(application_id, "project")).get_data(as_text=True)
    assert 'value="Kerkstraat 1"' in page
    assert 'aria-current="step"' in page
    assert "1 van de 4 stappen gezet" in page
    listed = client.get("/t/aalst/starters/aanvragen").get_data(as_text=True)
    assert "1 van de 4 stappen gezet" in listed


def test_saving_a_draft_keeps_what_is_valid_and_forgives_what_is_missing(app):
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    response = client.post(
        step_url(application_id, "project"),
        data={"applicant_kind": "person", "facility_type": "gezinsopvang", "action": "save"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/stap/project")
    saved = stored(app, application_id)
    assert saved.facility_type == "gezinsopvang" and saved.status == "draft"
    page = client.get(step_url(application_id, "project")).get_data(as_text=True)
    assert 'value="gezinsopvang" checked' in page
    # The Utrecht radio hides the browser's own; only the html-input variant draws the choice.
    assert 'class="utrecht-radio-button utrecht-radio-button--html-input"' in page
    listing = client.get("/t/aalst/starters/aanvragen").get_data(as_text=True)
    assert f"/starters/aanvragen/{application_id}" in listing


def test_only_open_measures_that_fit_the_project_can_be_asked(app):
    fitting = add_measure(app)
    closed = add_measure(app, title="Oude premie", closes_on=date.today() - timedelta(days=1))
    too_small = add_measure(app, title="Pand voor grote opvang", kind="building", min_places=30)
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    client.post(step_url(application_id, "project"), data=project_form())
    page = client.get(step_url(application_id, "measures")).get_data(as_text=True)
    assert f'value="{fitting}"' in page
    assert f'value="{too_small}"' not in page and "Oude premie" not in page
    for refused in (closed, too_small):
        response = client.post(
            step_url(application_id, "measures"), data={"measures": [str(refused)]}
        )
        assert response.status_code == 422
    assert client.post(step_url(application_id, "measures"), data={}).status_code == 422
    response = client.post(step_url(application_id, "measures"), data={"measures": [str(fitting)]})
    assert response.status_code == 303
    with tenant_db(app) as db:
        assert [row.measure_id for row in db.exec(select(RequestedMeasure))] == [fitting]


def test_the_documents_step_asks_for_what_the_measures_require(app):
    measure = add_measure(app, required_documents=["business_plan", "fire_safety_advice"])
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    client.post(step_url(application_id, "project"), data=project_form())
    client.post(step_url(application_id, "measures"), data={"measures": [str(measure)]})
    response = client.post(step_url(application_id, "documents"), data={"action": "next"})
    assert response.status_code == 422
    assert upload(client, application_id, PDF, "plan.pdf").status_code == 303
    assert upload(client, application_id, PDF, "brand.pdf", "fire_safety_advice").status_code == 303
    response = client.post(step_url(application_id, "documents"), data={"action": "next"})
    assert response.status_code == 303


def test_submitting_needs_the_declaration_and_every_step(app):
    measure = add_measure(app, required_documents=[])
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    response = client.post(
        step_url(application_id, "declaration"), data={"declaration": "1", "action": "submit"}
    )
    assert response.status_code == 422
    assert 'href="#step-project"' in response.get_data(as_text=True)
    client.post(step_url(application_id, "project"), data=project_form())
    client.post(step_url(application_id, "measures"), data={"measures": [str(measure)]})
    # Choosing the same measures again is no new step in the timeline.
    client.post(step_url(application_id, "measures"), data={"measures": [str(measure)]})
    response = client.post(step_url(application_id, "declaration"), data={"action": "submit"})
    assert response.status_code == 422
    assert 'href="#declaration"' in response.get_data(as_text=True)
    response = client.post(
        step_url(application_id, "declaration"), data={"declaration": "1", "action": "submit"}
    )
    assert response.status_code == 303
    saved = stored(app, application_id)
    assert saved.status == "submitted" and saved.submitted_at is not None
    with tenant_db(app) as db:
        assert len(db.exec(select(LicenceStep)).all()) == 11
        entries = db.exec(select(TimelineEntry).order_by(TimelineEntry.at)).all()
    assert [entry.action for entry in entries] == ["created", "measures_chosen", "submitted"]
    assert entries[1].detail == "Opstartpremie kinderopvang"
    # A submitted application is no longer edited through the steps.
    again = client.post(step_url(application_id, "project"), data=project_form(area="Elders"))
    assert again.status_code == 302
    assert stored(app, application_id).area == "Centrum"


def test_an_unknown_step_is_not_found(app):
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    assert client.get(step_url(application_id, "betaling")).status_code == 404


def test_a_starter_signed_in_for_an_organisation_applies_for_it(app):
    from tests.support.auth import make_partner

    client = client_as(app, "pieter", ["starter"])
    make_partner(app, "aalst", make_user(app, "pieter"), "de-speelboom", ["starters"])
    application_id = start(client)
    saved = stored(app, application_id)
    assert saved.applicant_kind == "organisation" and saved.organisation_name == "DE-SPEELBOOM"
