"""What a list page reads for all its rows at once (one query, not one per row) says the same
as reading each row alone: seats per session, course and cohort, and each board card's progress."""

from __future__ import annotations

import pytest

from plugins.training import store
from plugins.training.models import Candidate, InfoRegistration
from plugins.training.services import Stage
from tests.plugins.training.conftest import TRAINING_TENANTS, build_world
from tests.plugins.training.helpers import give_extract, make_candidate
from tests.support.apps import probe_app
from tests.support.queries import counted_statements


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request):
    """The training world on SQLite and on PostgreSQL (GROUP BY and IN behave alike on both)."""
    settings = request.getfixturevalue(f"{request.param}_settings")
    return build_world(probe_app(settings, tenants=TRAINING_TENANTS))


def test_seats_of_many_info_sessions_are_counted_in_one_query(world):
    full = world.info_session("cvo-limburg", capacity=1)
    open_one = world.info_session("cvo-limburg", capacity=5)
    empty = world.info_session(None)
    with world.session() as db:
        for name, where in (("an", full), ("bert", full), ("chris", open_one)):
            store.register_for_session(
                db, where, store.Registrant(name, "Test", f"{name}@example.be")
            )
    with world.session() as db:
        wanted = [full.id, open_one.id, empty.id]
        with counted_statements(world.db.engine) as log:
            counts = store.registration_counts_in(
                db, InfoRegistration, InfoRegistration.info_session_id, wanted
            )
        assert log.count == 1
        assert counts == {full.id: (1, 1), open_one.id: (1, 0), empty.id: (0, 0)}
        assert counts == {
            one: store.registration_counts(
                db, InfoRegistration, InfoRegistration.info_session_id, one
            )
            for one in wanted
        }


def test_seats_taken_of_many_cohorts_are_counted_in_one_query(world):
    busy = world.programme_and_cohort("cvo-limburg", name="Dag")
    quiet = world.programme_and_cohort("cvo-limburg", name="Avond")
    make_candidate(world, "cvo-limburg", stage=Stage.ENROLLED, cohort=busy, given_name="An")
    make_candidate(world, "cvo-limburg", stage=Stage.IN_TRAINING, cohort=busy, given_name="Bo")
    make_candidate(world, "cvo-limburg", stage=Stage.INTAKE, given_name="Cas")
    with world.session() as db:
        with counted_statements(world.db.engine) as log:
            taken = store.seats_taken_in(db, [busy.id, quiet.id])
        assert log.count == 1
        assert taken == {busy.id: 2, quiet.id: 0}
        assert taken == {one: store.seats_taken(db, one) for one in (busy.id, quiet.id)}


def test_the_progress_of_every_card_is_read_in_three_queries_and_matches_each_read_alone(world):
    cohort = world.programme_and_cohort("cvo-limburg", hours=80)
    ids = [
        make_candidate(world, "cvo-limburg", stage=stage, cohort=cohort, given_name=name, hours=h)
        for stage, name, h in (
            (Stage.ENROLLED, "An", 0),
            (Stage.IN_TRAINING, "Bo", 0),
            (Stage.INTERNSHIP, "Cas", 90),
        )
    ]
    give_extract(world, ids[1])
    outside = make_candidate(world, "cvo-limburg", stage=Stage.INTAKE, given_name="Dina")
    with world.session() as db:
        candidates = [db.get(Candidate, one) for one in [*ids, outside]]
        with counted_statements(world.db.engine) as log:
            progresses = store.progresses_of(db, candidates)
        assert log.count <= 3  # cohorts, valid extracts, hours waiting for the mentor
        assert progresses == {c.id: store.progress_of(db, c) for c in candidates}
        assert [progresses[one].has_valid_extract for one in [*ids, outside]] == [
            False,
            True,
            True,
            False,
        ]
        assert progresses[outside].required_hours == 0
        assert progresses[ids[2]].required_hours == 80
        assert store.progresses_of(db, []) == {}
