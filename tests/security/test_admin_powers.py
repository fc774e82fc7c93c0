"""Purpose-bound admin powers (issue 12, point 6).

An administrator runs the municipality; that does not make them the CKG, nor the parent:

* the tenant admin's privacy export (page and command line) names the CKG that holds a family's
  referral and tells the person to ask it; it never carries what the referral says;
* no admin (tenant or platform) answers a proposal made to a parent;
* staff acting for someone is recorded as such: the audit entry names the staff member as actor
  and the person as ``on_behalf_of``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.models import AuditEntry
from plugins.ckg.models import AccessLogEntry, CaseNote, Referral
from plugins.loket.models import ChildcareRequest, FreePlace, Proposal
from tests.plugins.ckg.conftest import CKG_TENANTS, build_world, users
from tests.plugins.ckg.helpers import step, submit
from tests.plugins.loket.conftest import LOKET_TENANTS, TODAY, make_location, make_request
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import make_user, sign_in, signed_in_as

# What the referral says (see tests.plugins.ckg.conftest.referral_form) and what the CKG adds.
REFERRAL_CONTENT = (
    "Mama raakt uitgeput",
    "woning is te klein",
    "Sofie Janssens",
    "Lotte",
    "2022-03-01",
    "parenting",
    "housing",
)
CASE_NOTE = "Vader drinkt, buurvrouw helpt soms"
MESSAGE_TO_REFERRER = "Intake gepland met mama"


def _reading(app):
    return app.extensions["opvangplein.db"].session(tenant_id(app, "aalst"))


def _writing(app):
    return app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst"))


# -- the privacy export leaves CKG case content out ---------------------------------------------


@pytest.fixture
def ckg_world(sqlite_settings):
    return build_world(probe_app(sqlite_settings, tenants=CKG_TENANTS))


def _referral_with_content(world):
    """A school refers Sofie's family; the CKG adds a note and a message to the referrer."""
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    assert step(karim, referral_id, "received").status_code == 303
    karim.post(f"/t/aalst/ckg/doorverwijzingen/{referral_id}/notities", data={"body": CASE_NOTE})
    karim.post(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}/bericht",
        data={"message": MESSAGE_TO_REFERRER},
    )
    with _reading(world.app) as db:
        assert db.exec(select(CaseNote).where(CaseNote.referral_id == referral_id)).first()
        assert db.get(Referral, referral_id).message_to_referrer == MESSAGE_TO_REFERRER
    return referral_id


def _assert_no_case_content(text: str) -> None:
    for sensitive in (*REFERRAL_CONTENT, CASE_NOTE, MESSAGE_TO_REFERRER):
        assert sensitive not in text, f"{sensitive!r} reached the administrator"


