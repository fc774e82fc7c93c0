"""A case handed to another CKG that serves the municipality: the receiving CKG reads the whole
history, the sending CKG loses access, the family and the referrer see who handles it now; an
unknown or foreign target answers like any unknown reference, and nobody else can transfer."""

from __future__ import annotations

from sqlmodel import select

from core.mail import OutboxMessage
from core.models import AuditEntry
from plugins.ckg.models import CaseTransfer, OfferEpisode
from tests.plugins.ckg.conftest import grant, organisation, users
from tests.plugins.ckg.helpers import antenna_named, family_confirms, step, stored, submit
from tests.plugins.ckg.test_consent import _ask_hook, _consent
from tests.support.apps import tenant_id

BASE = "/t/aalst/ckg/doorverwijzingen"


def _episodes(app, referral_id) -> list[OfferEpisode]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        return list(
            db.exec(
                select(OfferEpisode)
                .where(OfferEpisode.referral_id == referral_id)
                .order_by(OfferEpisode.created_at)
            ).all()
        )


def _audit(app, action: str) -> list[AuditEntry]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        return list(db.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def _case_in_care(world, *, gent_serves_aalst: bool = True):
    """A crisis accepted at Antenne Genk (CKG Limburg) with a note, an ended short stay and the
    family's consent to a case consultation. CKG Gent serves Aalst too unless told otherwise."""
    if gent_serves_aalst:
        grant(world.app, "aalst", "ckg-gent")
    people = users(world)
    limburg = organisation(world.app, "ckg-limburg", "ckg")
    referral_id = submit(
        world.client_for(people["sara"]), urgency="crisis", organisation=str(limburg.id)
    )
    karim = world.client_for(people["karim"])
    genk = antenna_named(world.app, "Antenne Genk")
    step(karim, referral_id, "received")
    accepted = step(
        karim, referral_id, "accepted", offer="home", antenna=str(genk.id), starts_on="2026-12-04"
    )
    assert accepted.status_code == 303, accepted.get_data(as_text=True)
    stay = {"offer": "short_stay", "antenna": str(genk.id), "starts_on": "2026-12-05"}
    assert (
        karim.post(
            f"{BASE}/{referral_id}/aanbod", data={**stay, "planned_end": "2026-12-12"}
        ).status_code
        == 303
    )
    short_stay = _episodes(world.app, referral_id)[1]
    ended = karim.post(
        f"{BASE}/{referral_id}/aanbod/{short_stay.id}/einde", data={"ended_on": "2026-12-11"}
    )
    assert ended.status_code == 303
    karim.post(f"{BASE}/{referral_id}/notities", data={"body": "Mama belt liefst na 17 uur."})
    family_confirms(world.app)
    family = world.client_for(world.user("sofie", "aalst", ["parent"]))
    assert _consent(family, referral_id, action="give_network").status_code == 303
    return referral_id, karim, family, people


def _transfer(client, referral_id, antenna_id):
    return client.post(f"{BASE}/{referral_id}/antenne", data={"antenna": str(antenna_id)})


def test_a_case_moves_to_another_ckg_with_its_history_and_the_sender_loses_access(world):
    referral_id, karim, family, people = _case_in_care(world)
    assert karim.get(f"{BASE}/{referral_id}").status_code == 200  # a look, in the access log
    gent = antenna_named(world.app, "Antenne Gent")
    moved = _transfer(karim, referral_id, gent.id)
    assert moved.status_code == 303, moved.get_data(as_text=True)
    reference = f"CKG-{referral_id.hex[:8].upper()}"

    case = stored(world.app, referral_id)
    assert case.organisation_id == organisation(world.app, "ckg-gent", "ckg").id
    assert case.antenna_id == gent.id and case.assigned_user_id is None
    home, short_stay = _episodes(world.app, referral_id)
    assert (home.antenna_id, home.ended_on) == (gent.id, None)
    # The ended short stay stays where it took place: history is not rewritten.
    assert short_stay.antenna_id == antenna_named(world.app, "Antenne Genk").id
    assert antenna_named(world.app, "Antenne Gent").home_guidance_occupied == 1
    assert antenna_named(world.app, "Antenne Genk").home_guidance_occupied == 0

    # The receiving CKG reads everything: notes, history, offers, consent.
    ghislaine = world.client_for(people["ghislaine"])
    page = ghislaine.get(f"{BASE}/{referral_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mama belt liefst na 17 uur." in html
    assert "Kortdurend verblijf" in html and "11/12/2026" in html
    assert "Het gezin stemde op" in html
    assert "Overgedragen door Ckg Limburg aan Ckg Gent" in html
    assert reference in ghislaine.get("/t/aalst/ckg/wachtrij?state=all").get_data(as_text=True)
    # ... and who looked at the case before, the sending CKG's workers included.
    looks = ghislaine.get(f"{BASE}/{referral_id}/toegangslog")
    assert looks.status_code == 200 and "Karim" in looks.get_data(as_text=True)

    # The sending CKG is told where the case went, then it is gone from its page, its queue
    # and its actions.
    assert moved.headers["Location"].endswith("/t/aalst/ckg/wachtrij")
    told = karim.get(moved.headers["Location"]).get_data(as_text=True)
    assert f"Doorverwijzing {reference} is overgedragen aan Ckg Gent." in told
    assert karim.get(f"{BASE}/{referral_id}").status_code == 404
    assert karim.get(f"{BASE}/{referral_id}/toegangslog").status_code == 404
    assert reference not in karim.get("/t/aalst/ckg/wachtrij?state=all").get_data(as_text=True)
    assert reference not in karim.get("/t/aalst/ckg/werkruimte?state=all").get_data(as_text=True)
    assert (
        karim.post(f"{BASE}/{referral_id}/notities", data={"body": "nog iets"}).status_code == 404
    )
    assert (
        _transfer(karim, referral_id, antenna_named(world.app, "Antenne Genk").id).status_code
        == 404
    )

    # A case consultation now needs the receiving CKG at the table.
    limburg = organisation(world.app, "ckg-limburg", "ckg").id
    gent_ckg = organisation(world.app, "ckg-gent", "ckg").id
    assert _ask_hook(world, reference, {limburg}) is None
    assert _ask_hook(world, reference, {gent_ckg}).given is True

    # The family and the referrer see who handles the case now.
    for reader in (family, world.client_for(people["sara"])):
        seen = reader.get(f"{BASE}/{referral_id}").get_data(as_text=True)
        assert "Ckg Gent" in seen and "Antenne Gent" in seen
        assert "behandelt deze doorverwijzing sinds" in seen
        assert "Mama belt liefst" not in seen

    [entry] = _audit(world.app, "ckg.referral_transferred")
    assert entry.actor == f"user:{people['karim'].id}"
    assert entry.detail["from_organisation_id"] == str(limburg)
    assert entry.detail["to_organisation_id"] == str(gent_ckg)
    assert entry.detail["to_antenna_id"] == str(gent.id)
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        [record] = db.exec(select(CaseTransfer)).all()
        mails = db.exec(
            select(OutboxMessage).where(OutboxMessage.purpose.startswith("ckg.handed_over"))
        ).all()
    assert (record.from_organisation_id, record.to_organisation_id) == (limburg, gent_ckg)
    # Mails say who has the case now, never what it is about; the sender hears nothing.
    told = {(mail.to_address, mail.purpose) for mail in mails}
    assert ("sara@example.be", "ckg.handed_over") in told
    assert ("sofie@example.be", "ckg.handed_over") in told
    assert ("ghislaine@example.be", "ckg.handed_over_to_ckg") in told
    assert not any(mail.to_address == "karim@example.be" for mail in mails)
    assert all("Mama" not in mail.body and "Sofie" not in mail.body for mail in mails)


def test_an_unknown_or_foreign_target_gets_the_same_answer(world):
    # CKG Gent does not serve Aalst here: its antenna is as unknown as a made-up one.
    referral_id, karim, _, _ = _case_in_care(world, gent_serves_aalst=False)
    gent = antenna_named(world.app, "Antenne Gent")
    foreign = _transfer(karim, referral_id, gent.id)
    made_up = _transfer(karim, referral_id, "00000000-0000-4000-8000-000000000000")
    assert foreign.status_code == made_up.status_code == 422

    def message(response) -> str:
        html = response.get_data(as_text=True)
        start = html.index('id="transfer-antenna-error"')
        return html[start : html.index("</p>", start)]

    assert message(foreign) == message(made_up)
    assert "Kies een antenne van dit CKG of van een ander CKG" in message(foreign)
    case = stored(world.app, referral_id)
    assert case.organisation_id == organisation(world.app, "ckg-limburg", "ckg").id
    assert antenna_named(world.app, "Antenne Gent").home_guidance_occupied == 0
    assert _audit(world.app, "ckg.referral_transferred") == []


def test_a_full_receiving_antenna_changes_nothing(world):
    referral_id, karim, _, _ = _case_in_care(world)
    with world.app.extensions["opvangplein.db"].session(None) as db:
        site = db.get(
            type(antenna_named(world.app, "Antenne Gent")),
            antenna_named(world.app, "Antenne Gent").id,
        )
        site.home_guidance_occupied = site.home_guidance_slots
        db.add(site)
        db.commit()
    refused = _transfer(karim, referral_id, antenna_named(world.app, "Antenne Gent").id)
    assert refused.status_code == 422
    assert "Antenne Gent heeft geen vrije plaats" in refused.get_data(as_text=True)
    assert (
        stored(world.app, referral_id).organisation_id
        == organisation(world.app, "ckg-limburg", "ckg").id
    )
    assert antenna_named(world.app, "Antenne Genk").home_guidance_occupied == 1


def test_nobody_else_transfers_a_case_and_they_learn_nothing(world):
    referral_id, karim, family, people = _case_in_care(world)
    gent = antenna_named(world.app, "Antenne Gent")
    attempts = [
        world.client_for(people["sara"]),  # the referrer
        world.client_for(people["tom"]),  # another school
        family,  # the family itself
        world.client_for(people["ghislaine"]),  # the receiving CKG cannot pull a case
        world.client_for(people["karim"], tenant="brugge"),  # the right CKG, another municipality
    ]
    for client in attempts[:4]:
        assert _transfer(client, referral_id, gent.id).status_code == 404
    brugge = attempts[4].post(
        f"/t/brugge/ckg/doorverwijzingen/{referral_id}/antenne", data={"antenna": str(gent.id)}
    )
    assert brugge.status_code == 404
    assert (
        stored(world.app, referral_id).organisation_id
        == organisation(world.app, "ckg-limburg", "ckg").id
    )
    anonymous = world.app.test_client().post(
        f"{BASE}/{referral_id}/antenne", data={"antenna": str(gent.id)}
    )
    assert anonymous.status_code in (401, 404)


def test_a_transfer_without_the_form_token_is_refused(world):
    referral_id, karim, _, _ = _case_in_care(world)
    world.app.config["WTF_CSRF_ENABLED"] = True  # as in production: a form needs its token
    response = _transfer(karim, referral_id, antenna_named(world.app, "Antenne Gent").id)
    assert response.status_code == 400
    assert "Laad de pagina opnieuw" in response.get_data(as_text=True)
    assert (
        stored(world.app, referral_id).organisation_id
        == organisation(world.app, "ckg-limburg", "ckg").id
    )
    assert _audit(world.app, "ckg.referral_transferred") == []


def _hand_over(client, referral_id, ckg_id):
    return client.post(f"{BASE}/{referral_id}/antenne", data={"ckg": str(ckg_id)})


def test_a_referral_not_yet_accepted_goes_to_another_ckg(world):
    grant(world.app, "aalst", "ckg-gent")
    people = users(world)
    limburg = organisation(world.app, "ckg-limburg", "ckg")
    gent_ckg = organisation(world.app, "ckg-gent", "ckg")
    sara = world.client_for(people["sara"])
    referral_id = submit(sara, organisation=str(limburg.id))
    karim = world.client_for(people["karim"])
    step(karim, referral_id, "received")
    page = karim.get(f"{BASE}/{referral_id}").get_data(as_text=True)
    assert 'id="handover-ckg"' in page and "Ckg Gent" in page
    moved = _hand_over(karim, referral_id, gent_ckg.id)
    assert moved.status_code == 303, moved.get_data(as_text=True)
    case = stored(world.app, referral_id)
    assert (case.organisation_id, case.status, case.antenna_id) == (gent_ckg.id, "received", None)
    assert karim.get(f"{BASE}/{referral_id}").status_code == 404
    ghislaine = world.client_for(people["ghislaine"])
    reference = f"CKG-{referral_id.hex[:8].upper()}"
    assert reference in ghislaine.get("/t/aalst/ckg/wachtrij").get_data(as_text=True)
    assert "Overgedragen door Ckg Limburg aan Ckg Gent" in ghislaine.get(
        f"{BASE}/{referral_id}"
    ).get_data(as_text=True)
    assert "Ckg Gent behandelt deze doorverwijzing sinds" in sara.get(
        f"{BASE}/{referral_id}"
    ).get_data(as_text=True)
    [entry] = _audit(world.app, "ckg.referral_transferred")
    assert entry.detail["to_organisation_id"] == str(gent_ckg.id)


def test_a_referral_goes_only_to_a_ckg_that_serves_the_municipality(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    gent_ckg = organisation(world.app, "ckg-gent", "ckg")  # does not serve Aalst here
    school = organisation(world.app, "school-de-linde", "school")  # granted, but no CKG
    answers = [
        _hand_over(karim, referral_id, target)
        for target in (gent_ckg.id, school.id, "00000000-0000-4000-8000-000000000000")
    ]
    assert {answer.status_code for answer in answers} == {422}

    def message(response) -> str:
        html = response.get_data(as_text=True)
        start = html.index('id="handover-ckg-error"')
        return html[start : html.index("</p>", start)]

    assert len({message(answer) for answer in answers}) == 1
    assert "Kies een ander CKG dat deze gemeente bedient" in message(answers[0])
    limburg = organisation(world.app, "ckg-limburg", "ckg")
    assert stored(world.app, referral_id).organisation_id == limburg.id
    assert _hand_over(karim, referral_id, limburg.id).status_code == 422
    assert _hand_over(karim, referral_id, "geen-uuid").status_code == 422


def test_a_crisis_handed_over_alerts_the_receiving_ckgs_on_call(world):
    grant(world.app, "aalst", "ckg-gent")
    people = users(world)
    limburg = organisation(world.app, "ckg-limburg", "ckg")
    referral_id = submit(
        world.client_for(people["sara"]), urgency="crisis", organisation=str(limburg.id)
    )
    karim = world.client_for(people["karim"])
    gent_ckg = organisation(world.app, "ckg-gent", "ckg")
    assert _hand_over(karim, referral_id, gent_ckg.id).status_code == 303
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        alerts = db.exec(
            select(OutboxMessage).where(OutboxMessage.purpose == "ckg.crisis_alert")
        ).all()
    assert "piket@ckg-gent.be" in {alert.to_address for alert in alerts}
