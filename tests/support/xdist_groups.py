"""Which tests share a pytest-xdist worker (a pytest plugin loaded by tests/conftest.py).

Tests that share an expensive session fixture (the walked municipality) run on one worker, so it
is built once; the tests of a module with a module-scoped fixture stay together for the same
reason; every other test goes to whichever worker is free, the largest groups first.

xdist's own ``--dist loadgroup`` scheduler no longer sees ``xdist_group`` marks with pytest 9 (it
renames node ids through an attribute pytest 9 dropped), so with ``--dist loadgroup`` the
scheduler below takes its place: each worker writes the group of every test it collected to a
file, and the scheduler reads it. A test's own ``xdist_group`` mark still names its group.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

GROUP_FILE = "opvangplein_group_file"
# Session fixtures that take many seconds to build, and the group of the tests that use them.
SHARED_ON_ONE_WORKER = {
    "walked_municipality": "walked-municipality",
    "walked_sqlite_municipality": "walked-municipality",
}


def group_of(item: pytest.Item) -> str | None:
    mark = item.get_closest_marker("xdist_group")
    if mark is not None:
        return str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
    for name in getattr(item, "fixturenames", ()):
        if name in SHARED_ON_ONE_WORKER:
            return SHARED_ON_ONE_WORKER[name]
    definitions = getattr(item, "_fixtureinfo", None)
    if definitions is not None and any(
        fixture_defs and fixture_defs[-1].scope == "module"
        for fixture_defs in definitions.name2fixturedefs.values()
    ):
        return item.nodeid.split("::", 1)[0]
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """On a worker: write ``{node id: group}`` where the controller's scheduler reads it."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None or GROUP_FILE not in workerinput:
        return
    groups = {item.nodeid: group for item in items if (group := group_of(item)) is not None}
    path = Path(workerinput[GROUP_FILE]).with_suffix(f".{workerinput['workerid']}.json")
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(groups), encoding="utf-8")
    os.replace(temporary, path)


class XdistHooks:
    """Hooks that exist only with pytest-xdist installed."""

    def __init__(self, config) -> None:
        self.config = config

    def _group_file(self) -> Path:
        return Path(self.config._tmp_path_factory.getbasetemp()) / "xdist-groups"

    @pytest.hookimpl
    def pytest_configure_node(self, node):
        node.workerinput[GROUP_FILE] = str(self._group_file())

    @pytest.hookimpl
    def pytest_xdist_make_scheduler(self, config, log):
        if config.getvalue("dist") != "loadgroup":
            return None
        from xdist.scheduler import LoadScopeScheduling

        group_file = self._group_file()

        class GroupScheduling(LoadScopeScheduling):
            """``loadscope`` with the scopes the workers wrote: a group, or the test itself."""

            groups: dict[str, str] | None = None

            def _split_scope(self, nodeid: str) -> str:
                if self.groups is None:
                    self.groups = {}
                    for path in sorted(group_file.parent.glob(f"{group_file.name}.*.json")):
                        self.groups.update(json.loads(path.read_text(encoding="utf-8")))
                return self.groups.get(nodeid, nodeid)

        return GroupScheduling(config, log)


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistHooks(config), "opvangplein-xdist-groups")
