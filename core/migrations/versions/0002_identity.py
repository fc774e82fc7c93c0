"""Identity: users, organisations, memberships, organisation grants, sign-in sessions.

Revision ID: 0002_identity
Revises: 0001_core
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "0002_identity"
down_revision = "0001_core"
branch_labels = None
depends_on = None

TENANT_TABLES = ("organisation_grant", "membership", "sign_in_session")


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _tenant_column() -> sa.Column:
    return sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True)


def upgrade() -> None:
    with op.batch_alter_table("tenant") as batch:
        batch.add_column(
            sa.Column("contact_email", sa.String(320), nullable=False, server_default="")
        )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False, index=True),
        sa.Column("is_platform_admin", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _timestamp("last_sign_in_at", nullable=True),
        sa.UniqueConstraint("issuer", "subject"),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("slug", sa.String(63), nullable=False, unique=True, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
    )
    op.create_table(
        "organisation_member",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Uuid(),
            sa.ForeignKey("organisation.id"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "user_id", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=False, index=True
        ),
        sa.UniqueConstraint("organisation_id", "user_id"),
    )
    op.create_table(
        "organisation_grant",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _tenant_column(),
        sa.Column(
            "organisation_id",
            sa.Uuid(),
            sa.ForeignKey("organisation.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("modules", sa.JSON(), nullable=False),
        _timestamp("granted_at"),
        sa.UniqueConstraint("tenant_id", "organisation_id"),
    )
    op.create_table(
        "membership",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _tenant_column(),
        sa.Column(
            "user_id", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=False, index=True
        ),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("claim_roles", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        sa.UniqueConstraint("tenant_id", "user_id"),
    )
    op.create_table(
        "sign_in_session",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _tenant_column(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True, index=True),
        sa.Column(
            "user_id", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=False, index=True
        ),
        sa.Column("provider", sa.String(63), nullable=False),
        sa.Column("id_token", sa.Text(), nullable=False),
        _timestamp("created_at"),
        _timestamp("last_seen_at"),
        _timestamp("ended_at", nullable=True),
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    for table in (
        "sign_in_session",
        "membership",
        "organisation_grant",
        "organisation_member",
        "organisation",
        "user_account",
    ):
        op.drop_table(table)
    with op.batch_alter_table("tenant") as batch:
        batch.drop_column("contact_email")
