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


def test_a_refused_contact_shows_what_was_typed_in_that_members_form_only(world):
    response = world.client("greet", roles=["staff:networks"]).post(
        f"/t/aalst/netwerken/{world.network_id}/leden/{world.ckg_member_id}/contactpersonen",
        data={"contact-name": "Els\x00 Peeters", "contact-phone": "053 12 34 56"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#contact-{world.ckg_member_id}-name"' in html
    assert f'id="contact-{world.ckg_member_id}-name-error"' in html
    assert html.count('value="053 12 34 56"') == 1  # the school's form stays empty
    assert f'id="contact-{world.school_member_id}-phone" name="contact-phone" value=""' in html
    with world.db() as db:
        assert db.exec(select(ContactPerson)).all() == []


def test_refusing_to_end_a_membership_names_the_member_next_to_its_button(world):
    from tests.plugins.networks.test_visibility import _meeting

    meeting_id = _meeting(world)
    world.client("sara").post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/acties",
        data={"title": "Plannen", "due_on": "2026-12-20", "owner": str(world.school_member_id)},
    )
    staff = world.client("greet", roles=["staff:networks"])
    refused = staff.post(
        f"/t/aalst/netwerken/{world.network_id}/leden/{world.school_member_id}/beeindigen"
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'href="#end-{world.school_member_id}"' in html
    assert f'id="end-{world.school_member_id}-error"' in html
    assert f'id="end-{world.ckg_member_id}-error"' not in html


def test_a_nul_byte_in_the_minutes_is_refused_and_the_stored_minutes_stay(world):
    from tests.plugins.networks.test_visibility import _meeting

    meeting_id = _meeting(world, minutes="Eerste verslag")
    response = world.client("els").post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/verslag",
        data={"minutes": "Tweede\x00 verslag"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    assert 'href="#minutes-text"' in html and "onzichtbare stuurtekens" in html
    with world.db() as db:
        assert db.exec(select(Meeting)).one().minutes == "Eerste verslag"


def test_head_on_a_submit_url_admits_no_member(world):
    from plugins.networks.models import NetworkMember

    staff = world.client("greet", roles=["staff:networks"])
    with world.db() as db:
        before = len(db.exec(select(NetworkMember)).all())
    response = staff.head(
        f"/t/aalst/netwerken/{world.network_id}/leden?member-name=Wijkwerking&sector=police"
    )
    assert response.status_code == 405
    with world.db() as db:
        assert len(db.exec(select(NetworkMember)).all()) == before
