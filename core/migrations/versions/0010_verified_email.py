"""Verified e-mail: how a user's address was proven, and single-use confirmation links.

Revision ID: 0010_verified_email
Revises: 0009_audit_on_behalf
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "0010_verified_email"
down_revision = "0009_audit_on_behalf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing addresses came from claims nobody checked: they start unproven.
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column("email_verified_via", sa.String(10), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "email_confirmation",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True, index=True),
        sa.Column("purpose", sa.String(50), nullable=False, index=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
    )
    enable_tenant_rls("email_confirmation")


def downgrade() -> None:
    disable_tenant_rls("email_confirmation")
    op.drop_table("email_confirmation")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("email_verified_at")
        batch.drop_column("email_verified_via")
