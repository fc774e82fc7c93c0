"""``flask --app core plugins new``: a new plugin that the platform loads, migrates and serves as
it stands, and that passes its own tests."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlmodel import SQLModel, select

from core import create_app
from core.config import Settings
from core.plugins import build_registry
from core.scaffold import PluginNames, ScaffoldError, check_name, package_for, scaffold
from core.testing import migrated_app, sign_in, tenant_id

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def forget_package(package: str) -> None:
    """Unload a scaffolded package and take its models out of SQLModel's registry and metadata.

    Tests that walk every model (the route probe) must not find a table only this test
    migrated; a real plugin's models stay, and its migrations run in those tests."""
    registry = SQLModel._sa_registry
    for manager in list(registry._managers):
        if manager.class_.__module__.split(".")[0] == package:
            table = manager.mapper.local_table
            registry._dispose_manager_and_mapper(manager)
            del registry._managers[manager]
            SQLModel.metadata.remove(table)
    for module in [name for name in sys.modules if name.split(".")[0] == package]:
        del sys.modules[module]


@pytest.fixture
def cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    settings = Settings(database_url=url, migration_database_url=url, tenants_dir=tmp_path)
    app = create_app({"TESTING": True}, settings=settings, registry=build_registry())
    return app.test_cli_runner()


@pytest.fixture
def importable(tmp_path):
    """``tmp_path/src`` on ``sys.path``, as a plugin's distribution would be once installed."""
    source = tmp_path / "src"
    source.mkdir()
    sys.path.insert(0, str(source))
    importlib.invalidate_caches()
    packages: list[str] = []
    yield source, packages
    sys.path.remove(str(source))
    for package in packages:
        forget_package(package)


def test_a_new_plugin_loads_migrates_and_serves_its_page_and_form(cli, importable, tmp_path):
    source, packages = importable
    result = cli.invoke(args=["plugins", "new", "bulletin", "--directory", str(source)])
    assert result.exit_code == 0, result.output
    assert 'bulletin = "bulletin.plugin"' in result.output
    packages.append("bulletin")
    plugin = importlib.import_module("bulletin.plugin")
    models = importlib.import_module("bulletin.models")

    registry = build_registry([("bulletin", plugin)])
    assert registry.manifests["bulletin"].permissions[0].name == "bulletin.manage"
    (tmp_path / "db").mkdir()
    app = migrated_app(tmp_path / "db", registry, tenants={"aalst": ["bulletin"], "brugge": []})
    client = app.test_client()

    assert client.get("/t/aalst/bulletin/").status_code == 200
    assert client.get("/t/brugge/bulletin/").status_code == 404
    assert 'href="/t/aalst/bulletin/"' in client.get("/t/aalst/").text
    assert "/bulletin/" not in client.get("/t/brugge/").text

    sign_in(client, app, "aalst", roles=["staff:bulletin"])
    refused = client.post("/t/aalst/bulletin/", data={"title": ""})
    assert refused.status_code == 422
    assert "Vul dit veld in." in refused.text
    assert 'href="#title"' in refused.text  # the error summary links to the field
    added = client.post("/t/aalst/bulletin/", data={"title": "Zwemles in juli"})
    assert added.status_code == 303
    assert "Zwemles in juli" in client.get("/t/aalst/bulletin/").text
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as session:
        assert [row.title for row in session.exec(select(models.BulletinEntry))] == [
            "Zwemles in juli"
        ]


def test_the_new_plugin_passes_its_own_tests(tmp_path):
    written = scaffold(tmp_path, PluginNames(name="bulletin", package="bulletin"))
    tests = tmp_path / "bulletin" / "tests"
    assert tests / "test_bulletin.py" in written

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout


@pytest.mark.parametrize("name", ["question_week", "bulletin"])  # after and before "core"
def test_the_new_plugin_has_every_part_and_keeps_the_project_style(tmp_path, name):
    scaffold(tmp_path, PluginNames(name=name, package=name))
    root = tmp_path / name
    for part in (
        "plugin.py",
        "models.py",
        "services.py",
        "forms.py",
        "views/__init__.py",
        "views/common.py",
        "views/entries.py",
        f"templates/{name}/index.html",
        f"migrations/0001_{name}_tables.py",
        "translations/nl/LC_MESSAGES/messages.po",
        "translations/nl/LC_MESSAGES/messages.mo",
        f"tests/test_{name}.py",
    ):
        assert (root / part).is_file(), part
    assert f'blueprints=("{name}.views:blueprint",)' in (root / "plugin.py").read_text()
    assert "create_tenant_table(" in (root / f"migrations/0001_{name}_tables.py").read_text()
    assert "(TenantScoped, table=True)" in (root / "models.py").read_text()
    settings = ["--config", str(ROOT / "pyproject.toml")]
    for command in (["check", *settings], ["format", "--check", *settings]):
        run = subprocess.run([BIN / "ruff", *command, str(root)], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr


def test_the_new_catalog_agrees_with_the_platform_catalogs(tmp_path):
    """All catalogs share one gettext domain: a new plugin must not translate a message of the
    core or of another plugin differently."""
    scaffold(tmp_path, PluginNames(name="bulletin", package="bulletin"))
    new = _catalog(tmp_path / "bulletin/translations")
    for directory in [ROOT / "core/translations", *ROOT.glob("plugins/*/translations")]:
        existing = _catalog(directory)
        clashes = {key for key in new.keys() & existing.keys() if new[key] != existing[key]}
        assert clashes == set(), directory


def _catalog(translations: Path) -> dict[str, str]:
    with (translations / "nl/LC_MESSAGES/messages.po").open("rb") as handle:
        return {str(m.id): m.string for m in read_po(handle) if m.id and m.string}


@pytest.mark.parametrize(
    "name", ["Notices", "1notices", "no-tices", "n", "notices_", "no__tices", "class", "core"]
)
def test_a_plugin_name_is_a_lowercase_identifier_the_platform_does_not_use(name):
    with pytest.raises(ScaffoldError):
        check_name(name, taken=set())


def test_the_command_refuses_an_installed_plugin_and_an_existing_folder(cli, tmp_path):
    taken = cli.invoke(args=["plugins", "new", "loket", "--directory", str(tmp_path)])
    assert taken.exit_code != 0
    assert "already installed" in taken.output
    assert not (tmp_path / "loket").exists()

    (tmp_path / "bulletin").mkdir()
    (tmp_path / "bulletin" / "plugin.py").write_text("# mine\n")
    existing = cli.invoke(args=["plugins", "new", "bulletin", "--directory", str(tmp_path)])
    assert existing.exit_code != 0
    assert "already exists" in existing.output
    assert (tmp_path / "bulletin" / "plugin.py").read_text() == "# mine\n"
    assert sorted(p.name for p in (tmp_path / "bulletin").iterdir()) == ["plugin.py"]

    wrong = cli.invoke(args=["plugins", "new", "Bulletin", "--directory", str(tmp_path)])
    assert wrong.exit_code != 0
    assert "not a plugin name" in wrong.output


def test_the_import_path_follows_the_folder_on_the_python_path(tmp_path):
    (tmp_path / "plugins").mkdir()
    assert package_for(tmp_path / "plugins", "notices", [str(tmp_path)]) == "plugins.notices"
    assert package_for(tmp_path / "plugins", "notices", [str(tmp_path / "plugins")]) == "notices"
    assert package_for(tmp_path / "plugins", "notices", ["/nowhere"]) == "notices"
