"""A bench-only plugin: one tenant-scoped table and one page that lists its newest rows.

It is registered on the plugin manager by the benchmarks only (never through an entry point), so
the measured page exercises the core — tenant resolution, the plugin gate, ORM scoping and the
page shell — and nothing of the real plugins.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint
from sqlmodel import Field, select

from core.db import TenantScoped, new_id, utcnow
from core.hookspecs import hookimpl
from core.plugin_types import MenuItem, PluginManifest
from core.rendering import render
from core.web import db_session

NAME = "bench"
NEWEST_COUNT = 20
MANIFEST = PluginManifest(
    name=NAME,
    title_nl="Meetmodule",
    title_en="Benchmark module",
    blueprints=("bench.plugin:blueprint",),
)


class BenchItem(TenantScoped, table=True):
    """A tenant's row; the page shows the newest ones."""

    __tablename__ = "bench_item"
    # "Newest rows of one tenant" must be an index range scan, as a real plugin would index it;
    # without it every page sorts all 10 000 rows of the tenant and we would measure SQLite.
    __table_args__ = (sa.Index("ix_bench_item_tenant_created", "tenant_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    title: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


def newest_items_query():
    """The page's query, unscoped: the session (or the caller) adds the tenant."""
    return select(BenchItem).order_by(BenchItem.created_at.desc()).limit(NEWEST_COUNT)


blueprint = Blueprint(NAME, __name__, url_prefix="/bench", template_folder="templates")


@blueprint.get("/")
def newest_items():
    items = db_session().exec(newest_items_query()).all()
    return render("bench/items.html", items=items, block="items")


@hookimpl
def plugin_manifest():
    return MANIFEST


@hookimpl
def menu_items(tenant, user):
    # A menu entry makes the page shell call the per-tenant hook path like a real plugin does.
    return [MenuItem(label="Meetmodule", endpoint=f"{NAME}.newest_items", order=5)]
