"""Which identity providers may say who works for a partner organisation (platform level).

Revision ID: 0007_organisation_trust
Revises: 0006_rls_second_wall
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_organisation_trust"
down_revision = "0006_rls_second_wall"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_provider",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Uuid(),
            sa.ForeignKey("organisation.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("issuer", sa.String(500), nullable=False, index=True),
        sa.Column("claim", sa.String(200), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("organisation_id", "issuer", "claim", "value"),
    )
    # Memberships recorded before this revision came from tenant-chosen claims, which any tenant
    # admin could shape: none of them is trusted. The next sign-in re-establishes the real ones.
    op.execute("DELETE FROM organisation_member")


def downgrade() -> None:
    op.drop_table("organisation_provider")
