"""The training plugin's tables: programmes, cohorts, candidates, timeline, info sessions, courses.

Revision ID: training_0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "training_0001"
down_revision = None
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "training_programme",
    "training_cohort",
    "training_candidate",
    "training_timeline",
    "training_loket_handoff",
    "training_info_session",
    "training_info_registration",
    "training_course",
    "training_course_signup",
)


def _id() -> sa.Column:
    return sa.Column("id", sa.Uuid(), primary_key=True)


def _tenant() -> sa.Column:
    return sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True)


def _organisation() -> sa.Column:
    return sa.Column(
        "organisation_id", sa.Uuid(), sa.ForeignKey("organisation.id"), nullable=True, index=True
    )


def _reference(name: str, table: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Uuid(), sa.ForeignKey(f"{table}.id"), nullable=nullable, index=True)


def _at(name: str, nullable: bool = False, index: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, index=index)


def _text(name: str, length: int, index: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False, server_default="", index=index)


def _number(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False, server_default="0")


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())


def upgrade() -> None:
    op.create_table(
        "training_programme",
        _id(),
        _tenant(),
        _organisation(),
        _text("name", 200),
        _text("qualification", 20),
        _text("description", 1000),
        _at("created_at"),
    )
    op.create_table(
        "training_cohort",
        _id(),
        _tenant(),
        _reference("programme_id", "training_programme"),
        _organisation(),
        _text("name", 200),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        _text("schedule", 10),
        _text("location", 200),
        _number("capacity"),
        _number("required_internship_hours"),
        _number("modules_total"),
        _at("created_at"),
    )
    op.create_table(
        "training_candidate",
        _id(),
        _tenant(),
        _organisation(),
        _reference("cohort_id", "training_cohort", nullable=True),
        _reference("user_id", "user_account", nullable=True),
        _text("given_name", 100),
        _text("family_name", 100),
        _text("email", 320, index=True),
        _text("phone", 40),
        _text("interest", 20),
        _flag("contact_consent"),
        _text("stage", 30, index=True),
        _text("furthest_stage", 30),
        _text("intake_outcome", 20),
        _text("intake_reasons", 500),
        _flag("needs_childcare"),
        _number("modules_passed"),
        _number("internship_hours"),
        sa.Column("placement_location_id", sa.Uuid(), nullable=True),
        _text("placement_name", 200),
        _text("employer", 200),
        _flag("employed_in_region"),
        _text("dropout_reason", 30),
        _text("dropout_note", 500),
        _text("source", 20),
        _at("created_at"),
        _at("stage_changed_at"),
        sa.Column("graduated_on", sa.Date(), nullable=True),
    )
    op.create_table(
        "training_timeline",
        _id(),
        _tenant(),
        _reference("candidate_id", "training_candidate"),
        _at("at"),
        _text("actor", 200),
        _text("kind", 20),
        _text("from_stage", 30),
        _text("to_stage", 30),
        _text("detail", 500),
        _text("reason", 500),
    )
    op.create_table(
        "training_loket_handoff",
        _id(),
        _tenant(),
        _reference("candidate_id", "training_candidate"),
        _at("consent_recorded_at"),
        _text("recorded_by", 200),
        _text("shared_fields", 500),
        _text("loket_request_id", 64),
        _at("answered_at", nullable=True),
    )
    op.create_table(
        "training_info_session",
        _id(),
        _tenant(),
        _organisation(),
        _text("kind", 20),
        _at("starts_at", index=True),
        _text("location", 200),
        _number("capacity"),
        _at("created_at"),
    )
    op.create_table(
        "training_info_registration",
        _id(),
        _tenant(),
        _reference("info_session_id", "training_info_session"),
        _reference("candidate_id", "training_candidate"),
        _text("status", 10, index=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True, index=True),
        _at("registered_at"),
        _at("cancelled_at", nullable=True),
        _at("reminded_at", nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
    )
    op.create_table(
        "training_course",
        _id(),
        _tenant(),
        _organisation(),
        _text("title", 200),
        _text("description", 1000),
        _at("starts_at", index=True),
        _text("location", 200),
        _number("capacity"),
        _at("created_at"),
    )
    op.create_table(
        "training_course_signup",
        _id(),
        _tenant(),
        _reference("course_id", "training_course"),
        _reference("user_id", "user_account", nullable=True),
        _text("given_name", 100),
        _text("family_name", 100),
        _text("email", 320, index=True),
        _text("employer", 200),
        _text("status", 10, index=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True, index=True),
        _at("registered_at"),
        _at("cancelled_at", nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
        op.drop_table(table)
