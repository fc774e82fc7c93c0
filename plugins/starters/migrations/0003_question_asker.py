"""Who asked a question, so the starter's answer is mailed to them (issue 15).

Revision ID: starters_0003
Revises: starters_0002
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "starters_0003"
down_revision = "starters_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Questions asked before this revision name no account: their answers go to the contact point.
    with op.batch_alter_table("starters_information_request") as batch:
        batch.add_column(sa.Column("asked_by_user_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("starters_information_request") as batch:
        batch.drop_column("asked_by_user_id")
