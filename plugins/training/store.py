"""Reading and writing the training plugin's rows; the rules themselves live in services.py.

Every function takes the tenant's session (scoping to the tenant is automatic). ``visible`` is
the set of organisations whose rows the caller may see, or ``None`` for all (municipal staff):
the views compute it from the signed-in user (see access.py).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from core.db import as_utc, lock_row, utcnow
from plugins.training.documents import candidates_with_valid_extract, has_valid_extract
from plugins.training.figures import CohortOutcome, FunnelRow
from plugins.training.models import (
    Candidate,
    Cohort,
    Course,
    CourseSignup,
    InfoRegistration,
    InfoSession,
    InternshipHours,
    Programme,
    TimelineEntry,
)
from plugins.training.services import (
    HOURS_PENDING,
    IN_COHORT,
    PIPELINE,
    Progress,
    RuleError,
    Stage,
    Step,
    StepRecord,
    apply_step,
    check_progress,
    seat_status,
)

REMINDER_BEFORE = timedelta(days=2)
# The timeline's actor for what a candidate did through the public form.
PUBLIC_FORM = "public-form"
Visible = set[uuid.UUID] | None


def scoped(statement, model, visible: Visible):
    if visible is None:
        return statement
    if not visible:
        return statement.where(sa.false())
    return statement.where(model.organisation_id.in_(visible))


def new_token() -> str:
    return secrets.token_urlsafe(24)


# -- programmes and cohorts ----------------------------------------------------------------------


def programmes(session, visible: Visible) -> list[Programme]:
    return list(
        session.exec(scoped(select(Programme), Programme, visible).order_by(Programme.name))
    )


def cohorts(session, visible: Visible, programme_id: uuid.UUID | None = None) -> list[Cohort]:
    statement = scoped(select(Cohort), Cohort, visible)
    if programme_id is not None:
        statement = statement.where(Cohort.programme_id == programme_id)
    return list(session.exec(statement.order_by(Cohort.starts_on.desc(), Cohort.name)))


def seats_taken(session, cohort_id: uuid.UUID) -> int:
    return seats_taken_in(session, [cohort_id])[cohort_id]


def seats_taken_in(session, cohort_ids) -> dict[uuid.UUID, int]:
    """Seats taken per cohort, for many cohorts in one query (0 for a cohort nobody is in)."""
    wanted = list(dict.fromkeys(cohort_ids))
    taken = dict.fromkeys(wanted, 0)
    if not wanted:
        return taken
    rows = session.exec(
        select(Candidate.cohort_id, sa.func.count())
        .where(Candidate.cohort_id.in_(wanted), Candidate.stage.in_(list(IN_COHORT)))
        .group_by(Candidate.cohort_id)
    ).all()
    taken.update(dict(rows))
    return taken


# -- candidates ----------------------------------------------------------------------------------


def candidates(
    session,
    visible: Visible,
    *,
    stage: str | None = None,
    cohort_id: uuid.UUID | None = None,
) -> list[Candidate]:
    statement = scoped(select(Candidate), Candidate, visible)
    if stage:
        statement = statement.where(Candidate.stage == stage)
    if cohort_id is not None:
        statement = statement.where(Candidate.cohort_id == cohort_id)
    return list(
        session.exec(statement.order_by(Candidate.family_name, Candidate.given_name, Candidate.id))
    )


def timeline(session, candidate_id: uuid.UUID) -> list[TimelineEntry]:
    return list(
        session.exec(
            select(TimelineEntry)
            .where(TimelineEntry.candidate_id == candidate_id)
            .order_by(TimelineEntry.at, TimelineEntry.id)
        )
    )


def add_timeline(
    session, candidate: Candidate, *, actor: str, kind: str, **fields
) -> TimelineEntry:
    entry = TimelineEntry(candidate_id=candidate.id, actor=actor[:200], kind=kind, **fields)
    session.add(entry)
    return entry


def progress_of(session, candidate: Candidate) -> Progress:
    cohort = session.get(Cohort, candidate.cohort_id) if candidate.cohort_id else None
    progress = _progress(candidate, cohort, has_valid_extract(session, candidate.id, date.today()))
    progress.pending_hours = pending_hours_of(session, [candidate.id]).get(candidate.id, 0)
    return progress


def pending_hours_of(session, candidate_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Logged internship hours still waiting for the mentor, per candidate (absent: none)."""
    if not candidate_ids:
        return {}
    rows = session.exec(
        select(InternshipHours.candidate_id, sa.func.sum(InternshipHours.hours))
        .where(
            InternshipHours.candidate_id.in_(candidate_ids),
            InternshipHours.status == HOURS_PENDING,
        )
        .group_by(InternshipHours.candidate_id)
    ).all()
    return {candidate_id: int(total or 0) for candidate_id, total in rows}


