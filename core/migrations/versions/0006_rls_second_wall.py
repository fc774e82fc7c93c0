"""Row-level security as a second wall: a tenant binding counts only with its proof.

Every table that has the ``tenant_isolation`` policy (core and plugin tables alike, whatever
migrated them) gets the policies of :func:`core.rls.tenant_rls_statements`; ``db upgrade`` then
stores the key and adds the platform role's policy (core.migrator).

Revision ID: 0006_rls_second_wall
Revises: 0005_user_language
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from core.rls import RLS_SCHEMA, TENANT_POLICIES, install_statements, tenant_rls_statements

revision = "0006_rls_second_wall"
down_revision = "0005_user_language"
branch_labels = None
depends_on = None

# The policy before this revision, restored by the downgrade.
OLD_TENANT_MATCHES = (
    "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid"
    " OR current_setting('app.cross_tenant', true) = 'on'"
)


def _tenant_tables() -> list[str]:
    return list(
        op.get_bind()
        .execute(
            sa.text(
                "SELECT DISTINCT tablename FROM pg_policies"
                " WHERE schemaname = 'public' AND policyname = 'tenant_isolation'"
                " ORDER BY tablename"
            )
        )
        .scalars()
    )


def _drop_policies(table: str) -> None:
    for policy in TENANT_POLICIES:
        op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in install_statements():
        op.execute(statement)
    for table in _tenant_tables():
        _drop_policies(table)
        for statement in tenant_rls_statements(table):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _tenant_tables():
        _drop_policies(table)
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table}"
            f" USING ({OLD_TENANT_MATCHES}) WITH CHECK ({OLD_TENANT_MATCHES})"
        )
    op.execute("DROP FUNCTION IF EXISTS public.rls_bound_tenant()")
    op.execute(f"DROP SCHEMA IF EXISTS {RLS_SCHEMA} CASCADE")
