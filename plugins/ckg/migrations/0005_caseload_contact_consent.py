"""A caseload the CKG works from, contact with the family and the referrer, and consent the
family controls, and an erasure held while a case is in guidance, a short stay's planned end (issue 17).

Revision ID: ckg_0005
Revises: ckg_0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "ckg_0005"
down_revision = "ckg_0004"
branch_labels = None
depends_on = None

TEXT_COLUMNS = (
    ("family_phone", 40),
    ("family_address", 200),
    ("family_language", 40),
    ("referrer_name", 100),
    ("referrer_organisation_name", 100),
    ("referrer_phone", 40),
)


def upgrade() -> None:
    with op.batch_alter_table("ckg_referral") as batch:
        batch.add_column(sa.Column("assigned_user_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_ckg_referral_assigned_user", "user_account", ["assigned_user_id"], ["id"]
        )
        batch.create_index("ix_ckg_referral_assigned_user_id", ["assigned_user_id"])
        for name, length in TEXT_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("interpreter_needed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("consent_withdrawn_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("network_consent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("erasure_requested_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("stay_planned_end", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ckg_referral") as batch:
        batch.drop_column("stay_planned_end")
        batch.drop_column("erasure_requested_at")
        batch.drop_column("network_consent_at")
        batch.drop_column("consent_withdrawn_at")
        batch.drop_column("interpreter_needed")
        for name, _length in reversed(TEXT_COLUMNS):
            batch.drop_column(name)
        batch.drop_index("ix_ckg_referral_assigned_user_id")
        batch.drop_constraint("fk_ckg_referral_assigned_user", type_="foreignkey")
        batch.drop_column("assigned_user_id")
