"""Each tenant's key pair for private_key_jwt client authentication (RFC 7523).

Revision ID: 0008_tenant_signing_keys
Revises: 0007_organisation_trust
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

revision = "0008_tenant_signing_keys"
down_revision = "0007_organisation_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenant_signing_key",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        # Sealed with core.crypto (AES-GCM, bound to the tenant and the key id).
        sa.Column("private_key_sealed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("tenant_id", "kid"),
    )
    enable_tenant_rls("tenant_signing_key")


def downgrade() -> None:
    disable_tenant_rls("tenant_signing_key")
    op.drop_table("tenant_signing_key")
