"""Offers as tracked episodes: a case holds one or more offers, each with its antenna, start,
planned end and actual end (issue 17).

Revision ID: ckg_0006
Revises: ckg_0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "ckg_0006"
down_revision = "ckg_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ckg_offer_episode",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column(
            "referral_id", sa.Uuid(), sa.ForeignKey("ckg_referral.id"), nullable=False, index=True
        ),
        sa.Column("offer", sa.String(20), nullable=False),
        sa.Column(
            "antenna_id", sa.Uuid(), sa.ForeignKey("ckg_antenna.id"), nullable=True, index=True
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    enable_tenant_rls("ckg_offer_episode")


def downgrade() -> None:
    disable_tenant_rls("ckg_offer_episode")
    op.drop_table("ckg_offer_episode")
