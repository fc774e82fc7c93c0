"""A network's page shows other modules' figures; meetings keep attendance; overdue actions."""

from __future__ import annotations

import types
from datetime import date, timedelta

from sqlmodel import select

from core.hookspecs import hookimpl
from core.plugin_types import Figure, PluginManifest
from plugins.networks.models import Attendance, NetworkAction
from tests.plugins.networks.conftest import add_network, build_world, networks_app


def _figures_plugin() -> types.ModuleType:
    plugin = types.ModuleType("throwaway_figures")

    @hookimpl
    def plugin_manifest():
        return PluginManifest(name="signals", title_nl="Signalen", title_en="Signals")

    @hookimpl
    def monitoring_figures(tenant, session):
        return [
            Figure(
                key="signals.unmet_demand", label=f"Onvervulde opvangvraag {tenant.name}", value=17
            ),
            Figure(
                key="signals.dropouts",
                label="Uitval opleiding wegens opvang",
                value=4,
                unit="cursisten",
            ),
        ]

    plugin.plugin_manifest = plugin_manifest
    plugin.monitoring_figures = monitoring_figures
    return plugin


TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "networks", "signals"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe", "networks"]\n',
    "gent": 'name = "Gent"\nhosts = ["gent.test"]\nplugins = ["probe", "networks", "ckg", "loket"]\n',
}


def test_the_network_page_shows_figures_of_the_other_enabled_plugins(sqlite_settings):
    app = networks_app(
        sqlite_settings, tenants=TENANTS, extra_plugins=[("signals", _figures_plugin())]
    )
    world = build_world(app)
    page = world.client("els").get(f"/t/aalst/netwerken/{world.network_id}").get_data(as_text=True)
    assert "Onvervulde opvangvraag Aalst" in page and ">17<" in page
    assert "4 cursisten" in page
    assert 'data-figure="networks.' not in page  # its own figures are for the dashboard
    # Brugge has not enabled the throw-away plugin: its networks see none of it.
    network_id = add_network(app, "brugge", "Netwerk Brugge")
    brugge = world.client("bart", "brugge", roles=["staff:networks"])
    assert "Onvervulde opvangvraag" not in brugge.get(f"/t/brugge/netwerken/{network_id}").get_data(
        as_text=True
    )


def test_the_real_loket_and_ckg_plugins_report_on_a_network_page(world):
    network_id = add_network(world.app, "gent", "Huis van het Kind Gent")
    staff = world.client("gwen", "gent", roles=["staff:networks"])
    page = staff.get(f"/t/gent/netwerken/{network_id}").get_data(as_text=True)
    assert 'data-figure="ckg.waiting"' in page
    assert 'data-figure="loket.' in page


def _meeting(world, client):
    response = client.post(
        f"/t/aalst/netwerken/{world.network_id}/overleg/nieuw",
        data={"held_on": "03/12/2026", "place": "OCMW Aalst", "agenda": "Welkom\nSociale tarieven"},
    )
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[1]


def test_a_coordinator_records_who_attended_for_each_member(world):
    els = world.client("els")
    meeting_id = _meeting(world, els)
    response = els.post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/aanwezigheid",
        data={
            f"presence-{world.ckg_member_id}": "present",
            f"person-{world.ckg_member_id}": "Els Peeters",
            f"presence-{world.school_member_id}": "excused",
        },
    )
    assert response.status_code == 303
    with world.db() as db:
        rows = {
            row.member_id: (row.status, row.person) for row in db.exec(select(Attendance)).all()
        }
    assert rows == {
        world.ckg_member_id: ("present", "Els Peeters"),
        world.school_member_id: ("excused", ""),
    }
    bad = els.post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/aanwezigheid",
        data={f"presence-{world.ckg_member_id}": "maybe"},
    )
    assert bad.status_code == 422
    assert (
        world.client("sara")
        .post(f"/t/aalst/netwerken/overleg/{meeting_id}/aanwezigheid", data={})
        .status_code
        == 403
    )


def test_a_meeting_needs_a_valid_date_and_keeps_what_was_typed(world):
    response = world.client("els").post(
        f"/t/aalst/netwerken/{world.network_id}/overleg/nieuw",
        data={"held_on": "31/02/2026", "place": "OCMW Aalst", "agenda": "Welkom"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="OCMW Aalst"' in text and "Welkom" in text


def test_the_owner_or_a_coordinator_moves_an_action_and_others_cannot(world):
    els = world.client("els")
    meeting_id = _meeting(world, els)
    els.post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/acties",
        data={
            "title": "Lijst sociale tarieven",
            "due_on": "2026-12-20",
            "owner": str(world.ckg_member_id),
        },
    )
    with world.db() as db:
        action_id = db.exec(select(NetworkAction)).one().id
    assert (
        world.client("sara")
        .post(f"/t/aalst/netwerken/acties/{action_id}/status", data={"status": "done"})
        .status_code
        == 403
    )
    assert (
        els.post(
            f"/t/aalst/netwerken/acties/{action_id}/status", data={"status": "gedaan"}
        ).status_code
        == 422
    )
    assert (
        els.post(
            f"/t/aalst/netwerken/acties/{action_id}/status", data={"status": "in_progress"}
        ).status_code
        == 303
    )
    with world.db() as db:
        assert db.get(NetworkAction, action_id).status == "in_progress"


def test_the_overdue_overview_lists_late_unfinished_actions_of_visible_networks(world):
    today = date.today()
    els = world.client("els")
    meeting_id = _meeting(world, els)
    for title, due, owner in (
        ("Te laat en open", today - timedelta(days=10), world.school_member_id),
        ("Nog niet te laat", today + timedelta(days=3), world.school_member_id),
        ("Te laat maar klaar", today - timedelta(days=20), world.ckg_member_id),
    ):
        els.post(
            f"/t/aalst/netwerken/overleg/{meeting_id}/acties",
            data={"title": title, "due_on": due.isoformat(), "owner": str(owner)},
        )
    with world.db() as db:
        done = db.exec(
            select(NetworkAction).where(NetworkAction.title == "Te laat maar klaar")
        ).one()
        done.status = "done"
        db.add(done)
    page = (
        world.client("sara").get("/t/aalst/netwerken/acties/achterstallig").get_data(as_text=True)
    )
    assert "Te laat en open" in page and ">10<" in page
    assert "Nog niet te laat" not in page and "Te laat maar klaar" not in page
    pieter = world.client("pieter").get("/t/aalst/netwerken/acties/achterstallig")
    assert pieter.status_code == 200 and "Te laat en open" not in pieter.get_data(as_text=True)
