"""Crisis escalation: a second on-call address per antenna, and each referral's escalations.

Existing antennas get no second address (the first on-call and the municipality are alerted);
existing referrals start at zero escalations.

Revision ID: ckg_0003
Revises: ckg_0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "ckg_0003"
down_revision = "ckg_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ckg_antenna") as batch:
        batch.add_column(
            sa.Column("second_on_call_email", sa.String(320), nullable=False, server_default="")
        )
    with op.batch_alter_table("ckg_referral") as batch:
        batch.add_column(
            sa.Column("crisis_escalations", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("crisis_escalated_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("ckg_referral") as batch:
        batch.drop_column("crisis_escalated_at")
        batch.drop_column("crisis_escalations")
    with op.batch_alter_table("ckg_antenna") as batch:
        batch.drop_column("second_on_call_email")
