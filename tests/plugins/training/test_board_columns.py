"""The cohort board shows the cohort's real stages: from enrolment on, plus dropped out; a stage
before enrolment only while a candidate stands there."""

from __future__ import annotations

from plugins.training.services import Stage
from tests.plugins.training.conftest import people
from tests.plugins.training.helpers import make_candidate, step


def columns(page: str) -> list[str]:
    return [
        part.split('"', 1)[0]
        for part in page.split('class="training-board__column" data-stage="')[1:]
    ]


def test_the_board_starts_at_enrolment_and_keeps_dropped_out(world):
    cohort = world.programme_and_cohort("cvo-limburg")
    make_candidate(world, "cvo-limburg", stage=Stage.ENROLLED, cohort=cohort)
    sara = world.client_for(people(world)["sara"])
    page = sara.get(f"/t/aalst/opleiding/groepen/{cohort.id}").get_data(as_text=True)
    assert columns(page) == [
        "enrolled",
        "in_training",
        "internship",
        "graduated",
        "employed",
        "dropped_out",
    ]


def test_a_candidate_at_the_intake_for_this_cohort_brings_the_intake_column_back(world):
    cohort = world.programme_and_cohort("cvo-limburg")
    candidate = make_candidate(world, "cvo-limburg", stage=Stage.INFO_SESSION_ATTENDED)
    sara = world.client_for(people(world)["sara"])
    assert (
        step(
            sara, candidate, "intake", intake_outcome="suitable", cohort=str(cohort.id)
        ).status_code
        == 303
    )
    page = sara.get(f"/t/aalst/opleiding/groepen/{cohort.id}").get_data(as_text=True)
    assert columns(page)[:2] == ["intake", "enrolled"]
    assert "interested" not in columns(page)
