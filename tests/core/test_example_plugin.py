"""The example plugin (tests/example_plugin): a distribution of its own, installed with pip.

It loads through its entry point like any third party's plugin — never through
``extra_plugins`` — and serves only the tenants that enabled it. Being installed, its model is in
the shared metadata like the built-in plugins' are, so the tests that walk every model
(tests/core/test_route_probe.py, tests/core/test_models_match_migrations.py) migrate it, load its
demo data and walk its routes too.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlmodel import select

from core.hookspecs import hookimpl
from core.plugin_types import PluginManifest
from core.plugins import ENTRY_POINT_GROUP, build_registry
from core.testing import migrated_app, sign_in, tenant_id

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests/example_plugin/opvangplein_example"


class Listener:
    """A throw-away plugin that keeps the events it hears."""

    def __init__(self) -> None:
        self.events = []

    @hookimpl
    def plugin_manifest(self):
        return PluginManifest(name="listener", title_nl="Luisteraar", title_en="Listener")

    @hookimpl
    def on_event(self, event):
        self.events.append(event)


@pytest.fixture
def listener():
    return Listener()


@pytest.fixture
def app(tmp_path, listener):
    # Only the listener is registered by hand; the notice board comes from its entry point.
    registry = build_registry([("listener", listener)])
    tenants = {"aalst": ["noticeboard", "listener"], "brugge": ["loket"]}
    return migrated_app(tmp_path, registry, tenants=tenants)


def test_the_example_loads_through_its_entry_point_from_its_own_distribution():
    (entry_point,) = [
        entry_point
        for entry_point in entry_points(group=ENTRY_POINT_GROUP)
        if entry_point.name == "noticeboard"
    ]
    assert entry_point.value == "opvangplein_example.plugin"
    assert entry_point.dist.name == "opvangplein-example-plugin"
    registry = build_registry()
    assert "noticeboard" in registry.names
    assert registry.plugin("noticeboard").__name__ == "opvangplein_example.plugin"
    assert registry.part_path("noticeboard", "migrations") == EXAMPLE / "migrations"


def test_it_serves_only_the_tenant_that_enabled_it(app):
    client = app.test_client()
    board = client.get("/t/aalst/prikbord/")
    assert board.status_code == 200
    assert "Er hangen geen mededelingen op het prikbord." in board.text
    assert client.get("/t/brugge/prikbord/").status_code == 404
    assert 'href="/t/aalst/prikbord/"' in client.get("/t/aalst/").text
    assert "/prikbord/" not in client.get("/t/brugge/").text


def test_staff_put_up_a_notice_and_the_event_is_announced(app, listener):
    client = app.test_client()
    sign_in(client, app, "aalst", roles=["staff:noticeboard"])
    until = date.today() + timedelta(days=7)
    response = client.post(
        "/t/aalst/prikbord/",
        data={"title": "Zwembad dicht", "body": "Op maandag.", "visible_until": until.isoformat()},
    )
    assert response.status_code == 303
    notice = client.get(response.headers["Location"])
    assert "Op maandag." in notice.text
    assert "Zwembad dicht" in client.get("/t/aalst/prikbord/").text
    assert "Zwembad dicht" in client.get("/t/aalst/").text  # the start page's card

    (event,) = listener.events
    assert event.name == "noticeboard.notice_posted"
    assert event.tenant_id == tenant_id(app, "aalst")
    assert event.payload["title"] == "Zwembad dicht"
    assert event.payload["visible_until"] == until.isoformat()
    # Another tenant asking for this notice learns nothing (its plugin is off there, and the row
    # is another tenant's anyway).
    path = response.headers["Location"].removeprefix("/t/aalst")
    assert client.get(f"/t/brugge{path}").status_code == 404


def test_a_notice_in_the_past_or_without_a_day_is_refused_in_dutch(app, listener):
    from opvangplein_example.models import Notice

    client = app.test_client()
    sign_in(client, app, "aalst", roles=["staff:noticeboard"])
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    past = client.post(
        "/t/aalst/prikbord/", data={"title": "Te laat", "body": "x", "visible_until": yesterday}
    )
    assert past.status_code == 422
    assert 'href="#visible_until"' in past.text
    assert 'value="Te laat"' in past.text  # what was typed stays
    missing = client.post("/t/aalst/prikbord/", data={"title": "Geen dag", "body": "x"})
    assert "Kies de laatste dag waarop de mededeling getoond wordt." in missing.text
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as session:
        assert session.exec(select(Notice)).all() == []
    assert listener.events == []


def test_only_staff_of_the_module_post_notices(app):
    client = app.test_client()
    data = {"title": "Anoniem", "body": "x", "visible_until": date.today().isoformat()}
    assert client.post("/t/aalst/prikbord/", data=data).status_code == 401
    sign_in(client, app, "aalst", roles=["parent"], subject="ouder")
    assert client.post("/t/aalst/prikbord/", data=data).status_code == 403
    assert "Een mededeling ophangen" not in client.get("/t/aalst/prikbord/").text


def test_every_message_of_the_example_is_translated_and_agrees_with_the_platform(tmp_path):
    template = tmp_path / "example.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            str(ROOT / "babel-plugin.cfg"),
            "-k",
            "_l",
            "-o",
            str(template),
            str(EXAMPLE),
        ],
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        wanted = {str(message.id) for message in read_po(handle) if message.id}
    dutch = _catalog(EXAMPLE / "translations")
    assert sorted(wanted - dutch.keys()) == []
    for directory in [ROOT / "core/translations", *ROOT.glob("plugins/*/translations")]:
        other = _catalog(directory)
        assert {key for key in dutch.keys() & other.keys() if dutch[key] != other[key]} == set()


def _catalog(translations: Path) -> dict[str, str]:
    with (translations / "nl/LC_MESSAGES/messages.po").open("rb") as handle:
        return {str(m.id): m.string for m in read_po(handle) if m.id and m.string}
