"""Meeting times, and what a calendar invitation needs to follow changes (issue 15).

Revision ID: networks_0002
Revises: networks_0001
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "networks_0002"
down_revision = "networks_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Meetings planned before this revision have no times: their invitations are whole-day events.
    with op.batch_alter_table("networks_meeting") as batch:
        batch.add_column(sa.Column("starts_at", sa.Time(), nullable=True))
        batch.add_column(sa.Column("ends_at", sa.Time(), nullable=True))
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("networks_meeting") as batch:
        batch.drop_column("cancelled_at")
        batch.drop_column("sequence")
        batch.drop_column("ends_at")
        batch.drop_column("starts_at")
