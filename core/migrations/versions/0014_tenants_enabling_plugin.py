"""Which municipalities enable a module, in one query (``tenants_enabling(plugin)``).

Which modules a municipality uses is public (its menu shows them), yet ``tenant_plugin`` is a
tenant table behind row-level security: the application role sees one tenant's switches at a
time, and listing the municipalities that enable a module cost one query per municipality. This
``SECURITY DEFINER`` function, owned by the table owner, returns only the ids of the tenants
whose switch is on, nothing else of the table.

Revision ID: 0014_tenants_enabling_plugin
Revises: 0013_regional_figure_snapshot
Create Date: 2026-12-03
"""

from alembic import op

from core.rls import TENANTS_ENABLING_FUNCTION, tenants_enabling_statement

revision = "0014_tenants_enabling_plugin"
down_revision = "0013_regional_figure_snapshot"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(tenants_enabling_statement())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP FUNCTION IF EXISTS public.{TENANTS_ENABLING_FUNCTION}(text)")
