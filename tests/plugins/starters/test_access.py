"""A starter sees only their own applications; staff of another municipality see nothing."""

from __future__ import annotations

from tests.plugins.starters.conftest import (
    add_measure,
    client_as,
    project_form,
    start,
    step_url,
    submitted_application,
)


def test_another_starter_cannot_see_or_change_an_application(app):
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    draft_id = start(sofie)
    jan = client_as(app, "jan", ["starter"])
    base = f"/t/aalst/starters/aanvragen/{application_id}"
    assert jan.get(base).status_code == 404
    assert jan.get(step_url(draft_id, "project")).status_code == 404
    assert jan.post(step_url(draft_id, "project"), data=project_form()).status_code == 404
    listing = jan.get("/t/aalst/starters/aanvragen").get_data(as_text=True)
    assert str(application_id) not in listing and str(draft_id) not in listing
    assert "Sofie Starter" not in listing


def test_staff_see_submitted_applications_but_not_drafts(app):
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    draft_id = start(sofie)
    staff = client_as(app, "els", ["staff:starters"])
    assert staff.get(f"/t/aalst/starters/aanvragen/{application_id}").status_code == 200
    assert staff.get(f"/t/aalst/starters/aanvragen/{draft_id}").status_code == 404
    work = staff.get("/t/aalst/starters/behandelen").get_data(as_text=True)
    assert str(application_id) in work and str(draft_id) not in work


def test_staff_of_another_municipality_cannot_see_or_act(app):
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    brugge = client_as(app, "pieter", ["staff:starters", "tenant_admin"], "brugge")
    base = f"/t/brugge/starters/aanvragen/{application_id}"
    assert brugge.get(base).status_code == 404
    assert brugge.post(base + "/vragen", data={"question": "Wie ben je?"}).status_code == 404
    assert brugge.post(base + "/vergunning", data={"done": ["business_plan"]}).status_code == 404
    work = brugge.get("/t/brugge/starters/behandelen").get_data(as_text=True)
    assert str(application_id) not in work and "Sofie Starter" not in work


def test_other_roles_and_anonymous_visitors_are_refused_the_working_pages(app):
    parent = client_as(app, "an", ["parent"])
    anonymous = app.test_client()
    for path in ("/aanvragen", "/behandelen", "/beheer/maatregelen", "/bedrijven", "/panden"):
        assert anonymous.get(f"/t/aalst/starters{path}").status_code == 401, path
        assert parent.get(f"/t/aalst/starters{path}").status_code == 403, path
    assert parent.post("/t/aalst/starters/aanvragen").status_code == 403


def test_the_plugin_answers_404_where_it_is_not_enabled(sqlite_settings, upload_dir):
    from tests.plugins.starters.conftest import make_app

    app = make_app(sqlite_settings, STARTERS_UPLOAD_DIR=str(upload_dir))
    db = app.extensions["opvangplein.db"]
    from sqlmodel import select

    from core.models import TenantPlugin
    from tests.support.apps import tenant_id

    with db.tenant_session(tenant_id(app, "brugge")) as session:
        row = session.exec(select(TenantPlugin).where(TenantPlugin.plugin == "starters")).one()
        row.enabled = False
        session.add(row)
    app.extensions["opvangplein.tenants"].forget()
    assert app.test_client().get("/t/brugge/starters/").status_code == 404
    assert app.test_client().get("/t/aalst/starters/").status_code == 200
