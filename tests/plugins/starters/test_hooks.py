"""What the plugin answers other parts of the platform: reserved places for the loket, planned
places for the training plugin, demo data, monitoring figures, and the starter's data (export
and erasure)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

from flask import g
from sqlmodel import select

from core.plugin_types import DataSubject, PlannedPlaces, ReservedPlaces
from core.web import db_session, tenant_hooks
from plugins.starters.models import (
    Application,
    ApplicationDocument,
    Building,
    CompanyAgreement,
    RequestedMeasure,
    SupportMeasure,
    TimelineEntry,
)
from tests.plugins.starters.conftest import (
    add_measure,
    client_as,
    start,
    submitted_application,
    tenant_db,
)
from tests.support.auth import make_user


@contextmanager
def at_tenant(app, slug: str = "aalst"):
    """A request context at ``slug``, as a hook sees it during a request."""
    with app.test_request_context(f"/t/{slug}/starters/", base_url="http://localhost"):
        from flask import request

        request.environ["opvangplein.tenant_slug"] = slug
        app.preprocess_request()
        yield


def test_reserved_places_come_from_company_agreements_of_this_tenant_only(app):
    starts = date.today() - timedelta(days=30)
    with tenant_db(app) as db:
        agreement = CompanyAgreement(
            company="Brouwerij De Kroon",
            facility_name="Het Hopveld",
            places=4,
            starts_on=starts,
            ends_on=starts + timedelta(days=1000),
        )
        db.add(agreement)
    with tenant_db(app, "brugge") as db:
        db.add(
            CompanyAgreement(company="Ander", facility_name="Elders", places=9, starts_on=starts)
        )
    with at_tenant(app):
        answers = tenant_hooks().reserved_places(tenant=g.tenant, session=db_session())
    places = [place for answer in answers for place in answer or ()]
    assert places == [
        ReservedPlaces(
            location_id=None,
            facility_name="Het Hopveld",
            company="Brouwerij De Kroon",
            places=4,
            starts_on=starts,
            ends_on=starts + timedelta(days=1000),
            reference=str(agreement.id),
        )
    ]


def test_staff_record_an_agreement_with_checks_and_it_reaches_the_hook(app):
    staff = client_as(app, "els", ["staff:starters"])
    bad = staff.post(
        "/t/aalst/starters/bedrijven",
        data={"company": "Garage Peeters", "places": "0", "starts_on": "2026-13-01"},
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert 'href="#places"' in page and 'href="#starts_on"' in page
    assert 'href="#facility_name"' in page and 'value="Garage Peeters"' in page
    good = staff.post(
        "/t/aalst/starters/bedrijven",
        data={
            "company": "Garage Peeters",
            "facility_name": "De Rupsjes",
            "places": "3",
            "starts_on": date.today().isoformat(),
        },
    )
    assert good.status_code == 303
    with at_tenant(app):
        places = [
            p
            for answer in tenant_hooks().reserved_places(tenant=g.tenant, session=db_session())
            for p in answer
        ]
    assert [(p.company, p.places) for p in places] == [("Garage Peeters", 3)]


def test_demo_data_is_idempotent(app):
    with at_tenant(app):
        for _ in range(2):
            tenant_hooks().demo_data(tenant=g.tenant, session=db_session())
            db_session().commit()
    with tenant_db(app) as db:
        measures = db.exec(select(SupportMeasure)).all()
        assert len(measures) == 4
        assert any(m.kind == "premium" and m.amount_eur for m in measures)
        assert len(db.exec(select(Building)).all()) == 2
        assert len(db.exec(select(CompanyAgreement)).all()) == 1
        assert len(db.exec(select(Application)).all()) == 2
    # The demo applications give the training plugin planned places to forecast against.
    assert sorted((p.facility_kind, p.places, p.status) for p in planned(app)) == [
        ("gezinsopvang", 8, "approved"),
        ("groepsopvang", 18, "planned"),
    ]


def test_monitoring_counts_applications_by_status_and_planned_places_by_quarter(app):
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [measure])
    start(sofie)
    with tenant_db(app) as db:
        opening = db.get(Application, application_id).target_opening
    quarter = f"{opening.year}-Q{(opening.month - 1) // 3 + 1}"
    from core.subjects import monitoring_figures

    with at_tenant(app):
        figures = {
            figure.key: figure.value for figure in monitoring_figures(db_session(), g.tenant)
        }
    assert figures["starters.applications.submitted"] == 1
    assert figures["starters.applications.draft"] == 1
    assert figures[f"starters.planned_places.{quarter}"] == 14


def test_a_starter_exports_and_erases_their_data(app, upload_dir):
    from core.subjects import erase_subject, export_subject

    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    submitted = submitted_application(app, sofie, [measure])
    draft = start(sofie)
    user = make_user(app, "sofie")
    subject = DataSubject(user_id=user.id, email="sofie@example.be")
    with at_tenant(app):
        parts = export_subject(db_session(), g.tenant, subject)
        db_session().commit()
    [exported] = [part for part in parts if part.get("plugin") == "starters"]
    assert {a["id"] for a in exported["applications"]} == {str(submitted), str(draft)}
    submitted_export = next(a for a in exported["applications"] if a["id"] == str(submitted))
    assert submitted_export["documents"][0]["name"] == "ondernemingsplan.pdf"
    assert submitted_export["applicant_email"] == "sofie@example.be"

    with at_tenant(app):
        erased = erase_subject(db_session(), g.tenant, subject)
        db_session().commit()
    assert erased >= 2
    with tenant_db(app) as db:
        assert db.get(Application, draft) is None
        kept = db.get(Application, submitted)
        assert kept is not None and kept.applicant_email == "" and kept.applicant_name == ""
        assert kept.applicant_user_id is None
        assert db.exec(select(ApplicationDocument)).all() == []
        history = db.exec(select(TimelineEntry)).all()
    assert "document_added" in {entry.action for entry in history}
    assert not any("ondernemingsplan" in entry.detail for entry in history)
    assert not any(entry.actor == "Sofie Starter" for entry in history)
    assert not any(path.is_file() for path in upload_dir.rglob("*"))


def planned(app, slug: str = "aalst") -> list[PlannedPlaces]:
    with at_tenant(app, slug):
        answers = tenant_hooks().planned_places(tenant=g.tenant, session=db_session())
    return [place for answer in answers for place in answer or ()]


def test_planned_places_count_submitted_applications_not_drafts_and_follow_the_decisions(app):
    premium = add_measure(app)
    coaching = add_measure(app, title="Coaching", kind="coaching", required_documents=[])
    sofie = client_as(app, "sofie", ["starter"])
    first = submitted_application(app, sofie, [premium])
    second = submitted_application(app, client_as(app, "jan", ["starter"]), [coaching])
    start(sofie)  # a draft: not a plan yet
    with tenant_db(app) as db:
        db.get(Application, second).planned_places = 8
        db.get(Application, second).facility_type = "gezinsopvang"
        opening = db.get(Application, first).target_opening
    assert planned(app) == [
        PlannedPlaces("gezinsopvang", 8, opening, "planned"),
        PlannedPlaces("groepsopvang", 14, opening, "planned"),
    ]
    assert planned(app, "brugge") == []

    staff = client_as(app, "els", ["staff:starters"])
    with tenant_db(app) as db:
        requested = {row.application_id: row.id for row in db.exec(select(RequestedMeasure))}
    url = "/t/aalst/starters/aanvragen/{}/maatregelen/{}/beslissing"
    staff.post(url.format(first, requested[first]), data={"decision": "approved", "amount": "4000"})
    staff.post(
        url.format(second, requested[second]), data={"decision": "refused", "reason": "Vol."}
    )
    by_places = {place.places: place for place in planned(app)}
    assert by_places[14].status == "approved"
    assert by_places[8].status == "planned"  # refused support: the starter may still open

    opened = date.today() - timedelta(days=3)
    bad = staff.post(
        f"/t/aalst/starters/aanvragen/{first}/opening",
        data={"opened_on": (date.today() + timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 422 and "toekomst" in bad.get_data(as_text=True)
    assert (
        staff.post(
            f"/t/aalst/starters/aanvragen/{first}/opening", data={"opened_on": "gisteren"}
        ).status_code
        == 422
    )
    response = staff.post(
        f"/t/aalst/starters/aanvragen/{first}/opening", data={"opened_on": opened.isoformat()}
    )
    assert response.status_code == 303
    by_places = {place.places: place for place in planned(app)}
    assert (by_places[14].status, by_places[14].opening_on) == ("opened", opened)
    # The starter cannot record an opening: that is the municipality's finding.
    assert (
        sofie.post(
            f"/t/aalst/starters/aanvragen/{second}/opening", data={"opened_on": opened.isoformat()}
        ).status_code
        == 403
    )


def test_planned_places_answer_outside_a_request_with_the_callers_tenant_session(app):
    """The training plugin may ask from a command line, where no request session exists."""
    from core.models import Tenant

    measure = add_measure(app)
    submitted_application(app, client_as(app, "sofie", ["starter"]), [measure])
    with app.app_context():
        with app.extensions["opvangplein.db"].session() as db:
            tenant = db.exec(select(Tenant).where(Tenant.slug == "aalst")).one()
            db.expunge(tenant)
        hooks = app.extensions["opvangplein.plugins"].for_plugins({"starters"})
        with app.extensions["opvangplein.db"].tenant_session(tenant.id) as session:
            answers = hooks.planned_places(tenant=tenant, session=session)
    assert [(p.facility_kind, p.places, p.status) for a in answers for p in a] == [
        ("groepsopvang", 14, "planned")
    ]
