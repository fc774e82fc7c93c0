"""The candidate pipeline's rules — plain Python, no Flask request, no database session.

A candidate childcare worker (kinderbegeleider) or candidate family childminder (onthaalouder)
walks these stages in order::

    interested → info_session_attended → intake → enrolled → in_training → internship
               → graduated → employed

and may drop out (with a reason from a fixed list) before graduating. The rules:

* one stage forward at a time; skipping stages needs a recorded reason (e.g. the intake found
  prior learning that makes the info session pointless);
* no stage is undone; a candidate who dropped out may come back to a stage they reached, with a
  reason;
* the intake records an outcome — suitable, not yet, other route — and why, unless suitable;
  only a suitable candidate enrols, in a cohort with a free seat;
* an internship needs a placement (a childcare location); graduating needs the cohort's required
  internship hours, or a recorded exemption; employment needs the provider.

Messages are lazy gettext strings so each reader sees them in their own language.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from plugins.training.models import REASON_MAX, TITLE_MAX


class Stage(StrEnum):
    INTERESTED = "interested"
    INFO_SESSION_ATTENDED = "info_session_attended"
    INTAKE = "intake"
    ENROLLED = "enrolled"
    IN_TRAINING = "in_training"
    INTERNSHIP = "internship"
    GRADUATED = "graduated"
    EMPLOYED = "employed"
    DROPPED_OUT = "dropped_out"


PIPELINE: tuple[Stage, ...] = (
    Stage.INTERESTED,
    Stage.INFO_SESSION_ATTENDED,
    Stage.INTAKE,
    Stage.ENROLLED,
    Stage.IN_TRAINING,
    Stage.INTERNSHIP,
    Stage.GRADUATED,
    Stage.EMPLOYED,
)
# Stages in which a candidate holds a seat in a cohort.
IN_COHORT = (Stage.ENROLLED, Stage.IN_TRAINING, Stage.INTERNSHIP)
# Before graduation a candidate can still drop out.
MAY_DROP_OUT = PIPELINE[: PIPELINE.index(Stage.GRADUATED)]


class IntakeOutcome(StrEnum):
    SUITABLE = "suitable"
    NOT_YET = "not_yet"
    OTHER_ROUTE = "other_route"


class DropoutReason(StrEnum):
    OWN_CHILDCARE_MISSING = "own_childcare_missing"
    SCHEDULE = "schedule"
    FINANCES = "finances"
    HEALTH = "health"
    OTHER = "other"


class Qualification(StrEnum):
    KINDERBEGELEIDER = "kinderbegeleider"
    ONTHAALOUDER = "onthaalouder"


class Schedule(StrEnum):
    DAY = "day"
    EVENING = "evening"
    DUAL = "dual"


def position(stage: str) -> int:
    """Index in the pipeline; a drop-out is not a position."""
    return PIPELINE.index(Stage(stage))


@dataclass
class Progress:
    """What the rules need to know about a candidate."""

    stage: str
    furthest_stage: str
    intake_outcome: str = ""
    has_cohort: bool = False
    # Hours the mentor confirmed (they count) and hours still waiting for the mentor (they don't).
    internship_hours: int = 0
    pending_hours: int = 0
    required_hours: int = 0
    has_placement: bool = False
    # A criminal-record extract (model 2) valid today: childcare work needs one.
    has_valid_extract: bool = False


@dataclass
class Step:
    """A requested move, with whatever the target stage asks for."""

    target: str
    reason: str = ""
    intake_outcome: str = ""
    intake_reasons: str = ""
    needs_childcare: bool = False
    cohort_id: uuid.UUID | None = None
    cohort_has_room: bool = True
    placement_location_id: uuid.UUID | None = None
    placement_name: str = ""
    placement_provider_id: uuid.UUID | None = None
    employer: str = ""
    employed_in_region: bool = False
    dropout_reason: str = ""
    dropout_note: str = ""


class RuleError(ValueError):
    """A refused step; ``errors`` maps a form field to the message shown beside it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = errors


def next_stages(progress: Progress) -> list[Stage]:
    """The moves the board offers as one button: the next stage and dropping out."""
    if progress.stage == Stage.DROPPED_OUT:
        return []
    options = []
    current = position(progress.stage)
    if current + 1 < len(PIPELINE):
        options.append(PIPELINE[current + 1])
    if progress.stage in MAY_DROP_OUT:
        options.append(Stage.DROPPED_OUT)
    return options


def check_step(progress: Progress, step: Step) -> dict[str, str]:
    """Every reason the step is refused (empty when it is allowed)."""
    errors: dict[str, str] = {}
    if step.target not in set(Stage):
        return {"target": _l("Choose a stage from the list.")}
    if len(step.reason) > REASON_MAX:
        errors["reason"] = _l("Keep the reason under %(max)s characters.", max=REASON_MAX)
    if step.target == Stage.DROPPED_OUT:
        _check_dropout(progress, step, errors)
        return errors
    _check_order(progress, step, errors)
    _check_target_requirements(progress, step, errors)
    return errors


def _check_dropout(progress: Progress, step: Step, errors: dict) -> None:
    if progress.stage not in MAY_DROP_OUT:
        errors["target"] = _l("Only a candidate who has not graduated yet can drop out.")
    if step.dropout_reason not in set(DropoutReason):
        errors["dropout_reason"] = _l("Choose why the candidate stops.")
    elif step.dropout_reason == DropoutReason.OTHER and not step.dropout_note.strip():
        errors["dropout_note"] = _l("Describe the other reason.")


def _check_order(progress: Progress, step: Step, errors: dict) -> None:
    target = position(step.target)
    if progress.stage == Stage.DROPPED_OUT:
        if target > position(progress.furthest_stage):
            errors["target"] = _l("A candidate comes back at a stage they had reached.")
        elif not step.reason.strip():
            errors["reason"] = _l("Record why the candidate comes back.")
        return
    current = position(progress.stage)
    if target < current:
        errors["target"] = _l("A step cannot be undone; record a drop-out instead.")
    elif target == current and step.target != Stage.INTAKE:
        errors["target"] = _l("The candidate is already at this stage.")
    elif progress.stage == Stage.EMPLOYED:
        errors["target"] = _l("The path is complete: the candidate is employed.")
    elif target > current + 1 and not step.reason.strip():
        errors["reason"] = _l("Skipping a stage needs a reason.")


def _check_target_requirements(progress: Progress, step: Step, errors: dict) -> None:
    target = step.target
    if target in (Stage.INTERNSHIP, Stage.EMPLOYED) and not progress.has_valid_extract:
        errors["target"] = _l(
            "A valid criminal-record extract (model 2) is needed first: add one under documents,"
            " or replace the expired one."
        )
    if target == Stage.INTAKE:
        if step.intake_outcome not in set(IntakeOutcome):
            errors["intake_outcome"] = _l("Record the outcome of the intake.")
        elif step.intake_outcome != IntakeOutcome.SUITABLE and not step.intake_reasons.strip():
            errors["intake_reasons"] = _l("Say why the candidate is not (yet) suitable.")
        if len(step.intake_reasons) > REASON_MAX:
            errors["intake_reasons"] = _l(
                "Keep the reasons under %(max)s characters.", max=REASON_MAX
            )
    elif target == Stage.ENROLLED:
        skipped_intake = position(progress.stage) < position(Stage.INTAKE)
        if not skipped_intake and progress.intake_outcome != IntakeOutcome.SUITABLE:
            errors["target"] = _l("Only a candidate found suitable at the intake can enrol.")
        if step.cohort_id is None and not progress.has_cohort:
            errors["cohort"] = _l("Choose the cohort the candidate enrols in.")
        elif not step.cohort_has_room:
            errors["cohort"] = _l("This cohort is full; choose another one.")
    elif target == Stage.IN_TRAINING:
        if not progress.has_cohort and step.cohort_id is None:
            errors["cohort"] = _l("Choose the cohort the candidate enrols in.")
    elif target == Stage.INTERNSHIP:
        if step.placement_location_id is None and not step.placement_name.strip():
            errors["placement"] = _l("Choose the childcare location of the internship.")
        if len(step.placement_name) > TITLE_MAX:
            errors["placement"] = _l("Keep the name under %(max)s characters.", max=TITLE_MAX)
    elif target == Stage.GRADUATED:
        short = progress.internship_hours < progress.required_hours
        if short and not step.reason.strip():
            errors["reason"] = _l(
                "Too few internship hours: %(confirmed)s confirmed by the mentor,"
                " %(pending)s waiting for the mentor, %(required)s required. Only confirmed"
                " hours count: wait for the mentor or record why the candidate graduates anyway.",
                confirmed=progress.internship_hours,
                pending=progress.pending_hours,
                required=progress.required_hours,
            )
    elif target == Stage.EMPLOYED:
        if not step.employer.strip():
            errors["employer"] = _l("Name the childcare provider that employs the candidate.")
        elif len(step.employer) > TITLE_MAX:
            errors["employer"] = _l("Keep the name under %(max)s characters.", max=TITLE_MAX)


@dataclass
class StepRecord:
    """What the timeline keeps of an applied step."""

    from_stage: str
    to_stage: str
    detail: str = ""
    reason: str = ""


