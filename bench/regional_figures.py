"""The regional page's figures for 3, 30 and 300 municipalities: SQL statements and wall time.

Baseline: each municipality's figures computed live through the ``monitoring_figures`` hook,
one tenant session after another (what the page did before the snapshots). Measured: the page's
read of the stored snapshots (``core.regional.regional_table``), after the job stored them.
Every municipality uses loket, ckg, training, starters and networks, on SQLite; medians of
interleaved rounds, the ratio is per round.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench import Figure
from core import create_app
from core.config import Settings
from core.jobs.runner import run_job
from core.migrator import upgrade_database
from core.plugins import build_registry
from core.regional import regional_table, tenants_in_region
from core.subjects import monitoring_figures
from core.tenant_files import sync_directory

SIZES = (3, 30, 300)
ROUNDS = 5
MODULES = '["loket", "ckg", "training", "starters", "networks"]'


def run(dataset=None) -> list[Figure]:
    figures: list[Figure] = []
    for size in SIZES:
        with tempfile.TemporaryDirectory() as directory:
            figures += _measure(Path(directory), size)
    return figures


def _measure(directory: Path, size: int) -> list[Figure]:
    url = f"sqlite:///{directory / 'regional.sqlite3'}"
    settings = Settings(database_url=url, tenants_dir=directory, dev_mail_dir=directory / "mail")
    registry = build_registry()
    upgrade_database(settings, registry, echo=lambda _: None)
    for number in range(size):
        (directory / f"g{number}.toml").write_text(
            f'slug = "g{number}"\nname = "Gemeente {number}"\nhosts = ["g{number}.test"]\n'
            f'region = "Proefregio"\nplugins = {MODULES}\n',
            encoding="utf-8",
        )
    app = create_app({"TESTING": True}, settings=settings, registry=registry)
    database = app.extensions["opvangplein.db"]
    sync_directory(database, directory, registry)
    statements: list[int] = []
    for engine in {database.engine, database.platform_engine}:
        sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(1))

    def live() -> None:
        for tenant in tenants_in_region(database, "Proefregio"):
            with database.session(tenant.id) as session:
                monitoring_figures(session, tenant)

    def snapshots() -> None:
        regional_table(database, "Proefregio")

    with app.test_request_context("/"):
        run_job(app, "core.regional-figures")
        counts, times = {}, {"live": [], "snapshots": []}
        for variant, function in (("live", live), ("snapshots", snapshots)):
            statements.clear()
            function()
            counts[variant] = len(statements)
        for round_number in range(ROUNDS):
            order = [("live", live), ("snapshots", snapshots)]
            for variant, function in order if round_number % 2 == 0 else order[::-1]:
                started = time.perf_counter()
                function()
                times[variant].append(time.perf_counter() - started)
    live_ms = statistics.median(times["live"]) * 1000
    snapshot_ms = statistics.median(times["snapshots"]) * 1000
    ratios = [s / max(b, 1e-9) for s, b in zip(times["snapshots"], times["live"], strict=True)]
    return [
        Figure(f"regional_{size}_live_statements", counts["live"], "statements"),
        Figure(f"regional_{size}_snapshot_statements", counts["snapshots"], "statements"),
        Figure(f"regional_{size}_live", live_ms, "ms"),
        Figure(f"regional_{size}_snapshot", snapshot_ms, "ms"),
        Figure(f"regional_{size}_snapshot_vs_live", statistics.median(ratios), "x"),
    ]
