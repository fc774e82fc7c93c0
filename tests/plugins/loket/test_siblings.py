"""Issue 16: several children (brothers and sisters) in one request, "together" or "apart".

From the parent's side: one form sends two children; a together family gets one location or
waits, and reads why; apart children are allocated on their own but a placed brother gives the
sibling ground; a change keeps each child's registration date; nobody else reaches the family.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from core.models import AuditEntry
from plugins.loket import allocation, services, together
from plugins.loket.models import ChildcareRequest, Placement, Preference, Proposal
from tests.plugins.loket.conftest import TODAY, make_location, make_request, tenant_db
from tests.support.auth import signed_in_as

START = (TODAY + timedelta(days=40)).isoformat()
LATER = TODAY + timedelta(days=70)
BIRTH = (TODAY - timedelta(days=120)).isoformat()
TWIN_BIRTH = (TODAY - timedelta(days=300)).isoformat()
REGISTERED = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
NEW = "/t/aalst/loket/aanvraag/nieuw"


def parent(app, client, subject="ouder-an", tenant="aalst"):
    return signed_in_as(client, app, tenant, subject, ["parent"])


def family_form(*locations, choice="together", **changes) -> dict:
    form = {
        "child_first_name": "Lotte",
        "child_last_name": "Peeters",
        "birth_date": BIRTH,
        "desired_start": START,
        "days": ["mon-morning", "tue-morning"],
        "language": "nl",
        "action": "submit",
        "sibling_1_first_name": "Bo",
        "sibling_1_last_name": "Peeters",
        "sibling_1_birth_date": TWIN_BIRTH,
        "sibling_1_care_needs": ["dietary"],
        "siblings_together": choice,
    }
    for rank, location in enumerate(locations, start=1):
        form[f"preference_{rank}"] = str(location.id)
    return {**form, **changes}


def children(app) -> dict[str, ChildcareRequest]:
    with tenant_db(app) as db:
        return {row.child_first_name: row for row in db.exec(select(ChildcareRequest))}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_parent_sends_two_children_together_and_gets_two_requests_in_one_group(app):
    client = app.test_client()
    user = parent(app, client)
    with tenant_db(app) as db:
        first, second = make_location(db, "De Speelboom"), make_location(db, "Het Kabouterhuis")
    response = client.post(NEW, data=family_form(first, second))
    assert response.status_code == 302
    rows = children(app)
    lotte, bo = rows["Lotte"], rows["Bo"]
    assert lotte.sibling_group_id is not None and lotte.sibling_group_id == bo.sibling_group_id
    assert lotte.siblings_together and bo.siblings_together
    assert (lotte.status, bo.status) == ("open", "open")
    assert lotte.parent_user_id == bo.parent_user_id == user.id
    # Shared: start, days, choices; each child's own: birth date and care needs.
    assert bo.desired_start == lotte.desired_start and bo.days == lotte.days
    assert bo.birth_date == date.fromisoformat(TWIN_BIRTH) and bo.care_needs == ["dietary"]
    assert lotte.care_needs == []
    with tenant_db(app) as db:
        ranked = db.exec(
            select(Preference.location_id)
            .where(Preference.request_id == bo.id)
            .order_by(Preference.rank)
        ).all()
    assert ranked == [first.id, second.id]
    page = text(client.get("/t/aalst/loket/mijn-aanvragen"))
    assert "Gezinsaanvraag: Bo Peeters, Lotte Peeters" in page
    assert "Samen: je kinderen krijgen een plaats op dezelfde locatie" in page


def test_staff_register_two_children_apart_on_a_parents_behalf(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    form = family_form(location, choice="apart", origin="phone", parent_email="an@x.be")
    assert client.post(NEW, data=form).status_code == 302
    rows = children(app)
    assert rows["Lotte"].sibling_group_id == rows["Bo"].sibling_group_id
    assert not rows["Bo"].siblings_together and rows["Bo"].origin == "phone"
    detail = text(client.get(f"/t/aalst/loket/aanvragen/{rows['Lotte'].id}"))
    assert "Gezinsaanvraag" in detail and "Apart: elk kind krijgt op zichzelf een plaats" in detail
    assert f"/t/aalst/loket/aanvragen/{rows['Bo'].id}" in detail


def test_a_sibling_without_a_name_is_refused_with_a_message_and_nothing_is_saved(app):
    client = app.test_client()
    parent(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    form = family_form(location, sibling_1_first_name="", sibling_1_last_name="")
    response = client.post(NEW, data=form)
    assert response.status_code == 422
    page = text(response)
    assert 'href="#sibling_1_first_name"' in page and "Vul dit veld in" in page
    assert children(app) == {}


def test_a_nul_byte_in_a_siblings_name_is_refused_and_nothing_is_saved(app):
    client = app.test_client()
    parent(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    response = client.post(NEW, data=family_form(location, sibling_1_first_name="B\x00o"))
    assert response.status_code == 422
    assert 'href="#sibling_1_first_name"' in text(response)
    assert "Traceback" not in text(response)
    assert children(app) == {}


def test_two_children_without_the_choice_together_or_apart_are_refused(app):
    client = app.test_client()
    parent(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    response = client.post(NEW, data=family_form(location, siblings_together=""))
    assert response.status_code == 422
    assert "Kies of de kinderen naar dezelfde locatie gaan of elk apart" in text(response)
    assert children(app) == {}


def test_a_sibling_too_old_for_the_chosen_location_is_named_in_the_message(app):
    client = app.test_client()
    parent(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    old = (TODAY - timedelta(days=365 * 4)).isoformat()
    response = client.post(NEW, data=family_form(location, sibling_1_birth_date=old))
    assert response.status_code == 422
    assert "Voor Bo: Het kind is op de gewenste startdatum te oud" in text(response)
    assert children(app) == {}


def _family(db, locations, *, together_: bool, user_id=None, registered=REGISTERED):
    lotte = make_request(db, "Lotte", locations, parent_user_id=user_id, submitted=registered)
    bo = make_request(db, "Bo", locations, parent_user_id=user_id, submitted=registered)
    group = uuid.uuid4()
    for row in (lotte, bo):
        row.sibling_group_id, row.siblings_together = group, together_
        db.add(row)
    db.flush()
    return lotte, bo


def _proposed(db) -> dict[str, str]:
    names = {row.id: row.child_first_name for row in db.exec(select(ChildcareRequest))}
    locations = {}
    for proposal in db.exec(select(Proposal)):
        locations[names[proposal.request_id]] = proposal.location_id
    return locations


def test_together_siblings_go_where_both_fit_instead_of_being_split(app):
    with app.app_context(), tenant_db(app) as db:
        small = make_location(db, "De Speelboom", places=1)
        roomy = make_location(db, "Het Kabouterhuis", places=2)
        _family(db, [small, roomy], together_=True)
        services.run_round(db, reserved=(), seed=1, actor="t", today=TODAY)
        assert _proposed(db) == {"Lotte": roomy.id, "Bo": roomy.id}


def test_together_siblings_wait_together_and_the_parent_and_staff_read_why(app):
    client, staff_client = app.test_client(), app.test_client()
    user = parent(app, client)
    signed_in_as(staff_client, app, "aalst", "loket-medewerker", ["staff:loket"])
    with app.app_context(), tenant_db(app) as db:
        small = make_location(db, "De Speelboom", places=1)
        lotte, _bo = _family(db, [small], together_=True, user_id=user.id)
        # A family registered later that wants the same place gets it: the siblings do not fit.
        make_request(db, "Cas", [small], submitted=REGISTERED + timedelta(days=30))
        services.run_round(db, reserved=(), seed=1, actor="t", today=TODAY)
        assert _proposed(db) == {"Cas": small.id}
        lotte_id = lotte.id
    page = text(client.get("/t/aalst/loket/mijn-aanvragen"))
    assert (
        "Samen was er in deze ronde geen plaats voor je kinderen; ze blijven samen wachten." in page
    )
    assert "geen plaats hier voor al je kinderen samen" in page
    detail = text(staff_client.get(f"/t/aalst/loket/aanvragen/{lotte_id}"))
    assert "Samen was er in deze ronde geen plaats voor je kinderen" in detail


def test_apart_siblings_are_allocated_each_on_their_own(app):
    with app.app_context(), tenant_db(app) as db:
        small = make_location(db, "De Speelboom", places=1)
        _family(db, [small], together_=False)
        services.run_round(db, reserved=(), seed=1, actor="t", today=TODAY)
        proposed = _proposed(db)
        assert list(proposed.values()) == [small.id] and len(proposed) == 1
        waiting = db.exec(select(ChildcareRequest).where(ChildcareRequest.status == "open")).one()
        reasons = {note["reason"] for note in waiting.round_explanation["choices"]}
        assert reasons == {"outranked"}


def test_an_apart_child_gets_sibling_priority_where_the_brother_has_a_place(app):
    with app.app_context(), tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        lotte, bo = _family(db, [location], together_=False)
        free_place = services.round_input(db, reserved=(), today=TODAY).free_places
        [row] = free_place[(location.id, "baby")]
        db.add(Placement(request_id=lotte.id, location_id=location.id, free_place_id=row.id))
        lotte.status = "placed"
        db.add(lotte)
        # Registered earlier and otherwise equal: without the sibling ground she would go first.
        make_request(db, "Cas", [location], submitted=REGISTERED - timedelta(days=60))
        db.flush()
        data = services.round_input(db, reserved=(), today=TODAY)
        [bo_in_round] = [a for a in data.applicants if a.id == bo.id]
        assert location.id in bo_in_round.sibling_location_ids
        services.run_round(db, reserved=(), seed=1, actor="t", today=TODAY)
        assert _proposed(db) == {"Bo": location.id}


def _applicant(name: int, preferences, registered_days=0):
    return allocation.Applicant(
        id=uuid.UUID(int=name),
        preferences=tuple(preferences),
        age_groups={loc: "baby" for loc in preferences},
        registered_at=REGISTERED + timedelta(days=registered_days),
    )


def test_the_wrapper_never_splits_a_family_and_frees_its_places_for_others():
    a, b = uuid.UUID(int=101), uuid.UUID(int=102)
    pools = [allocation.Pool(a, "baby", places=2), allocation.Pool(b, "baby", places=1)]
    # Sibling 1 and 2 want a then b; 3 (registered first) wants a. Plain DA splits the family:
    # 3 and one sibling at a, the other sibling at b.
    s1, s2 = _applicant(1, [a, b], 5), _applicant(2, [a, b], 5)
    other = _applicant(3, [a], 0)
    plain = allocation.allocate([s1, s2, other], pools)
    assert len({plain.matches.get(s.id, (None,))[0] for s in (s1, s2)}) == 2
    outcome = together.allocate([s1, s2, other], pools, families=[(s1.id, s2.id)])
    assert outcome.matches[other.id] == (a, "baby")
    assert s1.id not in outcome.matches and s2.id not in outcome.matches
    notes = outcome.explanations[s1.id]["higher_choices"]
    assert [n["reason"] for n in notes] == ["together_not_possible"] * 2
    # With one more place at b, the family is placed there together from what was left.
    roomy = [pools[0], allocation.Pool(b, "baby", places=2)]
    placed = together.allocate([s1, s2, other], roomy, families=[(s1.id, s2.id)])
    assert placed.matches[s1.id] == placed.matches[s2.id] == (b, "baby")
    assert placed.explanations[s1.id]["rank"] == 2


def test_a_family_taken_out_leaves_the_others_lottery_numbers_unchanged():
    a = uuid.UUID(int=101)
    pools = [allocation.Pool(a, "baby", places=1)]
    rules = allocation.RulePack.from_rules({"tie_break": "lottery"})
    families = [(uuid.UUID(int=1), uuid.UUID(int=2))]
    others = [_applicant(n, [a]) for n in range(3, 9)]
    siblings = [_applicant(1, [a]), _applicant(2, [a])]
    for seed in range(20):
        outcome = together.allocate([*siblings, *others], pools, rules, seed, families=families)
        winners = [m for m in outcome.matches if m.int > 2]
        assert not outcome.matches.keys() & {s.id for s in siblings}  # one place, two siblings
        # The winner is the best lottery number among the others, drawn over everyone.
        lottery = allocation.lottery_numbers([s.id for s in [*siblings, *others]], seed)
        best = min((o.id for o in others), key=lambda i: lottery[i])
        assert winners == [best]


def test_changing_one_childs_request_changes_the_family_and_keeps_each_registration_date(app):
    client = app.test_client()
    user = parent(app, client)
    with tenant_db(app) as db:
        first, second = make_location(db, "De Speelboom"), make_location(db, "Het Kabouterhuis")
        lotte, bo = _family(db, [first], together_=True, user_id=user.id)
        bo.submitted_at = REGISTERED + timedelta(days=3)
        bo.care_needs = ["dietary"]
        db.add(bo)
    changed = family_form(
        second,
        first,
        desired_start=LATER.isoformat(),
        days=["wed-morning"],
        siblings_together="apart",
    )
    for key in [k for k in changed if k.startswith("sibling_")]:
        changed.pop(key)
    changed["child_first_name"] = "Lotte"
    response = client.post(f"/t/aalst/loket/aanvraag/{lotte.id}/bewerken", data=changed)
    assert response.status_code == 302
    with tenant_db(app) as db:
        rows = {r.child_first_name: r for r in db.exec(select(ChildcareRequest))}
        ranked = db.exec(
            select(Preference.location_id)
            .where(Preference.request_id == bo.id)
            .order_by(Preference.rank)
        ).all()
        changes = db.exec(
            select(AuditEntry).where(AuditEntry.action == "loket.request_changed")
        ).all()
    assert rows["Bo"].desired_start == LATER and rows["Bo"].days == ["wed-morning"]
    assert ranked == [second.id, first.id]
    assert not rows["Bo"].siblings_together and not rows["Lotte"].siblings_together
    # Each child keeps its own registration date, name and care needs.
    assert rows["Lotte"].submitted_at.replace(tzinfo=UTC) == REGISTERED
    assert rows["Bo"].submitted_at.replace(tzinfo=UTC) == REGISTERED + timedelta(days=3)
    assert rows["Bo"].care_needs == ["dietary"] and rows["Bo"].child_first_name == "Bo"
    assert {entry.object_id for entry in changes} == {str(lotte.id), str(bo.id)}
    page = text(client.get(f"/t/aalst/loket/aanvraag/{bo.id}/bewerken"))
    assert "Gezinsaanvraag" in page and "Lotte Peeters" in page


def test_another_parent_or_municipality_cannot_see_or_change_the_family(app):
    owner_client, other_client, brugge_client = (app.test_client() for _ in range(3))
    owner = parent(app, owner_client)
    parent(app, other_client, subject="ouder-els")
    parent(app, brugge_client, subject="ouder-an-brugge", tenant="brugge")
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
        lotte, bo = _family(db, [location], together_=True, user_id=owner.id)
    for client, prefix in ((other_client, "/t/aalst"), (brugge_client, "/t/brugge")):
        edit = f"{prefix}/loket/aanvraag/{lotte.id}/bewerken"
        assert client.get(edit).status_code == 404
        assert client.post(edit, data=family_form(location)).status_code == 404
        withdraw = f"{prefix}/loket/aanvraag/{bo.id}/intrekken"
        assert client.post(withdraw, data={"confirm": "yes", "scope": "family"}).status_code == 404
        assert "Lotte" not in text(client.get(f"{prefix}/loket/mijn-aanvragen"))
    rows = children(app)
    assert {row.status for row in rows.values()} == {"open"}


def test_a_parent_withdraws_one_child_or_the_whole_family(app):
    client = app.test_client()
    user = parent(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
        lotte, bo = _family(db, [location], together_=True, user_id=user.id)
        cas = make_request(db, "Cas", [location], parent_user_id=user.id)
        for row in (cas,):
            row.sibling_group_id, row.siblings_together = lotte.sibling_group_id, True
            db.add(row)
    page = text(client.get("/t/aalst/loket/mijn-aanvragen"))
    assert "Alle kinderen van deze aanvraag" in page
    one = client.post(f"/t/aalst/loket/aanvraag/{cas.id}/intrekken", data={"confirm": "yes"})
    assert one.status_code == 302
    assert {n: r.status for n, r in children(app).items()} == {
        "Lotte": "open",
        "Bo": "open",
        "Cas": "withdrawn",
    }
    everyone = {"confirm": "yes", "scope": "family"}
    assert (
        client.post(f"/t/aalst/loket/aanvraag/{bo.id}/intrekken", data=everyone).status_code == 302
    )
    assert {r.status for r in children(app).values()} == {"withdrawn"}


@pytest.mark.parametrize("choice", ["together", "apart"])
def test_continuous_allocation_keeps_together_siblings_at_one_location(app, choice):
    from plugins.loket import continuous

    with app.app_context(), tenant_db(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        _family(db, [location], together_=choice == "together")
        continuous.offer_freed_places(db, location.id, reserved=(), today=TODAY, trigger="t")
        offered = _proposed(db)
    assert len(offered) == (0 if choice == "together" else 1)


@pytest.mark.browser
def test_a_parent_sends_two_children_together_and_withdraws_one_in_the_browser(
    browser, live_server, browser_log, axe_violations
):
    from playwright.sync_api import expect

    from tests.plugins.loket.test_browser import assert_accessible, open_as, session_cookie

    with tenant_db(live_server.app) as db:
        make_location(db, "Zonnebloem")
    page = open_as(browser, live_server, browser_log, session_cookie(live_server, "an", ["parent"]))
    page.goto("/t/aalst/loket/aanvraag/nieuw")
    child = page.get_by_role("group", name="Het kind")
    child.get_by_label("Voornaam").fill("Lotte")
    child.get_by_label("Familienaam").fill("Claes")
    child.get_by_label("Geboortedatum", exact=True).fill(BIRTH)
    sibling = page.get_by_role("group", name="Broer of zus 1")
    sibling.get_by_label("Voornaam").fill("Bo")
    sibling.get_by_label("Familienaam").fill("Claes")
    sibling.get_by_label("Geboortedatum", exact=True).fill(TWIN_BIRTH)
    page.get_by_label("Samen: dezelfde locatie voor allemaal").check()
    page.get_by_label("Gewenste startdatum").fill(START)
    page.get_by_label("maandag voormiddag").check()
    page.get_by_label("Keuze 1").select_option(label="Zonnebloem (Groepsopvang, 9300)")
    assert_accessible(page, axe_violations, "request form with a sibling")
    page.get_by_role("button", name="Aanvraag versturen").click()
    # The confirmation names both children's references, then the parent opens the list.
    expect(page.get_by_role("status")).to_contain_text(re.compile("Bo Claes: referentie LK-"))
    expect(page.get_by_role("status")).to_contain_text(re.compile("Lotte Claes: referentie LK-"))
    page.get_by_role("link", name="Naar Mijn aanvragen").click()
    expect(
        page.get_by_role("heading", name="Gezinsaanvraag: Bo Claes, Lotte Claes")
    ).to_be_visible()
    assert_accessible(page, axe_violations, "family request")
    # Withdrawing Bo: the button opens the explanation; without the tick nothing happens.
    card = page.get_by_role("region", name=re.compile("^Bo Claes"))
    card.get_by_text("Deze aanvraag intrekken…").click()
    expect(card.get_by_text("De aanvraag verliest haar plaats in de volgorde")).to_be_visible()
    card.get_by_role("button", name="Ja, trek de aanvraag in").click()
    expect(page.get_by_text("Er is nog niets gewijzigd.")).to_be_visible()
    assert_accessible(page, axe_violations, "withdrawal refused")
    page.get_by_label("Alleen Bo Claes").check()
    page.get_by_label("Ik begrijp dat de aanvraag haar plaats").check()
    page.get_by_role("button", name="Ja, trek de aanvraag in").click()
    expect(page.get_by_text("De aanvraag is ingetrokken.")).to_be_visible()
    assert {r.child_first_name: r.status for r in _rows(live_server.app)} == {
        "Lotte": "open",
        "Bo": "withdrawn",
    }


def _rows(app) -> list[ChildcareRequest]:
    with tenant_db(app) as db:
        return list(db.exec(select(ChildcareRequest)))


def test_a_family_draft_is_completed_for_all_children_at_once(app):
    client = app.test_client()
    parent(app, client)
    with tenant_db(app) as db:
        location = make_location(db, "De Speelboom")
    draft = family_form(location, action="draft", desired_start="")
    assert client.post(NEW, data=draft).status_code == 302
    rows = children(app)
    assert {row.status for row in rows.values()} == {"draft"}
    assert rows["Lotte"].sibling_group_id == rows["Bo"].sibling_group_id
    edit = f"/t/aalst/loket/aanvraag/{rows['Lotte'].id}/bewerken"
    page = text(client.get(edit))
    assert "Gezinsaanvraag" in page and 'value="together" checked' in page
    completed = {k: v for k, v in family_form(location).items() if not k.startswith("sibling_")}
    assert client.post(edit, data=completed).status_code == 302
    rows = children(app)
    assert {row.status for row in rows.values()} == {"open"}
    assert rows["Bo"].birth_date == date.fromisoformat(TWIN_BIRTH)
    assert rows["Bo"].submitted_at is not None
