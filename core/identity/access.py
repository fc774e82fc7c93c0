"""Roles and permissions: who may do what in the current tenant.

Roles a user holds in a tenant:
``tenant_admin``; ``staff:<plugin>`` (municipal staff of one module); ``partner:<plugin>``
(derived: member of an organisation the tenant granted that module); ``parent``; ``starter``.
Platform admins are marked on the user. Views require a permission with
:func:`require_permission`; templates ask ``can("loket.allocate")``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache, wraps

from flask import abort, current_app, g

from core.plugin_types import Permission

CORE_PERMISSIONS = (
    Permission(
        "core.admin",
        "Gemeente beheren: modules, thema, leden, organisaties, aanmelden",
        "Administer the municipality",
        roles=(),
    ),
    Permission("core.audit", "Auditlog inzien", "View the audit log", roles=()),
)


def declared_permissions(registry, enabled: Iterable[str]) -> list[tuple[str, Permission]]:
    """(plugin, permission) for the core and every enabled plugin."""
    result = [("core", permission) for permission in CORE_PERMISSIONS]
    for name in sorted(enabled):
        if name not in registry.manifests:
            continue
        result.extend((name, permission) for permission in registry.manifests[name].permissions)
    return result


def permissions_for(
    roles: Iterable[str],
    declared: Iterable[tuple[str, Permission]],
    *,
    is_platform_admin: bool = False,
) -> frozenset[str]:
    """The permissions ``roles`` hold. Administrators hold every permission that is not
    ``personal``; a personal one comes only from the role kinds it names (see
    :class:`~core.plugin_types.Permission`)."""
    roles = set(roles)
    declared = list(declared)
    granted = set()
    if is_platform_admin or "tenant_admin" in roles:
        granted = {permission.name for _, permission in declared if not permission.personal}
    for plugin, permission in declared:
        for kind in permission.roles:
            if (
                kind in ("staff", "partner")
                and f"{kind}:{plugin}" in roles
                or kind in ("parent", "starter")
                and kind in roles
            ):
                granted.add(permission.name)
    return frozenset(granted)


def permissions_of(
    registry, enabled: frozenset[str], roles: frozenset[str], *, is_platform_admin: bool
) -> frozenset[str]:
    """:func:`permissions_for` the roles in a tenant with ``enabled`` plugins, computed once per
    combination: every request of the same kind of user asks the same question."""
    enabled = frozenset(enabled)
    # The manifests' identities are part of the key: a test may swap a plugin on a registry.
    manifests = tuple(id(registry.manifests.get(name)) for name in sorted(enabled))
    return _permissions_of(registry, enabled, manifests, frozenset(roles), is_platform_admin)


@lru_cache(maxsize=2048)
def _permissions_of(registry, enabled, manifests, roles, is_platform_admin) -> frozenset[str]:
    declared = declared_permissions(registry, enabled)
    return permissions_for(roles, declared, is_platform_admin=is_platform_admin)


def acting_organisations(module: str) -> list:
    """The partner organisations the signed-in user acts for in ``module`` at this tenant."""
    return [
        organisation
        for organisation in g.get("organisations", ())
        if module in organisation.modules
    ]


def can(permission: str) -> bool:
    return permission in g.get("permissions", frozenset())


def require_permission(permission: str):
    """Anonymous → 401 (with a sign-in link); signed in without the permission → 403."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if g.get("user") is None:
                abort(401)
            if not can(permission):
                current_app.logger.info("permission %s refused", permission)
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator
