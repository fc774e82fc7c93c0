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


def enable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} USING ({TENANT_MATCHES}) WITH CHECK ({TENANT_MATCHES})"
    )


def disable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
