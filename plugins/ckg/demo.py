"""Demonstration data: antennas for each granted CKG and referrals in several states.

Idempotent: antennas are found by name, referrals are only made once per tenant (marked with
``source = "demo"``). A municipality that granted no CKG gets nothing: referrals need a CKG, and
granting one is the municipality's decision, not the demo's.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from core.db import utcnow
from plugins.ckg import store
from plugins.ckg.models import Antenna, CaseNote, Referral
from plugins.ckg.services import (
    ChildInput,
    ParentInput,
    ReferralInput,
    ReferralStatus,
    StepDetails,
    end_open_episodes,
    first_episode,
    move,
)

S = ReferralStatus
DEMO_ANTENNAS = (
    (
        "Antenne Centrum",
        {
            "home_guidance_slots": 12,
            "day_guidance_places": 8,
            "short_stay_beds": 6,
            "long_stay_beds": 4,
        },
    ),
    ("Antenne Noord", {"home_guidance_slots": 6, "short_stay_beds": 2}),
)
# The open crisis arrived just now, within any municipality's time to pick it up: a fresh demo
# shows a crisis to take, not one that is days late (from then on the escalation job runs).
DEMO_CRISIS_WAITING = timedelta(minutes=10)
# (parent, child, birth years ago or None for unborn, offer, urgency, path through the workflow)
DEMO_FAMILIES = (
    ("Sofie", "Lotte", 3, "short_stay", "crisis", []),
    ("Mohamed", "Amira", 1, "home", "soon", [S.RECEIVED, S.INTAKE_PLANNED]),
    ("Els", "Noah", 6, "day", "regular", [S.RECEIVED, S.INTAKE_PLANNED, S.ACCEPTED]),
    ("Dragana", "", None, "training", "regular", [S.RECEIVED, S.INTAKE_PLANNED, S.WAITLISTED]),
    (
        "Joris",
        "Mila",
        9,
        "home",
        "regular",
        [S.RECEIVED, S.INTAKE_PLANNED, S.ACCEPTED, S.IN_PROGRESS, S.CLOSED],
    ),
)


def load_demo_data(tenant, session) -> None:
    ckgs = store.granted_ckgs(session)
    if not ckgs:
        return
    antennas = [_antenna(session, ckgs[0].id, name, places) for name, places in DEMO_ANTENNAS]
    for organisation in ckgs[1:]:
        for name, places in DEMO_ANTENNAS:
            _antenna(session, organisation.id, name, places)
    if session.exec(select(Referral).where(Referral.source == "demo")).first():
        return
    today = date.today()
    for number, (parent, child, years, offer, urgency, path) in enumerate(DEMO_FAMILIES):
        submitted = utcnow() - timedelta(days=3 * (len(DEMO_FAMILIES) - number), hours=number)
        if urgency == "crisis" and not path:
            submitted = utcnow() - DEMO_CRISIS_WAITING
        referral = store.create_referral(
            session,
            ReferralInput(
                organisation_id=ckgs[0].id,
                parents=[ParentInput(name=parent, relation="ouder")],
                children=[
                    ChildInput(
                        name=child,
                        birth_date=today.replace(year=today.year - years) if years else None,
                        expected_birth=None if years else today + timedelta(days=60),
                    )
                ],
                domains=["parenting", "stress"],
                concern_summary=f"Demogezin {number + 1} uit {tenant.name}: vraagt steun bij de opvoeding.",
                requested_offer=offer,
                urgency=urgency,
                consent="given",
            ),
            actor="demo",
            now=submitted,
            referrer_kind="school",
            source="demo",
        )
        _walk(session, referral, path, antennas[0], today, tenant.name)


def _antenna(session, organisation_id, name: str, places: dict) -> Antenna:
    antenna = session.exec(
        select(Antenna).where(Antenna.organisation_id == organisation_id, Antenna.name == name)
    ).first()
    if antenna is None:
        antenna = Antenna(
            organisation_id=organisation_id,
            name=name,
            on_call_email="piket@ckg.example",
            on_call_phone="011 00 00 00",
            **places,
        )
        session.add(antenna)
        session.flush()
    return antenna


def _walk(session, referral: Referral, path, antenna: Antenna, today: date, town: str) -> None:
    details = {
        S.INTAKE_PLANNED: StepDetails(intake_on=today + timedelta(days=7)),
        S.ACCEPTED: StepDetails(
            offer=referral.requested_offer, antenna=antenna, starts_on=today + timedelta(days=14)
        ),
        S.WAITLISTED: StepDetails(reason=f"Wachtlijst voor de training in {town}"),
        # Closing frees the places through the case's episodes (below), not the step.
        S.CLOSED: StepDetails(outcome="goals_reached"),
    }
    episodes = []
    for target in path:
        session.add(
            move(
                referral,
                target,
                actor="demo",
                now=utcnow(),
                details=details.get(target, StepDetails()),
                organisation_antennas={antenna.id},
            )
        )
        if target == S.ACCEPTED:
            episodes.append(first_episode(referral))
        elif target == S.CLOSED:
            end_open_episodes(episodes, {antenna.id: antenna}, today)
    session.add_all(episodes)
    if path:
        session.add(
            CaseNote(
                referral_id=referral.id,
                author="demo",
                body=f"Demonotitie: eerste contact met het gezin in {town} verliep goed.",
            )
        )
        referral.message_to_referrer = (
            f"Bedankt voor de doorverwijzing; we volgen het gezin in {town} op."
        )
    session.add(referral)
    session.add(antenna)
