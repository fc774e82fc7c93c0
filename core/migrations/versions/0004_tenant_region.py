"""A tenant's region: municipalities in one region see their figures added up.

Revision ID: 0004_tenant_region
Revises: 0003_outbox
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_tenant_region"
down_revision = "0003_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenant") as batch:
        batch.add_column(sa.Column("region", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("tenant") as batch:
        batch.drop_column("region")
