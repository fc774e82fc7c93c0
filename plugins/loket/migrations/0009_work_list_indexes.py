"""Indexes for the work list, paged by the database in registration order (issue 18): per
tenant by ``created_at``, and by status then ``created_at`` for the usual status filter.

Revision ID: loket_0009
Revises: loket_0008
Create Date: 2026-12-03
"""

from alembic import op

revision = "loket_0009"
down_revision = "loket_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loket_request") as batch:
        batch.create_index("ix_loket_request_tenant_created", ["tenant_id", "created_at"])
        batch.create_index(
            "ix_loket_request_tenant_status_created", ["tenant_id", "status", "created_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("loket_request") as batch:
        batch.drop_index("ix_loket_request_tenant_status_created")
        batch.drop_index("ix_loket_request_tenant_created")
