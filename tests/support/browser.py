"""Browser fixtures (a pytest plugin loaded by tests/conftest.py, so plugin tests can use them too):
the probe app on a live server, driven by Debian's Chromium through Playwright.

Playwright's own browser download does not work here, so the tests launch ``/usr/bin/chromium``.
Without it they skip on a developer's machine and fail in CI (``tests.conftest.unavailable``).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from core.config import Settings
from tests.support.apps import probe_app, tenant_id
from tests.support.ci import unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE = (Path(__file__).parents[1] / "browser" / "vendor" / "axe-4.14.1.min.js").read_text(
    encoding="utf-8"
)
CSP_MARKERS = ("Content Security Policy", "Refused to")
# How long a page, a click or an expectation may take: generous, because CI machines run the
# suite under load (up to three times slower); a passing test never waits this long.
BROWSER_TIMEOUT_MS = 15_000
expect.set_options(timeout=BROWSER_TIMEOUT_MS)


# A failed htmx request still shows as a failed load (its status); these two lines are htmx
# telling the console that a filter answer was abandoned because the person chose again.
SUPERSEDED_REQUEST = ("htmx:sendAbort", "htmx:afterRequest")


@dataclass
class BrowserLog:
    """Everything a page complained about: console errors, uncaught exceptions, failed loads."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_loads: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if message.type == "error" and text.startswith("Failed to load resource"):
            return  # reported with its address by _on_response (or expected: a 422 page)
        if message.type == "error" and text.startswith(SUPERSEDED_REQUEST):
            return  # htmx reports a request it dropped for a newer one (hx-sync replace)
        if message.type in {"error", "warning"} or any(m in text for m in CSP_MARKERS):
            self.console.append(f"{message.type}: {text} ({message.location.get('url', '')})")

    def _on_response(self, response: Response) -> None:
        # A page answering 4xx is what some tests ask for; a stylesheet, script, icon or htmx
        # request that fails is a broken page.
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed_loads.append(f"{response.status} {response.request.method} {response.url}")

    @property
    def csp_violations(self) -> list[str]:
        return [line for line in self.console if any(m in line for m in CSP_MARKERS)]

    @property
    def problems(self) -> list[str]:
        return [
            *self.console,
            *(f"uncaught: {error}" for error in self.page_errors),
            *(f"failed load: {line}" for line in self.failed_loads),
        ]

    def assert_clean(self) -> None:
        assert not self.problems, "the browser reported problems:\n  " + "\n  ".join(self.problems)


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask


@contextmanager
def serve(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` on a free loopback port in a thread for the duration of the block."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval lets shutdown() return at once instead of after half a second.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        app.extensions["opvangplein.db"].engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory) -> Path:
    """A database migrated once per run: running the migrations for every test costs seconds."""
    directory = tmp_path_factory.mktemp("migrated")
    url = f"sqlite:///{directory / 'template.sqlite3'}"
    app = probe_app(Settings(database_url=url, migration_database_url=url, tenants_dir=directory))
    app.extensions["opvangplein.db"].engine.dispose()  # checkpoints the WAL into the file
    return directory / "template.sqlite3"


@pytest.fixture
def live_server(sqlite_settings, migrated_sqlite_file) -> Iterator[LiveServer]:
    """The probe app with real CSRF protection on a fresh database, on a free loopback port."""
    shutil.copyfile(migrated_sqlite_file, sqlite_settings.database_url.removeprefix("sqlite:///"))
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True})  # migrations: no-ops
    with serve(app) as server:
        yield server


def user_session_cookie(server: LiveServer, user_id, slug: str) -> dict:
    """A signed session cookie of ``user_id`` at tenant ``slug``, as a completed sign-in leaves it.

    The sign-in itself (OIDC) is tested by the core, so the sign-in session is written straight
    to the database.
    """
    from core.identity.sessions import open_session
    from core.identity.web import AUTH_KEY

    app = server.app
    tenant = tenant_id(app, slug)
    with app.extensions["opvangplein.db"].tenant_session(tenant) as db:
        token = open_session(db, user_id=user_id, provider="browser-test", id_token="")
    serializer = app.session_interface.get_signing_serializer(app)
    return {
        "name": app.config["SESSION_COOKIE_NAME"],
        "value": serializer.dumps({AUTH_KEY: {str(tenant): token}}),
        "url": server.url,
        "httpOnly": True,
        "sameSite": "Lax",
    }


def tenant_admin_session_cookie(server: LiveServer, slug: str) -> dict:
    """A signed session cookie of a new tenant admin of ``slug``."""
    from core.identity.models import Membership, User

    with server.app.extensions["opvangplein.db"].tenant_session(tenant_id(server.app, slug)) as db:
        user = User(issuer="https://idp.browser.test", subject=f"admin-{slug}", name="Beheerder")
        db.add(user)
        db.flush()
        db.add(Membership(user_id=user.id, roles=["tenant_admin"]))
        user_id = user.id
    return user_session_cookie(server, user_id, slug)


def signed_in_page(browser: Browser, server: LiveServer, log: BrowserLog, user=None, slug="aalst"):
    """A fresh browser context on ``server``, signed in as ``user`` (anonymous when ``None``)."""
    context = browser.new_context(base_url=server.url, locale="nl-BE")
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    if user is not None:
        context.add_cookies([user_session_cookie(server, user.id, slug)])
    page = context.new_page()
    log.watch(page)
    return page


def wait_until_settled(page: Page) -> None:
    """Wait until the page has loaded and no htmx request or swap is under way.

    A locator can see new text while the document is still being parsed, before the page's
    own script has run (it gives wide tables their tabindex), and htmx wires up swapped
    content only when it settles; checking or clicking earlier races the page (seen in CI
    under load)."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def assert_accessible(page: Page, axe_violations) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in axe_violations(page)
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == [], f"{page.url}: {serious}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        unavailable(f"Chromium not installed at {CHROMIUM} (make browser-deps)")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000
            )
        except PlaywrightError as error:
            unavailable(f"Chromium at {CHROMIUM} failed to launch: {error}")
        yield browser
        browser.close()


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(browser, live_server, browser_log) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the live server, watched by ``browser_log``."""
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    browser_log.watch(page)
    yield page
    context.close()


@pytest.fixture
def admin_page(page, live_server) -> Page:
    """``page``, signed in as a tenant admin of Aalst."""
    page.context.add_cookies([tenant_admin_session_cookie(live_server, "aalst")])
    return page


@pytest.fixture
def axe_violations():
    """Run axe-core on the current page; return its violations.

    The file is evaluated rather than added as a ``<script>``: the strict CSP refuses inline
    scripts, and ``page.evaluate`` is not subject to it.
    """

    def run(page: Page) -> list[dict]:
        wait_until_settled(page)
        page.evaluate(AXE_SOURCE)
        results = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        return results["violations"]

    return run
