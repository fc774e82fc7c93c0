"""The starters plugin's tables: catalogue, applications and what belongs to them, buildings,
company agreements. Every table is a tenant table with row-level security.

Revision ID: starters_0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "starters_0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    "starters_application",
    "starters_building",
    "starters_company_agreement",
    "starters_measure",
    "starters_building_interest",
    "starters_document",
    "starters_information_request",
    "starters_licence_step",
    "starters_requested_measure",
    "starters_timeline",
)


def upgrade() -> None:
    op.create_table(
        "starters_application",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("applicant_user_id", sa.Uuid(), nullable=True),
        sa.Column("applicant_name", sa.String(200), nullable=False),
        sa.Column("applicant_email", sa.String(320), nullable=False),
        sa.Column("applicant_kind", sa.String(12), nullable=False),
        sa.Column("organisation_name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("facility_type", sa.String(30), nullable=False),
        sa.Column("planned_places", sa.Integer(), nullable=True),
        sa.Column("target_opening", sa.Date(), nullable=True),
        sa.Column("area", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("declaration_accepted", sa.Boolean(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["applicant_user_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_starters_application_applicant_user_id"),
        "starters_application",
        ["applicant_user_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_starters_application_status"), "starters_application", ["status"], unique=False
    )
    op.create_index(
        op.f("ix_starters_application_tenant_id"),
        "starters_application",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "starters_building",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("area_m2", sa.Integer(), nullable=False),
        sa.Column("suitable_places", sa.Integer(), nullable=False),
        sa.Column("rent_and_conditions", sa.String(1000), nullable=False),
        sa.Column("accessibility", sa.String(1000), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_starters_building_tenant_id"), "starters_building", ["tenant_id"], unique=False
    )
    op.create_table(
        "starters_company_agreement",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("facility_name", sa.String(200), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_starters_company_agreement_tenant_id"),
        "starters_company_agreement",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "starters_measure",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount_eur", sa.Integer(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("requires_loket_participation", sa.Boolean(), nullable=False),
        sa.Column("facility_types", sa.JSON(), nullable=False),
        sa.Column("min_places", sa.Integer(), nullable=True),
        sa.Column("max_places", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(200), nullable=False),
        sa.Column("required_documents", sa.JSON(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_starters_measure_kind"), "starters_measure", ["kind"], unique=False)
    op.create_index(
        op.f("ix_starters_measure_tenant_id"), "starters_measure", ["tenant_id"], unique=False
    )
    op.create_table(
        "starters_building_interest",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("building_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("message", sa.String(1000), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("outcome_note", sa.String(1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["starters_application.id"],
        ),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["starters_building.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("building_id", "application_id"),
    )
    op.create_index(
        op.f("ix_starters_building_interest_application_id"),
        "starters_building_interest",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_starters_building_interest_building_id"),
        "starters_building_interest",
        ["building_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_starters_building_interest_tenant_id"),
        "starters_building_interest",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "starters_document",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(50), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["starters_application.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_starters_document_application_id"),
        "starters_document",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_starters_document_tenant_id"), "starters_document", ["tenant_id"], unique=False
    )
    op.create_table(
        "starters_information_request",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("question", sa.String(1000), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_by", sa.String(200), nullable=False),
        sa.Column("answer", sa.String(5000), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["starters_application.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_starters_information_request_application_id"),
        "starters_information_request",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_starters_information_request_tenant_id"),
        "starters_information_request",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "starters_licence_step",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.String(30), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["starters_application.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "step"),
    )
    op.create_index(
        op.f("ix_starters_licence_step_application_id"),
        "starters_licence_step",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_starters_licence_step_tenant_id"),
        "starters_licence_step",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "starters_requested_measure",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("measure_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("amount_granted_eur", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["starters_application.id"],
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["starters_measure.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "measure_id"),
    )
    op.create_index(
        op.f("ix_starters_requested_measure_application_id"),
        "starters_requested_measure",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_starters_requested_measure_measure_id"),
        "starters_requested_measure",
        ["measure_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_starters_requested_measure_tenant_id"),
        "starters_requested_measure",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "starters_timeline",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["starters_application.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_starters_timeline_application_id"),
        "starters_timeline",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_starters_timeline_tenant_id"), "starters_timeline", ["tenant_id"], unique=False
    )
    for table in TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TABLES):
        disable_tenant_rls(table)
        op.drop_table(table)
