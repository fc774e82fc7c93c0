"""A family's language for a conversation with the counter, apart from the language of the
platform's e-mails (issue 19: the loket offered Turkish or Arabic and then changed nothing).

A request that named a language the platform does not speak keeps it as its contact language
and gets e-mails in Dutch again (it already did: the mail fell back to Dutch).

Revision ID: loket_0010
Revises: loket_0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "loket_0010"
down_revision = "loket_0009"
branch_labels = None
depends_on = None

INTERFACE_LANGUAGES = ("nl", "en")


def _see_every_tenant() -> None:
    # Row-level security is forced for the owner too; a data migration works across tenants.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT set_config('app.cross_tenant', 'on', true)")


def upgrade() -> None:
    _see_every_tenant()
    with op.batch_alter_table("loket_request") as batch:
        batch.add_column(
            sa.Column("contact_language", sa.String(10), nullable=False, server_default="")
        )
    request = sa.table(
        "loket_request", sa.column("language", sa.String), sa.column("contact_language", sa.String)
    )
    op.execute(request.update().values(contact_language=request.c.language))
    op.execute(
        request.update().where(request.c.language.not_in(INTERFACE_LANGUAGES)).values(language="nl")
    )


def downgrade() -> None:
    # The contact language was the only language before: it comes back where it said more.
    _see_every_tenant()
    request = sa.table(
        "loket_request", sa.column("language", sa.String), sa.column("contact_language", sa.String)
    )
    op.execute(
        request.update()
        .where(request.c.contact_language.not_in(("", *INTERFACE_LANGUAGES)))
        .values(language=request.c.contact_language)
    )
    with op.batch_alter_table("loket_request") as batch:
        batch.drop_column("contact_language")