def progresses_of(session, candidates: list[Candidate]) -> dict[uuid.UUID, Progress]:
    """:func:`progress_of` for many candidates (a board's cards) in three queries, not 3 per card."""
    if not candidates:
        return {}
    cohort_ids = {c.cohort_id for c in candidates if c.cohort_id is not None}
    cohorts_by_id = (
        {c.id: c for c in session.exec(select(Cohort).where(Cohort.id.in_(cohort_ids)))}
        if cohort_ids
        else {}
    )
    with_extract = candidates_with_valid_extract(
        session, date.today(), candidate_ids=[c.id for c in candidates]
    )
    pending = pending_hours_of(session, [c.id for c in candidates])
    progresses = {
        c.id: _progress(c, cohorts_by_id.get(c.cohort_id), c.id in with_extract) for c in candidates
    }
    for candidate_id, progress in progresses.items():
        progress.pending_hours = pending.get(candidate_id, 0)
    return progresses


def _progress(candidate: Candidate, cohort: Cohort | None, extract: bool) -> Progress:
    return Progress(
        stage=candidate.stage,
        furthest_stage=candidate.furthest_stage,
        intake_outcome=candidate.intake_outcome,
        has_cohort=cohort is not None,
        internship_hours=candidate.internship_hours,
        required_hours=cohort.required_internship_hours if cohort else 0,
        has_placement=candidate.placement_location_id is not None or bool(candidate.placement_name),
        has_valid_extract=extract,
    )


def move(
    session,
    candidate: Candidate,
    step: Step,
    *,
    actor: str,
    today: date,
    visible: Visible = None,
) -> StepRecord:
    """Apply a step and write it to the timeline; a cohort must be one the actor may see."""
    if step.cohort_id is not None:
        cohort = session.get(Cohort, step.cohort_id)
        if cohort is None or (visible is not None and cohort.organisation_id not in visible):
            raise RuleError({"cohort": _cohort_unknown()})
    seat_in = step.cohort_id or candidate.cohort_id
    if seat_in is not None and step.target == Stage.ENROLLED:
        cohort = session.get(Cohort, seat_in)
        taken = seats_taken(session, cohort.id)
        if candidate.cohort_id == cohort.id and candidate.stage in IN_COHORT:
            taken -= 1  # the candidate's own seat
        step.cohort_has_room = taken < cohort.capacity
    record = apply_step(candidate, progress_of(session, candidate), step, today=today)
    if record.to_stage in (Stage.ENROLLED, Stage.IN_TRAINING) and candidate.cohort_id:
        # The school that runs the cohort takes the candidate on.
        candidate.organisation_id = session.get(Cohort, candidate.cohort_id).organisation_id
    candidate.stage_changed_at = utcnow()
    session.add(candidate)
    add_timeline(
        session,
        candidate,
        actor=actor,
        kind="stage",
        from_stage=record.from_stage,
        to_stage=record.to_stage,
        detail=record.detail[:500],
        reason=record.reason[:500],
    )
    session.flush()
    return record


def _cohort_unknown():
    from flask_babel import lazy_gettext as _l

    return _l("Choose a cohort from the list.")


def log_progress(session, candidate: Candidate, *, modules: int, actor: str) -> None:
    """Passed modules; internship hours go through ``internship.log_hours`` and the mentor."""
    cohort = session.get(Cohort, candidate.cohort_id) if candidate.cohort_id else None
    modules_left = max((cohort.modules_total if cohort else 0) - candidate.modules_passed, 0)
    errors = check_progress(candidate.stage, modules=modules, modules_left=modules_left)
    if errors:
        raise RuleError(errors)
    candidate.modules_passed += modules
    session.add(candidate)
    add_timeline(
        session,
        candidate,
        actor=actor,
        kind="progress",
        detail=f"+{modules} modules → {candidate.modules_passed} modules",
    )
    session.flush()


def find_candidate(session, email: str, organisation_id: uuid.UUID | None) -> Candidate | None:
    """The candidate with this e-mail at this organiser (one person, one path per organiser)."""
    return session.exec(
        select(Candidate).where(
            Candidate.email == email.strip().lower(),
            Candidate.organisation_id == organisation_id
            if organisation_id
            else Candidate.organisation_id.is_(None),
        )
    ).first()


