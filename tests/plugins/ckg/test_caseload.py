"""The CKG's caseload: every state, searched and filtered by the database, "my cases", paging,
and a case in guidance closed from the list — and nothing of another CKG or municipality."""

from __future__ import annotations

import re
from datetime import timedelta

from core.db import utcnow
from plugins.ckg.models import Referral
from plugins.ckg.services import ReferralStatus
from tests.plugins.ckg.conftest import users
from tests.plugins.ckg.helpers import antenna_named, step, stored, submit
from tests.support.apps import tenant_id


def _ref(referral_id) -> str:
    return f"CKG-{referral_id.hex[:8].upper()}"


def _set(world, referral_id, tenant: str = "aalst", **fields) -> None:
    with world.app.extensions["opvangplein.db"].tenant_session(tenant_id(world.app, tenant)) as db:
        referral = db.get(Referral, referral_id)
        for key, value in fields.items():
            setattr(referral, key, value)
        db.add(referral)


def _in_guidance(world, karim, referral_id) -> None:
    genk = antenna_named(world.app, "Antenne Genk")
    step(karim, referral_id, "received")
    step(karim, referral_id, "intake_planned", intake_on="2026-12-01")
    step(karim, referral_id, "accepted", offer="home", antenna=str(genk.id), starts_on="2026-12-15")
    assert step(karim, referral_id, "in_progress").status_code == 303


def _queue(client, query: str = "") -> str:
    response = client.get(f"/t/aalst/ckg/wachtrij{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_case_in_guidance_stays_in_the_caseload_and_is_closed_from_the_list(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    _in_guidance(world, karim, referral_id)
    html = _queue(karim)
    assert _ref(referral_id) in html and "lopend" in html and "De zaak afsluiten" in html
    closed = karim.post(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}/status",
        data={"target": "closed", "outcome": "goals_reached", "back": "queue"},
    )
    assert closed.status_code == 303 and closed.headers["Location"].endswith("/ckg/wachtrij")
    assert stored(world.app, referral_id).status == ReferralStatus.CLOSED
    assert antenna_named(world.app, "Antenne Genk").home_guidance_occupied == 0
    # Finished cases leave the default list, and are found again with the state filter.
    assert _ref(referral_id) not in _queue(karim)
    assert _ref(referral_id) in _queue(karim, "?state=closed")
    assert _ref(referral_id) in _queue(karim, "?state=all")


def test_closing_from_the_list_without_an_outcome_gets_a_message(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    _in_guidance(world, karim, referral_id)
    response = karim.post(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}/status",
        data={"target": "closed", "outcome": "", "back": "queue"},
    )
    assert response.status_code == 422
    assert "Kies het resultaat van de hulp" in response.get_data(as_text=True)
    assert stored(world.app, referral_id).status == ReferralStatus.IN_PROGRESS


def test_search_finds_a_case_by_reference_parent_child_and_referrer(world):
    people = users(world)
    sara = world.client_for(people["sara"])
    janssens = submit(sara)
    peeters = submit(sara, **{"parent-1-name": "Ahmed Peeters", "child-1-name": "Yasmine"})
    _set(
        world, peeters, referrer_name="Juf Ilse", referrer_organisation_name="Basisschool Zonneveld"
    )
    karim = world.client_for(people["karim"])
    for query, found, missing in (
        (_ref(janssens), janssens, peeters),
        (_ref(janssens).lower().removeprefix("ckg-")[:6], janssens, peeters),
        ("janss", janssens, peeters),
        ("Yasmine", peeters, janssens),
        ("zonneveld", peeters, janssens),
        ("ilse", peeters, janssens),
    ):
        html = _queue(karim, f"?q={query}&state=all")
        assert _ref(found) in html, query
        assert _ref(missing) not in html, query
    # A wildcard is searched as text, not as "everything".
    assert "0 zaken gevonden" in _queue(karim, "?q=%25&state=all")
    assert "0 zaken gevonden" in _queue(karim, "?q=_&state=all")


def test_search_never_shows_another_ckgs_or_another_municipalitys_cases(world):
    people = users(world)
    in_aalst = submit(world.client_for(people["sara"]))
    gent_referrer = world.user("gerda", "gent", ["staff:ckg"])
    in_gent = submit(world.client_for(gent_referrer, "gent"), tenant="gent")
    karim = world.client_for(people["karim"])
    # Karim's CKG does not serve Gent; the Gent family shares Sofie's name.
    html = _queue(karim, "?q=Janssens&state=all")
    assert _ref(in_aalst) in html and _ref(in_gent) not in html
    assert "0 zaken gevonden" in _queue(karim, f"?q={_ref(in_gent)}&state=all")
    # A school worker is not a CKG: no caseload at all.
    assert world.client_for(people["sara"]).get("/t/aalst/ckg/wachtrij").status_code == 403