def apply_step(candidate, progress: Progress, step: Step, *, today: date) -> StepRecord:
    """Check ``step`` and write it onto ``candidate`` (any object with the candidate's fields)."""
    errors = check_step(progress, step)
    if errors:
        raise RuleError(errors)
    record = StepRecord(
        from_stage=candidate.stage, to_stage=step.target, reason=step.reason.strip()
    )
    target = step.target
    if target == Stage.DROPPED_OUT:
        candidate.dropout_reason = step.dropout_reason
        candidate.dropout_note = step.dropout_note.strip()
        candidate.needs_childcare = step.dropout_reason == DropoutReason.OWN_CHILDCARE_MISSING
        record.detail = step.dropout_reason
        record.reason = (step.dropout_note.strip() or step.reason.strip())[:REASON_MAX]
    elif target == Stage.INTAKE:
        candidate.intake_outcome = step.intake_outcome
        candidate.intake_reasons = step.intake_reasons.strip()
        candidate.needs_childcare = step.needs_childcare
        if step.cohort_id is not None:
            # The cohort the intake has in mind: the candidate shows on its board, no seat yet.
            candidate.cohort_id = step.cohort_id
        record.detail = step.intake_outcome
        record.reason = (step.intake_reasons.strip() or step.reason.strip())[:REASON_MAX]
    elif target == Stage.ENROLLED:
        candidate.cohort_id = step.cohort_id or candidate.cohort_id
        if not candidate.intake_outcome:
            candidate.intake_outcome = IntakeOutcome.SUITABLE
    elif target == Stage.IN_TRAINING and step.cohort_id is not None and not progress.has_cohort:
        candidate.cohort_id = step.cohort_id
    elif target == Stage.INTERNSHIP:
        candidate.placement_location_id = step.placement_location_id
        candidate.placement_name = step.placement_name.strip()
        candidate.placement_provider_id = step.placement_provider_id
        record.detail = candidate.placement_name
    elif target == Stage.GRADUATED:
        candidate.graduated_on = today
    elif target == Stage.EMPLOYED:
        candidate.employer = step.employer.strip()
        candidate.employed_in_region = step.employed_in_region
        record.detail = candidate.employer
    if target != Stage.DROPPED_OUT:
        candidate.dropout_reason = ""
        candidate.dropout_note = ""
        if position(target) > position(candidate.furthest_stage):
            candidate.furthest_stage = target
    candidate.stage = target
    return record


# -- progress in training -----------------------------------------------------------------------


def check_progress(stage: str, *, modules: int, modules_left: int) -> dict[str, str]:
    """Passed modules are logged while in training or on internship.

    Internship hours are not: they are dated entries that count once the mentor confirms them
    (:func:`check_hours_entry`), also when the school logs them on the intern's behalf.
    """
    if stage not in (Stage.IN_TRAINING, Stage.INTERNSHIP):
        return {"modules": _l("Modules are logged while the candidate is in training.")}
    if modules < 1:
        return {"modules": _l("Log at least one passed module.")}
    if modules > modules_left:
        return {"modules": _l("At most %(left)s modules are left to pass.", left=modules_left)}
    return {}


# -- dated internship hours and the mentor's confirmation ----------------------------------------

MAX_HOURS_PER_DAY = 12
HOURS_PENDING, HOURS_CONFIRMED, HOURS_REJECTED = "pending", "confirmed", "rejected"


def check_hours_entry(
    stage: str, *, worked_on: date | None, hours: int | None, description: str, today: date
) -> dict[str, str]:
    """An intern logs one day of internship: a past or present date, a day's hours, what was done."""
    errors: dict[str, str] = {}
    if stage != Stage.INTERNSHIP:
        return {"worked_on": _l("Hours are logged while you are on internship.")}
    if worked_on is None:
        errors["worked_on"] = _l("Enter the date you worked.")
    elif worked_on > today:
        errors["worked_on"] = _l("Hours can only be logged for a day that has begun.")
    if hours is None or not 1 <= hours <= MAX_HOURS_PER_DAY:
        errors["hours"] = _l(
            "Enter between 1 and %(max)s hours for one day.", max=MAX_HOURS_PER_DAY
        )
    if not description.strip():
        errors["description"] = _l("Describe what you did that day.")
    elif len(description) > REASON_MAX:
        errors["description"] = _l("Keep the text under %(max)s characters.", max=REASON_MAX)
    return errors


def check_review(status: str, decision: str, reason: str) -> dict[str, str]:
    """A mentor confirms or rejects an entry once; a rejection says why."""
    if status != HOURS_PENDING:
        return {"decision": _l("These hours were reviewed already.")}
    if decision not in (HOURS_CONFIRMED, HOURS_REJECTED):
        return {"decision": _l("Choose confirm or reject.")}
    if decision == HOURS_REJECTED and not reason.strip():
        return {"reason": _l("Say why you reject these hours.")}
    if len(reason) > REASON_MAX:
        return {"reason": _l("Keep the reason under %(max)s characters.", max=REASON_MAX)}
    return {}


# -- waiting lists (info sessions and courses) ---------------------------------------------------


def seat_status(taken: int, capacity: int) -> str:
    """A seat while there is one, else the waiting list."""
    return "registered" if taken < capacity else "waiting"


@dataclass
class Summary:
    """Counts per stage for a set of candidates (the board's column headers)."""

    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, stages: list[str]) -> Summary:
        counts = {stage.value: 0 for stage in (*PIPELINE, Stage.DROPPED_OUT)}
        for stage in stages:
            counts[stage] = counts.get(stage, 0) + 1
        return cls(counts)