def add_candidate(
    session, person: Registrant, *, organisation_id: uuid.UUID | None, actor: str
) -> Candidate:
    """A candidate a partner met elsewhere (a VDAB counsellor, a school's open day)."""
    candidate = Candidate(
        organisation_id=organisation_id,
        given_name=person.given_name,
        family_name=person.family_name,
        email=person.email.strip().lower(),
        phone=person.phone,
        interest=person.interest,
        contact_consent=person.contact_consent,
        stage=Stage.INTERESTED,
        furthest_stage=Stage.INTERESTED,
        source="partner",
    )
    session.add(candidate)
    session.flush()
    add_timeline(session, candidate, actor=actor, kind="registration", detail="added")
    session.flush()
    return candidate


def candidates_of_citizen(session, user_id: uuid.UUID, email: str) -> list[Candidate]:
    conditions = [Candidate.user_id == user_id]
    if email:
        conditions.append(Candidate.email == email.strip().lower())
    return list(
        session.exec(
            select(Candidate).where(sa.or_(*conditions)).order_by(Candidate.created_at.desc())
        )
    )


# -- info sessions -------------------------------------------------------------------------------


def info_sessions(session, visible: Visible | str = "all", *, upcoming_after=None) -> list:
    statement = select(InfoSession)
    if visible != "all":
        statement = scoped(statement, InfoSession, visible)
    if upcoming_after is not None:
        statement = statement.where(InfoSession.starts_at > upcoming_after)
    return list(session.exec(statement.order_by(InfoSession.starts_at)))


def registration_counts(session, model, parent_column, parent_id) -> tuple[int, int]:
    """(registered, waiting) for an info session or a course."""
    return registration_counts_in(session, model, parent_column, [parent_id])[parent_id]


def registration_counts_in(
    session, model, parent_column, parent_ids
) -> dict[uuid.UUID, tuple[int, int]]:
    """(registered, waiting) per info session or course, for a whole list in one query."""
    wanted = list(dict.fromkeys(parent_ids))
    counts = {parent_id: {} for parent_id in wanted}
    if wanted:
        rows = session.exec(
            select(parent_column, model.status, sa.func.count())
            .where(parent_column.in_(wanted), model.status.in_(["registered", "waiting"]))
            .group_by(parent_column, model.status)
        ).all()
        for parent_id, status, count in rows:
            counts[parent_id][status] = count
    return {
        parent_id: (found.get("registered", 0), found.get("waiting", 0))
        for parent_id, found in counts.items()
    }


class AlreadyRegistered(Exception):
    """This person already has a seat or a waiting-list place here (``existing``, if known)."""

    def __init__(self, email: str, existing=None) -> None:
        super().__init__(email)
        self.existing = existing


@dataclass
class Registrant:
    given_name: str
    family_name: str
    email: str
    phone: str = ""
    interest: str = ""
    contact_consent: bool = False
    user_id: uuid.UUID | None = None


def register_for_session(
    session, info_session: InfoSession, person: Registrant
) -> InfoRegistration:
    """A seat while there is one, else the waiting list; the candidate's path starts here."""
    lock_row(session, InfoSession, info_session.id)  # concurrent sign-ups count one by one
    email = person.email.strip().lower()
    candidate = find_candidate(session, email, info_session.organisation_id)
    if candidate is None:
        candidate = Candidate(
            organisation_id=info_session.organisation_id,
            given_name=person.given_name,
            family_name=person.family_name,
            email=email,
            stage=Stage.INTERESTED,
            furthest_stage=Stage.INTERESTED,
            interest=person.interest,
            source="info_session",
        )
    else:
        existing = session.exec(
            select(InfoRegistration).where(
                InfoRegistration.info_session_id == info_session.id,
                InfoRegistration.candidate_id == candidate.id,
                InfoRegistration.status.in_(["registered", "waiting"]),
            )
        ).first()
        if existing is not None:
            raise AlreadyRegistered(email)
    candidate.given_name, candidate.family_name = person.given_name, person.family_name
    candidate.phone = person.phone or candidate.phone
    candidate.contact_consent = person.contact_consent
    candidate.user_id = person.user_id or candidate.user_id
    candidate.interest = person.interest or candidate.interest
    session.add(candidate)
    session.flush()
    registered, _ = registration_counts(
        session, InfoRegistration, InfoRegistration.info_session_id, info_session.id
    )
    registration = InfoRegistration(
        info_session_id=info_session.id,
        candidate_id=candidate.id,
        status=seat_status(registered, info_session.capacity),
        token=new_token(),
    )
    session.add(registration)
    add_timeline(
        session,
        candidate,
        actor=PUBLIC_FORM,
        kind="registration",
        detail=registration.status,
    )
    session.flush()
    return registration


