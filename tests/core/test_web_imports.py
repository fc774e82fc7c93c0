"""A web worker loads what serves pages, not the migration tool or the command line; and the
platform's lists of municipalities cost one query whatever their number."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from core.tenant_files import sync_directory
from core.web import tenants_with_plugin
from tests.support.apps import probe_app, write_tenant_files
from tests.support.queries import app_engines, counted_statements

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# What only `flask --app core …` and `db upgrade` need.
COMMAND_LINE_MODULES = ("alembic", "core.migrator", "core.cli", "core.scaffold", "core.doctor")


def test_a_web_worker_serving_pages_imports_no_migration_or_command_line_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    script = textwrap.dedent(
        f"""
        import json, sys
        from core.config import Settings
        from core import create_app
        app = create_app(settings=Settings(database_url={url!r}, tenants_dir={str(tmp_path)!r}))
        client = app.test_client()
        statuses = [client.get(path).status_code for path in ("/", "/healthz")]
        print(json.dumps({{"statuses": statuses, "modules": sorted(sys.modules)}}))
        """
    )
    # A database that was never migrated: the web process must not need Alembic to serve.
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["statuses"][1] == 200
    loaded = [
        name
        for name in report["modules"]
        if any(name == module or name.startswith(f"{module}.") for module in COMMAND_LINE_MODULES)
    ]
    assert loaded == []


def test_the_command_line_still_offers_every_command(sqlite_settings):
    app = probe_app(sqlite_settings)
    result = app.test_cli_runner().invoke(args=["--help"])
    for command in ("db", "tenants", "users", "mail", "jobs", "doctor", "plugins"):
        assert f"  {command}" in result.output, result.output
    result = app.test_cli_runner().invoke(args=["tenants", "list"])
    assert result.exit_code == 0, result.output
    assert "aalst" in result.output


def _tenant_files(count: int) -> dict[str, str]:
    return {
        f"gemeente-{number:02d}": f'name = "Gemeente {number:02d}"\nplugins = ["probe"]\n'
        for number in range(count)
    }


def test_tenants_with_a_plugin_and_the_platform_index_cost_the_same_at_1_and_50_tenants(
    database_settings,
):
    files = {"zonder": 'name = "Zonder Proefmodule"\nplugins = []\n', **_tenant_files(1)}
    app = probe_app(database_settings, tenants=files)
    counts = {}
    for count in (1, 50):
        if count > 1:
            write_tenant_files(database_settings.tenants_dir, _tenant_files(count))
            sync_directory(
                app.extensions["opvangplein.db"],
                database_settings.tenants_dir,
                app.extensions["opvangplein.plugins"],
            )
        client = app.test_client()
        client.get("/")  # warm
        with counted_statements(*app_engines(app)) as index:
            page = client.get("/").get_data(as_text=True)
        assert page.count('href="/t/gemeente-') == count
        with app.test_request_context("/"), counted_statements(*app_engines(app)) as lookup:
            found = tenants_with_plugin("probe")
        assert sorted(tenant.slug for tenant in found) == sorted(_tenant_files(count))
        assert lookup.count == 1, str(lookup)
        counts[count] = index.count
    assert counts[1] == counts[50], counts
