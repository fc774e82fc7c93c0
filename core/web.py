"""Per-request wiring: tenant resolution, the tenant's session, plugin gate, template helpers."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import (
    Flask,
    abort,
    current_app,
    g,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest

from core.forms import has_control_characters
from core.plugins import PluginRegistry
from core.tenancy import PATH_SLUG_KEY, TenantDirectory, Theme

# Endpoints that work without a tenant (the platform itself).
PLATFORM_BLUEPRINTS = {"platform", "dev"}
# Answered before any tenant is looked up: a failing tenant lookup must not hide them.
PLATFORM_ENDPOINTS = {"static", "platform.healthz", "platform.readyz"}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database():
    return current_app.extensions["opvangplein.db"]


def registry() -> PluginRegistry:
    return current_app.extensions["opvangplein.plugins"]


def tenant_directory():
    return current_app.extensions["opvangplein.tenants"]


def db_session():
    """The request's session, scoped to the request's tenant (or to none)."""
    if "db_session" not in g:
        g.db_session = database().session(g.tenant.id if g.get("tenant") else None)
    return g.db_session


def tenant_hooks():
    return registry().for_plugins(g.get("enabled_plugins", frozenset()))


def safe_local_path(target: str | None) -> str:
    """``target`` if it is a path on this site, else ``/``: redirects never leave the site.

    Browsers drop tabs and line breaks from a URL and read ``\\`` as ``/``, so any white space,
    control character or backslash, in the value or in its once-decoded form, makes it unsafe;
    so does a lone surrogate (it cannot be sent in a header).
    """
    if not isinstance(target, str) or not _is_local_path(target):
        return "/"
    if not _is_local_path(unquote(target)):
        return "/"
    return target


def _is_local_path(target: str) -> bool:
    try:
        target.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(character.isspace() or not character.isprintable() for character in target)
    )


def tenants_with_plugin(plugin: str) -> list:
    """Active municipalities that enabled ``plugin`` (which modules a municipality uses is
    public), e.g. to offer only those a cross-municipality invitation can reach. One query."""
    from sqlmodel import select

    from core.models import Tenant

    with database().session() as lookup:
        return list(
            lookup.exec(
                select(Tenant)
                .where(Tenant.active, Tenant.id.in_(_tenants_enabling(lookup, plugin)))
                .order_by(Tenant.name)
            ).all()
        )


def _tenants_enabling(session, plugin: str):
    """The ids of tenants with ``plugin`` switched on, as a subquery of any tenant's session.

    On PostgreSQL row-level security shows a session one tenant's switches at most; the
    ``tenants_enabling`` function (core migration 0014) answers for all, with ids only. SQLite
    has no such wall: the table itself, read as a plain table so no tenant scoping applies.
    """
    import sqlalchemy as sa

    from core.models import TenantPlugin
    from core.rls import TENANTS_ENABLING_FUNCTION

    if session.get_bind().dialect.name == "postgresql":
        return sa.select(getattr(sa.func.public, TENANTS_ENABLING_FUNCTION)(plugin))
    switches = TenantPlugin.__table__
    return sa.select(switches.c.tenant_id).where(
        switches.c.plugin == plugin, switches.c.enabled.is_(True)
    )


def external_url(tenant, endpoint: str, **values) -> str:
    """An absolute link to a tenant's page, also outside a request (a reminder sent by cron).

    Inside a request for the same tenant it is the address the visitor uses; otherwise it is
    ``OPVANGPLEIN_PUBLIC_URL`` + ``/t/<slug>``, which every deployment answers.
    """
    if has_request_context() and g.get("tenant") is not None and g.tenant.id == tenant.id:
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(current_app.extensions["opvangplein.settings"].public_url)
    adapter = current_app.url_map.bind(
        base.netloc, script_name=f"{base.path}/t/{tenant.slug}", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def tenant_required() -> None:
    """``blueprint.before_request(tenant_required)``: the blueprint's pages exist only at a tenant."""
    if g.get("tenant") is None:
        abort(404)