def cancel_registration(session, registration: InfoRegistration) -> InfoRegistration | None:
    """Cancel; when a seat frees, the first on the waiting list moves up (returned)."""
    was_seated = registration.status == "registered"
    registration.status = "cancelled"
    registration.cancelled_at = utcnow()
    session.add(registration)
    session.flush()
    if not was_seated:
        return None
    promoted = session.exec(
        select(InfoRegistration)
        .where(
            InfoRegistration.info_session_id == registration.info_session_id,
            InfoRegistration.status == "waiting",
        )
        .order_by(InfoRegistration.registered_at, InfoRegistration.id)
    ).first()
    if promoted is not None:
        promoted.status = "registered"
        session.add(promoted)
        session.flush()
    return promoted


def registrations(session, info_session_id: uuid.UUID) -> list[tuple[InfoRegistration, Candidate]]:
    return list(
        session.exec(
            select(InfoRegistration, Candidate)
            .join(Candidate, Candidate.id == InfoRegistration.candidate_id)
            .where(InfoRegistration.info_session_id == info_session_id)
            .order_by(InfoRegistration.status, InfoRegistration.registered_at)
        )
    )


class NotStartedYet(Exception):
    """Attendance is what happened: it is recorded only once the session or course began."""


def has_started(starts_at: datetime, now: datetime | None = None) -> bool:
    return as_utc(starts_at) <= (now or utcnow())


def record_attendance(
    session, info_session: InfoSession, attended_ids: set[uuid.UUID], *, actor: str, today: date
) -> int:
    """Mark who came; a candidate who came moves on from ``interested``. Returns how many came."""
    if not has_started(info_session.starts_at):
        raise NotStartedYet
    came = 0
    for registration, candidate in registrations(session, info_session.id):
        if registration.status != "registered":
            continue
        registration.attended = registration.id in attended_ids
        session.add(registration)
        if registration.attended:
            came += 1
            if candidate.stage == Stage.INTERESTED:
                move(
                    session,
                    candidate,
                    Step(target=Stage.INFO_SESSION_ATTENDED),
                    actor=actor,
                    today=today,
                )
    session.flush()
    return came


def due_reminders(session, now: datetime) -> list[tuple[InfoSession, InfoRegistration, Candidate]]:
    rows = session.exec(
        select(InfoSession, InfoRegistration, Candidate)
        .join(InfoRegistration, InfoRegistration.info_session_id == InfoSession.id)
        .join(Candidate, Candidate.id == InfoRegistration.candidate_id)
        .where(
            InfoSession.starts_at > now,
            InfoSession.starts_at <= now + REMINDER_BEFORE,
            InfoRegistration.status == "registered",
            InfoRegistration.reminded_at.is_(None),
        )
    )
    return list(rows)


# -- courses -------------------------------------------------------------------------------------


def courses(session, visible: Visible | str = "all", *, upcoming_after=None) -> list[Course]:
    statement = select(Course)
    if visible != "all":
        statement = scoped(statement, Course, visible)
    if upcoming_after is not None:
        statement = statement.where(Course.starts_at > upcoming_after)
    return list(session.exec(statement.order_by(Course.starts_at)))


def sign_up_for_course(session, course: Course, person: Registrant, employer: str) -> CourseSignup:
    lock_row(session, Course, course.id)  # concurrent sign-ups count one by one
    email = person.email.strip().lower()
    existing = session.exec(
        select(CourseSignup).where(
            CourseSignup.course_id == course.id,
            CourseSignup.email == email,
            CourseSignup.status.in_(["registered", "waiting"]),
        )
    ).first()
    if existing is not None:
        raise AlreadyRegistered(email, existing)
    registered, _ = registration_counts(session, CourseSignup, CourseSignup.course_id, course.id)
    signup = CourseSignup(
        course_id=course.id,
        user_id=person.user_id,
        given_name=person.given_name,
        family_name=person.family_name,
        email=email,
        employer=employer,
        status=seat_status(registered, course.capacity),
        token=new_token(),
    )
    session.add(signup)
    session.flush()
    return signup


