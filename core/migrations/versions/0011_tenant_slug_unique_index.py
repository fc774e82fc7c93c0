"""A tenant's slug is unique through one unique index, as the model declares it.

0001 made the slug unique with a constraint and indexed it a second time with a plain
``ix_tenant_slug``; the model (``unique`` and ``index`` on ``Tenant.slug``) declares a single
unique index ``ix_tenant_slug``. Two indexes on one column cost every tenant write for nothing.

No existing data can stop the upgrade: the constraint has refused a second tenant with the same
slug since 0001, and ``tenants sync`` finds tenants by their slug (one ``tenants/<slug>.toml``
per tenant). The unique index is built before the constraint goes, so the slug is never unguarded.

Revision ID: 0011_tenant_slug_unique_index
Revises: 0010_verified_email
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_tenant_slug_unique_index"
down_revision = "0010_verified_email"
branch_labels = None
depends_on = None

# SQLite keeps 0001's constraint without a name; batch mode reflects it under this one.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
# What PostgreSQL named 0001's constraint, and what the downgrade names it again.
OLD_CONSTRAINT = "tenant_slug_key"


def _slug_constraint() -> str:
    for constraint in sa.inspect(op.get_bind()).get_unique_constraints("tenant"):
        if constraint["column_names"] == ["slug"]:
            return constraint["name"] or NAMING["uq"] % {
                "table_name": "tenant",
                "column_0_name": "slug",
            }
    raise RuntimeError("tenant.slug has no unique constraint to replace")


def upgrade() -> None:
    constraint = _slug_constraint()
    op.drop_index("ix_tenant_slug", table_name="tenant")
    op.create_index("ix_tenant_slug", "tenant", ["slug"], unique=True)
    # On SQLite this rebuilds the table (data copied as is); on PostgreSQL it is one statement.
    with op.batch_alter_table("tenant", naming_convention=NAMING) as batch:
        batch.drop_constraint(constraint, type_="unique")


def downgrade() -> None:
    with op.batch_alter_table("tenant") as batch:
        batch.create_unique_constraint(OLD_CONSTRAINT, ["slug"])
    op.drop_index("ix_tenant_slug", table_name="tenant")
    op.create_index("ix_tenant_slug", "tenant", ["slug"])
