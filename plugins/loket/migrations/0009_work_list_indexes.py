"""Indexes for the loket's pages, paged and looked up by the database (issue 18): the work list
per tenant by ``created_at`` (and by status, the usual filter), a parent's own requests, and the
choices and offers of the requests a page shows.

Every index starts with ``tenant_id``: each query carries the tenant, and SQLite's planner
without statistics would otherwise take the plain ``tenant_id`` index and read the whole tenant.

Revision ID: loket_0009
Revises: loket_0008
Create Date: 2026-12-03
"""

from alembic import op

revision = "loket_0009"
down_revision = "loket_0008"
branch_labels = None
depends_on = None

INDEXES = {
    "loket_request": {
        "ix_loket_request_tenant_created": ["tenant_id", "created_at"],
        "ix_loket_request_tenant_status_created": ["tenant_id", "status", "created_at"],
        "ix_loket_request_tenant_parent": ["tenant_id", "parent_user_id", "created_at"],
    },
    "loket_preference": {
        "ix_loket_preference_tenant_request": ["tenant_id", "request_id", "rank"],
    },
    "loket_proposal": {
        "ix_loket_proposal_tenant_request": ["tenant_id", "request_id", "created_at"],
    },
}


def upgrade() -> None:
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table) as batch:
            for name, columns in indexes.items():
                batch.create_index(name, columns)


def downgrade() -> None:
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table) as batch:
            for name in reversed(indexes):
                batch.drop_index(name)
