"""Dated internship hours a mentor confirms, the provider at the placement, and candidates'
documents with expiry, providers' vacancies and
cohort messages (issue 21).

Revision ID: training_0002
Revises: training_0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "training_0002"
down_revision = "training_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_vacancy",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column(
            "organisation_id",
            sa.Uuid(),
            sa.ForeignKey("organisation.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("hours_per_week", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    enable_tenant_rls("training_vacancy")
    with op.batch_alter_table("training_candidate") as batch:
        batch.add_column(sa.Column("placement_provider_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("hired_vacancy_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_training_candidate_hired_vacancy",
            "training_vacancy",
            ["hired_vacancy_id"],
            ["id"],
        )
        batch.create_foreign_key(
            "fk_training_candidate_placement_provider",
            "organisation",
            ["placement_provider_id"],
            ["id"],
        )
    op.create_table(
        "training_internship_hours",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column(
            "candidate_id",
            sa.Uuid(),
            sa.ForeignKey("training_candidate.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("worked_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(500), nullable=False, server_default=""),
        sa.Column("status", sa.String(10), nullable=False, server_default="pending", index=True),
        sa.Column("logged_by", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reject_reason", sa.String(500), nullable=False, server_default=""),
    )
    enable_tenant_rls("training_internship_hours")
    op.create_table(
        "training_document",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column(
            "candidate_id",
            sa.Uuid(),
            sa.ForeignKey("training_candidate.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("stored_name", sa.String(32), nullable=False),
        sa.Column("content_type", sa.String(50), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    enable_tenant_rls("training_document")
    op.create_table(
        "training_cohort_message",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column(
            "cohort_id", sa.Uuid(), sa.ForeignKey("training_cohort.id"), nullable=False, index=True
        ),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.String(4000), nullable=False),
        sa.Column("sent_by", sa.String(200), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    enable_tenant_rls("training_cohort_message")


def downgrade() -> None:
    disable_tenant_rls("training_cohort_message")
    op.drop_table("training_cohort_message")
    disable_tenant_rls("training_document")
    op.drop_table("training_document")
    disable_tenant_rls("training_internship_hours")
    op.drop_table("training_internship_hours")
    with op.batch_alter_table("training_candidate") as batch:
        batch.drop_constraint("fk_training_candidate_placement_provider", type_="foreignkey")
        batch.drop_column("placement_provider_id")
        batch.drop_constraint("fk_training_candidate_hired_vacancy", type_="foreignkey")
        batch.drop_column("hired_vacancy_id")
    disable_tenant_rls("training_vacancy")
    op.drop_table("training_vacancy")
