"""The plugin manager: hooks reach enabled plugins only, settings have defaults, bad plugins fail."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from flask import Blueprint, render_template

from core import create_app
from core.hookspecs import hookimpl
from core.plugin_types import Permission, PluginManifest
from core.plugins import PluginError, build_registry
from core.tenancy import effective_settings
from tests.core import probe_plugin


def make_plugin(name: str, requires: tuple[str, ...] = (), **hooks) -> types.ModuleType:
    """A throw-away plugin module with a manifest and the given hook implementations."""
    plugin = types.ModuleType(f"throwaway_{name}")

    @hookimpl
    def plugin_manifest():
        return PluginManifest(name=name, title_nl=name, title_en=name, requires=requires)

    plugin.plugin_manifest = plugin_manifest
    for hook_name, implementation in hooks.items():
        setattr(plugin, hook_name, implementation)
    return plugin


def test_built_in_plugins_load_from_entry_points():
    registry = build_registry()
    assert {"loket", "ckg", "starters", "training", "networks"} <= set(registry.names)
    assert registry.manifests["loket"].title_nl == "Lokaal Loket Kinderopvang"


def test_hooks_reach_only_plugins_enabled_for_the_tenant():
    plugin_a = make_plugin("alpha", monitoring_figures=hookimpl(lambda tenant: ["from-a"]))
    plugin_b = make_plugin("beta", monitoring_figures=hookimpl(lambda tenant: ["from-b"]))
    registry = build_registry([("alpha", plugin_a), ("beta", plugin_b)], load_entry_points=False)

    assert registry.for_plugins({"alpha"}).monitoring_figures(tenant=None, session=None) == [
        ["from-a"]
    ]
    assert registry.for_plugins({"beta"}).monitoring_figures(tenant=None, session=None) == [
        ["from-b"]
    ]
    assert sorted(
        registry.for_plugins({"alpha", "beta"}).monitoring_figures(tenant=None, session=None)
    ) == [
        ["from-a"],
        ["from-b"],
    ]
    assert registry.for_plugins(set()).monitoring_figures(tenant=None, session=None) == []


def test_a_hook_implementation_may_accept_fewer_arguments_than_the_spec():
    plugin = make_plugin("gamma", menu_items=hookimpl(lambda: ["item"]))
    registry = build_registry([("gamma", plugin)], load_entry_points=False)
    assert registry.for_plugins({"gamma"}).menu_items(tenant=None, user=None) == [["item"]]


def test_a_misspelled_hook_implementation_fails_start_up():
    plugin = make_plugin("typo", menu_itemz=hookimpl(lambda tenant, user: []))
    with pytest.raises(PluginError, match="menu_itemz"):
        build_registry([("typo", plugin)], load_entry_points=False)


def test_a_plugin_without_manifest_fails_start_up():
    plugin = types.ModuleType("anonymous")
    plugin.menu_items = hookimpl(lambda tenant, user: [])
    with pytest.raises(PluginError, match="plugin_manifest"):
        build_registry([("anonymous", plugin)], load_entry_points=False)


def test_a_manifest_name_must_match_the_registered_name():
    plugin = make_plugin("delta")
    with pytest.raises(PluginError, match="declares manifest name"):
        build_registry([("epsilon", plugin)], load_entry_points=False)


def test_requirements_must_name_installed_plugins():
    plugin = make_plugin("needy", requires=("nowhere",))
    with pytest.raises(PluginError, match="nowhere"):
        build_registry([("needy", plugin)], load_entry_points=False)


def test_requirements_and_dependants_are_reported():
    base = make_plugin("base")
    addon = make_plugin("addon", requires=("base",))
    registry = build_registry([("base", base), ("addon", addon)], load_entry_points=False)
    assert registry.missing_requirements("addon", enabled=set()) == ["base"]
    assert registry.missing_requirements("addon", enabled={"base"}) == []
    assert registry.dependants("base", enabled={"base", "addon"}) == ["addon"]


def test_settings_fall_back_to_defaults_and_ignore_values_that_no_longer_fit():
    schema = list(probe_plugin.MANIFEST.settings)
    assert effective_settings(schema, {}) == {"max_children": 4, "mode": "calm"}
    assert effective_settings(schema, {"max_children": "7"}) == {"max_children": 7, "mode": "calm"}
    assert effective_settings(schema, {"max_children": 99, "mode": "wild"}) == {
        "max_children": 4,
        "mode": "calm",
    }


# -- the parts a manifest declares ------------------------------------------------------------


def part_plugin(root: Path, name: str = "parts", **parts) -> types.ModuleType:
    """A throw-away plugin whose folder is ``root`` and whose manifest declares ``parts``."""
    plugin = types.ModuleType(f"throwaway_{name}")

    @hookimpl
    def plugin_manifest():
        return PluginManifest(name=name, title_nl=name, title_en=name, root=root, **parts)

    plugin.plugin_manifest = plugin_manifest
    return plugin


@pytest.mark.parametrize("part", ["migrations", "translations", "templates", "static"])
def test_a_declared_directory_that_does_not_exist_fails_start_up(tmp_path, part):
    plugin = part_plugin(tmp_path, **{part: "nowhere"})
    with pytest.raises(PluginError, match=f"'parts' declares {part} at missing"):
        build_registry([("parts", plugin)], load_entry_points=False)


def test_a_permission_not_named_after_the_plugin_fails_start_up(tmp_path):
    plugin = part_plugin(tmp_path, permissions=(Permission("other.view", "Bekijken"),))
    with pytest.raises(PluginError, match=r"permission 'other.view': name it parts.<verb>"):
        build_registry([("parts", plugin)], load_entry_points=False)
    bare = part_plugin(tmp_path, permissions=(Permission("view", "Bekijken"),))
    with pytest.raises(PluginError, match="name it parts.<verb>"):
        build_registry([("parts", bare)], load_entry_points=False)


@pytest.mark.parametrize(
    "path", ["tests.core.no_such_module:blueprint", "tests.core.probe_plugin:no_such_blueprint"]
)
def test_a_blueprint_that_does_not_import_fails_start_up_naming_the_plugin(
    tmp_path, sqlite_settings, path
):
    plugin = part_plugin(tmp_path, blueprints=(path,))
    registry = build_registry([("parts", plugin)], load_entry_points=False)
    with pytest.raises(PluginError, match=f"plugin 'parts' declares blueprints '{path}'"):
        create_app({"TESTING": True}, settings=sqlite_settings, registry=registry)


def test_static_files_and_templates_of_the_manifest_are_served(tmp_path, sqlite_settings):
    root = tmp_path / "parts_plugin"
    (root / "static").mkdir(parents=True)
    (root / "static" / "parts.css").write_text("main { color: #123456; }\n")
    (root / "templates" / "parts").mkdir(parents=True)
    (root / "templates" / "parts" / "page.html").write_text(
        '{% extends "base.html" %}{% block content %}<p id="parts-page">Onderdelen</p>'
        "<link href=\"{{ url_for('parts.static', filename='parts.css') }}\">{% endblock %}"
    )
    module = types.ModuleType("throwaway_parts_views")
    module.blueprint = Blueprint("parts", __name__, url_prefix="/onderdelen")
    module.blueprint.add_url_rule("/", "page", lambda: render_template("parts/page.html"))
    sys.modules[module.__name__] = module
    try:
        plugin = part_plugin(
            root,
            blueprints=("throwaway_parts_views:blueprint",),
            static="static",
            templates="templates",
        )
        registry = build_registry([("parts", plugin)], load_entry_points=False)
        assert registry.part_path("parts", "templates") == root / "templates"
        tenants = {"aalst": 'name = "Aalst"\nplugins = ["parts"]\n'}
        app = _app_with_tenants(sqlite_settings, registry, tenants)
        client = app.test_client()

        page = client.get("/t/aalst/onderdelen/")
        assert page.status_code == 200
        assert 'id="parts-page"' in page.text
        assert 'href="/t/aalst/onderdelen/static/parts.css"' in page.text
        css = client.get("/t/aalst/onderdelen/static/parts.css")
        assert css.status_code == 200
        assert b"#123456" in css.data
        assert client.get("/t/aalst/onderdelen/static/missing.css").status_code == 404
    finally:
        del sys.modules[module.__name__]


def _app_with_tenants(settings, registry, tenants):
    from core.migrator import upgrade_database
    from core.tenant_files import sync_directory
    from tests.support.apps import write_tenant_files

    upgrade_database(settings, registry, echo=lambda _: None)
    write_tenant_files(settings.tenants_dir, tenants)
    app = create_app({"TESTING": True}, settings=settings, registry=registry)
    sync_directory(app.extensions["opvangplein.db"], settings.tenants_dir, registry)
    return app
