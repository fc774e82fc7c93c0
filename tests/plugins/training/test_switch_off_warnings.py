"""Before training is switched off, its admin reads what stops working, with live counts."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

import pytest

from plugins.training.models import (
    Candidate,
    Course,
    CourseSignup,
    InfoRegistration,
    InternshipHours,
)
from plugins.training.services import Stage
from tests.plugins.training.conftest import TRAINING_TENANTS, build_world
from tests.plugins.training.helpers import make_candidate
from tests.plugins.training.test_internship_hours import intern
from tests.support.apps import probe_app
from tests.support.switch_off import switch_off_warning


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request):
    settings = request.getfixturevalue(f"{request.param}_settings")
    return build_world(probe_app(settings, tenants=TRAINING_TENANTS))


def registration(db, session_id, candidate_id, status="registered") -> None:
    db.add(
        InfoRegistration(
            info_session_id=session_id,
            candidate_id=candidate_id,
            status=status,
            token=secrets.token_urlsafe(16),
        )
    )


def test_the_warning_counts_candidates_mailed_links_and_hours_waiting_for_the_mentor(world):
    on_internship = intern(world)
    interested = make_candidate(world, "cvo-limburg", given_name="Fatima")
    coming = world.info_session("cvo-limburg", in_days=7)
    past = world.info_session("cvo-limburg", in_days=-2)
    with world.session() as db:
        db.add(
            Candidate(
                given_name="Gert",
                family_name="Graduaat",
                email="gert@example.be",
                interest="kinderbegeleider",
                stage=Stage.GRADUATED,
                furthest_stage=Stage.GRADUATED,
            )
        )
        registration(db, coming.id, interested)
        registration(db, coming.id, on_internship, status="cancelled")
        registration(db, past.id, on_internship)
        course = Course(
            title="EHBO bij baby's",
            starts_at=datetime.now(UTC) + timedelta(days=3),
            location="Sociaal Huis",
        )
        db.add(course)
        db.flush()
        db.add(
            CourseSignup(
                course_id=course.id,
                given_name="Mia",
                family_name="Maes",
                email="mia@example.be",
                status="registered",
                token=secrets.token_urlsafe(16),
            )
        )
        yesterday = date.today() - timedelta(days=1)
        for hours, status in ((4, "pending"), (3, "pending"), (6, "confirmed")):
            db.add(
                InternshipHours(
                    candidate_id=on_internship,
                    worked_on=yesterday,
                    hours=hours,
                    description="Stagedag",
                    status=status,
                )
            )

    warning = switch_off_warning(world.app, "training")
    assert "404" in warning
    assert "2 kandidaten op weg naar een kwalificatie kunnen niet meer begeleid worden" in warning
    assert "1 inschrijving voor een komende infosessie" in warning
    assert "er gaat geen herinnering meer uit" in warning
    assert "1 inschrijving voor een komende vorming" in warning
    assert "7 stage-uren wachten op de mentor" in warning
    assert "Fatima" not in warning and "mia@example.be" not in warning  # never a person


def test_without_open_work_only_the_pages_are_mentioned(world):
    warning = switch_off_warning(world.app, "training")
    assert "404" in warning and "kandida" not in warning and "inschrijving" not in warning
