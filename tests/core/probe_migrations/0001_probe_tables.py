"""The probe plugin's tables, with row-level security like every plugin table.

Revision ID: probe_0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "probe_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "probe_family",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column("name", sa.String(), nullable=False),
    )
    op.create_table(
        "probe_child",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column(
            "family_id", sa.Uuid(), sa.ForeignKey("probe_family.id"), nullable=False, index=True
        ),
    )
    enable_tenant_rls("probe_family")
    enable_tenant_rls("probe_child")


def downgrade() -> None:
    disable_tenant_rls("probe_child")
    disable_tenant_rls("probe_family")
    op.drop_table("probe_child")
    op.drop_table("probe_family")
