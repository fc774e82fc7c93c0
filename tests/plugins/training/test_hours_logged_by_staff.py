"""Hours the school logs for an intern count only once the mentor at the placement confirms them.

Before, staff added hours to a running total that counted at once: a school could graduate an
intern on hours the childcare location never saw. Now staff log a dated day on the intern's
behalf; it waits for the mentor like the intern's own entries.
"""

from __future__ import annotations

from sqlmodel import select

from plugins.training.models import InternshipHours
from tests.plugins.training.conftest import people
from tests.plugins.training.helpers import step, stored
from tests.plugins.training.test_internship_hours import YESTERDAY, entries, intern, mentor, review


def log_for(client, candidate_id, **changes):
    data = {"worked_on": YESTERDAY, "hours": "5", "description": "Stagedag op de peutergroep"}
    data.update(changes)
    return client.post(f"/t/aalst/opleiding/kandidaten/{candidate_id}/stage-uren", data=data)


def test_hours_the_school_logs_wait_for_the_mentor_and_do_not_count_yet(world):
    candidate_id = intern(world)
    sara = world.client_for(people(world)["sara"])  # the school (CVO Limburg)
    assert log_for(sara, candidate_id).status_code == 303
    [entry] = entries(world, candidate_id)
    assert (entry.hours, entry.status, entry.logged_by) == (5, "pending", people(world)["sara"].id)
    assert stored(world.app, candidate_id).internship_hours == 0
    # The old running total cannot be used to add hours that count either.
    sara.post(f"/t/aalst/opleiding/kandidaten/{candidate_id}/voortgang", data={"hours": "40"})
    assert stored(world.app, candidate_id).internship_hours == 0
    # The mentor sees the day among her intern's entries and is the one who makes it count.
    mia = mentor(world)
    assert "Stagedag op de peutergroep" in mia.get("/t/aalst/opleiding/stagebegeleiding").text
    assert review(mia, entry.id, "confirmed").status_code == 303
    assert stored(world.app, candidate_id).internship_hours == 5


def test_too_few_confirmed_hours_are_refused_saying_confirmed_pending_and_required(world):
    candidate_id = intern(world)  # the cohort requires 8 hours
    sara = world.client_for(people(world)["sara"])
    log_for(sara, candidate_id, hours="5")
    log_for(sara, candidate_id, hours="4", description="Onthaal ouders")
    five = next(e for e in entries(world, candidate_id) if e.hours == 5)
    mia = mentor(world)
    review(mia, five.id, "confirmed")

    refused = step(sara, candidate_id, "graduated")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "5 bevestigd" in text and "4 wachten op de mentor" in text and "8 nodig" in text
    assert stored(world.app, candidate_id).stage == "internship"

    four = next(e for e in entries(world, candidate_id) if e.hours == 4)
    review(mia, four.id, "confirmed")
    assert step(sara, candidate_id, "graduated").status_code == 303
    assert stored(world.app, candidate_id).stage == "graduated"


def test_only_the_interns_school_or_staff_log_hours_for_them_and_bad_input_gets_a_message(world):
    candidate_id = intern(world)
    tom = world.client_for(people(world)["tom"])  # another school
    assert log_for(tom, candidate_id).status_code == 404
    mia = mentor(world)  # the mentor confirms; she does not log on the intern's behalf
    assert log_for(mia, candidate_id).status_code in (403, 404)
    sara = world.client_for(people(world)["sara"])
    for changes in ({"hours": "13"}, {"hours": "veel"}, {"worked_on": "2999-01-01"}):
        bad = log_for(sara, candidate_id, **changes)
        assert bad.status_code == 422, changes
        assert 'id="error-summary"' in bad.get_data(as_text=True)
    with world.session() as db:
        assert db.exec(select(InternshipHours)).all() == []
