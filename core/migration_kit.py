"""Helpers for Alembic migrations of the core and of plugins: tenant-owned tables in one call.

Every tenant-owned table starts with the same columns (``tenant_id`` from
:class:`core.db.TenantScoped`, the UUID ``id`` every such model declares) and has, on PostgreSQL,
the same row-level security policies (core.rls). Written by hand, every
migration repeats them and a forgotten index or policy goes unnoticed;
:func:`create_tenant_table` adds them, :func:`drop_tenant_table` takes them away again.

A plugin's migration (``plugins/<name>/migrations/0001_<name>_tables.py``)::

    import sqlalchemy as sa

    from core.migration_kit import create_tenant_table, drop_tenant_table, timestamp

    revision = "<name>_0001"
    down_revision = None


    def upgrade() -> None:
        create_tenant_table(
            "<name>_visit",
            sa.Column("family", sa.String(200), nullable=False),
            sa.Column("status", sa.String(20), nullable=False),
            sa.Column(
                "case_id", sa.Uuid(), sa.ForeignKey("<name>_case.id"), nullable=False, index=True
            ),
            timestamp("created_at"),
            timestamp("closed_at", nullable=True),
            sa.UniqueConstraint("tenant_id", "family"),
            indexes=["status"],
        )


    def downgrade() -> None:
        drop_tenant_table("<name>_visit")

for the model::

    class Visit(TenantScoped, table=True):
        __tablename__ = "<name>_visit"
        __table_args__ = (sa.UniqueConstraint("tenant_id", "family"),)

        id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
        family: str = Field(max_length=200)
        status: str = Field(max_length=20, index=True)
        case_id: uuid.UUID = Field(foreign_key="<name>_case.id", index=True)
        created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
        closed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))

Pass only your own columns: ``tenant_id`` and ``id`` come from the helper. Give
``nullable=False`` to every column whose field has no ``| None``: a model's field is not null
unless it may be ``None``, while an ``sa.Column`` is nullable unless told otherwise
(:func:`timestamp` is not null by default, like the field). A ``server_default`` is only needed
when a later migration adds a non-null column to a table that already has rows.
``tests/core/test_models_match_migrations.py`` checks after every change that the migrations of
the core and of every installed plugin build exactly what the models declare.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls

STANDARD_COLUMNS = ("tenant_id", "id")


def tenant_columns() -> list[sa.Column]:
    """The columns every tenant-owned table starts with, as :class:`core.db.TenantScoped` and the
    models' ``id`` field declare them: the owning tenant (indexed, never null) and a random UUID
    primary key (:func:`core.db.new_id`)."""
    return [
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenant.id"), nullable=False, index=True),
        sa.Column("id", sa.Uuid(), primary_key=True),
    ]


def timestamp(name: str, *, nullable: bool = False, index: bool = False) -> sa.Column:
    """A moment with its time zone, as a model's ``sa_type=sa.DateTime(timezone=True)`` field."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, index=index)


def index_name(table: str, columns: Sequence[str]) -> str:
    """The name SQLAlchemy gives a model's ``index=True`` column (``ix_<table>_<column>``); for
    several columns they are joined, which a model spells ``sa.Index("ix_<table>_<a>_<b>", ...)``."""
    return f"ix_{table}_{'_'.join(columns)}"


def create_tenant_table(
    name: str,
    *columns: sa.SchemaItem,
    indexes: Iterable[str | Sequence[str]] = (),
    **table_options,
) -> sa.Table:
    """Create the tenant-owned table ``name`` from within a migration's ``upgrade()``.

    ``columns`` are the table's own columns and constraints (``sa.Column``,
    ``sa.UniqueConstraint``, ``sa.CheckConstraint``, ...), exactly as for ``op.create_table``;
    :func:`tenant_columns` are added in front. ``indexes`` lists further indexes: a column name,
    or a tuple of names for one index over several columns, named by :func:`index_name`. (A
    column's own ``index=True`` works as well.) ``table_options`` go to ``op.create_table``.

    On PostgreSQL row-level security is switched on and forced, with the ``tenant_isolation``
    and ``owner_crossing`` policies of :func:`core.rls.tenant_rls_statements`;
    ``flask --app core db upgrade`` adds the platform role's policy after the migrations. On
    SQLite there is no row-level security; the ORM's tenant scoping is the only wall there.
    """
    given = {column.name for column in columns if isinstance(column, sa.Column)}
    standard = given & set(STANDARD_COLUMNS)
    if standard:
        raise ValueError(
            f"create_tenant_table({name!r}) adds {', '.join(sorted(standard))} itself;"
            " pass only the table's own columns"
        )
    extra = []
    for entry in indexes:
        names = (entry,) if isinstance(entry, str) else tuple(entry)
        extra.append(sa.Index(index_name(name, names), *names))
    table = op.create_table(name, *tenant_columns(), *columns, *extra, **table_options)
    enable_tenant_rls(name)
    return table


def drop_tenant_table(name: str) -> None:
    """Drop a table :func:`create_tenant_table` made, with its policies and indexes, from within
    a migration's ``downgrade()``."""
    disable_tenant_rls(name)
    op.drop_table(name)
