"""Area eligibility becomes checkable: a measure names postcodes and place names instead of a free
text, an application records the project's postcode, and staff can record that a facility opened.

A measure's old free-text area is carried over as place names (split on commas), so nothing a
municipality typed is lost.

Revision ID: starters_0002
Revises: starters_0001
Create Date: 2026-11-25
"""

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "starters_0002"
down_revision = "starters_0001"
branch_labels = None
depends_on = None


def _see_every_tenant() -> None:
    # Row-level security is forced for the owner too; a data migration works across tenants.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT set_config('app.cross_tenant', 'on', true)")


def upgrade() -> None:
    with op.batch_alter_table("starters_application") as batch:
        batch.add_column(sa.Column("postcode", sa.String(4), nullable=False, server_default=""))
        batch.add_column(sa.Column("opened_on", sa.Date(), nullable=True))
    with op.batch_alter_table("starters_measure") as batch:
        batch.add_column(
            sa.Column("area_postcodes", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(sa.Column("area_places", sa.JSON(), nullable=False, server_default="[]"))
    _see_every_tenant()
    connection = op.get_bind()
    measures = sa.table(
        "starters_measure",
        sa.column("id", sa.Uuid()),
        sa.column("area", sa.String()),
        sa.column("area_places", sa.JSON()),
    )
    for measure_id, area in connection.execute(
        sa.select(measures.c.id, measures.c.area).where(measures.c.area != "")
    ):
        places = [part.strip() for part in re.split(r"[,;]", area) if part.strip()]
        connection.execute(
            measures.update().where(measures.c.id == measure_id).values(area_places=places)
        )
    with op.batch_alter_table("starters_measure") as batch:
        batch.drop_column("area")


def downgrade() -> None:
    with op.batch_alter_table("starters_measure") as batch:
        batch.add_column(sa.Column("area", sa.String(200), nullable=False, server_default=""))
    _see_every_tenant()
    connection = op.get_bind()
    measures = sa.table(
        "starters_measure",
        sa.column("id", sa.Uuid()),
        sa.column("area", sa.String()),
        sa.column("area_places", sa.JSON()),
        sa.column("area_postcodes", sa.JSON()),
    )
    for measure_id, places, postcodes in connection.execute(
        sa.select(measures.c.id, measures.c.area_places, measures.c.area_postcodes)
    ):
        places = json.loads(places) if isinstance(places, str) else places or []
        postcodes = json.loads(postcodes) if isinstance(postcodes, str) else postcodes or []
        area = ", ".join([*postcodes, *places])[:200]
        connection.execute(measures.update().where(measures.c.id == measure_id).values(area=area))
    with op.batch_alter_table("starters_measure") as batch:
        batch.drop_column("area_places")
        batch.drop_column("area_postcodes")
    with op.batch_alter_table("starters_application") as batch:
        batch.drop_column("opened_on")
        batch.drop_column("postcode")
