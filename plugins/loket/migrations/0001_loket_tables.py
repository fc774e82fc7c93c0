"""The loket's tables: locations, places, requests, rule packs, rounds, proposals, info sessions.

Revision ID: loket_0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "loket_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "loket_info_session",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_loket_info_session_tenant_id"), "loket_info_session", ["tenant_id"], unique=False
    )
    op.create_table(
        "loket_location",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=False),
        sa.Column("municipality", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("tariff", sa.String(20), nullable=False),
        sa.Column("opening_days", sa.JSON(), nullable=False),
        sa.Column("day_parts", sa.JSON(), nullable=False),
        sa.Column("care_needs", sa.JSON(), nullable=False),
        sa.Column("participates", sa.Boolean(), nullable=False),
        sa.Column("import_key", sa.String(220), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_organisation_id"],
            ["organisation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "import_key"),
    )
    op.create_index(
        op.f("ix_loket_location_provider_organisation_id"),
        "loket_location",
        ["provider_organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_loket_location_tenant_id"), "loket_location", ["tenant_id"], unique=False
    )
    op.create_table(
        "loket_request",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("parent_user_id", sa.Uuid(), nullable=True),
        sa.Column("parent_name", sa.String(200), nullable=False),
        sa.Column("parent_email", sa.String(320), nullable=False),
        sa.Column("parent_phone", sa.String(40), nullable=False),
        sa.Column("child_first_name", sa.String(100), nullable=False),
        sa.Column("child_last_name", sa.String(100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("expected_birth_date", sa.Date(), nullable=True),
        sa.Column("desired_start", sa.Date(), nullable=True),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("care_needs", sa.JSON(), nullable=False),
        sa.Column("situation", sa.JSON(), nullable=False),
        sa.Column("area", sa.String(100), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("proof_checked", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_user_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_loket_request_parent_user_id"), "loket_request", ["parent_user_id"], unique=False
    )
    op.create_index(op.f("ix_loket_request_status"), "loket_request", ["status"], unique=False)
    op.create_index(
        op.f("ix_loket_request_tenant_id"), "loket_request", ["tenant_id"], unique=False
    )
    op.create_table(
        "loket_rule_pack",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "version"),
    )
    op.create_index(
        op.f("ix_loket_rule_pack_tenant_id"), "loket_rule_pack", ["tenant_id"], unique=False
    )
    op.create_table(
        "loket_free_place",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("age_group", sa.String(20), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("held_back", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("emergency_taken", sa.Integer(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by", sa.String(200), nullable=False),
        sa.CheckConstraint(
            "emergency_taken >= 0 AND emergency_taken <= held_back", name="emergency_fits"
        ),
        sa.CheckConstraint("taken >= 0 AND taken + held_back <= places", name="regular_fits"),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["loket_location.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_loket_free_place_location_id"), "loket_free_place", ["location_id"], unique=False
    )
    op.create_index(
        op.f("ix_loket_free_place_tenant_id"), "loket_free_place", ["tenant_id"], unique=False
    )
    op.create_table(
        "loket_info_registration",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["loket_info_session.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "email"),
    )
    op.create_index(
        op.f("ix_loket_info_registration_session_id"),
        "loket_info_registration",
        ["session_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_loket_info_registration_tenant_id"),
        "loket_info_registration",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "loket_location_capacity",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("age_group", sa.String(20), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["loket_location.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("location_id", "age_group"),
    )
    op.create_index(
        op.f("ix_loket_location_capacity_location_id"),
        "loket_location_capacity",
        ["location_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_loket_location_capacity_tenant_id"),
        "loket_location_capacity",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "loket_preference",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["loket_location.id"],
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["loket_request.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "location_id"),
        sa.UniqueConstraint("request_id", "rank"),
    )
    op.create_index(
        op.f("ix_loket_preference_location_id"), "loket_preference", ["location_id"], unique=False
    )
    op.create_index(
        op.f("ix_loket_preference_request_id"), "loket_preference", ["request_id"], unique=False
    )
    op.create_index(
        op.f("ix_loket_preference_tenant_id"), "loket_preference", ["tenant_id"], unique=False
    )
    op.create_table(
        "loket_round",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("rule_pack_id", sa.Uuid(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_by", sa.String(200), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_pack_id"],
            ["loket_rule_pack.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_loket_round_rule_pack_id"), "loket_round", ["rule_pack_id"], unique=False
    )
    op.create_index(op.f("ix_loket_round_tenant_id"), "loket_round", ["tenant_id"], unique=False)
    op.create_table(
        "loket_proposal",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=True),
        sa.Column("rule_pack_id", sa.Uuid(), nullable=True),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("free_place_id", sa.Uuid(), nullable=False),
        sa.Column("preference_rank", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("rejection_reason", sa.String(40), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("provider_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parent_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["free_place_id"],
            ["loket_free_place.id"],
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["loket_location.id"],
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["loket_request.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["loket_round.id"],
        ),
        sa.ForeignKeyConstraint(
            ["rule_pack_id"],
            ["loket_rule_pack.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_loket_proposal_free_place_id"), "loket_proposal", ["free_place_id"], unique=False
    )
    op.create_index(
        op.f("ix_loket_proposal_location_id"), "loket_proposal", ["location_id"], unique=False
    )
    op.create_index(
        op.f("ix_loket_proposal_request_id"), "loket_proposal", ["request_id"], unique=False
    )
    op.create_index(
        op.f("ix_loket_proposal_round_id"), "loket_proposal", ["round_id"], unique=False
    )
    op.create_index(op.f("ix_loket_proposal_status"), "loket_proposal", ["status"], unique=False)
    op.create_index(
        op.f("ix_loket_proposal_tenant_id"), "loket_proposal", ["tenant_id"], unique=False
    )
    op.create_table(
        "loket_placement",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("free_place_id", sa.Uuid(), nullable=False),
        sa.Column("proposal_id", sa.Uuid(), nullable=True),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["free_place_id"],
            ["loket_free_place.id"],
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["loket_location.id"],
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["loket_proposal.id"],
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["loket_request.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id"),
    )
    op.create_index(
        op.f("ix_loket_placement_free_place_id"), "loket_placement", ["free_place_id"], unique=False
    )
    op.create_index(
        op.f("ix_loket_placement_location_id"), "loket_placement", ["location_id"], unique=False
    )
    op.create_index(
        op.f("ix_loket_placement_tenant_id"), "loket_placement", ["tenant_id"], unique=False
    )
    enable_tenant_rls("loket_info_session")
    enable_tenant_rls("loket_location")
    enable_tenant_rls("loket_request")
    enable_tenant_rls("loket_rule_pack")
    enable_tenant_rls("loket_free_place")
    enable_tenant_rls("loket_info_registration")
    enable_tenant_rls("loket_location_capacity")
    enable_tenant_rls("loket_preference")
    enable_tenant_rls("loket_round")
    enable_tenant_rls("loket_proposal")
    enable_tenant_rls("loket_placement")


def downgrade() -> None:
    disable_tenant_rls("loket_placement")
    op.drop_table("loket_placement")
    disable_tenant_rls("loket_proposal")
    op.drop_table("loket_proposal")
    disable_tenant_rls("loket_round")
    op.drop_table("loket_round")
    disable_tenant_rls("loket_preference")
    op.drop_table("loket_preference")
    disable_tenant_rls("loket_location_capacity")
    op.drop_table("loket_location_capacity")
    disable_tenant_rls("loket_info_registration")
    op.drop_table("loket_info_registration")
    disable_tenant_rls("loket_free_place")
    op.drop_table("loket_free_place")
    disable_tenant_rls("loket_rule_pack")
    op.drop_table("loket_rule_pack")
    disable_tenant_rls("loket_request")
    op.drop_table("loket_request")
    disable_tenant_rls("loket_location")
    op.drop_table("loket_location")
    disable_tenant_rls("loket_info_session")
    op.drop_table("loket_info_session")
