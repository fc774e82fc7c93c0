"""The kit plugin's tables, every one made by core.migration_kit.

Revision ID: kit_0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa

from core.migration_kit import create_tenant_table, drop_tenant_table, timestamp

revision = "kit_0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = ("kit_case", "kit_visit", "kit_signing_key", "kit_outbox_message")


def upgrade() -> None:
    create_tenant_table(
        "kit_case",
        sa.Column("reference", sa.String(12), nullable=False),
        timestamp("created_at"),
        sa.UniqueConstraint("tenant_id", "reference"),
    )
    create_tenant_table(
        "kit_visit",
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("kit_case.id"), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
        timestamp("planned_at"),
        timestamp("done_at", nullable=True),
        indexes=["status", ("tenant_id", "planned_at")],
    )
    # The columns of core 0008's tenant_signing_key, whose migration spells out the standard ones.
    create_tenant_table(
        "kit_signing_key",
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("private_key_sealed", sa.Text(), nullable=False),
        timestamp("created_at"),
        timestamp("retired_at", nullable=True),
        sa.UniqueConstraint("tenant_id", "kid"),
    )
    # And of core 0003's outbox_message with the columns 0012 added.
    create_tenant_table(
        "kit_outbox_message",
        timestamp("created_at"),
        sa.Column("purpose", sa.String(100), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        timestamp("next_attempt_at"),
        timestamp("sent_at", nullable=True),
        sa.Column("last_error", sa.String(500), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False, server_default=""),
        timestamp("lease_until", nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False, server_default="[]"),
        indexes=["status"],
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        drop_tenant_table(table)
