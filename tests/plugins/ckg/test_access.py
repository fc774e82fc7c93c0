"""Who sees what of a referral, and the access log every look leaves behind."""

from __future__ import annotations

import re

from tests.plugins.ckg.conftest import users
from tests.plugins.ckg.helpers import access_rows, antenna_named, family_confirms, step, submit


def _referral_with_a_note(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    karim.post(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}/notities",
        data={"body": "Vader drinkt, vertrouwelijk"},
    )
    karim.post(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}/bericht",
        data={"message": "We plannen een intakegesprek."},
    )
    return people, referral_id


def test_the_ckg_sees_the_full_referral_with_its_notes(world):
    people, referral_id = _referral_with_a_note(world)
    html = world.client_for(people["karim"]).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    assert "Sofie Janssens" in text and "Vader drinkt, vertrouwelijk" in text
    assert "woning is te klein" in text


def test_the_referrer_sees_status_and_message_but_never_the_notes(world):
    people, referral_id = _referral_with_a_note(world)
    page = world.client_for(people["sara"]).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "ingediend" in text and "We plannen een intakegesprek." in text
    assert "Vader drinkt" not in text
    assert "woning is te klein" not in text


def test_the_referrer_cannot_post_notes_or_move_the_referral(world):
    people, referral_id = _referral_with_a_note(world)
    sara = world.client_for(people["sara"])
    note = sara.post(f"/t/aalst/ckg/doorverwijzingen/{referral_id}/notities", data={"body": "x y"})
    assert note.status_code in (403, 404)
    assert step(sara, referral_id, "received").status_code in (403, 404)


def test_another_school_cannot_see_the_referral(world):
    people, referral_id = _referral_with_a_note(world)
    tom = world.client_for(people["tom"])
    page = tom.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    assert page.status_code == 404
    listing = tom.get("/t/aalst/ckg/").get_data(as_text=True)
    assert str(referral_id)[:8].upper() not in listing.upper()


def test_the_family_reads_its_own_referral_without_the_notes(world):
    people, referral_id = _referral_with_a_note(world)
    family_confirms(world.app)  # the address the referrer typed is the family's own
    sofie = world.user("sofie", "aalst", ["parent"])  # signs in as sofie@example.be (proven)
    client = world.client_for(sofie)
    assert str(referral_id) in client.get("/t/aalst/ckg/").get_data(as_text=True)
    page = client.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Lotte" in text and "We plannen een intakegesprek." in text
    assert "Vader drinkt" not in text
    # The family changes only its own consent here: no step, note or message form.
    posts = re.findall(r'method="post" action="([^"]+)"', text)
    on_the_referral = [action for action in posts if "/doorverwijzingen/" in action]
    assert on_the_referral and all(a.endswith("/toestemming") for a in on_the_referral)


def test_another_parent_cannot_see_the_referral(world):
    _, referral_id = _referral_with_a_note(world)
    other = world.user("an", "aalst", ["parent"])
    page = world.client_for(other).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    assert page.status_code == 404


def test_a_ckg_not_granted_by_the_municipality_sees_nothing_there(world):
    people, referral_id = _referral_with_a_note(world)
    ghislaine = world.client_for(people["ghislaine"])  # CKG Gent, not granted by Aalst
    assert ghislaine.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").status_code == 404
    assert ghislaine.get("/t/aalst/ckg/wachtrij").status_code == 403
    assert ghislaine.get("/t/aalst/ckg/capaciteit").status_code == 403
    assert step(ghislaine, referral_id, "received").status_code == 403


def test_the_same_ckg_sees_at_another_municipality_only_that_municipalitys_referrals(world):
    people, referral_id = _referral_with_a_note(world)
    karim = world.client_for(people["karim"], tenant="brugge")
    assert karim.get(f"/t/brugge/ckg/doorverwijzingen/{referral_id}").status_code == 404
    queue = karim.get("/t/brugge/ckg/wachtrij").get_data(as_text=True)
    assert str(referral_id)[:8].upper() not in queue.upper()
    assert "Geen zaken gevonden." in queue


def test_a_ckg_sees_the_antennas_of_its_own_organisation_only(world):
    people = users(world)
    page = world.client_for(people["karim"]).get("/t/aalst/ckg/capaciteit").get_data(as_text=True)
    assert "Antenne Genk" in page and "Antenne Gent" not in page
    gent_antenna = antenna_named(world.app, "Antenne Gent")
    response = world.client_for(people["karim"]).post(
        "/t/aalst/ckg/capaciteit",
        data={"antenna_id": str(gent_antenna.id), "home_guidance_slots": "0"},
    )
    assert response.status_code == 404
    assert antenna_named(world.app, "Antenne Gent").home_guidance_slots == 5


def test_every_read_leaves_an_access_log_row_with_who_and_in_which_role(world):
    people, referral_id = _referral_with_a_note(world)
    before = len(access_rows(world.app, referral_id))
    world.client_for(people["karim"]).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    world.client_for(people["sara"]).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    family_confirms(world.app)
    sofie = world.user("sofie", "aalst", ["parent"])
    world.client_for(sofie).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    rows = access_rows(world.app, referral_id)[before:]
    assert sorted((row.role, row.actor) for row in rows) == sorted(
        [
            ("ckg", f"user:{people['karim'].id}"),
            ("referrer", f"user:{people['sara'].id}"),
            ("family", f"user:{sofie.id}"),
        ]
    )
    assert all(row.at is not None for row in rows)


def test_a_refused_look_leaves_no_content_and_no_log_row(world):
    people, referral_id = _referral_with_a_note(world)
    before = len(access_rows(world.app, referral_id))
    world.client_for(people["tom"]).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    assert len(access_rows(world.app, referral_id)) == before


def test_the_ckg_and_the_tenant_admin_read_the_access_log_but_the_referrer_does_not(world):
    people, referral_id = _referral_with_a_note(world)
    world.client_for(people["sara"]).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    log_url = f"/t/aalst/ckg/doorverwijzingen/{referral_id}/toegangslog"
    ckg_log = world.client_for(people["karim"]).get(log_url)
    assert ckg_log.status_code == 200 and "Karim" in ckg_log.get_data(as_text=True)
    admin = world.client_for(world.user("beheerder", "aalst", ["tenant_admin"]))
    admin_log = admin.get(log_url)
    assert admin_log.status_code == 200 and "Sara" in admin_log.get_data(as_text=True)
    assert world.client_for(people["sara"]).get(log_url).status_code == 404


def test_the_tenant_admin_sees_who_looked_but_not_what_the_referral_says(world):
    people, referral_id = _referral_with_a_note(world)
    admin = world.client_for(world.user("beheerder", "aalst", ["tenant_admin"]))
    overview = admin.get("/t/aalst/ckg/toegangslog").get_data(as_text=True)
    assert str(referral_id) in overview and "Sofie" not in overview
    page = admin.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    assert page.status_code == 302 and "toegangslog" in page.headers["Location"]
    assert (
        admin.post(
            f"/t/aalst/ckg/doorverwijzingen/{referral_id}/notities", data={"body": "x y"}
        ).status_code
        == 404
    )


def test_pages_about_families_are_not_cached(world):
    people, referral_id = _referral_with_a_note(world)
    page = world.client_for(people["karim"]).get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    assert page.headers["Cache-Control"] == "no-store"
