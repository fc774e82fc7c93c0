"""The public catalogue per municipality, and staff maintaining it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from core.models import TenantPlugin
from plugins.starters.models import SupportMeasure
from tests.plugins.starters.conftest import add_measure, client_as, tenant_db


def test_anyone_reads_the_open_measures_and_the_contact_point_without_signing_in(app):
    add_measure(app, description="Een **premie** <script>alert(1)</script>")
    add_measure(app, title="Nog niet open", opens_on=date.today() + timedelta(days=10))
    add_measure(app, title="Niet gepubliceerd", published=False)
    add_measure(app, "brugge", title="Brugse premie")
    with tenant_db(app) as db:
        row = db.exec(select(TenantPlugin).where(TenantPlugin.plugin == "starters")).one()
        row.settings = {"contact_email": "starters@aalst.be"}
        db.add(row)
    client = app.test_client()
    response = client.get("/t/aalst/starters/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Opstartpremie kinderopvang" in page and "starters@aalst.be" in page
    assert "Nog niet open" not in page and "Niet gepubliceerd" not in page
    assert "Brugse premie" not in page
    assert "Set-Cookie" not in response.headers  # an anonymous page needs no session
    with tenant_db(app) as db:
        measure = db.exec(
            select(SupportMeasure).where(SupportMeasure.title == "Opstartpremie kinderopvang")
        ).one()
    detail = client.get(f"/t/aalst/starters/maatregelen/{measure.id}").get_data(as_text=True)
    assert "<strong>premie</strong>" in detail
    assert "<script>alert(1)</script>" not in detail and "&lt;script&gt;" in detail


def test_a_closed_or_unpublished_measure_is_not_found_by_the_public(app):
    hidden = add_measure(app, title="Niet gepubliceerd", published=False)
    assert app.test_client().get(f"/t/aalst/starters/maatregelen/{hidden}").status_code == 404
    staff = client_as(app, "els", ["staff:starters"])
    assert staff.get(f"/t/aalst/starters/maatregelen/{hidden}").status_code == 200


def test_staff_add_a_measure_and_bad_input_is_explained_with_values_kept(app):
    staff = client_as(app, "els", ["staff:starters"])
    form = {
        "title": "Startpremie",
        "kind": "premium",
        "description": "Voor **nieuwe** plaatsen.",
        "amount_eur": "",
        "min_places": "20",
        "max_places": "10",
        "opens_on": "morgen",
        "facility_types": ["groepsopvang"],
        "required_documents": ["business_plan", "geen-soort"],
        "published": "1",
    }
    response = staff.post("/t/aalst/starters/beheer/maatregelen/nieuw", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("amount_eur", "max_places", "opens_on"):
        assert f'href="#{field}"' in page
    assert 'value="Startpremie"' in page and 'value="morgen"' in page
    form.update(amount_eur="2500", max_places="30", opens_on=date.today().isoformat())
    response = staff.post("/t/aalst/starters/beheer/maatregelen/nieuw", data=form)
    assert response.status_code == 303
    with tenant_db(app) as db:
        measure = db.exec(select(SupportMeasure)).one()
    assert measure.amount_eur == 2500 and measure.required_documents == ["business_plan"]
    assert measure.facility_types == ["groepsopvang"]
    edit = staff.post(
        f"/t/aalst/starters/beheer/maatregelen/{measure.id}",
        data={**form, "kind": "coaching", "title": "Coaching"},
    )
    assert edit.status_code == 303
    with tenant_db(app) as db:
        changed = db.get(SupportMeasure, measure.id)
    assert changed.title == "Coaching" and changed.amount_eur is None


def test_a_starter_cannot_manage_the_catalogue(app):
    starter = client_as(app, "sofie", ["starter"])
    response = starter.post(
        "/t/aalst/starters/beheer/maatregelen/nieuw", data={"title": "Eigen premie"}
    )
    assert response.status_code == 403
