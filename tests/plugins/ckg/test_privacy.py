"""Retention, the family's export and erasure, and consent as other plugins ask for it."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlmodel import select

from core import subjects
from core.db import utcnow
from core.models import Tenant, TenantPlugin
from core.plugin_types import DataSubject, SubjectRequester
from plugins.ckg.models import CaseNote, FamilyMember, Referral
from plugins.ckg.services import ReferralStatus
from tests.plugins.ckg.conftest import users
from tests.plugins.ckg.helpers import access_rows, stored, submit
from tests.support.apps import tenant_id


def _close(world, referral_id, *, closed_days_ago: int, tenant: str = "aalst") -> None:
    with world.app.extensions["opvangplein.db"].tenant_session(tenant_id(world.app, tenant)) as db:
        referral = db.get(Referral, referral_id)
        referral.status = ReferralStatus.CLOSED
        referral.outcome = "goals_reached"
        referral.closed_at = utcnow() - timedelta(days=closed_days_ago)
        db.add(referral)
        db.add(CaseNote(referral_id=referral_id, author="user:x", body="Moeder herstelt goed"))


def _family_rows(world, referral_id, tenant: str = "aalst") -> list[FamilyMember]:
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, tenant)) as db:
        return list(
            db.exec(select(FamilyMember).where(FamilyMember.referral_id == referral_id)).all()
        )


def _run_retention(world) -> str:
    result = world.app.test_cli_runner().invoke(args=["ckg", "anonymise-closed"])
    assert result.exit_code == 0, result.output
    return result.output


def test_retention_anonymises_referrals_closed_longer_than_five_years_by_default(world):
    sara = world.client_for(users(world)["sara"])
    old, recent = submit(sara), submit(sara)
    _close(world, old, closed_days_ago=5 * 366)
    _close(world, recent, closed_days_ago=4 * 365)
    output = _run_retention(world)
    assert "aalst: 1 referrals anonymised (retention 5 years)" in output
    anonymised = stored(world.app, old)
    assert anonymised.anonymised_at is not None
    assert anonymised.concern_summary == "" and anonymised.family_email == ""
    assert anonymised.referrer_user_id is None
    assert (anonymised.status, anonymised.requested_offer) == ("closed", "home")
    assert _family_rows(world, old) == []
    assert _family_rows(world, recent) != []
    assert stored(world.app, recent).anonymised_at is None


def test_retention_follows_the_municipalitys_setting(world):
    sara = world.client_for(users(world)["sara"])
    referral_id = submit(sara)
    _close(world, referral_id, closed_days_ago=400)
    with world.app.extensions["opvangplein.db"].tenant_session(tenant_id(world.app, "aalst")) as db:
        row = db.exec(select(TenantPlugin).where(TenantPlugin.plugin == "ckg")).one()
        row.settings = {**row.settings, "retention_years": 1}
        db.add(row)
    assert "aalst: 1 referrals anonymised (retention 1 years)" in _run_retention(world)
    assert stored(world.app, referral_id).anonymised_at is not None


def test_retention_leaves_open_referrals_alone_and_runs_twice_harmlessly(world):
    referral_id = submit(world.client_for(users(world)["sara"]))
    _run_retention(world)
    assert "aalst: 0 referrals anonymised" in _run_retention(world)
    assert stored(world.app, referral_id).anonymised_at is None


@contextmanager
def _tenant_db(world, tenant):
    """A tenant session inside an app context, as the core's privacy page would use it."""
    with (
        world.app.app_context(),
        world.app.extensions["opvangplein.db"].tenant_session(tenant.id) as db,
    ):
        yield db


def _tenant(world, slug="aalst"):
    with world.app.extensions["opvangplein.db"].session() as db:
        return db.exec(select(Tenant).where(Tenant.slug == slug)).one()


