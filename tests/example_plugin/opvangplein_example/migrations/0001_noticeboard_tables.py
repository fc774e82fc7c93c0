"""The notice board's table.

Revision ID: noticeboard_0001
Revises:
"""

import sqlalchemy as sa

from core.migration_kit import create_tenant_table, drop_tenant_table, timestamp

revision = "noticeboard_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_tenant_table(
        "noticeboard_notice",
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("body", sa.String(2000), nullable=False),
        sa.Column("visible_until", sa.Date(), nullable=False),
        timestamp("posted_at"),
        indexes=["visible_until"],
    )


def downgrade() -> None:
    drop_tenant_table("noticeboard_notice")