def test_the_tenant_admins_export_names_the_ckg_but_carries_no_referral_content(ckg_world):
    referral_id = _referral_with_content(ckg_world)
    admin = ckg_world.client_for(ckg_world.user("beheerder", "aalst", ["tenant_admin"]))
    response = admin.post("/t/aalst/beheer/privacy/export", data={"email": "sofie@example.be"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    _assert_no_case_content(text)
    [ckg] = [part for part in json.loads(text)["parts"] if part["plugin"] == "ckg"]
    [holder] = ckg["held_by"]
    assert holder["ckg"] == "Ckg Limburg"
    assert holder["referrals_about_the_family"] == [f"CKG-{referral_id.hex[:8].upper()}"]
    assert {"name": "Antenne Genk", "email": "piket@ckg-limburg.be", "phone": "011 00 00 00"} in (
        holder["how_to_reach"]
    )
    assert "Ckg Limburg" in ckg["ask_the_ckg"]
    # The look is on the referral's access log as the administrator's, not as a family export.
    with _reading(ckg_world.app) as db:
        looks = db.exec(select(AccessLogEntry).where(AccessLogEntry.referral_id == referral_id))
        roles = {(row.role, row.action) for row in looks}
    assert ("tenant_admin", "privacy_pointer") in roles and ("export", "export") not in roles


def test_a_platform_admins_export_carries_no_referral_content_either(ckg_world):
    _referral_with_content(ckg_world)
    platform_admin = make_user(ckg_world.app, "platform-beheer", platform_admin=True)
    response = ckg_world.client_for(platform_admin).post(
        "/t/aalst/beheer/privacy/export", data={"email": "sofie@example.be"}
    )
    assert response.status_code == 200
    _assert_no_case_content(response.get_data(as_text=True))
    assert "Ckg Limburg" in response.get_data(as_text=True)


def test_the_command_line_export_names_the_ckg_but_carries_no_referral_content(ckg_world):
    _referral_with_content(ckg_world)
    with ckg_world.app.app_context():
        result = ckg_world.app.test_cli_runner().invoke(
            args=["subjects", "export", "--tenant", "aalst", "--email", "sofie@example.be"]
        )
    assert result.exit_code == 0, result.output
    _assert_no_case_content(result.output)
    [ckg] = [part for part in json.loads(result.output) if part["plugin"] == "ckg"]
    assert [holder["ckg"] for holder in ckg["held_by"]] == ["Ckg Limburg"]


def test_the_family_still_downloads_what_was_passed_on_about_it(ckg_world):
    """Mijn gegevens keeps the family's read-only view (README: what was passed on, status,
    message); the CKG's own notes stay with the CKG, on request."""
    _referral_with_content(ckg_world)
    sofie = ckg_world.client_for(ckg_world.user("sofie", "aalst", ["parent"]))
    response = sofie.get("/t/aalst/mijn-gegevens/download")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for passed_on in (*REFERRAL_CONTENT, MESSAGE_TO_REFERRER):
        assert passed_on in text
    assert CASE_NOTE not in text


def test_an_admin_erasure_reports_a_count_and_no_referral_content(ckg_world):
    referral_id = _referral_with_content(ckg_world)
    admin = ckg_world.client_for(ckg_world.user("beheerder", "aalst", ["tenant_admin"]))
    response = admin.post(
        "/t/aalst/beheer/privacy/wissen",
        data={"email": "sofie@example.be", "confirm_email": "sofie@example.be"},
    )
    assert response.status_code == 200
    _assert_no_case_content(response.get_data(as_text=True))
    with _reading(ckg_world.app) as db:
        assert db.get(Referral, referral_id).anonymised_at is not None
        [erased] = db.exec(select(AuditEntry).where(AuditEntry.action == "subject.erased")).all()
    _assert_no_case_content(json.dumps(erased.detail))


# -- nobody answers a parent's proposal for them ------------------------------------------------


@pytest.fixture
def loket_app(sqlite_settings):
    return probe_app(sqlite_settings, tenants=LOKET_TENANTS)


def _proposal_to_a_parent(app):
    parent = make_user(app, "ouder-an")
    with _writing(app) as db:
        location = make_location(db, "De Speelboom", places=1)
        free_place = db.exec(select(FreePlace)).one()
        row = make_request(db, "Noor", [location], parent_user_id=parent.id)
        proposal = Proposal(
            request_id=row.id,
            location_id=location.id,
            free_place_id=free_place.id,
            status="awaiting_parent",
            deadline=datetime.now(UTC) + timedelta(days=3),
        )
        db.add(proposal)
    return parent, row.id, proposal.id


def _proposal_status(app, proposal_id) -> str:
    with _reading(app) as db:
        return db.get(Proposal, proposal_id).status


def _admin_clients(app):
    tenant_admin = app.test_client()
    signed_in_as(tenant_admin, app, "aalst", "beheerder", ["tenant_admin"])
    both = app.test_client()
    signed_in_as(both, app, "aalst", "beheerder-en-loket", ["tenant_admin", "staff:loket"])
    platform_admin = app.test_client()
    sign_in(platform_admin, app, "aalst", make_user(app, "platform-beheer", platform_admin=True))
    return {"tenant admin": tenant_admin, "admin and staff": both, "platform admin": platform_admin}


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_no_admin_answers_a_parents_proposal(loket_app, answer):
    parent, request_id, proposal_id = _proposal_to_a_parent(loket_app)
    for who, client in _admin_clients(loket_app).items():
        response = client.post(
            f"/t/aalst/loket/voorstel/{proposal_id}/antwoord", data={"answer": answer}
        )
        assert response.status_code == 403, who
        assert _proposal_status(loket_app, proposal_id) == "awaiting_parent", who
        withdraw = client.post(f"/t/aalst/loket/aanvraag/{request_id}/andere-intrekken")
        assert withdraw.status_code == 403, who
    # The parent themselves still answers.
    own = loket_app.test_client()
    signed_in_as(own, loket_app, "aalst", "ouder-an", ["parent"])
    assert own.post(
        f"/t/aalst/loket/voorstel/{proposal_id}/antwoord", data={"answer": answer}
    ).status_code in (302, 303)
    assert _proposal_status(loket_app, proposal_id) == (
        "accepted" if answer == "accept" else "declined"
    )


def test_an_admin_who_is_also_a_parent_answers_only_their_own_proposal(loket_app):
    _, _, proposal_id = _proposal_to_a_parent(loket_app)
    admin_parent = loket_app.test_client()
    signed_in_as(admin_parent, loket_app, "aalst", "beheerder-ouder", ["tenant_admin", "parent"])
    response = admin_parent.post(
        f"/t/aalst/loket/voorstel/{proposal_id}/antwoord", data={"answer": "accept"}
    )
    assert response.status_code in (403, 404)
    assert _proposal_status(loket_app, proposal_id) == "awaiting_parent"


def test_an_admin_has_no_personal_pages_of_a_parent_or_a_starter(loket_app):
    client = _admin_clients(loket_app)["tenant admin"]
    assert client.get("/t/aalst/loket/mijn-aanvragen").status_code == 403
    # Staff work stays with the admin: the admin still opens the loket's work list.
    assert client.get("/t/aalst/loket/werklijst").status_code == 200


# -- staff acting for someone is recorded as such -----------------------------------------------


def _entries(app, action: str) -> list[AuditEntry]:
    with _reading(app) as db:
        return list(db.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def _request_form(location_id) -> dict:
    return {
        "child_first_name": "Lotte",
        "child_last_name": "Claes",
        "birth_date": (TODAY - timedelta(days=120)).isoformat(),
        "desired_start": (TODAY + timedelta(days=40)).isoformat(),
        "days": ["mon-morning"],
        "preference_1": str(location_id),
        "language": "nl",
        "situation": ["work_or_training"],
        "origin": "phone",
        "parent_email": "bert@example.be",
        "action": "submit",
    }


def test_staff_registering_a_request_for_a_parent_is_audited_on_the_parents_behalf(loket_app):
    with _writing(loket_app) as db:
        location_id = make_location(db, "De Speelboom").id
    client = loket_app.test_client()
    staff = signed_in_as(client, loket_app, "aalst", "loket-medewerker", ["staff:loket"])
    assert client.post("/t/aalst/loket/aanvraag/nieuw", data=_request_form(location_id)).status_code
    with _reading(loket_app) as db:
        row = db.exec(select(ChildcareRequest)).one()
    [entry] = _entries(loket_app, "loket.request_submitted")
    assert entry.actor == f"user:{staff.id}"
    assert entry.on_behalf_of == f"loket_request:{row.id}"
    assert entry.object_id == str(row.id)
    # The audit log is append-only and outlives an erasure: it never names the parent.
    assert "bert@example.be" not in json.dumps(entry.detail) + entry.on_behalf_of


def test_a_parent_registering_their_own_request_acts_on_nobodys_behalf(loket_app):
    with _writing(loket_app) as db:
        location_id = make_location(db, "De Speelboom").id
    client = loket_app.test_client()
    parent = signed_in_as(client, loket_app, "aalst", "ouder-an", ["parent"])
    client.post("/t/aalst/loket/aanvraag/nieuw", data=_request_form(location_id))
    [entry] = _entries(loket_app, "loket.request_submitted")
    assert (entry.actor, entry.on_behalf_of) == (f"user:{parent.id}", "")


def test_an_emergency_placement_and_a_withdrawal_by_staff_name_the_parent(loket_app):
    parent = make_user(loket_app, "ouder-an")
    with _writing(loket_app) as db:
        location = make_location(db, "De Speelboom", places=2)
        free_place = db.exec(select(FreePlace)).one()
        free_place.held_back = 1
        db.add(free_place)
        placed = make_request(db, "Noor", [location], parent_user_id=parent.id)
        withdrawn = make_request(db, "Wout", [location])
    client = loket_app.test_client()
    staff = signed_in_as(client, loket_app, "aalst", "loket-medewerker", ["staff:loket"])
    client.post(
        f"/t/aalst/loket/aanvragen/{placed.id}/noodopvang",
        data={"free_place_id": str(free_place.id)},
    )
    client.post(f"/t/aalst/loket/aanvraag/{withdrawn.id}/intrekken", data={"confirm": "yes"})
    [emergency] = _entries(loket_app, "loket.emergency_placement")
    assert (emergency.actor, emergency.on_behalf_of) == (f"user:{staff.id}", f"user:{parent.id}")
    [withdrawal] = _entries(loket_app, "loket.request_withdrawn")
    assert (withdrawal.actor, withdrawal.on_behalf_of) == (
        f"user:{staff.id}",
        f"loket_request:{withdrawn.id}",
    )


def test_a_referrer_recording_the_familys_consent_is_audited_on_the_familys_behalf(ckg_world):
    people = users(ckg_world)
    referral_id = submit(ckg_world.client_for(people["sara"]))
    [entry] = _entries(ckg_world.app, "ckg.referral_submitted")
    assert entry.actor == f"user:{people['sara'].id}"
    assert entry.on_behalf_of == f"ckg_referral:{referral_id}"
    assert entry.detail == {"consent": "given"}
