"""Comparing what the migrations built with what the models declare (Alembic's autogenerate)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from core.db import TenantScoped
from core.plugins import PluginRegistry
from core.rls import RLS_SCHEMA


def import_every_module(package_names: Iterable[str]) -> None:
    """Import each module of these packages, so every model is in ``SQLModel.metadata`` — also
    those that are imported only inside a function. Migration files are not modules to import."""
    for package_name in package_names:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if ".migrations" in info.name or info.name.endswith("__main__"):
                continue
            importlib.import_module(info.name)


def platform_packages(registry: PluginRegistry) -> list[str]:
    """The core and the package of every installed plugin (``plugins.loket.plugin`` →
    ``plugins.loket``)."""
    packages = ["core"]
    for name in registry.names:
        module = registry.plugin(name).__name__
        packages.append(module.rpartition(".")[0] or module)
    return packages


def model_metadata(package_names: Iterable[str]) -> sa.MetaData:
    """The tables of the models defined in these packages, in a metadata of their own.

    ``SQLModel.metadata`` also holds what tests define (the probe plugin's tables); those come
    with their own test migrations and are not part of what ``db upgrade`` builds here.
    """
    packages = tuple(package_names)
    import_every_module(packages)
    owned: set[str] = set()
    for mapper in SQLModel._sa_registry.mappers:
        module = mapper.class_.__module__
        if any(module == package or module.startswith(f"{package}.") for package in packages):
            owned.add(mapper.local_table.name)
    metadata = sa.MetaData()
    for table in SQLModel.metadata.sorted_tables:
        if table.name in owned:
            table.to_metadata(metadata)
    return metadata


def tenant_tables(metadata: sa.MetaData) -> set[str]:
    """Tables of models that inherit :class:`core.db.TenantScoped`."""
    return {
        mapper.local_table.name
        for mapper in SQLModel._sa_registry.mappers
        if issubclass(mapper.class_, TenantScoped)
    } & set(metadata.tables)


def bookkeeping(object_, name, type_, reflected, compare_to) -> bool:
    """``include_object``: leave out what exists in the database without a model, by design.

    * ``alembic_version`` and ``<plugin>_alembic_version``: Alembic's record of the revision of
      each migration target (core.migrator.alembic_config), not application data.
    * the tables of the ``tenant_rls`` schema (the row-level security key, core.rls): the database
      keeps the key where only the owner reads it; no model may map it. Only the default schema is
      compared anyway; this holds should someone compare every schema.

    Everything else counts: a table without a model, or a model without a table, is a difference.
    """
    if type_ == "table" and reflected and compare_to is None:
        if name == "alembic_version" or name.endswith("_alembic_version"):
            return False
        if object_.schema == RLS_SCHEMA:
            return False
    return True


def schema_differences(
    url: str, metadata: sa.MetaData, include_object: Callable = bookkeeping
) -> list:
    """``compare_metadata`` between the database at ``url`` and ``metadata``, types included.

    Server defaults are not compared: the models fill defaults in Python (``default=``,
    ``default_factory=``), while migrations add a ``server_default`` only so that a new non-null
    column can fill the rows that already exist. Row-level security is not something
    autogenerate sees; the tests check it separately.
    """
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "compare_server_default": False,
                    "include_schemas": False,
                    "include_object": include_object,
                },
            )
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def describe(differences: list) -> str:
    """One line per difference, saying which side has what ("model" is the metadata)."""
    return "\n".join(f"  - {_describe(difference)}" for difference in _flatten(differences))


def _flatten(differences: list):
    for difference in differences:
        # Column changes come grouped per column, as a list of tuples.
        if isinstance(difference, list):
            yield from difference
        else:
            yield difference


def _columns(item) -> str:
    return ", ".join(column.name for column in item.columns)


def _describe(difference: tuple) -> str:
    kind = difference[0]
    if kind in {"add_table", "remove_table"}:
        table = difference[1]
        where = "in the models only" if kind == "add_table" else "in the migrations only"
        return f"table {table.name}: {where}"
    if kind in {"add_column", "remove_column"}:
        _, _schema, table, column = difference
        where = "in the models only" if kind == "add_column" else "in the migrations only"
        return f"column {table}.{column.name} ({column.type}, nullable={column.nullable}): {where}"
    if kind in {"add_index", "remove_index"}:
        index = difference[1]
        where = "in the models only" if kind == "add_index" else "in the migrations only"
        return (
            f"index {index.name} on {index.table.name}({_columns(index)})"
            f" unique={bool(index.unique)}: {where}"
        )
    if kind in {"add_constraint", "remove_constraint", "add_fk", "remove_fk"}:
        constraint = difference[1]
        where = "in the models only" if kind.startswith("add") else "in the migrations only"
        target = ""
        if isinstance(constraint, sa.ForeignKeyConstraint):
            target = f" -> {constraint.referred_table.name}"
        return (
            f"{type(constraint).__name__} {constraint.name or '(unnamed)'} on"
            f" {constraint.table.name}({', '.join(constraint.columns.keys())}){target}: {where}"
        )
    if kind.startswith("modify_"):
        _, _schema, table, column, _existing, in_database, in_model = difference
        what = kind.removeprefix("modify_")
        return f"{what} of {table}.{column}: migrations {in_database!r}, models {in_model!r}"
    return repr(difference)
