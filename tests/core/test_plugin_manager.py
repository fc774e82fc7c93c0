"""The plugin manager: hooks reach enabled plugins only, settings have defaults, bad plugins fail."""

from __future__ import annotations

import types

import pytest

from core.hookspecs import hookimpl
from core.plugin_types import PluginManifest
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
