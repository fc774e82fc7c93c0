"""A partner municipality adds an action to the owner's regional meeting (issue 21)."""

from __future__ import annotations

import html

from sqlmodel import select

from plugins.networks.models import Meeting, NetworkAction
from tests.plugins.networks import test_regional
from tests.plugins.networks.conftest import add_network
from tests.plugins.networks.test_regional import _accept, _invite
from tests.support.apps import tenant_id

region = test_regional.region  # the fixture: Aalst's regional network, Brugge's counterpart


def owners_meeting(world, network_id):
    with world.db("aalst") as db:
        return db.exec(select(Meeting).where(Meeting.network_id == network_id)).one().id


def add_path(partnership_id, meeting_id):
    return f"/t/brugge/netwerken/regio/{partnership_id}/overleg/{meeting_id}/acties"


def test_a_partner_municipalitys_action_lands_in_the_owners_meeting_and_both_see_it(world, region):
    partnership_id = _invite(world, region)
    assert _accept(region, partnership_id).status_code == 303
    meeting_id = owners_meeting(world, region["aalst_network"])
    brugge_staff = world.client("greet-brugge", "brugge", roles=["staff:networks"])

    added = brugge_staff.post(
        add_path(partnership_id, meeting_id),
        data={"title": "Brugse wachtlijsten aanleveren", "due_on": "2027-01-20"},
    )
    assert added.status_code == 303
    page = brugge_staff.get(added.headers["Location"])
    text = html.unescape(page.text)
    assert 'role="status"' in page.text
    assert "Actie toegevoegd aan het overleg van Aalst: Brugse wachtlijsten aanleveren." in text
    assert "Brugse wachtlijsten aanleveren" in text.split("Actie toegevoegd")[1]

    # It is in the owner's tenant, on the owner's meeting, owned by the partner municipality;
    # nothing lands in Brugge's counterpart network.
    with world.db("aalst") as db:
        action = db.exec(
            select(NetworkAction).where(NetworkAction.title == "Brugse wachtlijsten aanleveren")
        ).one()
    assert action.meeting_id == meeting_id and action.network_id == region["aalst_network"]
    assert action.partner_tenant_id == tenant_id(world.app, "brugge")
    with world.db("brugge") as db:
        assert db.exec(select(NetworkAction)).all() == []
    # The owner's coordinator sees it in the meeting, with the municipality as owner.
    meeting_page = html.unescape(region["els"].get(f"/t/aalst/netwerken/overleg/{meeting_id}").text)
    assert "Brugse wachtlijsten aanleveren" in meeting_page and "Brugge" in meeting_page


def test_only_a_partner_who_coordinates_adds_and_only_to_the_shared_networks_meetings(
    world, region
):
    partnership_id = _invite(world, region)
    meeting_id = owners_meeting(world, region["aalst_network"])
    data = {"title": "Zomaar", "due_on": "2027-01-20"}
    brugge_staff = world.client("greet-brugge", "brugge", roles=["staff:networks"])
    # Before the partner agreed nothing crosses.
    assert brugge_staff.post(add_path(partnership_id, meeting_id), data=data).status_code == 404
    assert _accept(region, partnership_id).status_code == 303
    # A member who only reads (OCMW Brugge, not coordinating) may not add.
    assert region["wout"].post(add_path(partnership_id, meeting_id), data=data).status_code == 403
    # A meeting of another Aalst network is out of reach.
    other = add_network(world.app, "aalst", "Huis van het Kind Aalst-Oost")
    with world.db("aalst") as db:
        from datetime import date

        hidden = Meeting(network_id=other, held_on=date(2026, 12, 11), place="Elders")
        db.add(hidden)
    assert brugge_staff.post(add_path(partnership_id, hidden.id), data=data).status_code == 404
    # Bad input is refused with a message in the page.
    refused = brugge_staff.post(
        add_path(partnership_id, meeting_id), data={"title": "", "due_on": "gisteren"}
    )
    assert refused.status_code == 422
    assert "Fout" in refused.text
    with world.db("aalst") as db:
        assert not db.exec(select(NetworkAction).where(NetworkAction.title == "Zomaar")).all()
