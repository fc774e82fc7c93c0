"""The starters domain: catalogue rules, the application's steps and review transitions.

Plain Python over a tenant session; views parse and authorise, these functions decide.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlmodel import select

from core.db import utcnow
from plugins.starters.eligibility import Project, Unmet, unmet_conditions
from plugins.starters.models import (
    Application,
    ApplicationDocument,
    Building,
    InformationRequest,
    LicenceStep,
    RequestedMeasure,
    SupportMeasure,
    TimelineEntry,
)


class MeasureKind(StrEnum):
    CONTACT_POINT = "contact_point"
    INFORMATION = "information"
    PREMIUM = "premium"
    BUILDING = "building"
    TRAINING = "training"
    COACHING = "coaching"


class FacilityType(StrEnum):
    GEZINSOPVANG = "gezinsopvang"  # family day care: at most 8 children at once, at home
    GROEPSOPVANG = "groepsopvang"  # group day care: 9 children or more
    BUITENSCHOOLSE_OPVANG = "buitenschoolse_opvang"  # out-of-school care


class DocumentKind(StrEnum):
    BUSINESS_PLAN = "business_plan"
    BUILDING_PLANS = "building_plans"
    FIRE_SAFETY_ADVICE = "fire_safety_advice"
    OTHER = "other"


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    INFORMATION_REQUESTED = "information_requested"
    DECIDED = "decided"


class Decision(StrEnum):
    PENDING = "pending"
    # An approval above the four-eyes amount, waiting for a second staff member.
    PROPOSED = "proposed"
    APPROVED = "approved"
    REFUSED = "refused"


# A measure counts as decided once approved or refused; a proposal still waits.
FINAL_DECISIONS = (Decision.APPROVED, Decision.REFUSED)


class PaymentStatus(StrEnum):
    NONE = ""
    REQUESTED = "requested"  # the starter asked for the premium to be paid (or staff did)
    PAID = "paid"
    RECOVERED = "recovered"  # paid and taken back (conditions not met)


class InterestOutcome(StrEnum):
    PENDING = "pending"
    MATCHED = "matched"
    NOT_MATCHED = "not_matched"


# The wizard's steps, in order.
STEPS = ("project", "measures", "documents", "declaration")

# Toward the licence of Opgroeien (the Flemish agency that licenses childcare), in order.
LICENCE_STEPS = (
    "enterprise_number",
    "business_plan",
    "building_found",
    "fire_safety_certificate",
    "quality_handbook",
    "qualified_staff",
    "criminal_record_extract",
    "insurance",
    "licence_applied",
    "inspection",
    "licence_granted",
)

# Places at once: gezinsopvang is at most 8 children, groepsopvang starts at 9.
PLACES_BY_TYPE = {
    FacilityType.GEZINSOPVANG: (1, 8),
    FacilityType.GROEPSOPVANG: (9, 150),
    FacilityType.BUITENSCHOOLSE_OPVANG: (1, 300),
}

# Statuses in which staff still review and the starter may add documents or answers.
UNDER_REVIEW = (ApplicationStatus.SUBMITTED, ApplicationStatus.INFORMATION_REQUESTED)


class RuleError(ValueError):
    """A domain rule refused the action; ``code`` names which (the view words it)."""

    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


class NotEligible(RuleError):
    """A measure asked for does not fit the project; ``unmet`` says which conditions fail."""

    def __init__(self, measure: SupportMeasure, unmet: list[Unmet]) -> None:
        super().__init__("measure_not_eligible", "measures")
        self.measure = measure
        self.unmet = unmet


# -- catalogue --------------------------------------------------------------------------------


def is_open(measure: SupportMeasure, today: date) -> bool:
    if not measure.published:
        return False
    if measure.opens_on and today < measure.opens_on:
        return False
    return not (measure.closes_on and today > measure.closes_on)


def open_measures(session, today: date) -> list[SupportMeasure]:
    measures = session.exec(select(SupportMeasure).order_by(SupportMeasure.title)).all()
    return [measure for measure in measures if is_open(measure, today)]


def project_of(application: Application) -> Project:
    return Project(
        facility_type=application.facility_type,
        planned_places=application.planned_places,
        postcode=application.postcode,
        place=application.area,
    )


def eligibility(measure: SupportMeasure, application: Application) -> list[Unmet]:
    """The measure's conditions (type, places, area) the application's project does not meet."""
    return unmet_conditions(measure, project_of(application))


# -- the application --------------------------------------------------------------------------


def add_timeline(session, application: Application, action: str, actor: str, detail: str = ""):
    session.add(
        TimelineEntry(application_id=application.id, action=action, actor=actor, detail=detail)
    )


def start_application(session, *, user, actor: str) -> Application:
    application = Application(
        applicant_user_id=user.id,
        applicant_name=user.name or "",
        applicant_email=user.email or "",
    )
    session.add(application)
    session.flush()
    add_timeline(session, application, "created", actor)
    return application


def requested_measures(session, application: Application) -> list[RequestedMeasure]:
    return list(
        session.exec(
            select(RequestedMeasure).where(RequestedMeasure.application_id == application.id)
        ).all()
    )


def documents_of(session, application: Application) -> list[ApplicationDocument]:
    return list(
        session.exec(
            select(ApplicationDocument)
            .where(ApplicationDocument.application_id == application.id)
            .order_by(ApplicationDocument.uploaded_at)
        ).all()
    )


def set_requested_measures(
    session, application: Application, measure_ids: list[uuid.UUID], today: date, *, actor: str
) -> None:
    """Replace the measures asked for; each must be open and fit the project.

    A change of choice goes on the timeline with the titles chosen.
    """
    chosen = []
    titles = []
    for measure_id in dict.fromkeys(measure_ids):
        measure = session.get(SupportMeasure, measure_id)
        if measure is None or not is_open(measure, today):
            raise RuleError("measure_not_open", "measures")
        unmet = eligibility(measure, application)
        if unmet:
            raise NotEligible(measure, unmet)
        chosen.append(measure.id)
        titles.append(measure.title)
    if not chosen:
        raise RuleError("no_measures", "measures")
    current = {row.measure_id: row for row in requested_measures(session, application)}
    if set(current) != set(chosen):
        add_timeline(session, application, "measures_chosen", actor, ", ".join(titles))
    for measure_id, row in current.items():
        if measure_id not in chosen:
            session.delete(row)
    for measure_id in chosen:
        if measure_id not in current:
            session.add(RequestedMeasure(application_id=application.id, measure_id=measure_id))
    session.flush()


def missing_documents(session, application: Application) -> list[str]:
    """Document kinds the chosen measures require and the application does not hold yet."""
    wanted: list[str] = []
    for row in requested_measures(session, application):
        measure = session.get(SupportMeasure, row.measure_id)
        wanted.extend(kind for kind in (measure.required_documents if measure else []))
    present = {document.kind for document in documents_of(session, application)}
    return [kind for kind in dict.fromkeys(wanted) if kind not in present]


def project_complete(application: Application) -> bool:
    return bool(
        application.facility_type
        and application.planned_places
        and application.target_opening
        and application.postcode
        and application.applicant_email
        and (application.applicant_kind == "person" or application.organisation_name)
    )


def completed_steps(session, application: Application) -> set[str]:
    done = set()
    if project_complete(application):
        done.add("project")
    if requested_measures(session, application):
        done.add("measures")
        if not missing_documents(session, application):
            done.add("documents")
    if application.declaration_accepted:
        done.add("declaration")
    return done


def submit(session, application: Application, *, actor: str) -> None:
    """Submit a complete draft; :class:`RuleError` names the first step that is not ready."""
    if application.status != ApplicationStatus.DRAFT:
        raise RuleError("not_a_draft")
    if not project_complete(application):
        raise RuleError("project_incomplete", "project")
    requested = requested_measures(session, application)
    if not requested:
        raise RuleError("no_measures", "measures")
    # The project may have changed after the measures were chosen: check them again.
    for row in requested:
        measure = session.get(SupportMeasure, row.measure_id)
        unmet = eligibility(measure, application) if measure else []
        if unmet:
            raise NotEligible(measure, unmet)
    if missing_documents(session, application):
        raise RuleError("documents_missing", "documents")
    if not application.declaration_accepted:
        raise RuleError("declaration_missing", "declaration")
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = utcnow()
    session.add(application)
    for step in LICENCE_STEPS:
        session.add(LicenceStep(application_id=application.id, step=step))
    add_timeline(session, application, "submitted", actor)


# -- review -----------------------------------------------------------------------------------


def request_information(
    session,
    application: Application,
    question: str,
    *,
    actor: str,
    actor_user_id: uuid.UUID | None = None,
) -> InformationRequest:
    if application.status not in UNDER_REVIEW:
        raise RuleError("not_under_review")
    if not question.strip():
        raise RuleError("question_required", "question")
    asked = InformationRequest(
        application_id=application.id,
        question=question,
        asked_by=actor,
        asked_by_user_id=actor_user_id,
    )
    session.add(asked)
    application.status = ApplicationStatus.INFORMATION_REQUESTED
    session.add(application)
    add_timeline(session, application, "information_requested", actor, question)
    return asked


def open_questions(session, application: Application) -> list[InformationRequest]:
    return [asked for asked in questions_of(session, application) if asked.answered_at is None]


def questions_of(session, application: Application) -> list[InformationRequest]:
    return list(
        session.exec(
            select(InformationRequest)
            .where(InformationRequest.application_id == application.id)
            .order_by(InformationRequest.asked_at)
        ).all()
    )


def answer_information(
    session, application: Application, asked: InformationRequest, answer: str, *, actor: str
) -> None:
    if asked.application_id != application.id or asked.answered_at is not None:
        raise RuleError("already_answered", "answer")
    if not answer.strip():
        raise RuleError("answer_required", "answer")
    asked.answer, asked.answered_at = answer, utcnow()
    session.add(asked)
    session.flush()
    if application.status == ApplicationStatus.INFORMATION_REQUESTED and not open_questions(
        session, application
    ):
        application.status = ApplicationStatus.SUBMITTED
        session.add(application)
    add_timeline(session, application, "information_given", actor)


def decide(
    session,
    application: Application,
    requested: RequestedMeasure,
    *,
    decision: str,
    reason: str,
    amount: int | None,
    actor: str,
    actor_user_id: uuid.UUID | None = None,
    second_approval_above: int = 0,
) -> None:
    """Approve or refuse one measure; the application is decided once every measure is.

    With ``second_approval_above`` set (the four-eyes amount, 0 for never), an approval of a
    larger amount is only *proposed*: another staff member confirms it (:func:`second_approve`).
    """
    if application.status not in UNDER_REVIEW:
        raise RuleError("not_under_review")
    if requested.application_id != application.id or requested.decision != Decision.PENDING:
        raise RuleError("already_decided", "decision")
    if decision not in (Decision.APPROVED, Decision.REFUSED):
        raise RuleError("decision_required", "decision")
    if decision == Decision.REFUSED and not reason.strip():
        raise RuleError("reason_required", "reason")
    measure = session.get(SupportMeasure, requested.measure_id)
    # Approving what the project does not meet is an exception staff must explain.
    exception = decision == Decision.APPROVED and measure and eligibility(measure, application)
    if exception and not reason.strip():
        raise RuleError("exception_reason_required", "reason")
    granted = None
    if decision == Decision.APPROVED and measure and measure.kind == MeasureKind.PREMIUM:
        if amount is None or amount <= 0:
            raise RuleError("amount_required", "amount")
        if measure.amount_eur is not None and amount > measure.amount_eur:
            raise RuleError("amount_too_high", "amount")
        granted = amount
    if granted is not None and second_approval_above and granted > second_approval_above:
        decision = Decision.PROPOSED
    requested.decision, requested.reason = decision, reason.strip()
    requested.amount_granted_eur = granted
    requested.decided_at, requested.decided_by = utcnow(), actor
    requested.decided_by_user_id = actor_user_id
    session.add(requested)
    session.flush()
    title = measure.title if measure else ""
    add_timeline(session, application, f"measure_{decision}", actor, title)
    _decided_when_complete(session, application, actor)


def _decided_when_complete(session, application: Application, actor: str) -> None:
    rows = requested_measures(session, application)
    if all(row.decision in FINAL_DECISIONS for row in rows):
        application.status = ApplicationStatus.DECIDED
        application.decided_at = utcnow()
        session.add(application)
        add_timeline(session, application, "decided", actor)


def send_back(
    session, application: Application, requested: RequestedMeasure, *, reason: str, actor: str
) -> None:
    """A proposed approval is not confirmed: the measure is to be decided again, with why."""
    if requested.application_id != application.id or requested.decision != Decision.PROPOSED:
        raise RuleError("not_proposed")
    if not reason.strip():
        raise RuleError("send_back_reason_required", "reason")
    requested.decision, requested.amount_granted_eur = Decision.PENDING, None
    requested.decided_at, requested.decided_by, requested.decided_by_user_id = None, "", None
    requested.reason = ""
    session.add(requested)
    add_timeline(session, application, "measure_sent_back", actor, reason.strip())


def awaiting_second_approval(session) -> set[uuid.UUID]:
    """Applications with an approval proposed and not yet confirmed (for the work list)."""
    return set(
        session.exec(
            select(RequestedMeasure.application_id).where(
                RequestedMeasure.decision == Decision.PROPOSED
            )
        )
    )


def second_approve(
    session,
    application: Application,
    requested: RequestedMeasure,
    *,
    actor: str,
    actor_user_id: uuid.UUID,
) -> None:
    """A second staff member confirms a proposed approval; the one who proposed it cannot."""
    if requested.application_id != application.id or requested.decision != Decision.PROPOSED:
        raise RuleError("not_proposed")
    if application.status not in UNDER_REVIEW:
        raise RuleError("not_under_review")
    if actor_user_id is None or actor_user_id == requested.decided_by_user_id:
        raise RuleError("same_person")
    requested.decision = Decision.APPROVED
    requested.second_approved_by, requested.second_approved_by_user_id = actor, actor_user_id
    requested.second_approved_at = utcnow()
    session.add(requested)
    session.flush()
    measure = session.get(SupportMeasure, requested.measure_id)
    add_timeline(
        session, application, "measure_second_approved", actor, measure.title if measure else ""
    )
    _decided_when_complete(session, application, actor)


# -- payment of granted premiums --------------------------------------------------------------

# Each step follows the one before it: a premium is asked for, paid, and perhaps taken back.
PAYMENT_NEXT = {
    PaymentStatus.NONE: (PaymentStatus.REQUESTED,),
    PaymentStatus.REQUESTED: (PaymentStatus.PAID,),
    PaymentStatus.PAID: (PaymentStatus.RECOVERED,),
    PaymentStatus.RECOVERED: (),
}
PAYMENT_DATE_FIELD = {
    PaymentStatus.REQUESTED: "payment_requested_on",
    PaymentStatus.PAID: "paid_on",
    PaymentStatus.RECOVERED: "recovered_on",
}


def payable(requested: RequestedMeasure) -> bool:
    return requested.decision == Decision.APPROVED and bool(requested.amount_granted_eur)


def record_payment(
    session,
    application: Application,
    requested: RequestedMeasure,
    *,
    status: str,
    on: date,
    note: str,
    today: date,
    actor: str,
) -> None:
    """Move a granted premium's payment one step on (requested, paid, recovered), on a date
    that is not in the future nor before the step before it; a recovery needs its reason."""
    if requested.application_id != application.id or not payable(requested):
        raise RuleError("not_payable")
    current = PaymentStatus(requested.payment_status or "")
    if status not in PAYMENT_NEXT[current]:
        raise RuleError("payment_out_of_order", "status")
    if on > today:
        raise RuleError("payment_in_future", "on")
    previous = [
        getattr(requested, field)
        for step, field in PAYMENT_DATE_FIELD.items()
        if getattr(requested, field) is not None and step != status
    ]
    if previous and on < max(previous):
        raise RuleError("payment_before_previous", "on")
    if status == PaymentStatus.RECOVERED and not note.strip():
        raise RuleError("recovery_reason_required", "note")
    requested.payment_status = status
    setattr(requested, PAYMENT_DATE_FIELD[PaymentStatus(status)], on)
    if note.strip():
        requested.payment_note = note.strip()
    session.add(requested)
    measure = session.get(SupportMeasure, requested.measure_id)
    add_timeline(
        session,
        application,
        f"payment_{status}",
        actor,
        f"{measure.title if measure else ''} ({on.strftime('%d/%m/%Y')})",
    )


def licence_steps(session, application: Application) -> list[LicenceStep]:
    rows = {
        row.step: row
        for row in session.exec(
            select(LicenceStep).where(LicenceStep.application_id == application.id)
        ).all()
    }
    return [rows[step] for step in LICENCE_STEPS if step in rows]


def licence_progress(session) -> dict[uuid.UUID, int]:
    """Per application, how many licence steps are done (for the work list)."""
    done: Counter[uuid.UUID] = Counter()
    for row in session.exec(select(LicenceStep).where(LicenceStep.done_on.is_not(None))).all():
        done[row.application_id] += 1
    return dict(done)


def update_licence_steps(
    session, application: Application, done: set[str], today: date, *, actor: str
) -> None:
    changed = []
    for row in licence_steps(session, application):
        if row.step in done and row.done_on is None:
            row.done_on = today
            changed.append(row.step)
        elif row.step not in done and row.done_on is not None:
            row.done_on = None
            changed.append(row.step)
        session.add(row)
    if changed:
        add_timeline(session, application, "licence_updated", actor, ", ".join(changed))


# -- buildings --------------------------------------------------------------------------------


def buildings_for(session, planned_places: int | None) -> list[Building]:
    """Available buildings; for a project with planned places, those large enough for it."""
    buildings = session.exec(
        select(Building).where(Building.status == "available").order_by(Building.address)
    ).all()
    if not planned_places:
        return list(buildings)
    return [building for building in buildings if building.suitable_places >= planned_places]


# -- planned places ---------------------------------------------------------------------------


class PlannedStatus(StrEnum):
    PLANNED = "planned"  # submitted: the municipality has not granted anything (yet)
    APPROVED = "approved"  # at least one measure was granted
    OPENED = "opened"  # staff recorded that the facility opened


@dataclass(frozen=True)
class PlannedFacility:
    facility_kind: str
    places: int
    opening_on: date
    status: str


def planned_status(application: Application, decisions: list[str]) -> PlannedStatus:
    if application.opened_on is not None:
        return PlannedStatus.OPENED
    if Decision.APPROVED in decisions:
        return PlannedStatus.APPROVED
    return PlannedStatus.PLANNED


def planned_facilities(session) -> list[PlannedFacility]:
    """The places of every application past the draft, by opening date (drafts do not count).

    An application whose every measure was refused still counts as planned: the starter may open
    without support. Opened facilities report the day they opened.
    """
    applications = session.exec(
        select(Application).where(Application.status != ApplicationStatus.DRAFT)
    ).all()
    decisions: dict[uuid.UUID, list[str]] = {}
    for row in session.exec(select(RequestedMeasure)).all():
        decisions.setdefault(row.application_id, []).append(row.decision)
    planned = [
        PlannedFacility(
            facility_kind=application.facility_type,
            places=application.planned_places,
            opening_on=application.opened_on or application.target_opening,
            status=planned_status(application, decisions.get(application.id, [])),
        )
        for application in applications
        if application.planned_places and (application.opened_on or application.target_opening)
    ]
    return sorted(planned, key=lambda facility: (facility.opening_on, facility.facility_kind))


def record_opening(session, application: Application, opened_on: date, today: date, *, actor):
    """Staff record the day the facility opened; from then on its places are real ones."""
    if application.status == ApplicationStatus.DRAFT:
        raise RuleError("not_under_review")
    if opened_on > today:
        raise RuleError("opening_in_future", "opened_on")
    application.opened_on = opened_on
    session.add(application)
    add_timeline(session, application, "opened", actor, opened_on.strftime("%d/%m/%Y"))


# -- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StarterFigures:
    by_status: dict[str, int]
    planned_places_by_quarter: dict[str, int]


def figures(session) -> StarterFigures:
    applications = session.exec(select(Application)).all()
    by_status = Counter(application.status for application in applications)
    places: Counter[str] = Counter()
    for application in applications:
        if application.status == ApplicationStatus.DRAFT or not application.target_opening:
            continue
        opening = application.target_opening
        places[f"{opening.year}-Q{(opening.month - 1) // 3 + 1}"] += application.planned_places or 0
    return StarterFigures(
        by_status={status.value: by_status.get(status.value, 0) for status in ApplicationStatus},
        planned_places_by_quarter=dict(sorted(places.items())),
    )
