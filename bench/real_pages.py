"""Server CPU per request of the pages people use, beside two baselines in the same run.

The real application (every installed plugin) serves a municipality with the modules' demo
data (300 requests in the local counter) to an anonymous visitor and to a signed-in member of
staff: the start page, the counter's work list and its htmx fragment, and the monitoring
dashboard. Beside it, under the same gunicorn settings, run hello world and a plain
Flask + Jinja + SQLAlchemy page that renders 50 rows. Rounds interleave all servers (a busy
stretch of the shared machine hits every page of a round), and each page's CPU per request is
divided by the plain page's of the same round: the figures are the min, median and max of those
ratios, and of the requests/s ratios to hello world.
"""

from __future__ import annotations

import os
import statistics
import sys
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench import Figure
from bench.apps import PLAIN_ROWS
from bench.data import Dataset
from bench.http_load import fetch, run_load
from bench.servers import Server, ServerSettings, gunicorn

ROUNDS = 5
CLIENTS = 4
WARMUP_REQUESTS = 100
SLUG = "meetgemeente"
DEMO_REQUESTS = 300
PLAIN_TABLE_ROWS = 10_000


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    requests: int
    marker: str  # text the answer must hold, checked before measuring
    signed_in: bool = False
    fragment: bool = False


PAGES = (
    Page("anonymous_home", f"/t/{SLUG}/", 600, "site-nav"),
    Page("staff_home", f"/t/{SLUG}/", 400, "signed-in-as", signed_in=True),
    Page("staff_work_list", f"/t/{SLUG}/loket/werklijst", 200, "<table", signed_in=True),
    Page(
        "staff_work_list_fragment",
        f"/t/{SLUG}/loket/werklijst",
        200,
        "<table",
        signed_in=True,
        fragment=True,
    ),
    Page("staff_dashboard", f"/t/{SLUG}/loket/monitoring", 200, "<h1", signed_in=True),
)


@dataclass(frozen=True)
class Round:
    requests_per_second: float
    server_cpu_us_per_request: float


@dataclass(frozen=True)
class PagesSite:
    environ: dict[str, str]
    cookie: str


def run(dataset: Dataset) -> list[Figure]:
    directory = dataset.directory / "real_pages"
    directory.mkdir(exist_ok=True)
    site = build_site(directory)
    plain_url = build_plain_table(directory)
    settings = ServerSettings()
    with ExitStack() as stack:
        servers = {
            "hello": stack.enter_context(
                _serve(
                    "hello_app", "bench.apps:hello_app()", settings, dataset.environ(), directory
                )
            ),
            "plain": stack.enter_context(
                _serve(
                    "plain_app",
                    "bench.apps:plain_app()",
                    settings,
                    {**dataset.environ(), "BENCH_PLAIN_DATABASE_URL": plain_url},
                    directory,
                )
            ),
            "pages": stack.enter_context(
                _serve("pages_app", "bench.apps:pages_app()", settings, site.environ, directory)
            ),
        }
        loads = {
            "hello_world": (servers["hello"], "/", 3000, {}),
            "plain_50_rows": (servers["plain"], "/", 600, {}),
        }
        for page in PAGES:
            headers = {}
            if page.signed_in:
                headers["Cookie"] = site.cookie
            if page.fragment:
                headers["HX-Request"] = "true"
            loads[page.name] = (servers["pages"], page.path, page.requests, headers)
        _check(servers, site)
        for server, path, _, headers in loads.values():
            run_load(
                server.port, [path], requests=WARMUP_REQUESTS, clients=CLIENTS, headers=headers
            )
        rounds: dict[str, list[Round]] = {name: [] for name in loads}
        for number in range(ROUNDS):
            order = list(loads) if number % 2 == 0 else list(reversed(loads))
            for name in order:
                rounds[name].append(_measure(*loads[name]))
    return _figures(rounds)


def _measure(server: Server, path: str, requests: int, headers: dict) -> Round:
    cpu_before = server.cpu_seconds()
    result = run_load(server.port, [path], requests=requests, clients=CLIENTS, headers=headers)
    cpu = server.cpu_seconds() - cpu_before
    return Round(result.requests_per_second, cpu / requests * 1e6)


def _figures(rounds: dict[str, list[Round]]) -> list[Figure]:
    figures = []
    plain, hello = rounds["plain_50_rows"], rounds["hello_world"]
    for name, measured in rounds.items():
        cpu = [one.server_cpu_us_per_request for one in measured]
        figures.append(Figure(f"{name}_server_cpu", statistics.median(cpu), "µs/req"))
        figures.append(
            Figure(
                f"{name}_rps",
                statistics.median(one.requests_per_second for one in measured),
                "req/s",
            )
        )
        if name in ("plain_50_rows", "hello_world"):
            continue
        cpu_ratios = [
            page.server_cpu_us_per_request / base.server_cpu_us_per_request
            for page, base in zip(measured, plain, strict=True)
        ]
        rps_ratios = [
            100 * page.requests_per_second / base.requests_per_second
            for page, base in zip(measured, hello, strict=True)
        ]
        for label, value in _spread(cpu_ratios).items():
            figures.append(Figure(f"{name}_cpu_vs_plain_{label}", value, "×"))
        for label, value in _spread(rps_ratios).items():
            figures.append(Figure(f"{name}_rps_vs_hello_world_{label}", value, "%"))
    figures.append(
        Figure(
            "plain_50_rows_cpu_vs_hello_world",
            statistics.median(
                p.server_cpu_us_per_request / h.server_cpu_us_per_request
                for p, h in zip(plain, hello, strict=True)
            ),
            "×",
        )
    )
    return figures


