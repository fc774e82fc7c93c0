"""A regional network spans municipalities only when both admins agreed; each keeps its data."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.models import AuditEntry
from plugins.networks.models import Meeting, NetworkAction, RegionalPartnership
from tests.plugins.networks.conftest import add_member, add_network, grant, member_user
from tests.support.apps import tenant_id


@pytest.fixture
def region(world):
    """Aalst's regional network with a meeting and an action; Brugge's own counterpart network
    with OCMW Brugge (Wout) as member; Brugge's KDV (Kris) is in no regional network."""
    app = world.app
    aalst_network = add_network(app, "aalst", "Regionaal overleg Leie", "regional_cooperation")
    ckg = add_member(app, "aalst", aalst_network, "CKG Oost", "ckg-oost", coordinates=True)
    els = world.client("els")
    response = els.post(
        f"/t/aalst/netwerken/{aalst_network}/overleg/nieuw",
        data={
            "held_on": "2026-12-10",
            "place": "Stadhuis Aalst",
            "agenda": "Regionale wachtlijsten Aalst",
        },
    )
    meeting_id = response.headers["Location"].rsplit("/", 1)[1]
    els.post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/verslag", data={"minutes": "Verslag regio Aalst"}
    )
    els.post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/acties",
        data={"title": "Wachtlijsten regio Aalst delen", "due_on": "2027-01-15", "owner": str(ckg)},
    )
    grant(app, "brugge", "ocmw-brugge")
    grant(app, "brugge", "kdv-brugge")
    member_user(app, "wout", "ocmw-brugge")
    member_user(app, "kris", "kdv-brugge")
    brugge_network = add_network(app, "brugge", "Regio Brugge in de Leie", "regional_cooperation")
    add_member(app, "brugge", brugge_network, "OCMW Brugge", "ocmw-brugge")
    plain_brugge = add_network(app, "brugge", "Huis van het Kind Brugge")
    return {
        "aalst_network": aalst_network,
        "brugge_network": brugge_network,
        "plain_brugge": plain_brugge,
        "aalst_admin": world.client("admin-aalst", roles=["tenant_admin"]),
        "brugge_admin": world.client("admin-brugge", "brugge", roles=["tenant_admin"]),
        "wout": world.client("wout", "brugge"),
        "kris": world.client("kris", "brugge"),
        "els": els,
    }


