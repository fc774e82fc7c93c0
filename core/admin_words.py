"""Human words in the administration: role names, audit actions, actors and details.

Stored values stay codes (``staff:loket``, ``signin.succeeded``, ``user:<id>``): they are stable
and searchable. Only what a person reads is translated here. A module names its own audit
actions in its manifest (``audit_actions``); its roles take the module's title.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.formatting import format_number

ROLE_KINDS = {
    "tenant_admin": _l("Administrator of the municipality"),
    "parent": _l("Parent"),
    "starter": _l("Childcare starter"),
    "staff": _l("Staff"),
    "partner": _l("Partner"),
}
# "staff:loket" reads "Staff of Childcare desk".
_KIND_OF_MODULE = {
    "staff": _l("Staff of %(module)s"),
    "partner": _l("Partner in %(module)s"),
}

CORE_ACTIONS = {
    "signin.succeeded": _l("Signed in"),
    "signin.failed": _l("Sign-in failed"),
    "signin.refused": _l("Sign-in refused"),
    "signout": _l("Signed out"),
    "member.invited": _l("Invited a member"),
    "member.invitation_accepted": _l("Accepted an invitation"),
    "member.invitation_withdrawn": _l("Withdrew an invitation"),
    "member.invitation_refused": _l("Was refused an invitation mailed to another address"),
    "member.roles_changed": _l("Changed the roles of a member"),
    "member.removed": _l("Removed a member"),
    "organisation.created": _l("Added a partner organisation"),
    "organisation.granted": _l("Gave a partner organisation access"),
    "organisation.access_changed": _l("Changed the access of a partner organisation"),
    "plugin.enabled": _l("Switched a module on"),
    "plugin.disabled": _l("Switched a module off"),
    "plugin.settings_updated": _l("Changed the settings of a module"),
    "provider.saved": _l("Saved a sign-in service"),
    "provider.deleted": _l("Removed a sign-in service"),
    "theme.updated": _l("Changed the colours"),
    "theme.logo_updated": _l("Changed the logo"),
    "theme.logo_removed": _l("Removed the logo"),
    "home_profile.updated": _l("Changed the home page"),
    "tenant.created": _l("Set up the municipality"),
    "tenant.synced": _l("Loaded the municipality's configuration"),
    "tenant.updated": _l("Changed the municipality"),
    "mail.retention_changed": _l("Changed how long sent mail is kept"),
    "mail.retried": _l("Sent a message again"),
    "subject.exported": _l("Exported a person's data"),
    "subject.erased": _l("Erased a person's data"),
    "user.platform_admin_granted": _l("Made someone a platform administrator"),
    "cross_tenant.open": _l("Opened data of another municipality"),
}

DETAIL_KEYS = {
    "before": _l("Before"),
    "after": _l("After"),
    "overwrite": _l("Overwrite"),
    "fields": _l("Fields"),
    "reason": _l("Reason"),
    "provider": _l("Sign-in service"),
    "roles": _l("Roles"),
    "email": _l("E-mail address"),
    "rows": _l("Records"),
    "days": _l("Days"),
    "primary": _l("Main colour"),
    "primary_text": _l("Text colour on the main colour"),
    "accent": _l("Accent colour"),
}


def _manifests() -> dict:
    return current_app.extensions["opvangplein.plugins"].manifests


def _locale() -> str:
    from core.i18n import current_language

    return current_language()


def role_label(role: str) -> str:
    """``staff:loket`` → "Medewerker van Loket kinderopvang"; an unknown code stays as it is."""
    kind, _sep, module = str(role).partition(":")
    if module:
        manifest = _manifests().get(module)
        title = manifest.title(_locale()) if manifest else module
        template = _KIND_OF_MODULE.get(kind)
        return str(template) % {"module": title} if template else f"{kind} ({title})"
    return str(ROLE_KINDS.get(kind, role))


def action_label(action: str) -> str:
    """A sentence for an audit action: the core's own, a module's declared one, or the module's
    title with the verb in plain words when the module declared none."""
    if action in CORE_ACTIONS:
        return str(CORE_ACTIONS[action])
    module, _sep, verb = action.partition(".")
    manifest = _manifests().get(module)
    if manifest is None:
        return action
    for declared_verb, label_nl, label_en in manifest.audit_actions:
        if declared_verb == verb:
            return label_en if _locale().startswith("en") else label_nl
    return f"{manifest.title(_locale())}: {verb.replace('_', ' ')}"


def actor_names(session, actors) -> dict[str, str]:
    """A readable name for each ``actor`` code of the audit log, with one query for all users."""
    from sqlmodel import select

    from core.identity.models import User

    ids = {}
    for actor in set(actors):
        kind, _sep, rest = str(actor).partition(":")
        if kind == "user":
            with contextlib.suppress(ValueError):  # a malformed code is shown as it is
                ids[actor] = uuid.UUID(rest)
    users = {}
    if ids:
        rows = session.exec(select(User).where(User.id.in_(set(ids.values())))).all()
        users = {user.id: (user.name or user.email or user.subject) for user in rows}
    names = {}
    for actor in set(actors):
        kind, _sep, rest = str(actor).partition(":")
        if actor in ids:
            names[actor] = users.get(ids[actor]) or _("A removed account")
        elif kind == "anonymous":
            names[actor] = _("Visitor without sign-in (%(address)s)", address=rest)
        elif actor == "cli":
            names[actor] = _("Command line (operator)")
        else:
            names[actor] = str(actor)
    return names


AUDIT_FILTER_LABELS = {
    "signin": _l("Sign-ins"),
    "members": _l("Members"),
    "organisations": _l("Partner organisations"),
    "modules": _l("Modules"),
    "providers": _l("Sign-in services"),
}
OBJECT_TYPES = {
    "user": _l("Person"),
    "plugin": _l("Module"),
    "tenant": _l("Municipality"),
    "provider": _l("Sign-in service"),
    "organisation": _l("Partner organisation"),
}


def object_label(object_type: str, object_id: str, names: dict[str, str]) -> str:
    """What an audit entry acted on, in words: a person by name, a module by its title."""
    if not object_type:
        return "—"
    if object_type == "user":
        return names.get(f"user:{object_id}") or str(OBJECT_TYPES["user"])
    if object_type == "plugin" and object_id in _manifests():
        return f"{OBJECT_TYPES['plugin']} {_manifests()[object_id].title(_locale())}"
    kind = OBJECT_TYPES.get(object_type, object_type.replace("_", " "))
    return f"{kind} {object_id}".strip()


def detail_items(detail: Any) -> list[tuple[str, str]]:
    """An audit entry's details as (term, description) pairs for a ``<dl>``."""
    if not isinstance(detail, dict):
        return [(_("Details"), _plain(detail))] if detail not in (None, "", {}) else []
    return [(_term(key), _plain(value, key)) for key, value in detail.items()]


def _term(key: str) -> str:
    return str(DETAIL_KEYS.get(key) or str(key).replace("_", " ").capitalize())


def _plain(value: Any, key: str = "") -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list | tuple | set):
        parts = [
            role_label(item) if key in ("before", "after", "roles") else _plain(item)
            for item in value
        ]
        return ", ".join(parts) if parts else "—"
    if isinstance(value, dict):
        return "; ".join(f"{_term(k)}: {_plain(v, k)}" for k, v in value.items()) or "—"
    if isinstance(value, datetime | date):
        from core.local_time import local_date, local_datetime

        return local_datetime(value) if isinstance(value, datetime) else local_date(value)
    return "" if value is None else str(value)


def init_app(app) -> None:
    app.jinja_env.filters.update(role_label=role_label, audit_action=action_label)
    app.jinja_env.globals.update(
        audit_detail_items=detail_items,
        audit_object=object_label,
        audit_filter_labels=AUDIT_FILTER_LABELS,
    )
