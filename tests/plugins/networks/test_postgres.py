"""On PostgreSQL, row-level security keeps every networks tenant table to its tenant, raw SQL
included; the platform-level agreement table is readable by the application role."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.db import TenantScoped
from core.models import Tenant
from plugins.networks import models, regional
from tests.plugins.networks.conftest import build_world, networks_app
from tests.support.apps import tenant_id

pytestmark = pytest.mark.postgres
TENANT_TABLES = [
    model.__tablename__
    for model in vars(models).values()
    if isinstance(model, type) and issubclass(model, TenantScoped) and model is not TenantScoped
]


@pytest.fixture
def pg_world(postgres_settings):
    return build_world(networks_app(postgres_settings))


def _fill_every_table(world) -> None:
    """Demo data fills networks, members, contacts, meetings, agenda, attendance, actions and
    services; a case consultation and a contact person's invitation fill the last tables."""
    registry = world.app.extensions["opvangplein.plugins"]
    with world.db("aalst") as db:
        tenant = db.get(Tenant, tenant_id(world.app, "aalst"))
        registry.for_plugins({"networks"}).demo_data(tenant=tenant, session=db)
    response = world.client("els").post(
        f"/t/aalst/netwerken/{world.network_id}/casusoverleg",
        data={"purpose": "Overgang naar school", "participants": [str(world.ckg_member_id)]},
    )
    assert response.status_code == 303
    with world.db("aalst") as db:
        contact = models.ContactPerson(
            member_id=world.police_member_id, name="Wijkagent Jan", email="jan@politie.be"
        )
        db.add(contact)
    response = world.client("els").post(
        f"/t/aalst/netwerken/{world.network_id}/leden/{world.police_member_id}"
        f"/contactpersonen/{contact.id}/uitnodigen"
    )
    assert response.status_code == 303


def test_raw_sql_in_another_tenant_sees_no_networks_rows(pg_world):
    _fill_every_table(pg_world)
    database = pg_world.app.extensions["opvangplein.db"]
    assert len(TENANT_TABLES) == 10
    for table in TENANT_TABLES:
        with database.session(tenant_id(pg_world.app, "gent")) as db:
            assert db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table
        with database.session(tenant_id(pg_world.app, "aalst")) as db:
            assert db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() > 0, table
        with database.session(None) as db:
            assert db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table


def test_raw_sql_cannot_write_a_row_into_another_tenant(pg_world):
    database = pg_world.app.extensions["opvangplein.db"]
    aalst = tenant_id(pg_world.app, "aalst")
    with database.session(tenant_id(pg_world.app, "gent")) as db, pytest.raises(sa.exc.DBAPIError):
        db.execute(
            sa.text(
                "INSERT INTO networks_network (id, tenant_id, name, purpose, kind, source,"
                " created_at) VALUES (gen_random_uuid(), :tenant, 'Ingeslopen', '',"
                " 'huis_van_het_kind', 'sql', now())"
            ),
            {"tenant": aalst},
        )


def test_agreements_are_platform_rows_that_each_tenant_reads_only_when_party(pg_world):
    """The agreement must be one row both tenants sign, so it has no tenant_id and no RLS;
    ``regional.partnerships_of`` is what keeps a tenant to the agreements it is party to."""
    from tests.plugins.networks.conftest import add_network

    app = pg_world.app
    network_id = add_network(app, "aalst", "Regio Leie", "regional_cooperation")
    admin = pg_world.client("admin-aalst", roles=["tenant_admin"])
    response = admin.post(
        f"/t/aalst/netwerken/{network_id}/regio",
        data={"partner_tenant": str(tenant_id(app, "brugge"))},
    )
    assert response.status_code == 303
    database = app.extensions["opvangplein.db"]
    with database.session(tenant_id(app, "gent")) as db:
        assert db.execute(sa.text("SELECT count(*) FROM networks_partnership")).scalar_one() == 1
        assert regional.partnerships_of(db, tenant_id(app, "gent")) == []
        assert len(regional.partnerships_of(db, tenant_id(app, "brugge"))) == 1
