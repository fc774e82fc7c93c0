"""Contact persons invited by mail to act for their member in a network, and actions a partner
municipality adds to the owner's regional meeting (issue 21).

Revision ID: networks_0003
Revises: networks_0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "networks_0003"
down_revision = "networks_0002"
branch_labels = None
depends_on = None

TABLE = "networks_contact_invitation"


def _ref(name: str, table: str) -> sa.Column:
    return sa.Column(name, sa.Uuid(), sa.ForeignKey(f"{table}.id"), nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        _ref("member_id", "networks_member"),
        _ref("contact_id", "networks_contact"),
        # No foreign key: email_confirmation is a later core table (0010) that core migrations
        # may drop on a downgrade without knowing the plugins that point at it.
        sa.Column("confirmation_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
    )
    enable_tenant_rls(TABLE)
    # An action a partner municipality adds has no member of the owner's network as owner.
    with op.batch_alter_table("networks_action") as batch:
        batch.alter_column("owner_member_id", existing_type=sa.Uuid(), nullable=True)
        batch.add_column(sa.Column("partner_tenant_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_networks_action_partner_tenant_id", "tenant", ["partner_tenant_id"], ["id"]
        )
        batch.create_index("ix_networks_action_partner_tenant_id", ["partner_tenant_id"])


def downgrade() -> None:
    with op.batch_alter_table("networks_action") as batch:
        batch.drop_index("ix_networks_action_partner_tenant_id")
        batch.drop_constraint("fk_networks_action_partner_tenant_id", type_="foreignkey")
        batch.drop_column("partner_tenant_id")
        batch.alter_column("owner_member_id", existing_type=sa.Uuid(), nullable=False)
    disable_tenant_rls(TABLE)
    op.drop_table(TABLE)
