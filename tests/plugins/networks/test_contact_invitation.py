"""A partner without an account is invited by mail and then acts in the network (issue 21)."""

from __future__ import annotations

import html

from sqlmodel import select

from core.identity.models import OrganisationMember
from tests.plugins.networks import test_meeting_invitations as meeting_mail
from tests.plugins.networks.conftest import add_member, add_network
from tests.plugins.networks.test_meeting_invitations import link_in, plan, wait_for
from tests.support.auth import make_user

mailing_world = meeting_mail.mailing_world  # the fixture: the police's contact person has mail


def contact_id_of(world):
    from plugins.networks.models import ContactPerson

    with world.db() as db:
        return db.exec(
            select(ContactPerson.id).where(ContactPerson.member_id == world.police_member_id)
        ).one()


def invite_path(world) -> str:
    return (
        f"/t/aalst/netwerken/{world.network_id}/leden/{world.police_member_id}"
        f"/contactpersonen/{contact_id_of(world)}/uitnodigen"
    )


def test_a_coordinator_invites_a_contact_without_account_who_then_adds_an_action(
    mailing_world, mail_sink
):
    world = mailing_world
    els = world.client("els")  # CKG Oost coordinates the network
    meeting_id = plan(world, els)
    wait_for(mail_sink, 3)
    mail_sink.messages.clear()

    sent = els.post(invite_path(world))
    assert sent.status_code == 303
    page = els.get(sent.headers["Location"])
    banner = html.unescape(page.text)
    assert 'role="status"' in page.text
    assert "Uitnodiging verstuurd naar jan@politie.be" in banner
    assert "(uitgenodigd)" in banner

    [mail] = wait_for(mail_sink, 1)
    assert mail["To"] == "jan@politie.be"
    assert "Huis van het Kind Aalst" in mail["Subject"]
    path = link_in(mail)
    assert path.startswith("/t/aalst/uitnodiging/")

    # Jan signs in for the first time: before accepting he sees no network.
    jan = world.client_for(make_user(world.app, "jan", email="jan@politie.be"))
    assert jan.get(f"/t/aalst/netwerken/{world.network_id}").status_code in (403, 404)
    assert jan.post(path).status_code == 200

    network_page = jan.get(f"/t/aalst/netwerken/{world.network_id}")
    assert network_page.status_code == 200
    added = jan.post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/acties",
        data={
            "title": "Buurtwerking inlichten",
            "due_on": "2026-12-20",
            "owner": str(world.police_member_id),
        },
    )
    assert added.status_code == 303
    meeting_page = jan.get(added.headers["Location"].split("#")[0])
    assert "Buurtwerking inlichten" in meeting_page.text
    assert "Actie toegevoegd" in html.unescape(meeting_page.text)
    # The coordinator sees that Jan now works in the network.
    assert "(werkt mee in het netwerk)" in html.unescape(els.get(sent.headers["Location"]).text)


def test_the_invited_contact_acts_only_for_their_member_and_joins_no_organisation(
    mailing_world, mail_sink
):
    world = mailing_world
    els = world.client("els")
    meeting_id = plan(world, els)
    wait_for(mail_sink, 3)
    mail_sink.messages.clear()
    els.post(invite_path(world))
    [mail] = wait_for(mail_sink, 1)
    jan_user = make_user(world.app, "jan", email="jan@politie.be")
    jan = world.client_for(jan_user)
    assert jan.post(link_in(mail)).status_code == 200

    # He moves his own member's actions along, not another member's.
    from plugins.networks.models import NetworkAction

    for owner, title in ((world.police_member_id, "Buurt"), (world.school_member_id, "School")):
        assert (
            els.post(
                f"/t/aalst/netwerken/overleg/{meeting_id}/acties",
                data={"title": title, "due_on": "2026-12-20", "owner": str(owner)},
            ).status_code
            == 303
        )
    with world.db() as db:
        ids = {a.title: a.id for a in db.exec(select(NetworkAction)).all()}
    done = {"status": "done"}
    assert (
        jan.post(f"/t/aalst/netwerken/acties/{ids['Buurt']}/status", data=done).status_code == 303
    )
    assert (
        jan.post(f"/t/aalst/netwerken/acties/{ids['School']}/status", data=done).status_code == 403
    )
    # Not another network of the same municipality.
    other = add_network(world.app, "aalst", "Overleg kinderarmoede Aalst")
    add_member(world.app, "aalst", other, "School De Klimop", "school-de-klimop")
    assert jan.get(f"/t/aalst/netwerken/{other}").status_code == 404
    # Not another municipality.
    assert jan.get("/t/brugge/netwerken/acties/achterstallig").status_code == 401
    # No organisation membership: that comes only from the organisation's own provider.
    with world.app.extensions["opvangplein.db"].tenant_session(None) as db:
        assert not db.exec(
            select(OrganisationMember).where(OrganisationMember.user_id == jan_user.id)
        ).all()
    # The link was single-use: someone else gets nothing with it.
    stranger = world.client("stranger", roles=["parent"])
    assert stranger.post(link_in(mail)).status_code == 404
    assert stranger.get(f"/t/aalst/netwerken/{world.network_id}").status_code in (403, 404)


def test_only_a_coordinator_or_staff_invites(mailing_world):
    world = mailing_world
    sara = world.client("sara")  # School De Klimop: a member, not coordinating
    assert sara.post(invite_path(world)).status_code == 403
    outsider = world.client("pieter")  # granted the module, not a member of this network
    assert outsider.post(invite_path(world)).status_code == 404


def test_a_forwarded_contact_invitation_gives_a_colleague_with_another_address_nothing(
    mailing_world, mail_sink
):
    world = mailing_world
    els = world.client("els")
    plan(world, els)
    wait_for(mail_sink, 3)
    mail_sink.messages.clear()
    sent = els.post(invite_path(world))
    [mail] = wait_for(mail_sink, 1)

    # Jan forwards the mail to a colleague who has an account with her own verified address.
    lies = world.client_for(make_user(world.app, "lies", email="lies@politie.be"))
    refused = lies.post(link_in(mail))
    assert refused.status_code == 403 and 'id="invitation-refused"' in refused.text
    assert lies.get(f"/t/aalst/netwerken/{world.network_id}").status_code in (403, 404)
    # The coordinator still sees the invitation as pending, and Jan can still accept it.
    assert "(uitgenodigd)" in html.unescape(els.get(sent.headers["Location"]).text)
    jan = world.client_for(make_user(world.app, "jan", email="jan@politie.be"))
    assert jan.post(link_in(mail)).status_code == 200
    assert jan.get(f"/t/aalst/netwerken/{world.network_id}").status_code == 200
