"""Referring a family: the form, its rules in the page, the crisis alert."""

from __future__ import annotations

import dataclasses

from sqlmodel import select

from core.mail import OutboxMessage
from plugins.ckg.models import FamilyMember, StatusChange
from tests.plugins.ckg.conftest import CKG_TENANTS, build_world, referral_form, users
from tests.plugins.ckg.helpers import stored, submit
from tests.support.apps import probe_app, tenant_id

FAMILY_MAIL = "ckg.family_email_confirmation"


def test_a_school_submits_a_referral_that_is_stored_in_the_familys_municipality(world):
    sara = users(world)["sara"]
    referral_id = submit(world.client_for(sara))
    referral = stored(world.app, referral_id)
    assert referral.status == "submitted" and referral.referrer_kind == "school"
    assert referral.tenant_id == tenant_id(world.app, "aalst")
    assert stored(world.app, referral_id, tenant="brugge") is None
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        members = db.exec(select(FamilyMember).where(FamilyMember.referral_id == referral_id)).all()
        history = db.exec(select(StatusChange).where(StatusChange.referral_id == referral_id)).all()
    assert {(m.role, m.name) for m in members} == {("parent", "Sofie Janssens"), ("child", "Lotte")}
    assert [(h.from_status, h.to_status, h.actor) for h in history] == [
        ("", "submitted", f"user:{sara.id}")
    ]


def test_the_form_works_without_javascript_and_names_who_reads_each_free_text(world):
    page = world.client_for(users(world)["sara"]).get("/t/aalst/ckg/doorverwijzen")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'method="post"' in html and "<script" not in html.split("<main")[1]
    assert "Gelezen door de medewerkers van het CKG en door het gezin" in html
    assert 'maxlength="1000"' in html


def test_an_invalid_referral_shows_every_problem_at_the_top_and_keeps_the_values(world):
    client = world.client_for(users(world)["sara"])
    response = client.post(
        "/t/aalst/ckg/doorverwijzen",
        data=referral_form(**{"child-1-birth_date": "2010-01-01", "consent": "refused"}),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert "ouder dan 12 jaar" in summary and "CAW" in summary
    assert "De ouders weigerden" in summary
    assert 'href="#child-1-birth_date"' in summary
    assert 'value="Sofie Janssens"' in html and "woning is te klein" in html
    assert 'value="2010-01-01"' in html


def test_a_bad_date_is_a_message_not_an_error_page(world):
    client = world.client_for(users(world)["sara"])
    response = client.post(
        "/t/aalst/ckg/doorverwijzen", data=referral_form(**{"child-1-birth_date": "31 februari"})
    )
    assert response.status_code == 422
    assert "dag/maand/jaar" in response.get_data(as_text=True)


def test_long_stay_without_the_access_gate_shows_the_rule_and_the_groeipakket_notice(world):
    client = world.client_for(users(world)["sara"])
    response = client.post(
        "/t/aalst/ckg/doorverwijzen", data=referral_form(requested_offer="long_stay")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "niet rechtstreeks toegankelijk" in html
    assert "twee derde van het Groeipakket" in html


def test_long_stay_through_the_access_gate_with_the_notice_is_accepted(world):
    referral_id = submit(
        world.client_for(users(world)["sara"]),
        requested_offer="long_stay",
        route="indirect",
        access_gate_reference="ITP-2026-118",
        groeipakket_notice_given="1",
    )
    assert stored(world.app, referral_id).route == "indirect"


def test_a_referral_without_consent_goes_ahead_only_with_a_recorded_override(world):
    client = world.client_for(users(world)["sara"])
    refused = client.post("/t/aalst/ckg/doorverwijzen", data=referral_form(consent="overridden"))
    assert refused.status_code == 422
    referral_id = submit(
        client,
        urgency="crisis",
        consent="overridden",
        consent_override_reason="crisis",
        consent_explanation="Kind is alleen thuis achtergelaten.",
    )
    referral = stored(world.app, referral_id)
    assert (referral.consent, referral.consent_override_reason) == ("overridden", "crisis")
    assert referral.consent_recorded_at is not None


def test_a_parent_can_refer_their_own_family_and_then_reads_it(world):
    parent = world.user("ouder-an", "aalst", ["parent"])
    client = world.client_for(parent)
    referral_id = submit(client, family_email="")
    referral = stored(world.app, referral_id)
    assert referral.referrer_kind == "parent" and referral.family_user_id == parent.id
    assert client.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").status_code == 200


def test_loket_staff_may_refer_and_anonymous_or_roleless_users_may_not(world):
    loket = world.user("loket-lies", "aalst", ["staff:loket"])
    assert world.client_for(loket).get("/t/aalst/ckg/doorverwijzen").status_code == 200
    assert world.app.test_client().get("/t/aalst/ckg/doorverwijzen").status_code == 401
    starter = world.user("starter-sofie", "aalst", ["starter"])
    assert world.client_for(starter).get("/t/aalst/ckg/doorverwijzen").status_code == 403


def test_only_a_ckg_the_municipality_granted_can_receive_a_referral(world):
    from tests.plugins.ckg.conftest import organisation

    gent_ckg = organisation(world.app, "ckg-gent", "ckg")
    client = world.client_for(users(world)["sara"])
    response = client.post(
        "/t/aalst/ckg/doorverwijzen", data=referral_form(organisation=str(gent_ckg.id))
    )
    assert response.status_code == 422
    assert "Ckg Gent" not in response.get_data(as_text=True)


def test_a_crisis_referral_queues_an_alert_without_personal_details_to_the_on_call(world):
    referral_id = submit(world.client_for(users(world)["sara"]), urgency="crisis")
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        mails = db.exec(select(OutboxMessage).where(OutboxMessage.purpose != FAMILY_MAIL)).all()
    assert [mail.to_address for mail in mails] == ["piket@ckg-limburg.be"]
    assert str(referral_id) in mails[0].body
    assert "Sofie" not in mails[0].body and "Lotte" not in mails[0].body
    assert mails[0].purpose == "ckg.crisis_alert"


def test_a_regular_referral_sends_no_alert(world):
    submit(world.client_for(users(world)["sara"]))
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        # Only the family's address confirmation goes out (tests/security/test_email_ckg.py).
        purposes = db.exec(select(OutboxMessage.purpose)).all()
    assert purposes == [FAMILY_MAIL]


def test_the_crisis_alert_is_really_delivered_over_smtp(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    world = build_world(probe_app(settings, tenants=CKG_TENANTS))
    submit(world.client_for(users(world)["sara"]), urgency="crisis")
    # The outbox sends right after the commit (the family's confirmation mail aside).
    delivered = [m for m in mail_sink.messages if m["To"] != "sofie@example.be"]
    assert [m["To"] for m in delivered] == ["piket@ckg-limburg.be"]
    assert "Crisisaanmelding in Aalst" in delivered[0]["Subject"]
