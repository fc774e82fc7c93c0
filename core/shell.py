"""The page shell's links and menu, built once per tenant, language and kind of visitor, and
the templates' translations, looked up once per request.

Every page draws the same header: stylesheets, scripts, the menu of the tenant's modules, links
to the start page, the privacy notice and the administration. Building them costs ~20
``url_for`` calls and a ``menu_items`` hook call per page, for an answer that changes only when
the tenant changes. The parts are kept on the tenant's entry in the tenant directory
(:class:`core.tenancy.ResolvedTenant`): a module switched or a theme changed makes the
directory load the tenant afresh (at once in the process that made the change, within
``OPVANGPLEIN_TENANT_CACHE_SECONDS`` in the others), and the shell with it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import current_app, g, request, url_for
from flask_babel import get_translations
from jinja2 import pass_context
from markupsafe import Markup

# Files the shell links on every page (core/static).
SHELL_FILES = (
    "vendor/utrecht/design-tokens-5.0.1.css",
    "vendor/utrecht/component-library-9.0.4.css",
    "css/opvangplein.css",
    "vendor/htmx-2.0.11.min.js",
    "js/opvangplein.js",
)
# Links of the shell: name → endpoint; the tenant's own only where there is a tenant.
SHELL_LINKS = {"home": "platform.index", "theme_css": "platform.theme_css"}
TENANT_LINKS = {
    "sign_out": "identity.sign_out",
    "my_data": "privacy.my_data",
    "privacy": "privacy.notice",
    "administration": "tenant_admin.index",
}
# Shells per cache (address prefix × language × permission sets): never many; bounded anyway.
_CACHE_LIMIT = 256


@dataclass(frozen=True)
class Shell:
    """What the shell links to: ``files`` and ``links`` by name, the menu as (label, URL)."""

    files: dict[str, str]
    links: dict[str, str]
    menu: tuple[tuple[str, str], ...]


_cache_lock = threading.Lock()


def current_shell() -> Shell:
    """The request's shell, from the cache when this tenant, language and visitor kind had one.

    The menu depends on the visitor only through what they may open (``menu_items`` hooks see
    the user to decide that), so the permission set is part of the key, not the user.
    """
    if "shell" in g:
        return g.shell
    from core.i18n import current_language

    user = g.get("user")
    key = (
        request.script_root,
        current_language(),
        user is not None,
        g.get("permissions", frozenset()),
    )
    resolved = g.get("resolved_tenant")
    if resolved is not None and resolved.plugins != g.get("enabled_plugins"):
        # This very request switched a module: its entry is already forgotten, build afresh.
        g.shell = _build_shell()
        return g.shell
    if resolved is not None:
        cache = resolved.shell
    else:  # the platform host's pages: one cache per app
        cache = current_app.extensions.setdefault("opvangplein.platform_shells", {})
    shell = cache.get(key)
    if shell is None:
        shell = _build_shell()
        with _cache_lock:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[key] = shell
    g.shell = shell
    return shell


def _build_shell() -> Shell:
    from core.web import tenant_hooks

    files = {name: url_for("static", filename=name) for name in SHELL_FILES}
    links = {name: url_for(endpoint) for name, endpoint in SHELL_LINKS.items()}
    tenant = g.get("tenant")
    menu: tuple[tuple[str, str], ...] = ()
    if tenant is not None:
        links.update({name: url_for(endpoint) for name, endpoint in TENANT_LINKS.items()})
        items = [
            item
            for items in tenant_hooks().menu_items(tenant=tenant, user=g.get("user"))
            for item in items or ()
        ]
        menu = tuple(
            (item.label, url_for(item.endpoint, **item.values))
            for item in sorted(items, key=lambda item: item.order)
        )
    return Shell(files=files, links=links, menu=menu)


def request_translations() -> dict:
    """``gettext`` and ``ngettext`` for the templates, bound to the request's catalog once.

    Flask-Babel's own look the catalog up again (request context, domain, locale) on every
    ``_()`` in a template; these behave the same (Jinja's "new style": autoescaped, always
    %-formatted) with one lookup per request.
    """
    if "template_translations" not in g:
        translations = get_translations()

        @pass_context
        def gettext(context, string, **variables):
            text = translations.ugettext(string)
            if context.eval_ctx.autoescape:
                text = Markup(text)
            return text % variables

        @pass_context
        def ngettext(context, singular, plural, num, **variables):
            variables.setdefault("num", num)
            text = translations.ungettext(singular, plural, num)
            if context.eval_ctx.autoescape:
                text = Markup(text)
            return text % variables

        g.template_translations = {"gettext": gettext, "ngettext": ngettext}
    return g.template_translations
