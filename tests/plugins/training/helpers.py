"""Small helpers the training tests share: registering, moving and reading candidates."""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from core.mail import OutboxMessage
from core.web import db_session
from plugins.training import store
from plugins.training.models import Candidate, CandidateDocument, TimelineEntry
from plugins.training.services import PIPELINE, Stage, Step
from tests.plugins.training.conftest import registration_form
from tests.support.apps import tenant_id


def register(client, session_id, tenant: str = "aalst", **changes):
    """Post the public form; a registration answered by mail carries the mailed link along."""
    form = registration_form(session_id, **changes)
    response = client.post(f"/t/{tenant}/opleiding/inschrijven", data=form)
    if response.headers.get("Location", "").endswith("/opleiding/inschrijving/verstuurd"):
        response.mailed_link = last_link_mailed_to(client.application, form["email"], tenant)
    return response


def last_link_mailed_to(app, address: str, tenant: str = "aalst") -> str:
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        message = db.exec(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.created_at.desc())
        ).first()
    assert message is not None, f"nothing was mailed to {address}"
    return re.findall(r"https?://\S+", message.body)[-1]


def token_of(response) -> str:
    """The secret registration token: from the redirect, or from the mail the form sent."""
    assert response.status_code == 303, response.get_data(as_text=True)
    location = getattr(response, "mailed_link", None) or response.headers["Location"]
    assert "/inschrijving/bevestigen/" not in location, "a confirmation, not a registration"
    return location.rsplit("/", 1)[1]


def candidate_by_email(app, email: str, tenant: str = "aalst") -> Candidate:
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        return db.exec(select(Candidate).where(Candidate.email == email)).one()


def stored(app, candidate_id, tenant: str = "aalst") -> Candidate | None:
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        return db.get(Candidate, candidate_id)


def timeline(app, candidate_id, tenant: str = "aalst") -> list[TimelineEntry]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        return store.timeline(db, candidate_id)


def step(client, candidate_id, target: str, tenant: str = "aalst", **fields):
    return client.post(
        f"/t/{tenant}/opleiding/kandidaten/{candidate_id}/stap", data={"target": target, **fields}
    )


def make_candidate(
    world,
    organisation_slug: str | None,
    *,
    stage: Stage = Stage.INTERESTED,
    cohort=None,
    tenant: str = "aalst",
    given_name: str = "Lotte",
    family_name: str = "Peeters",
    hours: int = 0,
) -> uuid.UUID:
    """A candidate walked to ``stage`` through the real rules (cohort for enrolment)."""
    org_id = world.organisation_id(organisation_slug) if organisation_slug else None
    with world.session(tenant) as db:
        candidate = Candidate(
            organisation_id=org_id,
            given_name=given_name,
            family_name=family_name,
            email=f"{given_name}.{family_name}@example.be".lower(),
            interest="kinderbegeleider",
            stage=Stage.INTERESTED,
            furthest_stage=Stage.INTERESTED,
        )
        db.add(candidate)
        db.flush()
        if PIPELINE.index(stage) >= PIPELINE.index(Stage.INTERNSHIP):
            db.add(valid_extract(candidate.id))
            db.flush()
        for target in PIPELINE[1 : PIPELINE.index(stage) + 1]:
            if target == Stage.GRADUATED:
                candidate.internship_hours = max(hours, cohort.required_internship_hours)
            store.move(
                db,
                candidate,
                Step(
                    target=target,
                    intake_outcome="suitable",
                    cohort_id=cohort.id if cohort and target == Stage.ENROLLED else None,
                    placement_name="Kinderdagverblijf Zonnetje",
                    employer="Kinderopvang De Vlinder",
                    employed_in_region=True,
                ),
                actor="test",
                today=date(2026, 11, 25),
            )
        candidate.internship_hours = max(candidate.internship_hours, hours)
        db.add(candidate)
        return candidate.id


def valid_extract(candidate_id, **changes) -> CandidateDocument:
    """A criminal-record extract row valid today (no file behind it: the rule reads the dates)."""
    fields = {
        "candidate_id": candidate_id,
        "kind": "criminal_record",
        "issued_on": date.today() - timedelta(days=30),
        "expires_on": date.today() + timedelta(days=300),
        "original_name": "uittreksel.pdf",
        "stored_name": "0" * 32,
        "content_type": "application/pdf",
        "uploaded_by": "test",
    }
    fields.update(changes)
    return CandidateDocument(**fields)


def give_extract(world, candidate_id, tenant: str = "aalst") -> None:
    with world.session(tenant) as db:
        db.add(valid_extract(candidate_id))


@contextmanager
def request_at(world, tenant: str, user=None):
    """A request context at ``tenant`` (hooks and events run inside one in the app)."""
    with world.app.test_request_context(
        f"/t/{tenant}/", environ_overrides={"opvangplein.tenant_slug": tenant}
    ):
        world.app.preprocess_request()
        from flask import g

        g.user = user
        yield db_session()


def started(world, model, row_id) -> None:
    """Moves an info session's or course's start two hours into the past: attendance is
    recorded only for what has begun."""
    with world.session() as db:
        row = db.get(model, row_id)
        row.starts_at = datetime.now(UTC) - timedelta(hours=2)
        db.add(row)
