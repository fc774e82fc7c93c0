"""A measure's eligibility (kind of childcare, number of places, area) is enforced when a starter
asks for it, shown to the starter beforehand, and shown to staff beside each decision."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from alembic import command

from core.migrator import alembic_config
from plugins.starters import plugin as plugin_module
from plugins.starters.eligibility import (
    Project,
    Unmet,
    in_area,
    is_postcode,
    normalise_place,
    split_list,
    unmet_conditions,
)
from plugins.starters.models import RequestedMeasure, SupportMeasure
from plugins.starters.plugin import MANIFEST
from tests.plugins.starters.conftest import (
    PDF,
    STARTERS_TENANTS,
    add_measure,
    client_as,
    project_form,
    start,
    step_url,
    stored,
    submitted_application,
    tenant_db,
    upload,
)
from tests.support.apps import probe_app, tenant_id

ZOLDER_OR_HEUSDEN = {"area_places": ["Zolder", "Heusden"], "area_postcodes": []}


def project(postcode="3550", place="Zolder", facility="groepsopvang", places=14) -> Project:
    return Project(facility_type=facility, planned_places=places, postcode=postcode, place=place)


def measure(**fields) -> SimpleNamespace:
    values = {
        "facility_types": [],
        "min_places": None,
        "max_places": None,
        "area_postcodes": [],
        "area_places": [],
    }
    values.update(fields)
    return SimpleNamespace(**values)


# -- the rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "postcode", "inside"),
    [
        ("Zolder", "3550", True),
        ("  zoldér ", "3550", True),  # case, accents and spaces do not matter
        ("HEUSDEN", "3550", True),
        ("Zolderstraat", "3550", False),  # a near miss is a miss
        ("Heusden-Zolder", "3550", False),  # the municipality is not one of its deelgemeenten
        ("Koersel", "3582", False),
        ("", "3550", False),  # no place filled in, and no postcode listed
    ],
)
def test_a_place_name_matches_only_exactly_apart_from_case_accents_and_spaces(
    place, postcode, inside
):
    assert in_area([], ["Zolder", "Heusden"], project(postcode, place)) is inside


@pytest.mark.parametrize(
    ("postcode", "inside"), [("3550", True), (" 3560 ", True), ("3551", False), ("355", False)]
)
def test_a_postcode_matches_exactly(postcode, inside):
    assert in_area(["3550", "3560"], [], project(postcode, "Elders")) is inside


def test_either_the_postcode_or_the_place_puts_a_project_in_the_area():
    assert in_area(["3583"], ["Zolder"], project("3583", "Paal"))
    assert in_area(["3583"], ["Zolder"], project("3550", "Zolder"))
    assert not in_area(["3583"], ["Zolder"], project("3550", "Heusden"))


def test_a_measure_without_area_applies_everywhere():
    assert in_area([], [], project("9000", ""))


def test_every_unmet_condition_is_named_in_order():
    strict = measure(
        facility_types=["gezinsopvang"], min_places=20, area_places=["Zolder"], max_places=30
    )
    assert unmet_conditions(strict, project("3582", "Koersel", places=14)) == [
        Unmet.FACILITY_TYPE,
        Unmet.TOO_FEW_PLACES,
        Unmet.AREA,
    ]
    assert unmet_conditions(measure(max_places=8), project(places=9)) == [Unmet.TOO_MANY_PLACES]
    assert unmet_conditions(measure(max_places=14, min_places=14), project(places=14)) == []


def test_lists_and_postcodes_are_read_as_typed():
    assert split_list("Zolder, Heusden;Zolder\n Koersel ,,") == ["Zolder", "Heusden", "Koersel"]
    assert [is_postcode(code) for code in ("3550", "0999", "35500", "35a0", "")] == [
        True,
        False,
        False,
        False,
        False,
    ]
    assert normalise_place("Sint-Truidén  ") == "sint-truiden"


# -- the starter ------------------------------------------------------------------------------


def measures_page(client, application_id) -> str:
    return client.get(step_url(application_id, "measures")).get_data(as_text=True)


def test_a_starter_sees_which_measures_fit_and_why_the_others_do_not(app):
    fitting = add_measure(app, title="Coaching voor iedereen", kind="coaching")
    zolder = add_measure(app, title="Opstartpremie Zolder", **ZOLDER_OR_HEUSDEN)
    small = add_measure(app, title="Premie kleine opvang", max_places=8)
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    client.post(step_url(application_id, "project"), data=project_form(postcode="3582"))
    page = measures_page(client, application_id)
    assert f'id="measure-{fitting}"' in page
    assert f'id="measure-{zolder}"' not in page and f'id="measure-{small}"' not in page
    assert f'id="unfit-{zolder}"' in page and f'id="unfit-{small}"' in page
    assert "Enkel voor projecten in Zolder of Heusden; dit project ligt in 3582 Centrum." in page
    assert "Enkel voor projecten met hoogstens 8 plaatsen; dit project plant 14." in page


def test_asking_for_a_measure_outside_its_area_is_refused_with_the_reason(app):
    zolder = add_measure(app, title="Opstartpremie Zolder", **ZOLDER_OR_HEUSDEN)
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    client.post(
        step_url(application_id, "project"), data=project_form(postcode="3582", area="Koersel")
    )
    response = client.post(
        step_url(application_id, "measures"), data={"measures": [str(zolder)], "action": "next"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#measures"' in page
    assert (
        "“Opstartpremie Zolder” past niet bij je project. Enkel voor projecten in Zolder of "
        "Heusden; dit project ligt in 3582 Koersel."
    ) in page
    with tenant_db(app) as db:
        assert db.exec(sa.select(RequestedMeasure)).all() == []


def test_a_project_in_the_area_may_ask_for_it_by_place_or_by_postcode(app):
    zolder = add_measure(app, title="Opstartpremie Zolder", **ZOLDER_OR_HEUSDEN)
    by_postcode = add_measure(app, title="Premie 3582", area_postcodes=["3582"])
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    client.post(
        step_url(application_id, "project"), data=project_form(postcode="3550", area="zolder")
    )
    response = client.post(
        step_url(application_id, "measures"), data={"measures": [str(zolder)], "action": "next"}
    )
    assert response.status_code == 303
    refused = client.post(
        step_url(application_id, "measures"),
        data={"measures": [str(by_postcode)], "action": "next"},
    )
    assert refused.status_code == 422
    assert "Enkel voor projecten in postcode 3582" in refused.get_data(as_text=True)
    client.post(
        step_url(application_id, "project"), data=project_form(postcode="3582", area="Koersel")
    )
    response = client.post(
        step_url(application_id, "measures"),
        data={"measures": [str(by_postcode)], "action": "next"},
    )
    assert response.status_code == 303


def test_moving_the_project_out_of_the_area_after_choosing_blocks_the_submission(app):
    zolder = add_measure(app, title="Opstartpremie Zolder", **ZOLDER_OR_HEUSDEN)
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    client.post(step_url(application_id, "project"), data=project_form(area="Heusden"))
    client.post(step_url(application_id, "measures"), data={"measures": [str(zolder)]})
    upload(client, application_id, PDF, "plan.pdf")
    client.post(step_url(application_id, "project"), data=project_form(area="Beringen"))
    response = client.post(
        step_url(application_id, "declaration"), data={"declaration": "1", "action": "submit"}
    )
    assert response.status_code == 422
    assert "dit project ligt in 3550 Beringen" in response.get_data(as_text=True)
    assert stored(app, application_id).status == "draft"


# -- staff ------------------------------------------------------------------------------------


def test_staff_see_the_eligibility_check_beside_each_decision(app):
    fitting = add_measure(app, title="Opstartpremie Centrum", area_places=["Centrum"])
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [fitting])
    # The municipality narrows the area after the application came in.
    with tenant_db(app) as db:
        row = db.get(SupportMeasure, fitting)
        row.area_places = ["Heusden"]
        db.add(row)
    staff = client_as(app, "els", ["staff:starters"])
    page = staff.get(f"/t/aalst/starters/aanvragen/{application_id}").get_data(as_text=True)
    assert "Controle van de voorwaarden:" in page
    assert "Enkel voor projecten in Heusden; dit project ligt in 3550 Centrum." in page
    with tenant_db(app) as db:
        row = db.get(SupportMeasure, fitting)
        row.area_places = ["Centrum"]
        db.add(row)
    page = staff.get(f"/t/aalst/starters/aanvragen/{application_id}").get_data(as_text=True)
    assert "het project voldoet aan elke voorwaarde" in page


def test_staff_define_the_area_as_postcodes_and_place_names(app):
    staff = client_as(app, "els", ["staff:starters"])
    form = {
        "title": "Opstartpremie Zolder",
        "description": "Voor Zolder en Heusden.",
        "kind": "premium",
        "amount_eur": "4000",
        "area_places": "Zolder, Heusden",
        "area_postcodes": "3550, 35500, abcd",
        "published": "1",
    }
    response = staff.post("/t/aalst/starters/beheer/maatregelen/nieuw", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#area_postcodes"' in page and "35500, abcd" in page
    response = staff.post(
        "/t/aalst/starters/beheer/maatregelen/nieuw", data={**form, "area_postcodes": "3550"}
    )
    assert response.status_code == 303
    with tenant_db(app) as db:
        saved = db.exec(sa.select(SupportMeasure)).scalars().one()
    assert (saved.area_places, saved.area_postcodes) == (["Zolder", "Heusden"], ["3550"])
    public = app.test_client().get("/t/aalst/starters/").get_data(as_text=True)
    assert "enkel in Zolder, Heusden of postcode 3550" in public
    edit = staff.get(f"/t/aalst/starters/beheer/maatregelen/{saved.id}").get_data(as_text=True)
    assert 'value="Zolder, Heusden"' in edit and 'value="3550"' in edit


# -- the migration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_the_old_free_text_area_becomes_place_names(database, request, tmp_path):
    settings = (
        request.getfixturevalue("sqlite_settings")
        if database == "sqlite"
        else request.getfixturevalue("postgres_settings")
    )
    app = probe_app(settings, tenants=STARTERS_TENANTS)
    aalst = tenant_id(app, "aalst")
    app.extensions["opvangplein.db"].engine.dispose()
    config = alembic_config(
        settings.effective_migration_url,
        target="starters",
        versions_dir=Path(plugin_module.__file__).parent / MANIFEST.migrations,
    )
    command.downgrade(config, "starters_0001")
    engine = sa.create_engine(settings.effective_migration_url)
    with engine.begin() as connection:
        if database == "postgres":
            connection.execute(sa.text("SELECT set_config('app.cross_tenant', 'on', true)"))
        connection.execute(
            sa.text(
                "INSERT INTO starters_measure (tenant_id, id, title, description, kind, "
                "conditions, requires_loket_participation, facility_types, area, "
                "required_documents, published, created_at) VALUES (:tenant, :id, 'Premie', '', "
                "'premium', '', false, '[]', 'Zolder, Heusden', '[]', true, CURRENT_TIMESTAMP)"
            ),
            {"tenant": aalst if database == "postgres" else aalst.hex, "id": _id(database)},
        )
    command.upgrade(config, "head")
    engine.dispose()
    app = probe_app(settings, tenants=STARTERS_TENANTS)
    with tenant_db(app) as db:
        saved = db.exec(sa.select(SupportMeasure)).scalars().one()
    assert saved.area_places == ["Zolder", "Heusden"] and saved.area_postcodes == []


def _id(database: str):
    import uuid

    value = uuid.uuid4()
    return value if database == "postgres" else value.hex


def test_approving_a_measure_the_project_does_not_meet_needs_an_explanation(app):
    fitting = add_measure(app, title="Coaching Centrum", kind="coaching", area_places=["Centrum"])
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [fitting])
    with tenant_db(app) as db:
        db.get(SupportMeasure, fitting).area_places = ["Heusden"]
        requested = db.exec(sa.select(RequestedMeasure)).scalars().one().id
    staff = client_as(app, "els", ["staff:starters"])
    url = f"/t/aalst/starters/aanvragen/{application_id}/maatregelen/{requested}/beslissing"
    response = staff.post(url, data={"decision": "approved"})
    assert response.status_code == 422
    assert "leg uit waarom je ze goedkeurt" in response.get_data(as_text=True)
    reason = "Het pand ligt op de grens met Heusden."
    assert staff.post(url, data={"decision": "approved", "reason": reason}).status_code == 303
    with tenant_db(app) as db:
        row = db.get(RequestedMeasure, requested)
    assert (row.decision, row.reason) == ("approved", reason)


def test_the_project_step_suggests_the_place_names_open_measures_use(app):
    add_measure(app, title="Opstartpremie Zolder", **ZOLDER_OR_HEUSDEN)
    add_measure(app, title="Gesloten", area_places=["Koersel"], published=False)
    client = client_as(app, "sofie", ["starter"])
    page = client.get(step_url(start(client), "project")).get_data(as_text=True)
    assert 'list="area-suggestions"' in page
    assert '<option value="Heusden"></option><option value="Zolder"></option>' in page
    assert "Koersel" not in page


def test_the_catalogue_tells_a_signed_in_starter_which_measures_fit_their_project(app):
    zolder = add_measure(app, title="Opstartpremie Zolder", **ZOLDER_OR_HEUSDEN)
    coaching = add_measure(app, title="Coaching", kind="coaching")
    client = client_as(app, "sofie", ["starter"])
    assert "fit-" not in client.get("/t/aalst/starters/").get_data(as_text=True)  # no project yet
    client.post(
        step_url(start(client), "project"), data=project_form(postcode="3582", area="Koersel")
    )
    page = client.get("/t/aalst/starters/").get_data(as_text=True)
    assert "Vergeleken met je project: Groepsopvang, 14 plaatsen, 3582 Koersel." in page
    fit_of = {key: page.split(f'id="fit-{key}">')[1].split("</p>")[0] for key in (zolder, coaching)}
    assert "Enkel voor projecten in Zolder of Heusden" in fit_of[zolder]
    assert "Past bij je project." in fit_of[coaching]
    detail = client.get(f"/t/aalst/starters/maatregelen/{zolder}").get_data(as_text=True)
    assert f'id="fit-{zolder}"' in detail and "Past niet bij je project:" in detail
    # Anonymous visitors and staff read the plain catalogue.
    assert "fit-" not in app.test_client().get("/t/aalst/starters/").get_data(as_text=True)
    assert "fit-" not in app.test_client().get(f"/t/aalst/starters/maatregelen/{zolder}").get_data(
        as_text=True
    )
