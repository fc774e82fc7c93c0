"""What the networks forms guarantee, seen from the side of someone who posts what they like."""

from __future__ import annotations

from sqlmodel import select

from plugins.networks.models import ContactPerson, Meeting, Network


def test_a_nul_byte_in_a_network_name_is_refused_with_a_message_and_nothing_is_saved(world):
    staff = world.client("stien", roles=["staff:networks"])
    response = staff.post(
        "/t/aalst/netwerken/", data={"name": "Overleg\x00", "kind": "huis_van_het_kind"}
    )
    assert response.status_code == 422
    assert "onzichtbare stuurtekens" in response.get_data(as_text=True)
    with world.db() as db:
        assert not db.exec(select(Network).where(Network.name.startswith("Overleg"))).all()


def test_two_addresses_for_one_contact_person_are_refused(world):
    response = world.client("els").post(
        f"/t/aalst/netwerken/{world.network_id}/leden/{world.ckg_member_id}/contactpersonen",
        data={"contact-name": "Els Peeters", "contact-email": "a@x.be,b@y.be"},
    )
    assert response.status_code == 422
    assert "Vul één e-mailadres in" in response.get_data(as_text=True)
    with world.db() as db:
        assert db.exec(select(ContactPerson)).all() == []


def test_head_on_the_new_meeting_page_plans_nothing(world):
    els = world.client("els")
    assert els.head(f"/t/aalst/netwerken/{world.network_id}/overleg/nieuw").status_code == 200
    with world.db() as db:
        assert db.exec(select(Meeting)).all() == []


def test_a_bad_meeting_date_fragment_shows_the_form_with_its_message(world):
    response = world.client("els").post(
        f"/t/aalst/netwerken/{world.network_id}/overleg/nieuw",
        data={"held_on": "31 februari", "place": "OCMW"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and "dag/maand/jaar" in html and 'value="31 februari"' in html


def test_a_nul_byte_in_a_service_is_refused_in_the_fragment_and_nothing_is_saved(world):
    from plugins.networks.models import DirectoryService
    from tests.plugins.networks.test_directory import _service

    client = world.client("sara")
    response = _service(world, client, name="Huiswerkklas\x00")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#service-name"' in html and "onzichtbare stuurtekens" in html
    fragment = client.post(
        "/t/aalst/netwerken/sociale-kaart/nieuw",
        data={"name": "\x00"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 422 and "<html" not in fragment.get_data(as_text=True)
    with world.db() as db:
        assert db.exec(select(DirectoryService)).all() == []
