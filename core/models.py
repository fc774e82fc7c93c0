"""The core's tables: tenants, their hosts and plugins, and the audit logs."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from core.db import TenantScoped, new_id, utcnow


class Tenant(SQLModel, table=True):
    """A municipality (gemeente). Not tenant-scoped: it *is* the tenant."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    slug: str = Field(max_length=63, sa_column_kwargs={"unique": True}, index=True)
    name: str = Field(max_length=200)
    active: bool = True
    contact_email: str = Field(default="", max_length=320)
    # Municipalities that work together (a province, a regional cooperation) share one name here.
    region: str = Field(default="", max_length=100)
    theme: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    identity_providers: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Sent mail (it names people and their requests) is deleted this many days after queueing.
    mail_retention_days: int = Field(default=30, sa_column_kwargs={"server_default": "30"})
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class TenantHost(SQLModel, table=True):
    """A host name that resolves to a tenant (without port, lower case)."""

    __tablename__ = "tenant_host"

    host: str = Field(primary_key=True, max_length=253)
    tenant_id: uuid.UUID = Field(foreign_key="tenant.id", index=True)


class TenantPlugin(TenantScoped, table=True):
    """Whether a plugin is enabled for a tenant, and the tenant's values for its settings."""

    __tablename__ = "tenant_plugin"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "plugin"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    plugin: str = Field(max_length=63)
    enabled: bool = False
    settings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class AuditEntry(TenantScoped, table=True):
    """Append-only record of who did what in a tenant."""

    __tablename__ = "audit_entry"
    __append_only__ = True

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), index=True)
    actor: str = Field(max_length=200)
    # The person the actor acted for (staff registering a parent's request by phone), as
    # :func:`core.audit.person` names them; empty when the actor acted for themselves.
    on_behalf_of: str = Field(default="", max_length=200)
    action: str = Field(max_length=100, index=True)
    object_type: str = Field(default="", max_length=100)
    object_id: str = Field(default="", max_length=100)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    request_id: str = Field(default="", max_length=64)


class PlatformAuditEntry(SQLModel, table=True):
    """Append-only record of platform-level actions, including every cross-tenant access."""

    __tablename__ = "platform_audit_entry"
    __append_only__ = True

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), index=True)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=100)
    target_tenant_id: uuid.UUID | None = Field(default=None)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    request_id: str = Field(default="", max_length=64)


class RegionalFigureSnapshot(TenantScoped, table=True):
    """One municipality's monitoring figure as last computed by the ``core.regional-figures``
    job: aggregated, non-personal values only, so the regional page reads every municipality's
    figures in one query instead of running each module's figures per municipality."""

    __tablename__ = "regional_figure_snapshot"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "key"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    key: str = Field(max_length=100)
    value: float
    # A count stays a whole number on the page and in the export (4, not 4.0).
    whole: bool = True
    combine: str = Field(default="sum", max_length=10)
    # ``{locale: [label, unit]}`` in each interface language, rendered when computed: the
    # module's catalog may not be at hand where the page is read.
    labels: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    computed_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class TenantLogo(TenantScoped, table=True):
    """A municipality's logo as the platform re-drew it (PNG); ``version`` is in its address, so
    a new logo gets a new address and browsers may keep each one for good."""

    __tablename__ = "tenant_logo"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    version: str = Field(max_length=32, index=True)
    data: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