def cancel_signup(session, signup: CourseSignup) -> CourseSignup | None:
    was_seated = signup.status == "registered"
    signup.status = "cancelled"
    signup.cancelled_at = utcnow()
    session.add(signup)
    session.flush()
    if not was_seated:
        return None
    promoted = session.exec(
        select(CourseSignup)
        .where(CourseSignup.course_id == signup.course_id, CourseSignup.status == "waiting")
        .order_by(CourseSignup.registered_at, CourseSignup.id)
    ).first()
    if promoted is not None:
        promoted.status = "registered"
        session.add(promoted)
        session.flush()
    return promoted


def signups(session, course_id: uuid.UUID) -> list[CourseSignup]:
    return list(
        session.exec(
            select(CourseSignup)
            .where(CourseSignup.course_id == course_id)
            .order_by(CourseSignup.status, CourseSignup.registered_at)
        )
    )


def record_course_attendance(session, course: Course, attended_ids: set[uuid.UUID]) -> int:
    if not has_started(course.starts_at):
        raise NotStartedYet
    came = 0
    for signup in signups(session, course.id):
        if signup.status != "registered":
            continue
        signup.attended = signup.id in attended_ids
        came += int(signup.attended)
        session.add(signup)
    session.flush()
    return came


# -- figures -------------------------------------------------------------------------------------


def funnel_rows(
    session, visible: Visible, *, cohort_id: uuid.UUID | None = None, year: int | None = None
) -> list[FunnelRow]:
    return [
        row
        for row_cohort, row_year, row in scoped_funnel_rows(session, visible, cohort_id=cohort_id)
        if year is None or row_year == year
    ]


def scoped_funnel_rows(
    session, visible: Visible, *, cohort_id: uuid.UUID | None = None
) -> list[tuple[uuid.UUID | None, int, FunnelRow]]:
    """Every visible candidate as (cohort id, year registered, funnel row), in one query, so a
    page that shows the funnel per cohort and per year reads the candidates once."""
    statement = scoped(
        select(
            Candidate.stage,
            Candidate.furthest_stage,
            Candidate.dropout_reason,
            Candidate.employed_in_region,
            Candidate.created_at,
            Candidate.hired_vacancy_id,
            Candidate.cohort_id,
        ),
        Candidate,
        visible,
    )
    if cohort_id is not None:
        statement = statement.where(Candidate.cohort_id == cohort_id)
    return [
        (
            cohort,
            as_utc(created).year,
            FunnelRow(stage, furthest, reason, bool(in_region), hired is not None),
        )
        for stage, furthest, reason, in_region, created, hired, cohort in session.exec(statement)
    ]


def candidate_years(session, visible: Visible) -> list[int]:
    created = session.exec(scoped(select(Candidate.created_at), Candidate, visible)).all()
    return sorted({as_utc(moment).year for moment in created}, reverse=True)


def cohort_outcomes(session, visible: Visible) -> list[CohortOutcome]:
    graduated_from = PIPELINE.index(Stage.GRADUATED)
    enrolled_from = PIPELINE.index(Stage.ENROLLED)
    shown = cohorts(session, visible)
    # How many members of each cohort stand at each (stage, furthest stage): one GROUP BY for
    # all cohorts rather than a read per cohort.
    members: dict[uuid.UUID, list[tuple[str, str, int]]] = {c.id: [] for c in shown}
    if shown:
        rows = session.exec(
            select(Candidate.cohort_id, Candidate.stage, Candidate.furthest_stage, sa.func.count())
            .where(Candidate.cohort_id.in_(list(members)))
            .group_by(Candidate.cohort_id, Candidate.stage, Candidate.furthest_stage)
        ).all()
        for cohort_id, stage, furthest, count in rows:
            members[cohort_id].append((stage, furthest, count))
    outcomes = []
    for cohort in shown:
        groups = [
            (stage, PIPELINE.index(Stage(furthest)), count)
            for stage, furthest, count in members[cohort.id]
        ]
        outcomes.append(
            CohortOutcome(
                ends_on=cohort.ends_on,
                enrolled=sum(count for _, index, count in groups if index >= enrolled_from),
                graduated=sum(count for _, index, count in groups if index >= graduated_from),
                still_in_training=sum(count for stage, _, count in groups if stage in IN_COHORT),
            )
        )
    return outcomes


def graduated_in_year(session, year: int) -> int:
    return session.exec(
        select(sa.func.count())
        .select_from(Candidate)
        .where(
            Candidate.graduated_on >= date(year, 1, 1), Candidate.graduated_on <= date(year, 12, 31)
        )
    ).one()
