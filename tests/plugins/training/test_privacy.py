"""A candidate's rights: export of what is held about them, erasure that keeps the figures."""

from __future__ import annotations

from sqlmodel import select

from core.mail import OutboxMessage
from core.plugin_types import DataSubject
from plugins.training import report
from plugins.training.models import Candidate, InfoRegistration
from plugins.training.privacy import erase_subject, export_subject
from tests.plugins.training.helpers import register, request_at, token_of


def test_export_and_erasure_of_a_candidate(world):
    full = world.info_session("cvo-limburg", capacity=1)
    token_of(register(world.app.test_client(), full.id))
    token_of(register(world.app.test_client(), full.id, email="wacht@example.be"))
    subject = DataSubject(email="Fatima@Example.be")
    with request_at(world, "aalst") as db:  # erasure runs inside the admin's request
        exported = export_subject(db, subject)
        assert exported["plugin"] == "training"
        (candidate,) = exported["candidates"]
        assert (candidate["name"], candidate["phone"]) == ("Fatima Elamrani", "0470 12 34 56")
        assert [entry["kind"] for entry in candidate["timeline"]] == ["registration"]
        assert erase_subject(db, subject) == 1
        db.commit()
    with world.session() as db:
        erased = db.exec(select(Candidate).where(Candidate.given_name == "(gewist)")).one()
        assert (erased.email, erased.phone, erased.family_name) == ("", "", "")
        statuses = sorted(r.status for r in db.exec(select(InfoRegistration)))
        assert statuses == ["cancelled", "registered"]  # the seat went to the waiting list
        promoted = db.exec(
            select(OutboxMessage).where(OutboxMessage.purpose == "training.info_promoted")
        )
        [message] = promoted
        assert message.to_address == "wacht@example.be"
        assert "/opleiding/inschrijving/" in message.body  # their link to cancel
        assert report.funnel_for(db, None).total == 2  # the figures still count the path
        assert export_subject(db, subject) is None
