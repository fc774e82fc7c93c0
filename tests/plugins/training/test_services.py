"""The stage machine: every valid step, every refused one, and what each step records."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest

from plugins.training.services import (
    PIPELINE,
    DropoutReason,
    IntakeOutcome,
    Progress,
    RuleError,
    Stage,
    Step,
    apply_step,
    check_progress,
    check_step,
    next_stages,
)

TODAY = date(2026, 11, 25)
COHORT = uuid.uuid4()


@dataclass
class Candidate:
    """The fields the rules write; the real model has the same names."""

    stage: str = Stage.INTERESTED
    furthest_stage: str = Stage.INTERESTED
    intake_outcome: str = ""
    intake_reasons: str = ""
    needs_childcare: bool = False
    cohort_id: uuid.UUID | None = None
    internship_hours: int = 0
    placement_location_id: uuid.UUID | None = None
    placement_name: str = ""
    employer: str = ""
    employed_in_region: bool = False
    dropout_reason: str = ""
    dropout_note: str = ""
    graduated_on: date | None = None


def progress(candidate: Candidate, required_hours: int = 100) -> Progress:
    return Progress(
        stage=candidate.stage,
        furthest_stage=candidate.furthest_stage,
        intake_outcome=candidate.intake_outcome,
        has_cohort=candidate.cohort_id is not None,
        internship_hours=candidate.internship_hours,
        required_hours=required_hours,
        has_valid_extract=True,  # the extract rule has its own tests (test_documents.py)
    )


def complete_step(target: Stage) -> Step:
    """A step with everything its target asks for."""
    return Step(
        target=target,
        intake_outcome=IntakeOutcome.SUITABLE,
        cohort_id=COHORT,
        placement_name="Kinderdagverblijf De Speelboom",
        employer="Kinderopvang De Vlinder",
        employed_in_region=True,
        dropout_reason=DropoutReason.SCHEDULE,
    )


def walk_to(stage: Stage, required_hours: int = 100) -> Candidate:
    candidate = Candidate()
    for target in PIPELINE[1 : PIPELINE.index(stage) + 1]:
        if target == Stage.GRADUATED:
            candidate.internship_hours = required_hours
        apply_step(
            candidate, progress(candidate, required_hours), complete_step(target), today=TODAY
        )
    return candidate


@pytest.mark.parametrize("current", PIPELINE[:-1])
def test_each_stage_moves_one_forward_with_what_the_next_stage_asks(current):
    candidate = walk_to(current)
    target = PIPELINE[PIPELINE.index(current) + 1]
    if target == Stage.GRADUATED:
        candidate.internship_hours = 100
    record = apply_step(candidate, progress(candidate), complete_step(target), today=TODAY)
    assert candidate.stage == target == record.to_stage
    assert record.from_stage == current
    assert candidate.furthest_stage == target


def test_the_whole_path_records_intake_cohort_placement_graduation_and_employer():
    candidate = walk_to(Stage.EMPLOYED)
    assert candidate.intake_outcome == IntakeOutcome.SUITABLE
    assert candidate.cohort_id == COHORT
    assert candidate.placement_name == "Kinderdagverblijf De Speelboom"
    assert candidate.graduated_on == TODAY
    assert (candidate.employer, candidate.employed_in_region) == ("Kinderopvang De Vlinder", True)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (current, target)
        for current in PIPELINE
        for target in PIPELINE
        if PIPELINE.index(target) > PIPELINE.index(current) + 1
    ],
)
def test_skipping_a_stage_is_refused_without_a_reason_and_allowed_with_one(current, target):
    candidate = walk_to(current)
    candidate.internship_hours = 100
    step = complete_step(target)
    errors = check_step(progress(candidate), step)
    assert set(errors) == {"reason"}
    step.reason = "Vrijstelling na erkenning van eerder verworven competenties"
    record = apply_step(candidate, progress(candidate), step, today=TODAY)
    assert (candidate.stage, record.reason) == (target, step.reason)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (current, target)
        for current in PIPELINE
        for target in PIPELINE
        if PIPELINE.index(target) < PIPELINE.index(current)
    ],
)
def test_a_step_is_never_undone(current, target):
    candidate = walk_to(current)
    step = complete_step(target)
    step.reason = "even with a reason"
    assert "target" in check_step(progress(candidate), step)
    with pytest.raises(RuleError):
        apply_step(candidate, progress(candidate), step, today=TODAY)
    assert candidate.stage == current


@pytest.mark.parametrize("current", [s for s in PIPELINE if s != Stage.INTAKE])
def test_moving_to_the_same_stage_is_refused_except_a_new_intake(current):
    candidate = walk_to(current)
    assert "target" in check_step(progress(candidate), complete_step(current))


def test_a_new_intake_replaces_a_not_yet_outcome():
    candidate = walk_to(Stage.INFO_SESSION_ATTENDED)
    step = Step(Stage.INTAKE, intake_outcome=IntakeOutcome.NOT_YET, intake_reasons="Eerst taal")
    apply_step(candidate, progress(candidate), step, today=TODAY)
    refused = check_step(progress(candidate), Step(Stage.ENROLLED, cohort_id=COHORT))
    assert refused == {"target": refused["target"]}  # not suitable: no enrolment
    apply_step(
        candidate, progress(candidate), Step(Stage.INTAKE, intake_outcome="suitable"), today=TODAY
    )
    apply_step(candidate, progress(candidate), Step(Stage.ENROLLED, cohort_id=COHORT), today=TODAY)
    assert candidate.stage == Stage.ENROLLED


@pytest.mark.parametrize("outcome", [IntakeOutcome.NOT_YET, IntakeOutcome.OTHER_ROUTE])
def test_an_intake_that_is_not_suitable_needs_reasons(outcome):
    candidate = walk_to(Stage.INFO_SESSION_ATTENDED)
    errors = check_step(progress(candidate), Step(Stage.INTAKE, intake_outcome=outcome))
    assert set(errors) == {"intake_reasons"}
    assert not check_step(
        progress(candidate), Step(Stage.INTAKE, intake_outcome=outcome, intake_reasons="Taal")
    )


def test_an_intake_needs_an_outcome_from_the_list():
    candidate = walk_to(Stage.INFO_SESSION_ATTENDED)
    assert set(check_step(progress(candidate), Step(Stage.INTAKE))) == {"intake_outcome"}
    assert set(check_step(progress(candidate), Step(Stage.INTAKE, intake_outcome="maybe"))) == {
        "intake_outcome"
    }


def test_enrolment_needs_a_cohort_with_a_free_seat():
    candidate = walk_to(Stage.INTAKE)
    candidate.cohort_id = None  # the intake named no cohort
    assert set(check_step(progress(candidate), Step(Stage.ENROLLED))) == {"cohort"}
    full = Step(Stage.ENROLLED, cohort_id=COHORT, cohort_has_room=False)
    assert set(check_step(progress(candidate), full)) == {"cohort"}


def test_an_internship_needs_a_placement():
    candidate = walk_to(Stage.IN_TRAINING)
    assert set(check_step(progress(candidate), Step(Stage.INTERNSHIP))) == {"placement"}
    location = uuid.uuid4()
    step = Step(Stage.INTERNSHIP, placement_location_id=location, placement_name="De Speelboom")
    apply_step(candidate, progress(candidate), step, today=TODAY)
    assert candidate.placement_location_id == location


def test_graduating_with_too_few_internship_hours_needs_a_recorded_reason():
    candidate = walk_to(Stage.INTERNSHIP)
    candidate.internship_hours = 60
    errors = check_step(progress(candidate, required_hours=100), Step(Stage.GRADUATED))
    assert set(errors) == {"reason"}
    assert "60" in str(errors["reason"]) and "100" in str(errors["reason"])
    step = Step(Stage.GRADUATED, reason="Stage-uren uit vorige job erkend")
    record = apply_step(candidate, progress(candidate, required_hours=100), step, today=TODAY)
    assert record.reason == "Stage-uren uit vorige job erkend"


def test_employment_needs_the_provider():
    candidate = walk_to(Stage.GRADUATED)
    assert set(check_step(progress(candidate), Step(Stage.EMPLOYED))) == {"employer"}


@pytest.mark.parametrize("current", PIPELINE[: PIPELINE.index(Stage.GRADUATED)])
@pytest.mark.parametrize("reason", list(DropoutReason))
def test_a_candidate_drops_out_before_graduating_with_a_reason_from_the_list(current, reason):
    candidate = walk_to(current)
    step = Step(Stage.DROPPED_OUT, dropout_reason=reason, dropout_note="Uitleg")
    apply_step(candidate, progress(candidate), step, today=TODAY)
    assert (candidate.stage, candidate.dropout_reason) == (Stage.DROPPED_OUT, reason)
    assert candidate.furthest_stage == current  # the funnel keeps how far they got
    assert candidate.needs_childcare == (reason == DropoutReason.OWN_CHILDCARE_MISSING)


def test_dropping_out_needs_a_listed_reason_and_other_needs_an_explanation():
    candidate = walk_to(Stage.IN_TRAINING)
    assert set(check_step(progress(candidate), Step(Stage.DROPPED_OUT))) == {"dropout_reason"}
    assert set(
        check_step(progress(candidate), Step(Stage.DROPPED_OUT, dropout_reason="bored"))
    ) == {"dropout_reason"}
    assert set(
        check_step(progress(candidate), Step(Stage.DROPPED_OUT, dropout_reason="other"))
    ) == {"dropout_note"}


@pytest.mark.parametrize("current", [Stage.GRADUATED, Stage.EMPLOYED])
def test_a_graduate_cannot_drop_out(current):
    candidate = walk_to(current)
    step = Step(Stage.DROPPED_OUT, dropout_reason=DropoutReason.HEALTH)
    assert "target" in check_step(progress(candidate), step)


def test_a_drop_out_comes_back_only_to_a_stage_reached_and_with_a_reason():
    candidate = walk_to(Stage.IN_TRAINING)
    apply_step(
        candidate,
        progress(candidate),
        Step(Stage.DROPPED_OUT, dropout_reason=DropoutReason.OWN_CHILDCARE_MISSING),
        today=TODAY,
    )
    assert set(check_step(progress(candidate), Step(Stage.IN_TRAINING))) == {"reason"}
    beyond = Step(Stage.INTERNSHIP, reason="Opvang gevonden", placement_name="De Speelboom")
    assert "target" in check_step(progress(candidate), beyond)
    again = Step(Stage.IN_TRAINING, reason="Opvang gevonden via het loket")
    apply_step(candidate, progress(candidate), again, today=TODAY)
    assert (candidate.stage, candidate.dropout_reason) == (Stage.IN_TRAINING, "")


def test_a_dropped_out_candidate_cannot_drop_out_again():
    candidate = walk_to(Stage.INTAKE)
    drop = Step(Stage.DROPPED_OUT, dropout_reason=DropoutReason.FINANCES)
    apply_step(candidate, progress(candidate), drop, today=TODAY)
    assert "target" in check_step(progress(candidate), drop)


def test_an_unknown_stage_is_refused():
    assert set(check_step(progress(Candidate()), Step("hired"))) == {"target"}


def test_the_board_offers_the_next_stage_and_dropping_out():
    assert next_stages(progress(walk_to(Stage.INTAKE))) == [Stage.ENROLLED, Stage.DROPPED_OUT]
    assert next_stages(progress(walk_to(Stage.GRADUATED))) == [Stage.EMPLOYED]
    assert next_stages(progress(walk_to(Stage.EMPLOYED))) == []


def test_modules_are_logged_only_in_training_within_limits():
    assert set(check_progress(Stage.INTAKE, modules=1, modules_left=4)) == {"modules"}
    assert not check_progress(Stage.IN_TRAINING, modules=1, modules_left=4)
    assert not check_progress(Stage.INTERNSHIP, modules=1, modules_left=1)
    assert set(check_progress(Stage.IN_TRAINING, modules=5, modules_left=4)) == {"modules"}
    assert set(check_progress(Stage.IN_TRAINING, modules=0, modules_left=4)) == {"modules"}


def test_the_cohort_named_at_the_intake_is_the_one_enrolled_in_by_default():
    candidate = walk_to(Stage.INFO_SESSION_ATTENDED)
    in_mind = uuid.uuid4()
    intake = Step(Stage.INTAKE, intake_outcome=IntakeOutcome.SUITABLE, cohort_id=in_mind)
    apply_step(candidate, progress(candidate), intake, today=TODAY)
    assert (candidate.stage, candidate.cohort_id) == (Stage.INTAKE, in_mind)
    apply_step(candidate, progress(candidate), Step(Stage.ENROLLED), today=TODAY)
    assert (candidate.stage, candidate.cohort_id) == (Stage.ENROLLED, in_mind)
