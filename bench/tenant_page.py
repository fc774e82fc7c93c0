"""Requests/s of a tenant page under gunicorn, against a bare Flask hello world in the same run.

The tenant page goes through everything a real page does: the path-prefix middleware, tenant
resolution, the plugin gate, a tenant-scoped ORM query (20 newest of 10 000 rows) and the page
shell (``base.html``: menu hook, theme, CSRF token, translations). Both servers run side by side
with the same gunicorn settings; short load rounds alternate between them, and the ratio is the
median of the per-round ratios, so a busy stretch on a shared machine hits both sides of a ratio.

Besides requests/s the servers' CPU time per request is reported: it hardly moves when other
processes compete for the cores, so it shows whether a change in req/s is the app or the machine.
"""

from __future__ import annotations

import statistics
import sys
from contextlib import ExitStack
from dataclasses import dataclass

from bench import Figure
from bench.data import Dataset
from bench.http_load import fetch, run_load
from bench.plugin import NEWEST_COUNT
from bench.servers import Server, ServerSettings, gunicorn

ROUNDS = 7
# Fixed request counts per round, sized so a round takes a few seconds at the expected rates.
TENANT_REQUESTS = 800
HELLO_REQUESTS = 4_000
# Connections, one client process each: two per worker keeps every worker busy while a client
# reads its response.
CLIENTS = 4
WARMUP_REQUESTS = 200  # per server, unmeasured: templates compiled, caches and pools filled


@dataclass(frozen=True)
class Round:
    """One measured load run against one server."""

    requests_per_second: float
    server_cpu_us_per_request: float
    client_cpu_share: float  # of the whole machine


def tenant_paths(dataset: Dataset) -> list[str]:
    """Every tenant's page, so requests spread over all tenants."""
    return [f"/t/{slug}/bench/" for slug in dataset.slugs]


def run(dataset: Dataset) -> list[Figure]:
    settings = ServerSettings()
    paths = tenant_paths(dataset)
    with ExitStack() as servers:
        tenant = servers.enter_context(
            _serve("tenant_app", "bench.apps:tenant_app()", settings, dataset)
        )
        hello = servers.enter_context(
            _serve("hello_app", "bench.apps:hello_app()", settings, dataset)
        )
        _check_pages(tenant.port, paths[0], hello.port)
        tenant_load = (tenant, paths, TENANT_REQUESTS)
        hello_load = (hello, ["/"], HELLO_REQUESTS)
        for server, server_paths, _ in (tenant_load, hello_load):
            run_load(server.port, server_paths, requests=WARMUP_REQUESTS, clients=CLIENTS)
        tenant_rounds: list[Round] = []
        hello_rounds: list[Round] = []
        for number in range(ROUNDS):
            # Alternating which goes first cancels a drift in background load.
            order = [(tenant_load, tenant_rounds), (hello_load, hello_rounds)]
            for load, rounds in order if number % 2 == 0 else reversed(order):
                rounds.append(_measure(*load, cores=settings.workers))
    _report_client_share("hello world", hello_rounds)
    _report_client_share("tenant page", tenant_rounds)
    return _figures(tenant_rounds, hello_rounds)


def _serve(name: str, app: str, settings: ServerSettings, dataset: Dataset):
    return gunicorn(
        name, app, settings=settings, environ=dataset.environ(), log_dir=dataset.directory
    )


def _measure(server: Server, paths: list[str], requests: int, *, cores: int) -> Round:
    cpu_before = server.cpu_seconds()
    result = run_load(server.port, paths, requests=requests, clients=CLIENTS)
    cpu = server.cpu_seconds() - cpu_before
    return Round(
        requests_per_second=result.requests_per_second,
        server_cpu_us_per_request=cpu / requests * 1e6,
        client_cpu_share=result.client_cpu_seconds / (result.seconds * cores),
    )


def _figures(tenant: list[Round], hello: list[Round]) -> list[Figure]:
    def median(rounds: list[Round], field: str) -> float:
        return statistics.median(getattr(one, field) for one in rounds)

    rps_ratio = statistics.median(
        t.requests_per_second / h.requests_per_second for t, h in zip(tenant, hello, strict=True)
    )
    cpu_ratio = statistics.median(
        h.server_cpu_us_per_request / t.server_cpu_us_per_request
        for t, h in zip(tenant, hello, strict=True)
    )
    return [
        Figure("hello_world_rps", median(hello, "requests_per_second"), "req/s"),
        Figure("tenant_page_rps", median(tenant, "requests_per_second"), "req/s"),
        Figure("tenant_page_vs_hello_world", 100 * rps_ratio, "%"),
        Figure("hello_world_server_cpu", median(hello, "server_cpu_us_per_request"), "µs/req"),
        Figure("tenant_page_server_cpu", median(tenant, "server_cpu_us_per_request"), "µs/req"),
        Figure("tenant_page_vs_hello_world_cpu", 100 * cpu_ratio, "%"),
    ]


def _check_pages(tenant_port: int, tenant_path: str, hello_port: int) -> None:
    """Measure nothing until both servers answer what we mean to measure."""
    page = fetch(tenant_port, tenant_path)
    if page.count('class="bench-item"') != NEWEST_COUNT or "<html" not in page:
        raise RuntimeError(f"{tenant_path} is not the expected page:\n{page[:2000]}")
    if fetch(hello_port, "/") != "Hello, World!":
        raise RuntimeError("the hello world app answers something else")


def _report_client_share(label: str, rounds: list[Round]) -> None:
    """The load clients' share of the machine: if it is large, the client caps the figure."""
    share = max(one.client_cpu_share for one in rounds)
    print(
        f"tenant_page: load clients used at most {100 * share:.0f} % of the CPU ({label})",
        file=sys.stderr,
    )
