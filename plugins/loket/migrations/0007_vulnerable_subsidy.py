"""A location's extra subsidy for vulnerable families: such a location keeps places for them.

Revision ID: loket_0007
Revises: loket_0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "loket_0007"
down_revision = "loket_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loket_location") as batch:
        batch.add_column(
            sa.Column("vulnerable_subsidy", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("loket_location") as batch:
        batch.drop_column("vulnerable_subsidy")
