"""Demonstration rows: a few measures (with a start-up premium), two buildings, one agreement, and
two submitted applications (one with the premium granted) so planned places show elsewhere.

Idempotent: each row is recognised by its title, address or company and added only when missing.
Texts name the municipality: demo rows are then never identical across tenants, so the route probe
can tell one tenant's data from another's.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from core.db import utcnow
from plugins.starters.models import (
    Application,
    Building,
    CompanyAgreement,
    LicenceStep,
    RequestedMeasure,
    SupportMeasure,
    TimelineEntry,
)
from plugins.starters.services import LICENCE_STEPS

MEASURES = (
    {
        "title": "Aanspreekpunt voor starters in {gemeente}",
        "kind": "contact_point",
        "description": "Eén aanspreekpunt bij de gemeente {gemeente} voor al je vragen over het "
        "opstarten van een kinderopvang.\n\n- advies over de vergunning van Opgroeien\n- hulp bij "
        "je ondernemingsplan",
    },
    {
        "title": "Opstartpremie kinderopvang {gemeente}",
        "kind": "premium",
        "amount_eur": 5000,
        "description": "Een **eenmalige premie** van {gemeente} voor wie nieuwe plaatsen "
        "kinderopvang opent.",
        "conditions": "De nieuwe opvang sluit aan bij het Lokaal Loket Kinderopvang {gemeente} en "
        "beantwoordt de vragen die het loket doorstuurt, minstens drie jaar lang.",
        "requires_loket_participation": True,
        "facility_types": ["gezinsopvang", "groepsopvang"],
        "required_documents": ["business_plan"],
    },
    {
        "title": "Coaching bij de vergunningsaanvraag in {gemeente}",
        "kind": "coaching",
        "description": "Een coach van {gemeente} helpt je stap voor stap tot je vergunning rond is.",
    },
    {
        "title": "Gemeentelijk pand ter beschikking in {gemeente}",
        "kind": "building",
        "description": "De gemeente {gemeente} stelt panden ter beschikking aan een voordelige "
        "huurprijs.",
        "min_places": 9,
        "facility_types": ["groepsopvang", "buitenschoolse_opvang"],
        "required_documents": ["business_plan", "building_plans"],
    },
)

BUILDINGS = (
    {
        "address": "Dorpsstraat 12, {gemeente}",
        "area_m2": 180,
        "suitable_places": 18,
        "rent_and_conditions": "Huur 650 euro per maand aan {gemeente}, minstens negen jaar.",
        "accessibility": "Gelijkvloers, rolstoeltoegankelijk, vlak bij de bushalte ({gemeente}).",
    },
    {
        "address": "Schoolstraat 3, {gemeente}",
        "area_m2": 90,
        "suitable_places": 8,
        "rent_and_conditions": "Gratis de eerste twee jaar, daarna 300 euro per maand aan "
        "{gemeente}.",
        "accessibility": "Eerste verdieping met lift ({gemeente}).",
    },
)


def _for(template: dict, municipality: str) -> dict:
    return {
        key: value.format(gemeente=municipality) if isinstance(value, str) else value
        for key, value in template.items()
    }


def load_demo_data(tenant, session) -> None:
    today = date.today()
    titles = set(session.exec(select(SupportMeasure.title)).all())
    for template in MEASURES:
        measure = _for(template, tenant.name)
        if measure["title"] not in titles:
            session.add(SupportMeasure(**measure))
    addresses = set(session.exec(select(Building.address)).all())
    for template in BUILDINGS:
        building = _for(template, tenant.name)
        if building["address"] not in addresses:
            session.add(Building(available_from=today + timedelta(days=60), **building))
    company = f"Brouwerij De Kroon {tenant.name}"
    if company not in set(session.exec(select(CompanyAgreement.company)).all()):
        session.add(
            CompanyAgreement(
                company=company,
                facility_name=f"Kinderdagverblijf Het Hopveld {tenant.name}",
                places=4,
                starts_on=today.replace(month=1, day=1),
                ends_on=today.replace(year=today.year + 3, month=12, day=31),
                note=f"De brouwerij financiert de inrichting in {tenant.name} in ruil voor vier "
                "plaatsen.",
            )
        )
    session.flush()
    _demo_applications(tenant, session, today)
    session.flush()


# Submitted applications (no user behind them): what the municipality is reviewing right now.
APPLICATIONS = (
    {
        "applicant_name": "Demo: Kinderdagverblijf De Zonnebloem {gemeente}",
        "facility_type": "groepsopvang",
        "planned_places": 18,
        "opens_in_days": 200,
        "area": "Centrum",
        "premium_granted": False,
    },
    {
        "applicant_name": "Demo: Onthaalouder Lotte {gemeente}",
        "facility_type": "gezinsopvang",
        "planned_places": 8,
        "opens_in_days": 90,
        "area": "Dorp",
        "premium_granted": True,
    },
)


def _demo_applications(tenant, session, today: date) -> None:
    premium = session.exec(
        select(SupportMeasure).where(
            SupportMeasure.title == f"Opstartpremie kinderopvang {tenant.name}"
        )
    ).first()
    names = set(session.exec(select(Application.applicant_name)).all())
    for template in APPLICATIONS:
        name = template["applicant_name"].format(gemeente=tenant.name)
        if name in names or premium is None:
            continue
        application = Application(
            applicant_name=name,
            applicant_email="",
            status="decided" if template["premium_granted"] else "submitted",
            facility_type=template["facility_type"],
            planned_places=template["planned_places"],
            target_opening=today + timedelta(days=template["opens_in_days"]),
            area=template["area"],
            declaration_accepted=True,
            submitted_at=utcnow(),
        )
        session.add(application)
        session.flush()
        granted = template["premium_granted"]
        session.add(
            RequestedMeasure(
                application_id=application.id,
                measure_id=premium.id,
                decision="approved" if granted else "pending",
                amount_granted_eur=premium.amount_eur if granted else None,
                decided_at=utcnow() if granted else None,
                decided_by=f"Demo-medewerker {tenant.name}" if granted else "",
            )
        )
        for step in LICENCE_STEPS:
            session.add(LicenceStep(application_id=application.id, step=step))
        session.add(TimelineEntry(application_id=application.id, action="submitted", actor=name))
        if granted:
            application.decided_at = utcnow()
            session.add(
                TimelineEntry(
                    application_id=application.id,
                    action="measure_approved",
                    actor=f"Demo-medewerker {tenant.name}",
                    detail=premium.title,
                )
            )
