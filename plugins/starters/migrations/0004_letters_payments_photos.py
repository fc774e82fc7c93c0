"""Decision letters, the second approval (four eyes) and payment follow-up of a decision, and
photos of buildings (issue 21). Buildings can be withdrawn: a status value, no new column.

Revision ID: starters_0004
Revises: starters_0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "starters_0004"
down_revision = "starters_0003"
branch_labels = None
depends_on = None

TABLES = ("starters_building_photo", "starters_decision_letter")
DECISION_COLUMNS = (
    ("decided_by_user_id", sa.Uuid(), None),
    ("second_approved_by", sa.String(200), ""),
    ("second_approved_by_user_id", sa.Uuid(), None),
    ("second_approved_at", sa.DateTime(timezone=True), None),
    ("payment_status", sa.String(12), ""),
    ("payment_requested_on", sa.Date(), None),
    ("paid_on", sa.Date(), None),
    ("recovered_on", sa.Date(), None),
    ("payment_note", sa.String(1000), ""),
)


def _owned_table(name: str, owner_column: str, owner_table: str, *columns) -> None:
    op.create_table(
        name,
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(owner_column, sa.Uuid(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint([owner_column], [f"{owner_table}.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f(f"ix_{name}_{owner_column}"), name, [owner_column], unique=False)
    op.create_index(op.f(f"ix_{name}_tenant_id"), name, ["tenant_id"], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("starters_requested_measure") as batch:
        for column, kind, default in DECISION_COLUMNS:
            batch.add_column(
                sa.Column(
                    column,
                    kind,
                    nullable=default is None,
                    server_default=default if default is not None else None,
                )
            )
    _owned_table(
        "starters_building_photo",
        "building_id",
        "starters_building",
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(50), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("caption", sa.String(200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    _owned_table(
        "starters_decision_letter",
        "application_id",
        "starters_application",
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    for table in TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TABLES):
        disable_tenant_rls(table)
        op.drop_table(table)
    with op.batch_alter_table("starters_requested_measure") as batch:
        for column, _kind, _default in reversed(DECISION_COLUMNS):
            batch.drop_column(column)