def test_my_cases_lists_what_the_worker_took(world):
    people = users(world)
    sara = world.client_for(people["sara"])
    taken, other = submit(sara), submit(sara)
    karim = world.client_for(people["karim"])
    response = karim.post(f"/t/aalst/ckg/doorverwijzingen/{taken}/toewijzen", data={"assign": "me"})
    assert response.status_code == 303
    assert stored(world.app, taken).assigned_user_id == people["karim"].id
    html = _queue(karim, "?mine=1")
    assert _ref(taken) in html and _ref(other) not in html
    page = karim.get(f"/t/aalst/ckg/doorverwijzingen/{taken}").get_data(as_text=True)
    assert "Medewerker: Karim" in page and "De zaak teruggeven" in page
    bad = karim.post(f"/t/aalst/ckg/doorverwijzingen/{taken}/toewijzen", data={"assign": "x"})
    assert bad.status_code == 422
    # Another organisation's worker cannot take it; for them it does not exist.
    tom = world.client_for(people["tom"])
    assert tom.post(
        f"/t/aalst/ckg/doorverwijzingen/{taken}/toewijzen", data={"assign": "me"}
    ).status_code in (403, 404)
    karim.post(f"/t/aalst/ckg/doorverwijzingen/{taken}/toewijzen", data={"assign": "nobody"})
    assert stored(world.app, taken).assigned_user_id is None


def test_filters_by_offer_antenna_crisis_and_waiting_time(world):
    people = users(world)
    sara = world.client_for(people["sara"])
    old = submit(sara)
    crisis = submit(sara, urgency="crisis", requested_offer="short_stay")
    day = submit(sara, requested_offer="day")
    _set(world, old, submitted_at=utcnow() - timedelta(days=10))
    karim = world.client_for(people["karim"])
    html = _queue(karim, "?waiting=7")
    assert _ref(old) in html and _ref(crisis) not in html and _ref(day) not in html
    html = _queue(karim, "?urgency=crisis")
    assert _ref(crisis) in html and _ref(old) not in html
    html = _queue(karim, "?offer=day")
    assert _ref(day) in html and _ref(old) not in html
    genk = antenna_named(world.app, "Antenne Genk")
    _set(world, old, antenna_id=genk.id)
    html = _queue(karim, f"?antenna={genk.id}")
    assert _ref(old) in html and _ref(day) not in html
    # Unknown values filter nothing rather than failing.
    html = _queue(karim, "?waiting=abc&state=nonsense&offer=x&antenna=y&page=-3")
    assert all(_ref(r) in html for r in (old, crisis, day))


def test_the_caseload_is_paged_by_the_database(world, monkeypatch):
    from plugins.ckg import store

    monkeypatch.setattr(store, "CASELOAD_PAGE_SIZE", 2)
    people = users(world)
    sara = world.client_for(people["sara"])
    ids = [submit(sara) for _ in range(3)]
    for number, referral_id in enumerate(ids):
        _set(world, referral_id, submitted_at=utcnow() - timedelta(days=10 - number))
    karim = world.client_for(people["karim"])
    first = _queue(karim)
    assert "3 zaken gevonden" in first and "Pagina 1 van 2" in first
    assert _ref(ids[0]) in first and _ref(ids[2]) not in first
    second = _queue(karim, "?page=2")
    assert _ref(ids[2]) in second and _ref(ids[0]) not in second


def test_the_filter_form_keeps_its_htmx_behaviour(world):
    karim = world.client_for(users(world)["karim"])
    html = _queue(karim)
    assert 'hx-sync="this:replace"' in html and 'name="q"' in html
    fragment = karim.get("/t/aalst/ckg/wachtrij?state=all", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and 'id="queue"' in text


def test_a_filtered_caseload_says_how_many_cases_it_holds_to_a_screen_reader(world):
    """WCAG 4.1.3: the swapped list is announced through the page's live region, which stays."""
    from urllib.parse import unquote

    karim = world.client_for(users(world)["karim"])
    fragment = karim.get("/t/aalst/ckg/wachtrij?state=all", headers={"HX-Request": "true"})
    said = unquote(fragment.headers["X-Announce"])
    assert re.fullmatch(r"\d+ (zaak|zaken) gevonden\.", said), said
    assert "X-Announce" not in karim.get("/t/aalst/ckg/wachtrij").headers
