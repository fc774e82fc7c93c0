"""Audit entries say on whose behalf staff acted (a parent phoning the loket, a family a
referrer records consent for), next to the actor who did it.

Revision ID: 0009_audit_on_behalf
Revises: 0008_tenant_signing_keys
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_audit_on_behalf"
down_revision = "0008_tenant_signing_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(
            sa.Column("on_behalf_of", sa.String(200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("on_behalf_of")
