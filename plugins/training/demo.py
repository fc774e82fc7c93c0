"""Demonstration data: programmes, cohorts, ~40 candidates at every stage, info sessions, courses.

Idempotent (nothing is added when the tenant's demo programmes exist) and different per tenant:
every text names the tenant and the names are drawn with the tenant's slug as seed. The
programmes belong to the first organisation the tenant granted ``training`` (in Heusden-Zolder
CVO Limburg), or to the municipality when there is none.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from core.identity.models import OrganisationGrant
from plugins.training import store
from plugins.training.models import (
    Candidate,
    CandidateDocument,
    Cohort,
    Course,
    CourseSignup,
    InfoRegistration,
    InfoSession,
    Programme,
)
from plugins.training.services import (
    PIPELINE,
    DropoutReason,
    IntakeOutcome,
    Stage,
    Step,
    apply_step,
)

GIVEN_NAMES = (
    "Fatima",
    "Lotte",
    "Sarah",
    "Elif",
    "Nadia",
    "Ann",
    "Sofie",
    "Kelly",
    "Yasmina",
    "Laura",
    "Marieke",
    "Hanne",
    "Ilse",
    "Joke",
    "Samira",
    "Charlotte",
    "Emine",
    "Nathalie",
    "Bram",
    "Kevin",
    "Anouk",
    "Jana",
    "Leen",
    "Zeynep",
    "Ines",
    "Griet",
    "Dorien",
    "Silke",
    "Malika",
    "Tine",
    "Karolien",
    "Ayse",
    "Els",
    "Vanessa",
    "Femke",
    "Naima",
    "Kim",
    "Eline",
    "Yusuf",
)
FAMILY_NAMES = (
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "Dubois",
    "Lambrechts",
    "Yilmaz",
    "Demir",
    "Vermeulen",
    "Aerts",
    "Hermans",
    "Michiels",
    "Smets",
    "Lemmens",
    "Bosmans",
    "Vandenbroeck",
    "Kaya",
    "Elamrani",
    "Moens",
    "Geerts",
    "Cools",
    "Verlinden",
    "Bogaerts",
    "Thys",
    "Vanhoof",
    "Schepers",
    "Nijs",
)
# How far the 40 demo candidates got: (stage, how many).
SPREAD = (
    (Stage.INTERESTED, 6),
    (Stage.INFO_SESSION_ATTENDED, 5),
    (Stage.INTAKE, 4),
    (Stage.ENROLLED, 4),
    (Stage.IN_TRAINING, 7),
    (Stage.INTERNSHIP, 4),
    (Stage.GRADUATED, 3),
    (Stage.EMPLOYED, 3),
    (Stage.DROPPED_OUT, 4),
)
DROPOUTS = (
    DropoutReason.OWN_CHILDCARE_MISSING,
    DropoutReason.SCHEDULE,
    DropoutReason.OWN_CHILDCARE_MISSING,
    DropoutReason.FINANCES,
)


def load_demo_data(tenant, session) -> None:
    marker = f"Kinderbegeleider baby's en peuters – {tenant.name}"
    if session.exec(select(Programme).where(Programme.name == marker)).first() is not None:
        return
    rng = random.Random(tenant.slug)
    organisation_id = _training_partner(session)
    today = date.today()
    baby, school_age, childminder = (
        Programme(
            organisation_id=organisation_id,
            name=marker,
            qualification="kinderbegeleider",
            description=f"Volwassenenonderwijs: kwalificatie kinderbegeleider baby's en peuters,"
            f" met stage in de kinderopvang van {tenant.name}.",
        ),
        Programme(
            organisation_id=organisation_id,
            name=f"Kinderbegeleider schoolgaande kinderen – {tenant.name}",
            qualification="kinderbegeleider",
            description=f"Voor de buitenschoolse opvang in {tenant.name}.",
        ),
        Programme(
            organisation_id=organisation_id,
            name=f"Starterstraject onthaalouder – {tenant.name}",
            qualification="onthaalouder",
            description=f"Wie in {tenant.name} thuis kinderen wil opvangen als onthaalouder.",
        ),
    )
    session.add_all([baby, school_age, childminder])
    session.flush()
    location = f"Campus {tenant.name}, Kerkstraat 12"
    ended = _cohort(
        baby,
        f"Dagopleiding 2025–2026 {tenant.name}",
        date(2025, 9, 1),
        date(2026, 6, 26),
        "day",
        location,
        400,
    )
    evening = _cohort(
        baby,
        f"Avondopleiding 2026–2027 {tenant.name}",
        date(2026, 2, 2),
        date(2027, 1, 29),
        "evening",
        location,
        400,
    )
    dual = _cohort(
        school_age,
        f"Duaal traject 2026–2027 {tenant.name}",
        date(2026, 9, 7),
        date(2027, 6, 25),
        "dual",
        f"Werkplekken in {tenant.name}",
        300,
    )
    starters = _cohort(
        childminder,
        f"Onthaalouders voorjaar 2027 {tenant.name}",
        date(2026, 10, 5),
        date(2027, 3, 26),
        "evening",
        location,
        120,
    )
    cohorts = [ended, evening, dual, starters]
    session.add_all(cohorts)
    session.flush()
    names = rng.sample([(g, f) for g in GIVEN_NAMES for f in FAMILY_NAMES], 40)
    number = 0
    dropouts = iter(DROPOUTS)
    for stage, count in SPREAD:
        for _ in range(count):
            given, family = names[number]
            number += 1
            # Graduates, the employed and the drop-outs come from the cohort that ended (so the
            # completion rate is measured); the rest from running cohorts.
            if stage in (Stage.GRADUATED, Stage.EMPLOYED, Stage.DROPPED_OUT):
                cohort = ended
            else:
                cohort = (evening, dual, starters)[number % 3]
            candidate = Candidate(
                organisation_id=organisation_id,
                given_name=given,
                family_name=family,
                email=f"{_ascii(given)}.{_ascii(family)}.{number}@example.be".lower(),
                phone=f"04{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}",
                interest="onthaalouder" if cohort is starters else "kinderbegeleider",
                contact_consent=True,
                stage=Stage.INTERESTED,
                furthest_stage=Stage.INTERESTED,
                source="demo",
                created_at=datetime(
                    cohort.starts_on.year - (1 if cohort.starts_on.month < 3 else 0),
                    rng.randint(1, 12) if cohort.starts_on.month >= 3 else rng.randint(6, 12),
                    rng.randint(1, 28),
                    tzinfo=UTC,
                ),
            )
            session.add(candidate)
            session.flush()
            target = stage
            if stage == Stage.DROPPED_OUT:
                target = PIPELINE[rng.randint(1, 4)]
            _walk(session, candidate, cohort, target, tenant, rng, today)
            if stage == Stage.DROPPED_OUT:
                reason = next(dropouts)
                _step(
                    session,
                    candidate,
                    cohort,
                    Step(
                        target=Stage.DROPPED_OUT,
                        dropout_reason=reason,
                        dropout_note=f"Besproken met de trajectbegeleider in {tenant.name}.",
                    ),
                    today,
                )
    _info_sessions(session, tenant, organisation_id, rng)
    _courses(session, tenant, organisation_id, rng)
    session.flush()


def _training_partner(session):
    for grant in session.exec(select(OrganisationGrant).order_by(OrganisationGrant.granted_at)):
        if "training" in (grant.modules or []):
            return grant.organisation_id
    return None


def _cohort(programme, name, starts_on, ends_on, schedule, location, hours) -> Cohort:
    return Cohort(
        programme_id=programme.id,
        organisation_id=programme.organisation_id,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        schedule=schedule,
        location=location,
        capacity=18,
        required_internship_hours=hours,
        modules_total=6,
    )


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _step(session, candidate, cohort, step: Step, today: date) -> None:
    progress = store.progress_of(session, candidate)
    record = apply_step(candidate, progress, step, today=today)
    if candidate.cohort_id:
        candidate.organisation_id = cohort.organisation_id
    session.add(candidate)
    store.add_timeline(
        session,
        candidate,
        actor="demo",
        kind="stage",
        from_stage=record.from_stage,
        to_stage=record.to_stage,
        detail=record.detail,
        reason=record.reason,
    )
    session.flush()


def _walk(session, candidate, cohort, target, tenant, rng, today) -> None:
    """Take the candidate step by step to ``target``, with what each step asks."""
    for stage in PIPELINE[1 : PIPELINE.index(target) + 1]:
        step = Step(target=stage)
        if stage == Stage.INTAKE:
            outcome = IntakeOutcome.SUITABLE
            if target == Stage.INTAKE and rng.random() < 0.5:
                outcome = IntakeOutcome.NOT_YET
            step.intake_outcome = outcome
            if outcome == IntakeOutcome.SUITABLE:
                step.cohort_id = cohort.id  # the cohort in mind: on its board from the intake on
            else:
                step.intake_reasons = f"Eerst Nederlands niveau 2 halen in {tenant.name}."
        elif stage == Stage.ENROLLED:
            step.cohort_id = cohort.id
        elif stage == Stage.INTERNSHIP:
            step.placement_name = f"Kinderdagverblijf 't Klavertje {tenant.name}"
            candidate.internship_hours = rng.randint(40, 120)
            candidate.modules_passed = rng.randint(2, 4)
        elif stage == Stage.GRADUATED:
            candidate.internship_hours = cohort.required_internship_hours
            candidate.modules_passed = cohort.modules_total
        elif stage == Stage.EMPLOYED:
            step.employer = f"Kinderopvang De Vlinder {tenant.name}"
            step.employed_in_region = rng.random() < 0.8
        if stage == Stage.IN_TRAINING:
            # The extract the internship needs (a record of its dates; no file in demo data).
            session.add(
                CandidateDocument(
                    candidate_id=candidate.id,
                    kind="criminal_record",
                    issued_on=today - timedelta(days=rng.randint(10, 90)),
                    expires_on=today + timedelta(days=365),
                    original_name="uittreksel-strafregister-model-2.pdf",
                    stored_name=uuid.uuid4().hex,
                    content_type="application/pdf",
                    uploaded_by="demo",
                )
            )
            candidate.modules_passed = rng.randint(0, 2)
            candidate.internship_hours = rng.randint(0, 40)
        _step(session, candidate, cohort, step, today)


def _info_sessions(session, tenant, organisation_id, rng) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    plans = [
        ("kinderbegeleider", 9, f"{tenant.name}, Sociaal Huis, zaal 1"),
        ("onthaalouder", 16, f"{tenant.name}, Huis van het Kind"),
        ("kinderbegeleider", 30, f"{tenant.name}, bibliotheek"),
    ]
    candidates = list(session.exec(select(Candidate).where(Candidate.stage == Stage.INTERESTED)))
    for index, (kind, days, location) in enumerate(plans):
        info_session = InfoSession(
            organisation_id=organisation_id,
            kind=kind,
            starts_at=now + timedelta(days=days, hours=19 - now.hour),
            location=location,
            capacity=4 if index == 0 else 25,
        )
        session.add(info_session)
        session.flush()
        if index == 0:
            for position, candidate in enumerate(candidates[:6]):
                session.add(
                    InfoRegistration(
                        info_session_id=info_session.id,
                        candidate_id=candidate.id,
                        status="registered" if position < 4 else "waiting",
                        token=store.new_token(),
                        registered_at=now - timedelta(days=10 - position),
                    )
                )


def _courses(session, tenant, organisation_id, rng) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    titles = [
        (f"Taalstimulering bij baby's en peuters ({tenant.name})", 12),
        (f"Omgaan met kinderen met een beperking ({tenant.name})", 26),
        (f"EHBO bij kinderen ({tenant.name})", 40),
    ]
    for title, days in titles:
        course = Course(
            organisation_id=organisation_id,
            title=title,
            description=f"Gratis vorming voor medewerkers van de kinderopvang in {tenant.name}.",
            starts_at=now + timedelta(days=days, hours=9 - now.hour),
            location=f"{tenant.name}, Ontmoetingscentrum",
            capacity=16,
        )
        session.add(course)
        session.flush()
        for given, family in rng.sample([(g, f) for g in GIVEN_NAMES for f in FAMILY_NAMES], 3):
            session.add(
                CourseSignup(
                    course_id=course.id,
                    given_name=given,
                    family_name=family,
                    email=f"{_ascii(given)}.{_ascii(family)}@opvang.example.be".lower(),
                    employer=f"Kinderopvang De Vlinder {tenant.name}",
                    status="registered",
                    token=store.new_token(),
                )
            )
