"""Background jobs: outbox claims and attachments, job leases, the tenant's mail retention.

``outbox_message`` gains the worker's claim (``lease_until``), the request that queued the
message (``request_id``, for the delivery log) and its ``attachments``; existing rows get empty
values and keep their state. ``job_lock`` holds one lease per scheduled job. ``tenant`` gains
``mail_retention_days`` (30 for every existing municipality, the default).

Revision ID: 0012_background_jobs
Revises: 0011_tenant_slug_unique_index
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_background_jobs"
down_revision = "0011_tenant_slug_unique_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("request_id", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attachments", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "job_lock",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("holder", sa.String(100), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("tenant") as batch:
        batch.add_column(
            sa.Column("mail_retention_days", sa.Integer(), nullable=False, server_default="30")
        )


def downgrade() -> None:
    with op.batch_alter_table("tenant") as batch:
        batch.drop_column("mail_retention_days")
    op.drop_table("job_lock")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("attachments")
        batch.drop_column("lease_until")
        batch.drop_column("request_id")
