"""A throw-away plugin whose migration uses core.migration_kit, as a plugin author would.

``kit_case`` and ``kit_visit`` have models here, to compare the helper's tables with what
``TenantScoped`` models declare. ``kit_signing_key`` and ``kit_outbox_message`` repeat, through
the helper, core tables whose migrations were written by hand (0008 and 0003), to compare the
two. Registered by the tests only.

The models live in a registry of their own: tests that walk every model of the platform (the
route probe) must not find tables that only the kit tests migrate.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field

from core.db import TenantScoped, new_id, utcnow
from core.hookspecs import hookimpl
from core.plugin_types import PluginManifest

MANIFEST = PluginManifest(
    name="kit", title_nl="Bouwdoos", title_en="Kit", migrations="kit_migrations"
)
# The helper's copy of a hand-written table: its name, and the original's.
COPIES = {"kit_signing_key": "tenant_signing_key", "kit_outbox_message": "outbox_message"}
MODEL_TABLES = ("kit_case", "kit_visit")


class KitModel(TenantScoped, registry=registry()):
    """A tenant-owned model of the kit plugin, mapped outside the platform's registry."""


class KitCase(KitModel, table=True):
    __tablename__ = "kit_case"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "reference"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    reference: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class KitVisit(KitModel, table=True):
    __tablename__ = "kit_visit"
    __table_args__ = (sa.Index("ix_kit_visit_tenant_id_planned_at", "tenant_id", "planned_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    case_id: uuid.UUID = Field(foreign_key="kit_case.id", index=True)
    status: str = Field(max_length=20, index=True)
    note: str = Field(default="", max_length=500)
    planned_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    done_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


@hookimpl
def plugin_manifest():
    return MANIFEST
