"""A standing reserve for occasional and emergency care per location (empty: the setting).

Revision ID: loket_0005
Revises: loket_0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "loket_0005"
down_revision = "loket_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loket_location") as batch:
        batch.add_column(sa.Column("reserve_places", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("loket_location") as batch:
        batch.drop_column("reserve_places")
