"""Pages rendered once for every visitor without cookies, per tenant cache period (issue 18).

A municipality's home page is the page most visitors open first, and for someone who carries no
cookie it is the same for all: no user, no session, no flash message, the default language. So
it is rendered once per :attr:`Settings.tenant_cache_seconds` (the period in which another
worker's change to the tenant shows anyway) and served from memory until then. A visitor with
any cookie, an htmx request, or a setting of 0 (the tests) always gets the page rendered.

Entries key on the tenant, host, path and query and on the tenant directory's generation: when this
process's admin pages change a tenant they forget the directory, and its pages with it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, g, request, session

from core.timed_cache import TimedCache

EXTENSION = "opvangplein.page_cache"
MAX_PAGES = 2048


def cache_of(app: Flask) -> TimedCache[str]:
    cache = app.extensions.get(EXTENSION)
    if cache is None:
        ttl = app.extensions["opvangplein.tenants"].ttl
        cache = app.extensions[EXTENSION] = TimedCache(ttl, max_entries=MAX_PAGES)
    return cache


def _same_for_everyone() -> bool:
    return (
        request.method == "GET"
        and not request.cookies
        and g.get("user") is None
        and "HX-Request" not in request.headers
    )


def anonymous_page(render: Callable[[], str]) -> str:
    """``render()``, or the page it gave a visitor without cookies within the period."""
    cache = cache_of(current_app)
    if cache.ttl <= 0 or not _same_for_everyone():
        return render()
    directory = current_app.extensions["opvangplein.tenants"]
    # The script root holds the tenant's path prefix (/t/<slug>) in development.
    key = (g.tenant.id, request.host, request.script_root, request.full_path, directory.generation)
    # A page that wrote a session (a CSRF token, a flash) is this visitor's own: not kept.
    return cache.value(key, render, keep=lambda: not session.modified)
