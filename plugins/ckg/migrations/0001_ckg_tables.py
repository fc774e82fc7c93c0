"""The ckg plugin's tables: antennas (platform-level), referrals and what belongs to them (tenant).

Revision ID: ckg_0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "ckg_0001"
down_revision = None
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "ckg_referral",
    "ckg_family_member",
    "ckg_status_change",
    "ckg_case_note",
    "ckg_access_log",
)


def _id() -> sa.Column:
    return sa.Column("id", sa.Uuid(), primary_key=True)


def _tenant() -> sa.Column:
    return sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True)


def _referral() -> sa.Column:
    return sa.Column(
        "referral_id", sa.Uuid(), sa.ForeignKey("ckg_referral.id"), nullable=False, index=True
    )


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    # Platform-level: capacity belongs to the CKG organisation, which serves several tenants.
    op.create_table(
        "ckg_antenna",
        _id(),
        sa.Column(
            "organisation_id",
            sa.Uuid(),
            sa.ForeignKey("organisation.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        *(
            sa.Column(column, sa.Integer(), nullable=False, server_default="0")
            for column in (
                "home_guidance_slots",
                "day_guidance_places",
                "short_stay_beds",
                "long_stay_beds",
                "home_guidance_occupied",
                "day_guidance_occupied",
                "short_stay_occupied",
                "long_stay_occupied",
            )
        ),
        sa.Column("on_call_email", sa.String(320), nullable=False, server_default=""),
        sa.Column("on_call_phone", sa.String(40), nullable=False, server_default=""),
        _at("updated_at"),
        sa.UniqueConstraint("organisation_id", "name"),
    )
    op.create_table(
        "ckg_referral",
        _id(),
        _tenant(),
        sa.Column(
            "organisation_id",
            sa.Uuid(),
            sa.ForeignKey("organisation.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("urgency", sa.String(10), nullable=False, index=True),
        sa.Column("requested_offer", sa.String(20), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("concern_summary", sa.String(1000), nullable=False),
        sa.Column("referrer_user_id", sa.Uuid(), sa.ForeignKey("user_account.id")),
        sa.Column("referrer_kind", sa.String(20), nullable=False),
        sa.Column("referrer_organisation_id", sa.Uuid(), sa.ForeignKey("organisation.id")),
        sa.Column("route", sa.String(10), nullable=False),
        sa.Column("access_gate_reference", sa.String(100), nullable=False),
        sa.Column("groeipakket_notice_given", sa.Boolean(), nullable=False),
        sa.Column("consent", sa.String(12), nullable=False),
        sa.Column("consent_override_reason", sa.String(10), nullable=False),
        sa.Column("consent_explanation", sa.String(500), nullable=False),
        _at("consent_recorded_at", nullable=True),
        sa.Column("family_user_id", sa.Uuid(), sa.ForeignKey("user_account.id")),
        sa.Column("family_email", sa.String(320), nullable=False),
        sa.Column("intake_on", sa.Date()),
        sa.Column("accepted_offer", sa.String(20), nullable=False),
        sa.Column("antenna_id", sa.Uuid(), sa.ForeignKey("ckg_antenna.id"), index=True),
        sa.Column("starts_on", sa.Date()),
        sa.Column("redirected_to", sa.String(100), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("message_to_referrer", sa.String(1000), nullable=False),
        _at("message_updated_at", nullable=True),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("loket_request_id", sa.String(64), nullable=False),
        _at("created_at"),
        _at("submitted_at", nullable=True),
        _at("closed_at", nullable=True),
        _at("anonymised_at", nullable=True),
    )
    op.create_table(
        "ckg_family_member",
        _id(),
        _tenant(),
        _referral(),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("relation", sa.String(30), nullable=False),
        sa.Column("birth_date", sa.Date()),
        sa.Column("expected_birth", sa.Date()),
    )
    op.create_table(
        "ckg_status_change",
        _id(),
        _tenant(),
        _referral(),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        _at("at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
    )
    op.create_table(
        "ckg_case_note",
        _id(),
        _tenant(),
        _referral(),
        _at("at"),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("body", sa.String(2000), nullable=False),
    )
    op.create_table(
        "ckg_access_log",
        _id(),
        _tenant(),
        _referral(),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
        op.drop_table(table)
    op.drop_table("ckg_antenna")
