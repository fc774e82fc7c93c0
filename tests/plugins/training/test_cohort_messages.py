"""Staff mail a message to every candidate of a cohort; it is logged on the cohort page."""

from __future__ import annotations

from sqlmodel import select

from core.audit import AuditEntry
from core.mail import OutboxMessage
from plugins.training.services import Stage
from tests.plugins.training.conftest import people
from tests.plugins.training.helpers import make_candidate


def outbox(world):
    with world.session() as db:
        return list(
            db.exec(select(OutboxMessage).where(OutboxMessage.purpose == "training.cohort_message"))
        )


def test_staff_mail_every_candidate_of_the_cohort_and_see_it_logged(world):
    cohort = world.programme_and_cohort("cvo-limburg")
    make_candidate(world, "cvo-limburg", stage=Stage.ENROLLED, cohort=cohort, given_name="Lotte")
    make_candidate(world, "cvo-limburg", stage=Stage.IN_TRAINING, cohort=cohort, given_name="Ines")
    other = world.programme_and_cohort("cvo-limburg", name="Dagopleiding")
    make_candidate(world, "cvo-limburg", stage=Stage.ENROLLED, cohort=other, given_name="Noor")
    sara = world.client_for(people(world)["sara"])
    sent = sara.post(
        f"/t/aalst/opleiding/groepen/{cohort.id}/bericht",
        data={"subject": "Les verplaatst", "body": "De les van dinsdag gaat door op woensdag."},
    )
    assert sent.status_code == 303
    assert sorted(m.to_address for m in outbox(world)) == [
        "ines.peeters@example.be",
        "lotte.peeters@example.be",
    ]
    page = sara.get(f"/t/aalst/opleiding/groepen/{cohort.id}").get_data(as_text=True)
    assert "Les verplaatst" in page and "2 ontvangers" in page
    with world.session() as db:
        assert db.exec(
            select(AuditEntry).where(AuditEntry.action == "training.cohort_message_sent")
        ).first()


def test_empty_or_nul_messages_and_other_schools_or_tenants_are_refused(world):
    cohort = world.programme_and_cohort("cvo-limburg")
    make_candidate(world, "cvo-limburg", stage=Stage.ENROLLED, cohort=cohort)
    url = f"/t/aalst/opleiding/groepen/{cohort.id}/bericht"
    sara = world.client_for(people(world)["sara"])
    assert sara.post(url, data={"subject": "", "body": "x"}).status_code == 422
    assert sara.post(url, data={"subject": "a\x00b", "body": "x"}).status_code == 422
    tom = world.client_for(people(world)["tom"])
    assert tom.post(url, data={"subject": "Hallo", "body": "x"}).status_code == 404
    brugge = world.client_for(people(world)["sara"], "brugge")
    assert (
        brugge.post(
            f"/t/brugge/opleiding/groepen/{cohort.id}/bericht", data={"subject": "a", "body": "b"}
        ).status_code
        == 404
    )
    assert sara.head(url).status_code == 405
    an = world.client_for(people(world)["an"])
    assert an.post(url, data={"subject": "Hallo", "body": "x"}).status_code == 403
    assert outbox(world) == []
