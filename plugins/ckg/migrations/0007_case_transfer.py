"""A case handed to another antenna or another CKG: who handled it until when, who since
(issue 17).

Revision ID: ckg_0007
Revises: ckg_0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "ckg_0007"
down_revision = "ckg_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ckg_case_transfer",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column(
            "referral_id", sa.Uuid(), sa.ForeignKey("ckg_referral.id"), nullable=False, index=True
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column(
            "from_organisation_id", sa.Uuid(), sa.ForeignKey("organisation.id"), nullable=False
        ),
        sa.Column(
            "to_organisation_id", sa.Uuid(), sa.ForeignKey("organisation.id"), nullable=False
        ),
        sa.Column("from_antenna_id", sa.Uuid(), sa.ForeignKey("ckg_antenna.id"), nullable=True),
        sa.Column("to_antenna_id", sa.Uuid(), sa.ForeignKey("ckg_antenna.id"), nullable=True),
    )
    enable_tenant_rls("ckg_case_transfer")


def downgrade() -> None:
    disable_tenant_rls("ckg_case_transfer")
    op.drop_table("ckg_case_transfer")