def test_a_parent_exports_what_the_ckg_plugin_holds_about_their_family(world):
    referral_id = submit(world.client_for(users(world)["sara"]))
    subject = DataSubject(email="Sofie@Example.be".lower())
    tenant = _tenant(world)
    with _tenant_db(world, tenant) as db:
        parts = subjects.export_subject(db, tenant, subject, requester=SubjectRequester.SELF)
    exported = next(part for part in parts if part.get("plugin") == "ckg")
    [referral] = exported["referrals_about_your_family"]
    assert referral["reference"] == f"CKG-{referral_id.hex[:8].upper()}"
    assert {member["name"] for member in referral["family"]} == {"Sofie Janssens", "Lotte"}
    assert "export" in {row.role for row in access_rows(world.app, referral_id)}


def test_export_for_someone_the_plugin_knows_nothing_about_is_empty(world):
    submit(world.client_for(users(world)["sara"]))
    tenant = _tenant(world)
    with _tenant_db(world, tenant) as db:
        parts = subjects.export_subject(db, tenant, DataSubject(email="niemand@example.be"))
    assert [part for part in parts if part.get("plugin") == "ckg"] == []


def test_erasure_anonymises_the_familys_referral_but_keeps_its_steps(world):
    referral_id = submit(world.client_for(users(world)["sara"]))
    tenant = _tenant(world)
    with _tenant_db(world, tenant) as db:
        rows = subjects.erase_subject(db, tenant, DataSubject(email="sofie@example.be"))
    assert rows >= 1
    referral = stored(world.app, referral_id)
    assert referral.anonymised_at is not None and referral.status == "submitted"
    assert _family_rows(world, referral_id) == []


def test_consent_for_a_case_is_answered_by_id_and_by_short_reference(world):
    from tests.plugins.ckg.conftest import organisation

    given = submit(world.client_for(users(world)["sara"]))
    overridden = submit(
        world.client_for(users(world)["sara"]),
        urgency="crisis",
        consent="overridden",
        consent_override_reason="crisis",
        consent_explanation="Acuut gevaar",
    )
    with world.app.extensions["opvangplein.db"].tenant_session(tenant_id(world.app, "aalst")) as db:
        for referral_id in (given, overridden):
            referral = db.get(Referral, referral_id)
            referral.network_consent_at = utcnow()
            db.add(referral)
    limburg = organisation(world.app, "ckg-limburg", "ckg").id
    tenant = _tenant(world)
    hooks = world.app.extensions["opvangplein.plugins"].for_plugins({"ckg"})
    brugge = _tenant(world, "brugge")
    database = world.app.extensions["opvangplein.db"]

    def ask(session, on, reference, taking_part=frozenset({limburg})):
        return hooks.consent_for_case(
            tenant=on,
            session=session,
            case_reference=reference,
            participant_organisation_ids=set(taking_part),
        )

    with world.app.app_context(), database.tenant_session(tenant.id) as session:
        by_id = ask(session, tenant, str(given))
        by_reference = ask(session, tenant, f"CKG-{overridden.hex[:8].upper()}")
        unknown = ask(session, tenant, "CKG-00000000")
    with world.app.app_context(), database.tenant_session(brugge.id) as session:
        elsewhere = ask(session, brugge, str(given))
    assert (by_id.given, by_id.basis) == (True, "consent")
    # A crisis override is no consent to discuss the family in a network.
    assert by_reference.given is False
    assert unknown is None and elsewhere is None


def test_the_familys_export_holds_its_offers_with_their_dates(world):
    from tests.plugins.ckg.helpers import antenna_named, step

    people = users(world)
    referral_id = submit(world.client_for(people["sara"]), urgency="crisis")
    karim = world.client_for(people["karim"])
    genk = antenna_named(world.app, "Antenne Genk")
    step(karim, referral_id, "received")
    step(karim, referral_id, "accepted", offer="home", antenna=str(genk.id), starts_on="2026-12-04")
    tenant = _tenant(world)
    with _tenant_db(world, tenant) as db:
        parts = subjects.export_subject(
            db, tenant, DataSubject(email="sofie@example.be"), requester=SubjectRequester.SELF
        )
    [referral] = next(part for part in parts if part.get("plugin") == "ckg")[
        "referrals_about_your_family"
    ]
    assert referral["offers"] == [
        {"offer": "home", "starts_on": "2026-12-04", "planned_end": None, "ended_on": None}
    ]
