"""Membership and visibility: members see their network, everyone else sees nothing of it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from plugins.networks.models import Meeting, NetworkAction
from tests.support.apps import tenant_id


def _meeting(world, minutes: str = "Vertrouwelijk verslag van het overleg in Aalst") -> str:
    els = world.client("els")
    response = els.post(
        f"/t/aalst/netwerken/{world.network_id}/overleg/nieuw",
        data={
            "held_on": "2026-12-03",
            "place": "Gemeentehuis Aalst",
            "agenda": "Welkom\nLuierbank",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    meeting_id = response.headers["Location"].rsplit("/", 1)[1]
    assert (
        els.post(
            f"/t/aalst/netwerken/overleg/{meeting_id}/verslag", data={"minutes": minutes}
        ).status_code
        == 303
    )
    return meeting_id


def test_a_member_organisation_sees_its_network_with_meetings_and_minutes(world):
    meeting_id = _meeting(world)
    sara = world.client("sara")
    index = sara.get("/t/aalst/netwerken/").get_data(as_text=True)
    assert "Huis van het Kind Aalst" in index
    page = sara.get(f"/t/aalst/netwerken/overleg/{meeting_id}")
    assert page.status_code == 200
    assert "Vertrouwelijk verslag van het overleg in Aalst" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "who",
    ["pieter", "loket-staff", "parent", "staff-of-brugge", "partner-elsewhere"],
)
def test_a_non_member_sees_nothing_of_the_network(world, who):
    meeting_id = _meeting(world)
    if who == "pieter":  # granted `networks`, but not a member of this network
        client = world.client("pieter")
    elif who == "loket-staff":
        client = world.client("lies", roles=["staff:loket"])
    elif who == "parent":
        client = world.client("an", roles=["parent"])
    elif who == "staff-of-brugge":
        client = world.client("bart", "brugge", roles=["staff:networks"])
    else:
        client = world.client("els", "brugge")  # CKG Oost is not granted anything in Brugge
    prefix = "/t/brugge" if who in ("staff-of-brugge", "partner-elsewhere") else "/t/aalst"
    for path in (
        f"/netwerken/{world.network_id}",
        f"/netwerken/overleg/{meeting_id}",
        f"/netwerken/{world.network_id}/overleg/nieuw",
    ):
        response = client.get(prefix + path)
        assert response.status_code in (403, 404), (who, path, response.status_code)
        assert "Vertrouwelijk verslag" not in response.get_data(as_text=True)
    listing = client.get(prefix + "/netwerken/")
    assert "Huis van het Kind Aalst" not in listing.get_data(as_text=True)
    directory = client.get(prefix + "/netwerken/sociale-kaart").get_data(as_text=True)
    assert "Huis van het Kind Aalst" not in directory
    assert "Vertrouwelijk verslag" not in directory


def test_hidden_objects_answer_404_not_403(world):
    """A network one may not see is as absent as one that does not exist."""
    meeting_id = _meeting(world)
    pieter = world.client("pieter")
    assert pieter.get(f"/t/aalst/netwerken/{world.network_id}").status_code == 404
    assert pieter.get(f"/t/aalst/netwerken/overleg/{meeting_id}").status_code == 404
    assert (
        pieter.post(
            f"/t/aalst/netwerken/overleg/{meeting_id}/acties",
            data={"title": "Iets", "due_on": "2026-12-01", "owner": str(world.school_member_id)},
        ).status_code
        == 404
    )


def test_anonymous_visitors_are_asked_to_sign_in_for_networks(world):
    client = world.app.test_client()
    assert client.get(f"/t/aalst/netwerken/{world.network_id}").status_code == 401
    assert client.get("/t/aalst/netwerken/").status_code == 302


def test_staff_of_the_module_see_and_manage_every_network(world):
    staff = world.client("greet", roles=["staff:networks"])
    assert staff.get(f"/t/aalst/netwerken/{world.network_id}").status_code == 200
    response = staff.post(
        "/t/aalst/netwerken/",
        data={"name": "Overleg kinderarmoede Aalst", "kind": "child_poverty_consultation"},
    )
    assert response.status_code == 303


def test_partners_cannot_create_networks_or_admit_members(world):
    els = world.client("els")
    assert (
        els.post(
            "/t/aalst/netwerken/", data={"name": "Eigen netwerk", "kind": "huis_van_het_kind"}
        ).status_code
        == 403
    )
    assert (
        els.post(
            f"/t/aalst/netwerken/{world.network_id}/leden",
            data={"member-name": "Nieuwe partner", "sector": "other"},
        ).status_code
        == 403
    )


def test_staff_admit_a_granted_organisation_and_its_people_then_see_the_network(world):
    from tests.plugins.networks.conftest import organisation

    pieter = world.client("pieter")
    assert pieter.get(f"/t/aalst/netwerken/{world.network_id}").status_code == 404
    staff = world.client("greet", roles=["staff:networks"])
    kdv = organisation(world.app, "kdv-zonnebloem")
    response = staff.post(
        f"/t/aalst/netwerken/{world.network_id}/leden",
        data={"organisation": str(kdv.id), "sector": "childcare"},
    )
    assert response.status_code == 303
    assert pieter.get(f"/t/aalst/netwerken/{world.network_id}").status_code == 200


def test_only_granted_organisations_can_be_admitted(world):
    from tests.plugins.networks.conftest import organisation

    stranger = organisation(world.app, "ngo-zonder-toegang")
    staff = world.client("greet", roles=["staff:networks"])
    for value in (str(stranger.id), "not-an-id"):
        response = staff.post(
            f"/t/aalst/netwerken/{world.network_id}/leden",
            data={"organisation": value, "sector": "other"},
        )
        assert response.status_code == 422
        assert "networks module" in response.get_data(
            as_text=True
        ) or "netwerken" in response.get_data(as_text=True)


def test_a_member_adds_an_action_and_only_coordinators_keep_minutes(world):
    meeting_id = _meeting(world)
    sara = world.client("sara")
    response = sara.post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/acties",
        data={
            "title": "Wenmomenten plannen",
            "due_on": "2026-12-20",
            "owner": str(world.school_member_id),
        },
    )
    assert response.status_code == 303
    assert (
        sara.post(
            f"/t/aalst/netwerken/overleg/{meeting_id}/verslag", data={"minutes": "x"}
        ).status_code
        == 403
    )
    with world.db() as db:
        action = db.exec(select(NetworkAction)).one()
        assert db.get(Meeting, action.meeting_id).minutes.startswith("Vertrouwelijk")
    assert (action.title, action.status, action.owner_member_id) == (
        "Wenmomenten plannen",
        "open",
        world.school_member_id,
    )


def test_rows_are_stored_in_the_tenant_of_the_network(world):
    _meeting(world)
    database = world.app.extensions["opvangplein.db"]
    with database.session(tenant_id(world.app, "brugge")) as db:
        assert db.exec(select(Meeting)).all() == []


def test_ending_a_membership_closes_the_network_to_that_organisations_people(world):
    meeting_id = _meeting(world)
    staff = world.client("greet", roles=["staff:networks"])
    sara = world.client("sara")
    sara.post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/acties",
        data={
            "title": "Wenmomenten plannen",
            "due_on": "2026-12-20",
            "owner": str(world.school_member_id),
        },
    )
    end = f"/t/aalst/netwerken/{world.network_id}/leden/{world.school_member_id}/beeindigen"
    assert world.client("els").post(end).status_code == 403
    refused = staff.post(end)
    assert refused.status_code == 422  # the school still owns an open action
    assert "open" in refused.get_data(as_text=True)
    with world.db() as db:
        action = db.exec(select(NetworkAction)).one()
        action.status = "dropped"
        db.add(action)
    assert staff.post(end).status_code == 303
    assert sara.get(f"/t/aalst/netwerken/{world.network_id}").status_code == 404
    assert sara.get(f"/t/aalst/netwerken/overleg/{meeting_id}").status_code == 404
    # The dropped action still names its former owner.
    page = (
        world.client("els").get(f"/t/aalst/netwerken/overleg/{meeting_id}").get_data(as_text=True)
    )
    assert "School De Klimop" in page
    assert staff.post(end).status_code == 404


def test_staff_change_a_network_and_who_coordinates(world):
    staff = world.client("greet", roles=["staff:networks"])
    base = f"/t/aalst/netwerken/{world.network_id}"
    assert staff.post(f"{base}/bewerken", data={"name": "", "kind": "x"}).status_code == 422
    renamed = staff.post(
        f"{base}/bewerken",
        data={
            "name": "Huis van het Kind Aalst-Centrum",
            "kind": "huis_van_het_kind",
            "purpose": "Samen",
        },
    )
    assert renamed.status_code == 303
    assert "Huis van het Kind Aalst-Centrum" in staff.get(base).get_data(as_text=True)
    sara = world.client("sara")
    assert sara.get(f"{base}/overleg/nieuw").status_code == 403
    coordinator = f"{base}/leden/{world.school_member_id}/coordinatie"
    assert sara.post(coordinator, data={"coordinates": "1"}).status_code == 403
    assert staff.post(coordinator, data={"coordinates": "1"}).status_code == 303
    assert sara.get(f"{base}/overleg/nieuw").status_code == 200
    assert (
        world.client("els").post(f"{base}/bewerken", data={"name": "Overname"}).status_code == 403
    )