def init_app(app: Flask) -> None:
    settings = app.extensions["opvangplein.settings"]
    app.extensions["opvangplein.tenants"] = TenantDirectory(
        database=app.extensions["opvangplein.db"], ttl=settings.tenant_cache_seconds
    )
    app.before_request(_ignore_the_body_of_a_safe_request)
    app.before_request(_resolve_tenant)
    app.before_request(_refuse_control_characters_in_the_address)
    app.teardown_request(_close_session)
    app.context_processor(_template_context)


def _ignore_the_body_of_a_safe_request() -> None:
    """State changes only by POST (and PUT, PATCH, DELETE), which CSRF and the rate limits
    guard. A GET or HEAD may carry a body; no view may read one, so a view that saves "unless it
    is a GET" finds nothing to save on HEAD."""
    if request.method in SAFE_METHODS:
        request.__dict__["form"] = ImmutableMultiDict()
        request.__dict__["files"] = ImmutableMultiDict()


def _resolve_tenant() -> None:
    g.tenant = None
    g.resolved_tenant = None
    g.enabled_plugins = frozenset()
    if request.endpoint in PLATFORM_ENDPOINTS:
        return
    slug = request.environ.get(PATH_SLUG_KEY)
    if slug is not None and not _is_platform_host(request.host):
        _keep_one_origin_per_tenant(slug)
    resolved = tenant_directory().resolve(slug=slug, host=request.host)
    if resolved is None:
        if slug is not None or not _is_platform_host(request.host):
            abort(404)
        if request.blueprint not in PLATFORM_BLUEPRINTS:
            abort(404)
        return
    g.tenant = resolved.tenant
    g.resolved_tenant = resolved
    g.enabled_plugins = resolved.plugins
    owner = current_app.extensions["opvangplein.blueprint_owners"].get(request.blueprint or "")
    if owner is not None and owner not in g.enabled_plugins:
        abort(404)


class UnreadableAddress(BadRequest):
    """A query string with characters no person types: refused before any view reads it."""

    def user_message(self) -> str:
        return _("The address contains invisible control characters. Remove them and try again.")


def _refuse_control_characters_in_the_address() -> None:
    for key, value in request.args.items(multi=True):
        if has_control_characters(key) or has_control_characters(value):
            raise UnreadableAddress()


def _keep_one_origin_per_tenant(slug: str) -> None:
    """``/t/<slug>/`` is the platform host's way to reach a municipality. A municipality's own
    host serves that municipality only (its cookies and pages are its own origin): its own slug
    goes to the plain address, any other slug is not found."""
    own = tenant_directory().resolve(slug=None, host=request.host)
    if own is None or own.tenant.slug != slug:
        abort(404)
    query = request.query_string.decode("latin-1")
    target = request.host_url.rstrip("/") + request.path + (f"?{query}" if query else "")
    # 308 keeps the method and body, so a form posted to the old address still arrives.
    abort(redirect(target, code=308))


def _is_platform_host(host: str) -> bool:
    from core.tenancy import normalise_host

    return normalise_host(host) in current_app.extensions["opvangplein.settings"].platform_hosts


def _close_session(exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        if exc is not None:
            session.rollback()
        session.close()


def _template_context() -> dict:
    from core.shell import current_shell, request_translations

    tenant = g.get("tenant")
    return {
        "tenant": tenant,
        "theme": Theme.from_dict(tenant.theme) if tenant else Theme(),
        "menu_items": _menu_items,
        "shell": current_shell,
        "run_hook": _run_template_hook,
        **request_translations(),
    }


def _menu_items() -> list:
    """The tenant's menu entries (see :func:`core.shell.current_shell` for the cached shell)."""
    tenant = g.get("tenant")
    if tenant is None:
        return []
    items = [
        item
        for items in tenant_hooks().menu_items(tenant=tenant, user=g.get("user"))
        for item in items or ()
    ]
    return sorted(items, key=lambda item: item.order)


def _run_template_hook(name: str, **context) -> Markup:
    if g.get("tenant") is None:
        return Markup("")
    parts = tenant_hooks().template_hook(name=name, context=context)
    return Markup("").join(part for part in parts if part)
