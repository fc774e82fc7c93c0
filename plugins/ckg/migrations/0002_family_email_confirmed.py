"""When the family confirmed the e-mail address the referrer typed (issue 12: verified e-mail).

Revision ID: ckg_0002
Revises: ckg_0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "ckg_0002"
down_revision = "ckg_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Addresses typed before this revision were never confirmed: they grant nothing until they are.
    with op.batch_alter_table("ckg_referral") as batch:
        batch.add_column(
            sa.Column("family_email_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("ckg_referral") as batch:
        batch.drop_column("family_email_confirmed_at")
