"""Core tables: tenants, hosts, plugins per tenant, audit logs.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

TENANT_TABLES = ("tenant_plugin", "audit_entry")


def _timestamp(name: str, **kwargs) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, **kwargs)


def upgrade() -> None:
    op.create_table(
        "tenant",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("slug", sa.String(63), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("theme", sa.JSON(), nullable=False),
        sa.Column("identity_providers", sa.JSON(), nullable=False),
        _timestamp("created_at"),
    )
    op.create_index("ix_tenant_slug", "tenant", ["slug"])
    op.create_table(
        "tenant_host",
        sa.Column("host", sa.String(253), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False),
    )
    op.create_index("ix_tenant_host_tenant_id", "tenant_host", ["tenant_id"])
    op.create_table(
        "tenant_plugin",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False),
        sa.Column("plugin", sa.String(63), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        _timestamp("updated_at"),
        sa.UniqueConstraint("tenant_id", "plugin"),
    )
    op.create_index("ix_tenant_plugin_tenant_id", "tenant_plugin", ["tenant_id"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False),
        _timestamp("at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("object_type", sa.String(100), nullable=False),
        sa.Column("object_id", sa.String(100), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_entry_tenant_id", "audit_entry", ["tenant_id"])
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    op.create_index("ix_audit_entry_action", "audit_entry", ["action"])
    op.create_table(
        "platform_audit_entry",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _timestamp("at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("target_tenant_id", sa.Uuid(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_platform_audit_entry_at", "platform_audit_entry", ["at"])
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    for table in ("platform_audit_entry", "audit_entry", "tenant_plugin", "tenant_host", "tenant"):
        op.drop_table(table)
