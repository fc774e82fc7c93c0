"""Areas of locations and area requests, chunked location imports, hand-offs from training.

Revision ID: loket_0003
Revises: loket_0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "loket_0003"
down_revision = "loket_0002"
branch_labels = None
depends_on = None


def _see_every_tenant() -> None:
    # Row-level security is forced for the owner too; a data migration works across tenants.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT set_config('app.cross_tenant', 'on', true)")


def upgrade() -> None:
    _see_every_tenant()
    with op.batch_alter_table("loket_location") as batch:
        batch.add_column(sa.Column("area", sa.String(100), nullable=False, server_default=""))
        batch.create_index("ix_loket_location_area", ["area"])
    # Locations known so far get their postcode area ("9320 Erembodegem").
    op.execute(
        "UPDATE loket_location SET area = TRIM(postcode || ' ' || municipality) WHERE area = ''"
    )
    with op.batch_alter_table("loket_request") as batch:
        batch.add_column(sa.Column("area_kind", sa.String(30), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("external_reference", sa.String(120), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("note", sa.String(2000), nullable=False, server_default=""))
        batch.create_index("ix_loket_request_external_reference", ["external_reference"])
    # Until now "area" was a free neighbourhood text next to the preferences; from now on it
    # names an area request, which never has preferences.
    op.execute(
        "UPDATE loket_request SET area = '' WHERE id IN (SELECT request_id FROM loket_preference)"
    )
    op.create_table(
        "loket_location_import",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_loket_location_import_tenant_id", "loket_location_import", ["tenant_id"], unique=False
    )
    enable_tenant_rls("loket_location_import")


def downgrade() -> None:
    disable_tenant_rls("loket_location_import")
    op.drop_table("loket_location_import")
    with op.batch_alter_table("loket_request") as batch:
        batch.drop_index("ix_loket_request_external_reference")
        batch.drop_column("note")
        batch.drop_column("external_reference")
        batch.drop_column("area_kind")
    with op.batch_alter_table("loket_location") as batch:
        batch.drop_index("ix_loket_location_area")
        batch.drop_column("area")
