"""Employees claim the places their company reserved (issue 21): the agreement names the
company's e-mail domains and its contact, a claim links an employee's loket request to it.

Revision ID: starters_0005
Revises: starters_0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "starters_0005"
down_revision = "starters_0004"
branch_labels = None
depends_on = None

TABLE = "starters_company_place_claim"


def upgrade() -> None:
    with op.batch_alter_table("starters_company_agreement") as batch:
        batch.add_column(sa.Column("email_domains", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(
            sa.Column("contact_email", sa.String(320), nullable=False, server_default="")
        )
    op.create_table(
        TABLE,
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("employee_name", sa.String(200), nullable=False),
        sa.Column("employee_email", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["starters_company_agreement.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id", "request_id"),
    )
    for column in ("agreement_id", "tenant_id", "user_id"):
        op.create_index(op.f(f"ix_{TABLE}_{column}"), TABLE, [column], unique=False)
    enable_tenant_rls(TABLE)


def downgrade() -> None:
    disable_tenant_rls(TABLE)
    op.drop_table(TABLE)
    with op.batch_alter_table("starters_company_agreement") as batch:
        batch.drop_column("contact_email")
        batch.drop_column("email_domains")
