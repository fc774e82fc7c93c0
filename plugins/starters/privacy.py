"""The starter's rights over their data: everything we hold (export) and erasure.

Erasure deletes drafts, every document file and every decision letter (a letter names the
person; the decisions it states stay on their rows and can be put in a new letter), and strips the person from submitted
applications: a decision on public money must stay on file, the person behind it need not.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from core.plugin_types import DataSubject
from plugins.starters import uploads
from plugins.starters.models import (
    Application,
    ApplicationDocument,
    BuildingInterest,
    CompanyAgreement,
    CompanyPlaceClaim,
    DecisionLetter,
    InformationRequest,
    LicenceStep,
    RequestedMeasure,
    SupportMeasure,
    TimelineEntry,
)
from plugins.starters.services import ApplicationStatus


def applications_of(session, subject: DataSubject) -> list[Application]:
    conditions = []
    if subject.user_id is not None:
        conditions.append(Application.applicant_user_id == subject.user_id)
    if subject.email:
        conditions.append(sa.func.lower(Application.applicant_email) == subject.email.lower())
    if not conditions:
        return []
    return list(session.exec(select(Application).where(sa.or_(*conditions))).all())


def claims_of(session, subject: DataSubject) -> list[CompanyPlaceClaim]:
    """The person's claims on company places (as an employee, not as a starter)."""
    conditions = []
    if subject.user_id is not None:
        conditions.append(CompanyPlaceClaim.user_id == subject.user_id)
    if subject.email:
        conditions.append(sa.func.lower(CompanyPlaceClaim.employee_email) == subject.email.lower())
    if not conditions:
        return []
    return list(session.exec(select(CompanyPlaceClaim).where(sa.or_(*conditions))).all())


def _rows(session, model, application: Application) -> list:
    return list(session.exec(select(model).where(model.application_id == application.id)).all())


def export_subject(session, subject: DataSubject) -> dict | None:
    applications = applications_of(session, subject)
    claims = claims_of(session, subject)
    if not applications and not claims:
        return None
    exported = []
    for application in applications:
        measures = []
        for row in _rows(session, RequestedMeasure, application):
            measure = session.get(SupportMeasure, row.measure_id)
            measures.append(
                {
                    "measure": measure.title if measure else "",
                    "decision": row.decision,
                    "reason": row.reason,
                    "amount_granted_eur": row.amount_granted_eur,
                }
            )
        exported.append(
            {
                "id": str(application.id),
                "status": application.status,
                "applicant_name": application.applicant_name,
                "applicant_email": application.applicant_email,
                "applicant_kind": application.applicant_kind,
                "organisation_name": application.organisation_name,
                "facility_type": application.facility_type,
                "planned_places": application.planned_places,
                "target_opening": str(application.target_opening or ""),
                "postcode": application.postcode,
                "area": application.area,
                "address": application.address,
                "created_at": application.created_at.isoformat(),
                "measures": measures,
                "documents": [
                    {"kind": doc.kind, "name": doc.original_name, "size": doc.size_bytes}
                    for doc in _rows(session, ApplicationDocument, application)
                ],
                "questions": [
                    {"question": asked.question, "answer": asked.answer}
                    for asked in _rows(session, InformationRequest, application)
                ],
                "decision_letters": [
                    {"created_at": letter.created_at.isoformat(), "size": letter.size_bytes}
                    for letter in _rows(session, DecisionLetter, application)
                ],
                "building_interest": [
                    {"building_id": str(row.building_id), "message": row.message}
                    for row in _rows(session, BuildingInterest, application)
                ],
            }
        )
    claimed = []
    for claim in claims:
        agreement = session.get(CompanyAgreement, claim.agreement_id)
        claimed.append(
            {
                "company": agreement.company if agreement else "",
                "facility": agreement.facility_name if agreement else "",
                "employee_name": claim.employee_name,
                "employee_email": claim.employee_email,
                "loket_request_id": str(claim.request_id),
                "created_at": claim.created_at.isoformat(),
            }
        )
    return {"plugin": "starters", "applications": exported, "company_place_claims": claimed}


def erase_subject(session, subject: DataSubject) -> int:
    files = uploads.file_store()
    count = 0
    for application in applications_of(session, subject):
        for document in _rows(session, ApplicationDocument, application):
            files.remove(session.tenant_id, application.id, document.stored_name)
            session.delete(document)
            count += 1
        for letter in _rows(session, DecisionLetter, application):
            files.remove(session.tenant_id, application.id, letter.stored_name)
            session.delete(letter)
            count += 1
        for row in _rows(session, BuildingInterest, application):
            row.message = ""
            session.add(row)
        for asked in _rows(session, InformationRequest, application):
            asked.answer = ""
            session.add(asked)
            count += 1
        if application.status == ApplicationStatus.DRAFT:
            session.flush()
            for model in (BuildingInterest, RequestedMeasure, LicenceStep, InformationRequest):
                for row in _rows(session, model, application):
                    session.delete(row)
            # The timeline is append-only through the ORM; a draft's history goes with it.
            session.flush()
            session.execute(
                sa.delete(TimelineEntry).where(TimelineEntry.application_id == application.id)
            )
            session.delete(application)
        else:
            if application.applicant_name:
                session.execute(
                    sa.update(TimelineEntry)
                    .where(
                        TimelineEntry.application_id == application.id,
                        TimelineEntry.actor == application.applicant_name,
                    )
                    .values(actor="")
                )
            # File names often carry the starter's name; the files themselves are gone.
            session.execute(
                sa.update(TimelineEntry)
                .where(
                    TimelineEntry.application_id == application.id,
                    TimelineEntry.action.in_(("document_added", "document_removed")),
                )
                .values(detail="")
            )
            application.applicant_user_id = None
            application.applicant_name = ""
            application.applicant_email = ""
            application.organisation_name = ""
            application.address = ""
            session.add(application)
        count += 1
    # A claim is only the person asking: it goes with them (the loket erases the request).
    for claim in claims_of(session, subject):
        session.delete(claim)
        count += 1
    session.flush()
    return count
