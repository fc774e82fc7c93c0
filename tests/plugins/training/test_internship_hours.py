"""Dated internship hours: the intern logs a day, the mentor at the placement confirms or rejects
it, and only confirmed hours count towards graduation. Attackers get 404, 405 or 400."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlmodel import select

from core.audit import AuditEntry
from plugins.training.models import Candidate, InternshipHours
from plugins.training.services import Stage
from tests.plugins.training.conftest import member, organisation, people
from tests.plugins.training.helpers import give_extract, make_candidate, step, stored
from tests.support.apps import probe_app, tenant_id

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def intern(world, *, tenant="aalst"):
    """An (a parent) on internship at KDV Zonnetje, whose member Mia mentors her."""
    provider = organisation(world.app, "kdv-zonnetje", kind="provider")
    cohort = world.programme_and_cohort("cvo-limburg", tenant=tenant, hours=8)
    candidate_id = make_candidate(
        world, "cvo-limburg", stage=Stage.INTERNSHIP, cohort=cohort, tenant=tenant
    )
    with world.session(tenant) as db:
        candidate = db.get(Candidate, candidate_id)
        candidate.user_id = people(world)["an"].id
        candidate.placement_provider_id = provider.id
        candidate.internship_hours = 0
        db.add(candidate)
    return candidate_id


def mentor(world):
    return world.client_for(member(world.app, "mia", "kdv-zonnetje"))


def log(client, candidate_id, **changes):
    data = {"worked_on": YESTERDAY, "hours": "7", "description": "Fruitmoment en slaapronde"}
    data.update(changes)
    return client.post(f"/t/aalst/opleiding/mijn-traject/{candidate_id}/stage-uren", data=data)


def entries(world, candidate_id):
    with world.session() as db:
        return list(
            db.exec(select(InternshipHours).where(InternshipHours.candidate_id == candidate_id))
        )


def review(client, entry_id, decision, reason=""):
    prefix = f"entry-{entry_id}"
    return client.post(
        f"/t/aalst/opleiding/stagebegeleiding/uren/{entry_id}",
        data={f"{prefix}-decision": decision, f"{prefix}-reason": reason},
    )


def test_an_intern_logs_a_dated_day_and_sees_it_waiting_for_the_mentor(world):
    candidate_id = intern(world)
    an = world.client_for(people(world)["an"])
    assert log(an, candidate_id).status_code == 303
    [entry] = entries(world, candidate_id)
    assert (entry.hours, entry.status, entry.worked_on.isoformat()) == (7, "pending", YESTERDAY)
    page = an.get("/t/aalst/opleiding/mijn-traject").get_data(as_text=True)
    assert "Fruitmoment en slaapronde" in page and "Wacht op de mentor" in page
    # Pending hours do not count yet.
    assert stored(world.app, candidate_id).internship_hours == 0


def test_future_dates_negative_or_too_many_hours_and_nul_bytes_are_refused_with_a_message(world):
    candidate_id = intern(world)
    an = world.client_for(people(world)["an"])
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    future = log(an, candidate_id, worked_on=tomorrow)
    assert future.status_code == 422
    assert "Uren registreer je alleen voor een dag die al begonnen is." in future.get_data(
        as_text=True
    )
    for hours in ("-3", "0", "13", "veel"):
        assert log(an, candidate_id, hours=hours).status_code == 422
    assert log(an, candidate_id, description="slaap\x00ronde").status_code == 422
    assert log(an, candidate_id, description="   ").status_code == 422
    assert entries(world, candidate_id) == []


def test_the_mentor_confirms_and_only_confirmed_hours_count_towards_graduation(world):
    candidate_id = intern(world)
    an = world.client_for(people(world)["an"])
    log(an, candidate_id, hours="5")
    log(an, candidate_id, hours="4", description="Onthaal ouders")
    first, second = sorted(entries(world, candidate_id), key=lambda e: e.hours)
    mia = mentor(world)
    page = mia.get("/t/aalst/opleiding/stagebegeleiding").get_data(as_text=True)
    assert "Lotte Peeters" in page and "Onthaal ouders" in page
    assert review(mia, second.id, "confirmed").status_code == 303
    no_reason = review(mia, first.id, "rejected")
    assert no_reason.status_code == 422
    assert "Zeg waarom je deze uren weigert." in no_reason.get_data(as_text=True)
    assert review(mia, first.id, "rejected", "Die dag was ik er niet").status_code == 303
    assert review(mia, first.id, "confirmed").status_code == 422  # reviewed once only
    assert stored(world.app, candidate_id).internship_hours == 5
    # The rule: 5 confirmed of 8 required; rejected hours never count.
    sara = world.client_for(people(world)["sara"])
    short = step(sara, candidate_id, "graduated")
    assert short.status_code == 422 and "5 bevestigd door de mentor" in short.get_data(as_text=True)
    staff_page = sara.get(f"/t/aalst/opleiding/kandidaten/{candidate_id}").get_data(as_text=True)
    assert (
        "Die dag was ik er niet" in staff_page and "Bevestigde uren die meetellen: 5" in staff_page
    )
    mine = an.get("/t/aalst/opleiding/mijn-traject").get_data(as_text=True)
    assert "Die dag was ik er niet" in mine
    with world.session() as db:
        actions = {a.action for a in db.exec(select(AuditEntry))}
    assert {"training.hours_logged", "training.hours_confirmed", "training.hours_rejected"} <= (
        actions
    )


def test_another_providers_member_and_strangers_get_404(world):
    candidate_id = intern(world)
    log(world.client_for(people(world)["an"]), candidate_id)
    [entry] = entries(world, candidate_id)
    organisation(world.app, "kdv-anders", kind="provider")
    bert = world.client_for(member(world.app, "bert", "kdv-anders"))
    assert "Lotte" not in bert.get("/t/aalst/opleiding/stagebegeleiding").get_data(as_text=True)
    assert review(bert, entry.id, "confirmed").status_code == 404
    assert review(bert, uuid.uuid4(), "confirmed").status_code == 404
    lieve = world.client_for(people(world)["lieve"])  # staff, but no provider member
    assert lieve.get("/t/aalst/opleiding/stagebegeleiding").status_code == 404
    other = world.user("karel", "aalst", ["parent"])
    assert log(world.client_for(other), candidate_id).status_code == 404
    assert [e.status for e in entries(world, candidate_id)] == ["pending"]


def test_a_mentor_at_another_tenant_cannot_reach_the_entry(world):
    candidate_id = intern(world)
    log(world.client_for(people(world)["an"]), candidate_id)
    [entry] = entries(world, candidate_id)
    mia = member(world.app, "mia", "kdv-zonnetje")
    brugge = world.client_for(mia, "brugge")
    answer = brugge.post(
        f"/t/brugge/opleiding/stagebegeleiding/uren/{entry.id}",
        data={f"entry-{entry.id}-decision": "confirmed"},
    )
    assert answer.status_code == 404
    assert entries(world, candidate_id)[0].status == "pending"


def test_head_instead_of_post_changes_nothing(world):
    candidate_id = intern(world)
    log(world.client_for(people(world)["an"]), candidate_id)
    [entry] = entries(world, candidate_id)
    mia = mentor(world)
    assert mia.head(f"/t/aalst/opleiding/stagebegeleiding/uren/{entry.id}").status_code == 405
    an = world.client_for(people(world)["an"])
    assert an.head(f"/t/aalst/opleiding/mijn-traject/{candidate_id}/stage-uren").status_code == 405
    assert entries(world, candidate_id)[0].status == "pending"


def test_a_review_without_csrf_token_is_refused(sqlite_settings):
    from tests.plugins.training.conftest import TRAINING_TENANTS, build_world

    world = build_world(
        probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True}, tenants=TRAINING_TENANTS)
    )
    candidate_id = intern(world)
    with world.session() as db:
        db.add(
            InternshipHours(
                candidate_id=candidate_id, worked_on=date.today(), hours=3, description="x"
            )
        )
    [entry] = entries(world, candidate_id)
    answer = review(mentor(world), entry.id, "confirmed")
    assert answer.status_code in (400, 422)
    assert entries(world, candidate_id)[0].status == "pending"
    assert tenant_id(world.app, "aalst")


def test_the_internship_step_makes_the_locations_provider_the_mentor(world):
    from core.hookspecs import hookimpl
    from core.plugin_types import LocationSummary

    provider = organisation(world.app, "kdv-zonnetje", kind="provider")
    location = LocationSummary(
        id=uuid.uuid4(),
        name="KDV Zonnetje",
        address="Markt 1",
        postcode="9300",
        kind="groepsopvang",
        provider_organisation_id=provider.id,
    )

    class Locations:
        @hookimpl
        def childcare_locations(self, tenant):
            return [location]

    registry = world.app.extensions["opvangplein.plugins"]
    registry.manager.register(Locations(), name="test-locations")
    try:
        cohort = world.programme_and_cohort("cvo-limburg")
        candidate = make_candidate(world, "cvo-limburg", stage=Stage.IN_TRAINING, cohort=cohort)
        sara = world.client_for(people(world)["sara"])
        give_extract(world, candidate)  # the internship needs a valid extract
        assert (
            step(sara, candidate, "internship", placement_location=str(location.id)).status_code
            == 303
        )
        assert stored(world.app, candidate).placement_provider_id == provider.id
        page = mentor(world).get("/t/aalst/opleiding/stagebegeleiding").get_data(as_text=True)
        assert "Lotte Peeters" in page
    finally:
        registry.manager.unregister(name="test-locations")


def test_export_holds_the_days_and_erasure_strips_what_the_intern_wrote(world):
    from core.plugin_types import DataSubject
    from plugins.training.privacy import erase_subject, export_subject
    from tests.plugins.training.helpers import request_at

    candidate_id = intern(world)
    log(world.client_for(people(world)["an"]), candidate_id)
    subject = DataSubject(email="lotte.peeters@example.be")
    with request_at(world, "aalst") as db:
        (exported,) = export_subject(db, subject)["candidates"]
        assert exported["internship_days"][0]["description"] == "Fruitmoment en slaapronde"
        erase_subject(db, subject)
        db.commit()
    [day] = entries(world, candidate_id)
    assert (day.hours, day.description, day.logged_by) == (7, "(gewist)", None)
