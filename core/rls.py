"""PostgreSQL row-level security for tenant tables — the second wall behind ORM scoping.

Migrations call :func:`enable_tenant_rls` for every table with a ``tenant_id``. The policy admits a
row only when its tenant equals ``app.tenant_id``, which the application sets per transaction, or
when the audited platform escape hatch set ``app.cross_tenant``. ``FORCE`` makes it hold for the
table owner too; the application connects as a role that owns nothing and so cannot disable it.
"""

from __future__ import annotations

from alembic import op

TENANT_MATCHES = (
    "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid"
    " OR current_setting('app.cross_tenant', true) = 'on'"
)


def tenant_rls_statements(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {table}"
        f" USING ({TENANT_MATCHES}) WITH CHECK ({TENANT_MATCHES})",
    ]


def enable_tenant_rls(table: str) -> None:
    """Call from a migration right after creating a tenant-owned table."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in tenant_rls_statements(table):
        op.execute(statement)


def disable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
