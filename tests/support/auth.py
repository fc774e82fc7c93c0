"""Signing a test client in as a given role without an identity provider.

Sign-in itself is tested end to end against real providers (tests/core/test_sign_in.py); the
other tests only need a session for a user with known roles.
"""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from core.identity.models import (
    Membership,
    Organisation,
    OrganisationGrant,
    OrganisationMember,
    User,
)
from core.identity.sessions import open_session
from core.identity.web import AUTH_KEY
from tests.support.apps import tenant_id


def make_user(
    app: Flask,
    subject: str,
    *,
    issuer: str = "https://idp.test",
    platform_admin: bool = False,
    email: str | None = None,
    email_verified: bool | None = None,
) -> User:
    """A user ``<subject>@example.be`` (or ``email``); new users' addresses count as proven by
    their provider unless ``email_verified=False``."""
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        user = db.exec(select(User).where(User.issuer == issuer, User.subject == subject)).first()
        if user is None:
            user = User(
                issuer=issuer, subject=subject, name=subject.title(), email=f"{subject}@example.be"
            )
            email_verified = True if email_verified is None else email_verified
        if email is not None:
            user.email = email
        if email_verified is not None:
            user.email_verified_via = "provider" if email_verified else ""
        user.is_platform_admin = platform_admin
        db.add(user)
    return user


def grant_roles(app: Flask, slug: str, user: User, roles: list[str]) -> None:
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, slug)) as db:
        membership = db.exec(select(Membership).where(Membership.user_id == user.id)).first()
        membership = membership or Membership(user_id=user.id, claim_roles=[])
        membership.roles = roles
        db.add(membership)


def make_partner(
    app: Flask, slug: str, user: User, organisation_slug: str, modules: list[str]
) -> None:
    database = app.extensions["opvangplein.db"]
    with database.tenant_session(None) as db:
        organisation = db.exec(
            select(Organisation).where(Organisation.slug == organisation_slug)
        ).first()
        if organisation is None:
            organisation = Organisation(
                slug=organisation_slug, name=organisation_slug.upper(), kind="ckg"
            )
            db.add(organisation)
            db.flush()
        db.add(OrganisationMember(organisation_id=organisation.id, user_id=user.id))
        organisation_id = organisation.id
    with database.tenant_session(tenant_id(app, slug)) as db:
        db.add(OrganisationGrant(organisation_id=organisation_id, modules=modules))


def sign_in(client, app: Flask, slug: str, user: User) -> None:
    """Give ``client`` a live sign-in session for ``user`` at tenant ``slug``."""
    tenant = tenant_id(app, slug)
    with app.extensions["opvangplein.db"].tenant_session(tenant) as db:
        token = open_session(db, user_id=user.id, provider="test", id_token="")
    with client.session_transaction() as session:
        tokens = dict(session.get(AUTH_KEY, {}))
        tokens[str(tenant)] = token
        session[AUTH_KEY] = tokens


def signed_in_as(client, app: Flask, slug: str, subject: str, roles: list[str]) -> User:
    user = make_user(app, subject)
    grant_roles(app, slug, user, roles)
    sign_in(client, app, slug, user)
    return user
