"""Siblings in one request: a group id shared by the children's requests and the family's choice
of one location for all of them ("together") or each child on its own.

Revision ID: loket_0008
Revises: loket_0006 (the lead changes this to loket_0007 at merge)
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "loket_0008"
down_revision = "loket_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loket_request") as batch:
        batch.add_column(sa.Column("sibling_group_id", sa.Uuid(), nullable=True))
        batch.add_column(
            sa.Column("siblings_together", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_index("ix_loket_request_sibling_group_id", ["sibling_group_id"])


def downgrade() -> None:
    with op.batch_alter_table("loket_request") as batch:
        batch.drop_index("ix_loket_request_sibling_group_id")
        batch.drop_column("siblings_together")
        batch.drop_column("sibling_group_id")
