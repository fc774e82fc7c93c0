"""On PostgreSQL, row-level security keeps every training table to its tenant, raw SQL included."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.db import TenantScoped
from core.models import Tenant
from plugins.training import models
from plugins.training.demo import load_demo_data
from tests.plugins.training.conftest import TRAINING_TENANTS, build_world, people
from tests.plugins.training.helpers import register, step, token_of
from tests.support.apps import probe_app, tenant_id

pytestmark = pytest.mark.postgres
TENANT_TABLES = [
    model.__tablename__
    for model in vars(models).values()
    if isinstance(model, type) and issubclass(model, TenantScoped) and model is not TenantScoped
]


@pytest.fixture
def pg_world(postgres_settings):
    return build_world(probe_app(postgres_settings, tenants=TRAINING_TENANTS))


def test_raw_sql_in_another_tenant_sees_no_training_rows(pg_world):
    with pg_world.session("aalst") as db:
        load_demo_data(db.get(Tenant, tenant_id(pg_world.app, "aalst")), db)
    session_id = pg_world.info_session("cvo-limburg").id
    token_of(register(pg_world.app.test_client(), session_id))
    assert len(TENANT_TABLES) == 13
    database = pg_world.app.extensions["opvangplein.db"]
    for table in TENANT_TABLES:
        with database.session(tenant_id(pg_world.app, "brugge")) as db:
            assert db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table
        with database.session(tenant_id(pg_world.app, "aalst")) as db:
            if table not in (
                "training_loket_handoff",
                "training_internship_hours",
                "training_vacancy",
                "training_cohort_message",
            ):
                assert db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() > 0, table


def test_a_raw_insert_into_another_tenant_is_refused(pg_world):
    database = pg_world.app.extensions["opvangplein.db"]
    with (
        database.session(tenant_id(pg_world.app, "brugge")) as db,
        pytest.raises(sa.exc.DBAPIError),
    ):
        db.execute(
            sa.text(
                "INSERT INTO training_programme (id, tenant_id, name, qualification,"
                " description, created_at) VALUES (gen_random_uuid(), :tenant, 'x',"
                " 'kinderbegeleider', '', now())"
            ),
            {"tenant": str(tenant_id(pg_world.app, "aalst"))},
        )


def test_the_pipeline_works_through_the_application_role(pg_world):
    cohort = pg_world.programme_and_cohort("cvo-limburg")
    session_id = pg_world.info_session("cvo-limburg").id
    token_of(register(pg_world.app.test_client(), session_id))
    sara = pg_world.client_for(people(pg_world)["sara"])
    listing = sara.get("/t/aalst/opleiding/kandidaten").get_data(as_text=True)
    candidate_id = listing.split("/opleiding/kandidaten/")[1].split('"')[0]
    assert (
        step(sara, candidate_id, "intake", intake_outcome="suitable", reason="VDAB").status_code
        == 303
    )
    assert step(sara, candidate_id, "enrolled", cohort=str(cohort.id)).status_code == 303