def _invite(world, region):
    response = region["aalst_admin"].post(
        f"/t/aalst/netwerken/{region['aalst_network']}/regio",
        data={
            "partner_tenant": str(tenant_id(world.app, "brugge")),
            "invitation": "Samen de Leiestreek",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with world.app.extensions["opvangplein.db"].session(None) as db:
        return db.exec(select(RegionalPartnership)).one().id


def _accept(region, partnership_id, counterpart=None):
    return region["brugge_admin"].post(
        f"/t/brugge/netwerken/beheer/regio/{partnership_id}/aanvaarden",
        data={"counterpart": str(counterpart or region["brugge_network"])},
    )


def _shared_page(region, partnership_id, who="wout", tenant="brugge"):
    return region[who].get(f"/t/{tenant}/netwerken/regio/{partnership_id}")


def test_without_any_agreement_nothing_crosses(world, region):
    wout = region["wout"]
    assert wout.get(f"/t/brugge/netwerken/{region['aalst_network']}").status_code == 404
    with world.app.extensions["opvangplein.db"].session(None) as db:
        assert db.exec(select(RegionalPartnership)).all() == []
    page = region["brugge_admin"].get("/t/brugge/netwerken/beheer/regio").get_data(as_text=True)
    assert "Leie" not in page.replace("Regio Brugge in de Leie", "")


def test_the_owners_agreement_alone_shares_nothing(world, region):
    partnership_id = _invite(world, region)
    admin_page = (
        region["brugge_admin"].get("/t/brugge/netwerken/beheer/regio").get_data(as_text=True)
    )
    assert "Samen de Leiestreek" in admin_page and "Aalst" in admin_page
    for who, tenant in (("wout", "brugge"), ("els", "aalst"), ("brugge_admin", "brugge")):
        response = _shared_page(region, partnership_id, who, tenant)
        assert response.status_code == 404
        assert "Verslag regio Aalst" not in response.get_data(as_text=True)


def test_with_both_agreements_each_side_reads_the_others_meetings_and_actions(world, region):
    partnership_id = _invite(world, region)
    assert _accept(region, partnership_id).status_code == 303
    page = _shared_page(region, partnership_id)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for shown in (
        "Regionaal overleg Leie",
        "Regionale wachtlijsten Aalst",
        "Verslag regio Aalst",
        "Wachtlijsten regio Aalst delen",
    ):
        assert shown in text
    # The other way round: Aalst's members read Brugge's counterpart network.
    back = _shared_page(region, partnership_id, "els", "aalst")
    assert back.status_code == 200 and "Regio Brugge in de Leie" in back.get_data(as_text=True)
    # Each read is recorded in the tenant whose data was read; nothing was copied over.
    with world.db("aalst") as db:
        reads = db.exec(
            select(AuditEntry).where(AuditEntry.action == "networks.regional_read")
        ).all()
    assert reads and reads[0].detail["by_tenant_id"] == str(tenant_id(world.app, "brugge"))
    with world.db("brugge") as db:
        assert db.exec(select(Meeting)).all() == []
        assert db.exec(select(NetworkAction)).all() == []


def test_only_those_who_see_their_own_side_read_the_other_side(world, region):
    partnership_id = _invite(world, region)
    _accept(region, partnership_id)
    assert _shared_page(region, partnership_id, "kris").status_code == 404  # not in the counterpart


def test_a_withdrawn_agreement_shares_nothing_any_more(world, region):
    partnership_id = _invite(world, region)
    _accept(region, partnership_id)
    assert _shared_page(region, partnership_id).status_code == 200
    withdrawn = region["brugge_admin"].post(
        f"/t/brugge/netwerken/beheer/regio/{partnership_id}/intrekken"
    )
    assert withdrawn.status_code == 303
    assert _shared_page(region, partnership_id).status_code == 404
    assert _shared_page(region, partnership_id, "els", "aalst").status_code == 404
    # Accepting again after a withdrawal needs a new invitation from the owner.
    assert _accept(region, partnership_id).status_code == 422


def test_the_owner_may_withdraw_too(world, region):
    partnership_id = _invite(world, region)
    _accept(region, partnership_id)
    assert (
        region["aalst_admin"]
        .post(f"/t/aalst/netwerken/beheer/regio/{partnership_id}/intrekken")
        .status_code
        == 303
    )
    assert _shared_page(region, partnership_id).status_code == 404


def test_only_tenant_admins_agree_and_only_for_their_own_tenant(world, region):
    staff = world.client("greet", roles=["staff:networks"])
    refused = staff.post(
        f"/t/aalst/netwerken/{region['aalst_network']}/regio",
        data={"partner_tenant": str(tenant_id(world.app, "brugge"))},
    )
    assert refused.status_code == 403
    partnership_id = _invite(world, region)
    brugge_staff = world.client("bart", "brugge", roles=["staff:networks"])
    assert (
        brugge_staff.post(
            f"/t/brugge/netwerken/beheer/regio/{partnership_id}/aanvaarden"
        ).status_code
        == 403
    )
    gent_admin = world.client("admin-gent", "gent", roles=["tenant_admin"])
    assert (
        gent_admin.post(
            f"/t/gent/netwerken/beheer/regio/{partnership_id}/aanvaarden",
            data={"counterpart": str(region["brugge_network"])},
        ).status_code
        == 404
    )
    assert (
        gent_admin.post(f"/t/gent/netwerken/beheer/regio/{partnership_id}/intrekken").status_code
        == 404
    )
    # The owner cannot sign the partner's side for it.
    assert (
        region["aalst_admin"]
        .post(
            f"/t/aalst/netwerken/beheer/regio/{partnership_id}/aanvaarden",
            data={"counterpart": str(region["aalst_network"])},
        )
        .status_code
        == 404
    )


def test_the_counterpart_must_be_the_partners_own_regional_network(world, region):
    partnership_id = _invite(world, region)
    assert _accept(region, partnership_id, region["plain_brugge"]).status_code == 422
    assert _accept(region, partnership_id, region["aalst_network"]).status_code == 422
    assert _shared_page(region, partnership_id).status_code == 404


def test_only_a_regional_network_invites_and_never_its_own_tenant(world, region):
    admin = region["aalst_admin"]
    plain = admin.post(
        f"/t/aalst/netwerken/{world.network_id}/regio",
        data={"partner_tenant": str(tenant_id(world.app, "brugge"))},
    )
    itself = admin.post(
        f"/t/aalst/netwerken/{region['aalst_network']}/regio",
        data={"partner_tenant": str(tenant_id(world.app, "aalst"))},
    )
    assert (plain.status_code, itself.status_code) == (422, 422)


def test_only_municipalities_that_use_networks_are_offered_and_accepted(world, region):
    from core.tenancy import plugin_row

    gent = tenant_id(world.app, "gent")
    with world.app.extensions["opvangplein.db"].tenant_session(gent) as db:
        plugin_row(db, "networks").enabled = False
    world.app.extensions["opvangplein.tenants"].forget()
    admin = region["aalst_admin"]
    page = admin.get(f"/t/aalst/netwerken/{region['aalst_network']}").get_data(as_text=True)
    assert f'value="{tenant_id(world.app, "brugge")}"' in page
    assert f'value="{gent}"' not in page
    refused = admin.post(
        f"/t/aalst/netwerken/{region['aalst_network']}/regio",
        data={"partner_tenant": str(gent), "invitation": "Samen"},
    )
    assert refused.status_code == 422
    assert "gebruikt de module netwerken niet" in refused.get_data(as_text=True)


def test_inviting_accepting_and_withdrawing_are_confirmed_in_the_page(world, region):
    partnership_id = _invite(world, region)
    invited = region["aalst_admin"].get(f"/t/aalst/netwerken/{region['aalst_network']}")
    assert "Uitnodiging verstuurd naar Brugge" in invited.get_data(as_text=True)
    accepted = _accept(region, partnership_id)
    page = region["brugge_admin"].get(accepted.headers["Location"]).get_data(as_text=True)
    assert "Samenwerking aanvaard" in page
    region["brugge_admin"].post(f"/t/brugge/netwerken/beheer/regio/{partnership_id}/intrekken")
    page = region["brugge_admin"].get("/t/brugge/netwerken/beheer/regio").get_data(as_text=True)
    assert "Samenwerking ingetrokken" in page
