"""Finding the tenant of a request, and the tenant's plugins and settings.

A request reaches a tenant by host (``heusden-zolder.localhost:5000``, a real domain in production)
or, for development, by the path prefix ``/t/<slug>/``. The prefix is moved into ``SCRIPT_NAME``
so ``url_for`` keeps generating links inside the same tenant.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from core.colour import text_colour_on, theme_pairs
from core.models import Tenant, TenantHost, TenantPlugin
from core.plugin_types import PluginManifest, SettingField

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_PATH_PREFIX = re.compile(r"^/t/([^/]+)(/.*)?$")
PATH_SLUG_KEY = "opvangplein.tenant_slug"


class TenantPathMiddleware:
    """WSGI middleware: ``/t/<slug>/rest`` becomes SCRIPT_NAME ``/t/<slug>`` + PATH_INFO ``/rest``."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        match = _PATH_PREFIX.match(environ.get("PATH_INFO", ""))
        if match:
            slug = match.group(1)
            environ[PATH_SLUG_KEY] = slug
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + f"/t/{slug}"
            environ["PATH_INFO"] = match.group(2) or "/"
        return self.wsgi_app(environ, start_response)


def normalise_host(host: str) -> str:
    """Lower-case host without port: ``Deinze.LOCALHOST:5000`` → ``deinze.localhost``."""
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def find_tenant(session, *, slug: str | None, host: str) -> Tenant | None:
    """The active tenant named by the path slug, else by the host; ``None`` when neither matches."""
    if slug is not None:
        if not SLUG_PATTERN.match(slug):
            return None
        statement = select(Tenant).where(Tenant.slug == slug)
    else:
        statement = (
            select(Tenant)
            .join(TenantHost, TenantHost.tenant_id == Tenant.id)
            .where(TenantHost.host == normalise_host(host))
        )
    tenant = session.exec(statement.where(Tenant.active)).first()
    return tenant


def enabled_plugins(session) -> frozenset[str]:
    """Names of plugins enabled for the session's tenant."""
    rows = session.exec(select(TenantPlugin.plugin).where(TenantPlugin.enabled)).all()
    return frozenset(rows)


@dataclass(frozen=True)
class ResolvedTenant:
    tenant: Tenant
    plugins: frozenset[str]
    # The page shell built for this tenant (core.shell): it goes when the entry is reloaded.
    shell: dict = dataclasses.field(default_factory=dict, compare=False, hash=False, repr=False)


class TenantDirectory:
    """Which tenant a slug or host names, and its enabled plugins — cached per process.

    Resolving costs two queries on every request; the answer changes only when an administrator
    changes the tenant. Entries live ``ttl`` seconds, and this process forgets them at once when
    its own admin pages change a tenant (:meth:`forget`), so another worker process sees a change
    within ``ttl``. ``ttl=0`` disables the cache.
    """

    def __init__(self, database, ttl: float) -> None:
        self.database = database
        self.ttl = ttl
        # Raised by every forget: what is derived from the tenants (cached pages) keys on it.
        self.generation = 0
        self._entries: dict[tuple[str, str], tuple[float, ResolvedTenant | None]] = {}
        self._lock = threading.Lock()

    def resolve(self, *, slug: str | None, host: str) -> ResolvedTenant | None:
        key = ("slug", slug) if slug is not None else ("host", normalise_host(host))
        now = time.monotonic()
        cached = self._entries.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        resolved = self._load(slug=slug, host=host)
        if self.ttl > 0:
            with self._lock:
                if len(self._entries) > 10_000:  # unknown hosts must not grow it without bound
                    self._entries.clear()
                self._entries[key] = (now + self.ttl, resolved)
        return resolved

    def _load(self, *, slug: str | None, host: str) -> ResolvedTenant | None:
        with self.database.session() as lookup:
            tenant = find_tenant(lookup, slug=slug, host=host)
        if tenant is None:
            return None
        with self.database.session(tenant.id) as scoped:
            return ResolvedTenant(tenant=tenant, plugins=enabled_plugins(scoped))

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()
            self.generation += 1


def plugin_row(session, plugin: str) -> TenantPlugin | None:
    return session.exec(select(TenantPlugin).where(TenantPlugin.plugin == plugin)).first()


class SettingError(ValueError):
    def __init__(self, field: SettingField, message: str) -> None:
        super().__init__(message)
        self.field = field


