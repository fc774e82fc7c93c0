"""The referrer's message to the CKG: the thread of a referral runs both ways (issue 15).

Revision ID: ckg_0004
Revises: ckg_0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "ckg_0004"
down_revision = "ckg_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ckg_referral") as batch:
        batch.add_column(
            sa.Column("message_from_referrer", sa.String(1000), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("message_from_referrer_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("ckg_referral") as batch:
        batch.drop_column("message_from_referrer_at")
        batch.drop_column("message_from_referrer")
