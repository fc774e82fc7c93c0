"""Per request: who is signed in at this tenant, with which roles and permissions."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, session

from core.identity import oidc
from core.identity.access import can, permissions_of
from core.identity.current import current_identity
from core.identity.sessions import Lifetimes
from core.web import db_session, registry

AUTH_KEY = "auth"


def lifetimes() -> Lifetimes:
    settings = current_app.extensions["opvangplein.settings"]
    return Lifetimes(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )


def session_token(tenant_id) -> str | None:
    return session.get(AUTH_KEY, {}).get(str(tenant_id))


def remember_token(tenant_id, token: str) -> None:
    tokens = dict(session.get(AUTH_KEY, {}))
    tokens[str(tenant_id)] = token
    session[AUTH_KEY] = tokens


def forget_token(tenant_id) -> None:
    tokens = dict(session.get(AUTH_KEY, {}))
    if tokens.pop(str(tenant_id), None) is not None:
        session[AUTH_KEY] = tokens


def rotate_session() -> None:
    """Start a fresh session at sign-in: nothing planted before it survives.

    Kept: the chosen language and sign-ins at *other* tenants (in development all tenants share
    one host and so one cookie).
    """
    language = session.get("lang")
    others = {
        key: value for key, value in session.get(AUTH_KEY, {}).items() if key != str(g.tenant.id)
    }
    session.clear()
    if language:
        session["lang"] = language
    if others:
        session[AUTH_KEY] = others


def load_user() -> None:
    g.user = None
    g.organisations = ()
    g.sign_in = None
    g.roles = frozenset()
    g.permissions = frozenset()
    tenant = g.get("tenant")
    if tenant is None:
        return
    token = session_token(tenant.id)
    if token is None:
        return
    identity = current_identity(db_session(), token, lifetimes())
    if identity is None:
        forget_token(tenant.id)
        return
    user = identity.user
    g.user, g.sign_in, g.roles = user, identity.sign_in, identity.roles
    g.organisations = identity.organisations
    g.permissions = permissions_of(
        registry(), g.enabled_plugins, identity.roles, is_platform_admin=user.is_platform_admin
    )


def init_app(app: Flask) -> None:
    oidc.init_app(app)
    app.before_request(load_user)
    app.jinja_env.globals["can"] = can
