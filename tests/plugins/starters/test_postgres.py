"""On PostgreSQL: the whole application flow works (JSON area lists included), and row-level
security keeps every starters table to its tenant, raw SQL included."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import g

from core.db import TenantScoped
from core.web import db_session, tenant_hooks
from plugins.starters import models
from plugins.starters.models import (
    Building,
    BuildingInterest,
    CompanyAgreement,
    CompanyPlaceClaim,
    RequestedMeasure,
)
from tests.plugins.starters.conftest import (
    add_measure,
    client_as,
    make_app,
    project_form,
    start,
    step_url,
    submitted_application,
    tenant_db,
)
from tests.plugins.starters.test_hooks import at_tenant
from tests.support.apps import tenant_id

pytestmark = pytest.mark.postgres
TENANT_TABLES = sorted(
    model.__tablename__
    for model in vars(models).values()
    if isinstance(model, type) and issubclass(model, TenantScoped) and model is not TenantScoped
)


@pytest.fixture
def pg_app(postgres_settings, tmp_path):
    return make_app(postgres_settings, STARTERS_UPLOAD_DIR=str(tmp_path / "uploads"))


def fill_every_table(app) -> None:
    premium = add_measure(app, area_places=["Centrum"], area_postcodes=["3550"])
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [premium])
    staff = client_as(app, "els", ["staff:starters"])
    detail = f"/t/aalst/starters/aanvragen/{application_id}"
    assert staff.post(detail + "/vragen", data={"question": "Welk pand?"}).status_code == 303
    assert staff.post(detail + "/vergunning", data={"done": ["business_plan"]}).status_code == 303
    with tenant_db(app) as db:
        requested = db.exec(sa.select(RequestedMeasure.id)).scalar_one()
        building = Building(address="Markt 1", area_m2=150, suitable_places=16)
        db.add(building)
        agreement = CompanyAgreement(
            company="Bakkerij",
            facility_name="De Rups",
            places=2,
            starts_on=date.today(),
            location_id=uuid.uuid4(),
            email_domains=["bakkerij.be"],
        )
        db.add(agreement)
        db.flush()
        db.add(BuildingInterest(building_id=building.id, application_id=application_id))
        db.add(
            CompanyPlaceClaim(
                agreement_id=agreement.id,
                request_id=uuid.uuid4(),
                employee_email="an@bakkerij.be",
            )
        )
    decision = staff.post(
        f"{detail}/maatregelen/{requested}/beslissing",
        data={"decision": "approved", "amount": "5000"},
    )
    assert decision.status_code == 303  # the application is decided: its letter is made
    from io import BytesIO

    from tests.plugins.starters.conftest import PNG

    photo = staff.post(
        f"/t/aalst/starters/panden/{building.id}/fotos",
        data={"photo": (BytesIO(PNG), "pand.png", "image/png")},
        content_type="multipart/form-data",
    )
    assert photo.status_code == 303


def test_the_flow_and_the_hooks_work_on_postgresql(pg_app):
    fill_every_table(pg_app)
    with at_tenant(pg_app):
        planned = [
            p
            for answer in tenant_hooks().planned_places(tenant=g.tenant, session=db_session())
            for p in answer
        ]
        reserved = [
            p
            for answer in tenant_hooks().reserved_places(tenant=g.tenant, session=db_session())
            for p in answer
        ]
    assert [(p.places, p.status) for p in planned] == [(14, "approved")]
    assert [(p.company, p.places) for p in reserved] == [("Bakkerij", 2)]
    # The area lists survive the JSON round trip: a project elsewhere is refused with the reason.
    jan = client_as(pg_app, "jan", ["starter"])
    application_id = start(jan)
    jan.post(step_url(application_id, "project"), data=project_form(postcode="3582", area="Paal"))
    with tenant_db(pg_app) as db:
        premium = db.exec(sa.select(models.SupportMeasure.id)).scalar_one()
    refused = jan.post(step_url(application_id, "measures"), data={"measures": [str(premium)]})
    assert refused.status_code == 422
    assert "Enkel voor projecten in Centrum of postcode 3550" in refused.get_data(as_text=True)


def test_raw_sql_in_another_tenant_sees_no_starters_rows(pg_app):
    fill_every_table(pg_app)
    database = pg_app.extensions["opvangplein.db"]
    assert len(TENANT_TABLES) == 13
    for table in TENANT_TABLES:
        with database.session(tenant_id(pg_app, "brugge")) as db:
            assert db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table
        with database.session(tenant_id(pg_app, "aalst")) as db:
            assert db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() > 0, table


def test_a_row_cannot_be_written_into_another_tenant(pg_app):
    database = pg_app.extensions["opvangplein.db"]
    aalst = tenant_id(pg_app, "aalst")
    with (
        database.session(tenant_id(pg_app, "brugge")) as db,
        pytest.raises(sa.exc.DBAPIError, match="row-level security"),
    ):
        db.execute(
            sa.text(
                "INSERT INTO starters_company_agreement (tenant_id, id, company, facility_name, "
                "places, starts_on, note, created_at) VALUES (:tenant, gen_random_uuid(), 'X', "
                "'Y', 1, :today, '', now())"
            ),
            {"tenant": aalst, "today": date.today() - timedelta(days=1)},
        )