def coerce_setting(field: SettingField, raw: Any) -> Any:
    """Convert a submitted or stored value to the field's type, or raise :class:`SettingError`."""
    if field.kind == "bool":
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in {"1", "true", "on", "yes", "ja"}
    if field.kind == "int":
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise SettingError(field, "not_a_number") from None
        if field.minimum is not None and value < field.minimum:
            raise SettingError(field, "too_small")
        if field.maximum is not None and value > field.maximum:
            raise SettingError(field, "too_large")
        return value
    if field.kind == "choice":
        if str(raw) not in field.choices:
            raise SettingError(field, "not_a_choice")
        return str(raw)
    value = str(raw).strip()
    if len(value) > 500:
        raise SettingError(field, "too_long")
    return value


def effective_settings(schema: list[SettingField], stored: dict) -> dict[str, Any]:
    """Defaults overlaid with stored values; a stored value that no longer fits falls back."""
    values = {}
    for field in schema:
        value = field.default
        if field.key in stored:
            try:
                value = coerce_setting(field, stored[field.key])
            except SettingError:
                value = field.default
        values[field.key] = value
    return values


def plugin_settings(session, manifest: PluginManifest) -> dict[str, Any]:
    """The tenant's values of ``manifest.settings``: defaults overlaid with what its admin saved.

    ``session`` is a tenant session; the row read is that tenant's plugin switch.
    """
    row = plugin_row(session, manifest.name)
    return effective_settings(list(manifest.settings), row.settings if row else {})


@dataclass(frozen=True)
class Theme:
    """A tenant's look; colours are validated so they are safe inside CSS."""

    primary: str = "#1d4f91"
    primary_text: str = "#ffffff"
    accent: str = "#e8f0fb"
    # The focus ring on the page; empty is the platform's dark ring (core.colour.theme_pairs).
    focus: str = ""
    logo_url: str = ""
    # The uploaded logo's version (core.tenant_logo); it wins over a ``logo_url`` from the file.
    logo_version: str = ""

    # \Z, not $: a colour followed by a newline is no colour.
    COLOUR = re.compile(r"^#[0-9a-fA-F]{6}\Z")
    LOGO_VERSION = re.compile(r"^[0-9a-f]{32}$")

    @classmethod
    def from_dict(cls, data: dict) -> Theme:
        defaults = cls()
        values = {}
        for key in ("primary", "primary_text", "accent"):
            raw = str(data.get(key, getattr(defaults, key)))
            values[key] = raw if cls.COLOUR.match(raw) else getattr(defaults, key)
        if not cls.COLOUR.match(str(data.get("primary_text", ""))):
            values["primary_text"] = text_colour_on(values["primary"])  # left to the platform
        focus = str(data.get("focus", ""))
        values["focus"] = focus if cls.COLOUR.match(focus) else ""
        logo = str(data.get("logo_url", ""))
        values["logo_url"] = logo if logo.startswith("/static/") and '"' not in logo else ""
        version = str(data.get("logo_version", ""))
        values["logo_version"] = version if cls.LOGO_VERSION.match(version) else ""
        return cls(**values)

    def css_variables(self) -> str:
        """The custom properties the page's stylesheets read, one declaration a line; every
        value is a colour checked against :attr:`COLOUR`, so nothing else reaches the CSS."""
        pairs = {pair.name: pair for pair in theme_pairs(*self.colours())}
        values = (
            ("--opvangplein-primary", self.primary),
            ("--opvangplein-primary-text", self.primary_text),
            ("--opvangplein-accent", self.accent),
            ("--opvangplein-header-link", pairs["header_link"].foreground),
            ("--opvangplein-header-focus", pairs["focus_on_header"].foreground),
            ("--opvangplein-focus", pairs["focus_on_page"].foreground),
            ("--utrecht-button-primary-action-background-color", self.primary),
            ("--utrecht-button-primary-action-color", self.primary_text),
            ("--utrecht-link-color", self.primary),
            ("--utrecht-button-secondary-action-color", self.primary),
            ("--utrecht-button-secondary-action-border-color", self.primary),
        )
        return "".join(
            f"  {name}: {value};\n" for name, value in values if self.COLOUR.match(value)
        )

    def colours(self) -> tuple[str, str, str, str]:
        return (self.primary, self.primary_text, self.accent, self.focus)

    @classmethod
    def validation_errors(cls, data: dict) -> dict[str, str]:
        errors = {}
        for key in ("primary", "primary_text", "accent"):
            if key in data and not cls.COLOUR.match(str(data[key])):
                errors[key] = "colour"
        if data.get("focus") and not cls.COLOUR.match(str(data["focus"])):
            errors["focus"] = "colour"  # empty is the platform's own ring
        return errors
