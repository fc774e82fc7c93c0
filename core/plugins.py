"""The plugin manager: loads plugins from entry points and calls hooks per tenant."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pluggy

from core import hookspecs
from core.plugin_types import PluginManifest

ENTRY_POINT_GROUP = "opvangplein.plugins"
PART_DIRECTORIES = ("migrations", "translations", "templates", "static")


class PluginError(RuntimeError):
    """A plugin is installed wrongly (missing manifest, misspelled hook, unknown requirement)."""


class PluginRegistry:
    """Wraps a pluggy manager with the per-tenant view the platform needs."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager
        self.manifests: dict[str, PluginManifest] = {}

    # -- start-up --------------------------------------------------------------------------

    def finish_loading(self) -> None:
        """Verify every plugin and collect manifests; call once after all plugins are registered."""
        try:
            self.manager.check_pending()
        except pluggy.PluginValidationError as error:
            raise PluginError(str(error)) from error
        self.manifests = {}
        for name, plugin in self.manager.list_name_plugin():
            caller = self.manager.subset_hook_caller(
                "plugin_manifest", remove_plugins=self._all_but(plugin)
            )
            manifest = caller()
            if manifest is None:
                raise PluginError(f"plugin {name!r} does not implement plugin_manifest")
            if manifest.name != name:
                raise PluginError(
                    f"plugin registered as {name!r} declares manifest name {manifest.name!r}"
                )
            self.manifests[name] = manifest
        for manifest in self.manifests.values():
            unknown = set(manifest.requires) - set(self.manifests)
            if unknown:
                raise PluginError(f"plugin {manifest.name!r} requires unknown {sorted(unknown)}")
            self._check_parts(manifest)
        self._caller_for.cache_clear()

    def _check_parts(self, manifest: PluginManifest) -> None:
        for part in PART_DIRECTORIES:
            path = self.part_path(manifest.name, part)
            if path is not None and not path.is_dir():
                raise PluginError(f"plugin {manifest.name!r} declares {part} at missing {path}")
        for permission in manifest.permissions:
            if not permission.name.startswith(f"{manifest.name}."):
                raise PluginError(
                    f"plugin {manifest.name!r} declares permission {permission.name!r}: "
                    f"name it {manifest.name}.<verb>"
                )
        for job in manifest.jobs:
            if not job.name.startswith(f"{manifest.name}."):
                raise PluginError(
                    f"plugin {manifest.name!r} declares job {job.name!r}: "
                    f"name it {manifest.name}.<verb>"
                )
            if job.every.total_seconds() <= 0:
                raise PluginError(
                    f"plugin {manifest.name!r} declares job {job.name!r} without interval"
                )

    def _all_but(self, keep: object) -> list[object]:
        return [p for _, p in self.manager.list_name_plugin() if p is not keep]

    # -- queries ---------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return sorted(self.manifests)

    def plugin(self, name: str) -> object:
        plugin = self.manager.get_plugin(name)
        if plugin is None:
            raise KeyError(name)
        return plugin

    def root(self, name: str) -> Path:
        """The plugin's folder: the manifest's ``root``, else its module's directory."""
        manifest = self.manifests[name]
        if manifest.root is not None:
            return Path(manifest.root)
        plugin = self.plugin(name)
        module = plugin if hasattr(plugin, "__file__") else sys.modules[plugin.__module__]
        return Path(module.__file__).parent

    def part_path(self, name: str, part: str) -> Path | None:
        """Where a declared directory part (``migrations``, ``templates``, ...) lives, or None."""
        relative = getattr(self.manifests[name], part)
        return None if relative is None else self.root(name) / relative

    def imported_parts(self, name: str, part: str) -> list[object]:
        """The objects a manifest names by import path (``blueprints``, ``cli``)."""
        objects = []
        for path in getattr(self.manifests[name], part):
            module_name, _, attribute = path.partition(":")
            try:
                objects.append(getattr(importlib.import_module(module_name), attribute))
            except (ImportError, AttributeError) as error:
                raise PluginError(f"plugin {name!r} declares {part} {path!r}: {error}") from error
        return objects

    def missing_requirements(self, name: str, enabled: Iterable[str]) -> list[str]:
        enabled = set(enabled)
        return [req for req in self.manifests[name].requires if req not in enabled]

    def dependants(self, name: str, enabled: Iterable[str]) -> list[str]:
        return [other for other in enabled if name in self.manifests[other].requires]

    # -- calling hooks ---------------------------------------------------------------------

    @property
    def all(self) -> pluggy.HookRelay:
        """Hooks of every installed plugin — for set-up hooks only."""
        return self.manager.hook

    def for_plugins(self, enabled: Iterable[str]) -> TenantHooks:
        """Hooks restricted to the plugins in ``enabled`` (plus non-plugin core implementations)."""
        return TenantHooks(self, frozenset(enabled))

    @lru_cache(maxsize=4096)  # noqa: B019 — one registry per app, lives as long as the app
    def _caller_for(self, hook_name: str, enabled: frozenset[str]):
        remove = [
            plugin
            for name, plugin in self.manager.list_name_plugin()
            if name in self.manifests and name not in enabled
        ]
        return self.manager.subset_hook_caller(hook_name, remove_plugins=remove)


class TenantHooks:
    """Attribute access returns a hook caller that only reaches the enabled plugins."""

    def __init__(self, registry: PluginRegistry, enabled: frozenset[str]) -> None:
        self._registry = registry
        self._enabled = enabled

    def __getattr__(self, hook_name: str):
        return self._registry._caller_for(hook_name, self._enabled)


def build_registry(extra_plugins: Iterable[tuple[str, object]] = (), *, load_entry_points=True):
    """Create the registry: built-in and third-party plugins come from entry points.

    ``extra_plugins`` (name, module-or-object) lets tests register a throw-away plugin.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    if load_entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for name, plugin in extra_plugins:
        manager.register(plugin, name=name)
    registry = PluginRegistry(manager)
    registry.finish_loading()
    return registry
