"""A user's chosen interface language, so mail sent to them later speaks it too.

Revision ID: 0005_user_language
Revises: 0004_tenant_region
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_user_language"
down_revision = "0004_tenant_region"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("language", sa.String(5), nullable=False, server_default="nl"))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("language")
