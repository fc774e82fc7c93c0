"""Users, partner organisations, memberships and sign-in sessions.

Users and organisations exist once on the platform; what they may do in a municipality is
tenant-owned (memberships, organisation grants, sessions) and isolated like every tenant row.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from core.db import TenantScoped, new_id, utcnow


def _timestamp(**kwargs):
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), **kwargs)


class User(SQLModel, table=True):
    """A person as (issuer, subject); name and e-mail come from the provider's claims."""

    __tablename__ = "user_account"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    issuer: str = Field(max_length=500)
    subject: str = Field(max_length=255)
    name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=320, index=True)
    # How the address was proven to be the user's: "provider" (its ``email_verified`` claim) or
    # "link" (they opened a single-use link mailed to it); empty when unproven. Nothing is
    # linked, granted or exported on an unproven address. A changed address is unproven again.
    email_verified_via: str = Field(default="", max_length=10)
    email_verified_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    is_platform_admin: bool = False
    created_at: datetime = _timestamp()
    last_sign_in_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # The interface language the user last chose; mail sent to them outside their request uses it.
    language: str = Field(default="nl", max_length=5)


class Organisation(SQLModel, table=True):
    """A partner organisation (CKG, school, childcare provider, company) serving many tenants."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    slug: str = Field(max_length=63, sa_column_kwargs={"unique": True}, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=30)


class OrganisationMember(SQLModel, table=True):
    """A user acts for an organisation (asserted by a provider trusted for that organisation)."""

    __tablename__ = "organisation_member"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "user_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)


class OrganisationProvider(SQLModel, table=True):
    """The platform trusts ``issuer`` to say who works for an organisation.

    Only these bindings, set by platform operators (``organisations.toml``), make anyone a member
    of an organisation; a tenant's own sign-in settings never can. With a ``claim``, an account
    is a member when the claim (a dotted path) equals ``value`` or is a list holding it; without
    one, every account of the issuer is (the organisation's own identity provider)."""

    __tablename__ = "organisation_provider"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "issuer", "claim", "value"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    issuer: str = Field(max_length=500, index=True)
    claim: str = Field(default="", max_length=200)
    value: str = Field(default="", max_length=200)
    created_at: datetime = _timestamp()


class OrganisationGrant(TenantScoped, table=True):
    """A tenant admin lets an organisation's members work in some of the tenant's modules."""

    __tablename__ = "organisation_grant"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "organisation_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    modules: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    granted_at: datetime = _timestamp()


class Membership(TenantScoped, table=True):
    """A user's roles in a tenant: granted by an admin, or mapped from the provider's claims."""

    __table_args__ = (sa.UniqueConstraint("tenant_id", "user_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    roles: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    claim_roles: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _timestamp()


class SignInSession(TenantScoped, table=True):
    """A sign-in at one tenant; the browser holds only a random id, stored here as a hash."""

    __tablename__ = "sign_in_session"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True}, index=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    provider: str = Field(max_length=63)
    id_token: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = _timestamp()
    last_seen_at: datetime = _timestamp()
    ended_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


# -- e-mail confirmations (after the models above; see core/identity/confirmations.py) ---------


class EmailConfirmation(TenantScoped, table=True):
    """A single-use link mailed to an address: only its hash is kept, it expires, it works once.

    ``purpose`` says what opening it does (``address``: the requester's own address is proven;
    ``invitation``: the opener receives the roles in ``payload``; plugins add their own, named
    ``<plugin>.<what>``). ``requested_by`` is the signed-in user who asked for it, if any.
    """

    __tablename__ = "email_confirmation"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True}, index=True)
    purpose: str = Field(max_length=50, index=True)
    email: str = Field(max_length=320)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    requested_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = _timestamp()
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    used_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    withdrawn_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