def _spread(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def _check(servers: dict[str, Server], site: PagesSite) -> None:
    """Measure nothing until every page answers what we mean to measure."""
    if fetch(servers["hello"].port, "/") != "Hello, World!":
        raise RuntimeError("the hello world app answers something else")
    if fetch(servers["plain"].port, "/").count('class="plain-row"') != PLAIN_ROWS:
        raise RuntimeError("the plain page does not show its rows")
    for page in PAGES:
        headers = {"Cookie": site.cookie} if page.signed_in else {}
        if page.fragment:
            headers["HX-Request"] = "true"
        body = fetch(servers["pages"].port, page.path, headers)
        if page.marker not in body or (page.fragment == ("<html" in body)):
            raise RuntimeError(f"{page.name}: {page.path} is not the expected page:\n{body[:1500]}")


def _serve(name: str, app: str, settings: ServerSettings, environ: dict, log_dir: Path):
    return gunicorn(name, app, settings=settings, environ=environ, log_dir=log_dir)


# -- the data ---------------------------------------------------------------------------------


def build_site(directory: Path) -> PagesSite:
    """A migrated database with one municipality using every module, its demo data, and a
    staff member (administrator and staff of every module) signed in: their cookie."""
    from core.db import Database
    from core.identity.models import Membership, User
    from core.identity.sessions import open_session
    from core.migrator import upgrade_all
    from core.models import Tenant
    from core.plugins import build_registry
    from core.tenant_files import read_all, sync

    url = f"sqlite:///{directory / 'pages.sqlite3'}"
    tenants_dir = directory / "tenants"
    tenants_dir.mkdir(exist_ok=True)
    registry = build_registry()
    upgrade_all(url, url, registry, echo=lambda _: None)
    plugins = ", ".join(f'"{name}"' for name in registry.names)
    (tenants_dir / f"{SLUG}.toml").write_text(
        f'slug = "{SLUG}"\nname = "Meetgemeente"\nplugins = [{plugins}]\n'
        f"[settings.loket]\ndemo_requests = {DEMO_REQUESTS}\n",
        encoding="utf-8",
    )
    database = Database(url)
    try:
        sync(database, read_all(tenants_dir, registry))
        with database.session() as lookup:
            tenant_id = lookup.exec(sa.select(Tenant.id).where(Tenant.slug == SLUG)).scalar_one()
        with database.tenant_session(tenant_id) as session:
            tenant = session.get(Tenant, tenant_id)
            registry.for_plugins(registry.names).demo_data(tenant=tenant, session=session)
        with database.tenant_session(None) as session:
            user = User(issuer="https://bench.invalid", subject="meter", name="Meter")
            session.add(user)
            session.flush()
            user_id = user.id
        roles = ["tenant_admin", *(f"staff:{name}" for name in registry.names)]
        with database.tenant_session(tenant_id) as session:
            session.add(Membership(user_id=user_id, roles=roles, claim_roles=[]))
            token = open_session(session, user_id=user_id, provider="bench", id_token="")
    finally:
        database.engine.dispose()
    environ = {
        "OPVANGPLEIN_ENV": "development",
        "OPVANGPLEIN_DATABASE_URL": url,
        "OPVANGPLEIN_TENANTS_DIR": str(tenants_dir),
        "OPVANGPLEIN_LOG_LEVEL": "WARNING",
    }
    return PagesSite(environ=environ, cookie=_session_cookie(environ, tenant_id, token))


def _session_cookie(environ: dict[str, str], tenant_id: uuid.UUID, token: str) -> str:
    """The browser's cookie for the sign-in, signed as the server will check it."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    from core.config import Settings
    from core.identity.web import AUTH_KEY

    with _environment(environ):
        settings = Settings.from_environ()
    signer = Flask("bench-cookie")
    signer.secret_key = settings.secret_key
    value = (
        SecureCookieSessionInterface()
        .get_signing_serializer(signer)
        .dumps({AUTH_KEY: {str(tenant_id): token}})
    )
    name = "__Host-opvangplein" if settings.secure_cookies else "opvangplein"
    return f"{name}={value}"


@contextmanager
def _environment(values: dict[str, str]):
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build_plain_table(directory: Path) -> str:
    """The plain page's table: 10 000 rows with an index on the column it sorts by."""
    url = f"sqlite:///{directory / 'plain.sqlite3'}"
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    table = sa.Table(
        "plain_item",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    metadata.create_all(engine)
    epoch = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    with engine.begin() as connection:
        connection.execute(
            table.insert(),
            [
                {
                    "title": f"Rij {number}",
                    "created_at": datetime.fromtimestamp(epoch + (number * 7919) % 31536000, UTC),
                }
                for number in range(PLAIN_TABLE_ROWS)
            ],
        )
    engine.dispose()
    print(f"real_pages: plain table of {PLAIN_TABLE_ROWS} rows at {url}", file=sys.stderr)
    return url
