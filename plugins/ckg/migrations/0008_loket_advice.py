"""The family's consent to advice to the local childcare counter, and the advice a CKG gave:
a location may deviate from the priority order on a family-support organisation's advice
(issue 16).

Revision ID: ckg_0008
Revises: ckg_0006 (the lead sets this to ckg_0007 when merging)
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "ckg_0008"
down_revision = "ckg_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ckg_referral") as batch:
        batch.add_column(
            sa.Column("loket_advice_consent_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "ckg_loket_advice",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column(
            "referral_id", sa.Uuid(), sa.ForeignKey("ckg_referral.id"), nullable=False, index=True
        ),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("location_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("advised_by", sa.String(200), nullable=False),
        sa.Column("advised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
    )
    enable_tenant_rls("ckg_loket_advice")


def downgrade() -> None:
    disable_tenant_rls("ckg_loket_advice")
    op.drop_table("ckg_loket_advice")
    with op.batch_alter_table("ckg_referral") as batch:
        batch.drop_column("loket_advice_consent_at")
