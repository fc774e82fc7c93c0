"""Remember when a parent was reminded of an offer's answer deadline, so it is sent once.

Revision ID: loket_0004
Revises: loket_0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "loket_0004"
down_revision = "loket_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loket_proposal") as batch:
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("loket_proposal") as batch:
        batch.drop_column("reminded_at")
