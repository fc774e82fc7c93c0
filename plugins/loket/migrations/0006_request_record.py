"""The request as a record: the online channel by its name, the last round's explanation for a
family without a place, and a location's contact for offers.

Revision ID: loket_0006
Revises: loket_0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "loket_0006"
down_revision = "loket_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loket_request") as batch:
        batch.add_column(sa.Column("round_explanation", sa.JSON(), nullable=True))
    with op.batch_alter_table("loket_location") as batch:
        batch.add_column(
            sa.Column("contact_phone", sa.String(length=40), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("contact_email", sa.String(length=320), nullable=False, server_default="")
        )
    op.execute("UPDATE loket_request SET origin = 'online' WHERE origin = 'parent'")


def downgrade() -> None:
    op.execute("UPDATE loket_request SET origin = 'parent' WHERE origin = 'online'")
    with op.batch_alter_table("loket_location") as batch:
        batch.drop_column("contact_email")
        batch.drop_column("contact_phone")
    with op.batch_alter_table("loket_request") as batch:
        batch.drop_column("round_explanation")
