"""The networks plugin's tables: networks and their work (tenant), regional partnerships (platform).

Revision ID: networks_0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "networks_0001"
down_revision = None
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "networks_network",
    "networks_member",
    "networks_contact",
    "networks_meeting",
    "networks_agenda_item",
    "networks_attendance",
    "networks_action",
    "networks_service",
    "networks_case",
)


def _id() -> sa.Column:
    return sa.Column("id", sa.Uuid(), primary_key=True)


def _tenant() -> sa.Column:
    return sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True)


def _ref(name: str, table: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Uuid(), sa.ForeignKey(f"{table}.id"), nullable=nullable, index=True)


def _text(name: str, length: int) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False, server_default="")


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "networks_network",
        _id(),
        _tenant(),
        sa.Column("name", sa.String(150), nullable=False),
        _text("purpose", 2000),
        sa.Column("kind", sa.String(40), nullable=False),
        _text("source", 10),
        _at("created_at"),
    )
    op.create_table(
        "networks_member",
        _id(),
        _tenant(),
        _ref("network_id", "networks_network"),
        _ref("organisation_id", "organisation", nullable=True),
        sa.Column("name", sa.String(150), nullable=False),
        _text("sector", 30),
        sa.Column("coordinates", sa.Boolean(), nullable=False, server_default=sa.false()),
        _at("joined_at"),
        _at("ended_at", nullable=True),
    )
    op.create_table(
        "networks_contact",
        _id(),
        _tenant(),
        _ref("member_id", "networks_member"),
        sa.Column("name", sa.String(150), nullable=False),
        _text("function", 150),
        _text("email", 320),
        _text("phone", 40),
    )
    op.create_table(
        "networks_meeting",
        _id(),
        _tenant(),
        _ref("network_id", "networks_network"),
        sa.Column("held_on", sa.Date(), nullable=False, index=True),
        _text("place", 150),
        sa.Column("minutes", sa.Text(), nullable=False, server_default=""),
        _text("created_by", 200),
        _at("created_at"),
    )
    op.create_table(
        "networks_agenda_item",
        _id(),
        _tenant(),
        _ref("meeting_id", "networks_meeting"),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("title", sa.String(300), nullable=False),
    )
    op.create_table(
        "networks_attendance",
        _id(),
        _tenant(),
        _ref("meeting_id", "networks_meeting"),
        _ref("member_id", "networks_member"),
        sa.Column("status", sa.String(10), nullable=False),
        _text("person", 150),
        sa.UniqueConstraint("meeting_id", "member_id"),
    )
    op.create_table(
        "networks_action",
        _id(),
        _tenant(),
        _ref("network_id", "networks_network"),
        _ref("meeting_id", "networks_meeting"),
        _ref("owner_member_id", "networks_member"),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False, index=True),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        _text("created_by", 200),
        _at("created_at"),
        _at("updated_at"),
    )
    op.create_table(
        "networks_service",
        _id(),
        _tenant(),
        _ref("member_id", "networks_member"),
        sa.Column("name", sa.String(150), nullable=False),
        _text("description", 2000),
        sa.Column("category", sa.String(30), nullable=False, index=True),
        _text("target_group", 300),
        _text("how_to_reach", 300),
        sa.Column("languages", sa.JSON(), nullable=False),
        _text("cost", 15),
        _text("cost_note", 300),
        _text("contact", 300),
        sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false()),
        _at("updated_at"),
    )
    op.create_table(
        "networks_case",
        _id(),
        _tenant(),
        _ref("network_id", "networks_network"),
        sa.Column("reference", sa.String(12), nullable=False),
        sa.Column("purpose", sa.String(2000), nullable=False),
        sa.Column("participant_member_ids", sa.JSON(), nullable=False),
        _text("consent_case_reference", 64),
        _text("consent_source", 10),
        _text("consent_basis", 300),
        _text("consent_recorded_by", 200),
        _at("consent_recorded_at", nullable=True),
        _text("family_details", 2000),
        _text("created_by", 200),
        _at("created_at"),
        sa.UniqueConstraint("tenant_id", "reference"),
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(table)
    # Platform-level: the agreement between two municipalities must be one row both can sign.
    op.create_table(
        "networks_partnership",
        _id(),
        _ref("owner_tenant_id", "tenant"),
        sa.Column("owner_network_id", sa.Uuid(), nullable=False, index=True),
        _ref("partner_tenant_id", "tenant"),
        sa.Column("partner_network_id", sa.Uuid(), nullable=True, index=True),
        _text("invitation", 2000),
        _text("owner_agreed_by", 200),
        _at("owner_agreed_at", nullable=True),
        _text("partner_agreed_by", 200),
        _at("partner_agreed_at", nullable=True),
        _text("withdrawn_by", 200),
        _at("withdrawn_at", nullable=True),
        _at("created_at"),
        sa.UniqueConstraint("owner_network_id", "partner_tenant_id"),
    )


def downgrade() -> None:
    op.drop_table("networks_partnership")
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
        op.drop_table(table)
