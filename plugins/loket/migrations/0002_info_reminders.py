"""Remember when an info-session reminder went out, so it is sent once.

Revision ID: loket_0002
Revises: loket_0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "loket_0002"
down_revision = "loket_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loket_info_registration") as batch:
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("loket_info_registration") as batch:
        batch.drop_column("reminded_at")
