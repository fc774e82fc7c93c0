"""Case consultation: a pseudonymous reference, purpose and participants; family details only
with consent — asked of the plugin that owns consent (``consent_for_case``), else recorded here."""

from __future__ import annotations

import re
import types
from datetime import date

import pytest
from sqlmodel import select

from core.hookspecs import hookimpl
from core.models import AuditEntry
from core.plugin_types import ConsentRecord, PluginManifest
from plugins.networks.models import CaseConsultation
from tests.plugins.networks.conftest import build_world, networks_app
from tests.support.pages import without_csrf_tokens

# The throw-away consent owner knows two families: one consented, one withdrew consent.
CONSENTS = {
    "CKG-GOEDGEKEURD": ConsentRecord(given=True, recorded_at=date(2026, 11, 2), basis="consent"),
    "CKG-INGETROKKEN": ConsentRecord(given=False, recorded_at=date(2026, 11, 3), basis="refused"),
}
asked: list[tuple[str, str]] = []


def _consent_owner() -> types.ModuleType:
    plugin = types.ModuleType("throwaway_consent_owner")

    @hookimpl
    def plugin_manifest():
        return PluginManifest(name="consentowner", title_nl="Toestemming", title_en="Consent")

    @hookimpl
    def consent_for_case(tenant, case_reference):
        asked.append((tenant.slug, case_reference))
        return CONSENTS.get(case_reference)

    plugin.plugin_manifest = plugin_manifest
    plugin.consent_for_case = consent_for_case
    return plugin


TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "networks", "consentowner"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe", "networks"]\n',
}


@pytest.fixture
def world(sqlite_settings):
    asked.clear()
    app = networks_app(
        sqlite_settings, tenants=TENANTS, extra_plugins=[("consentowner", _consent_owner())]
    )
    return build_world(app)


def _open_case(world, client, participants=None) -> str:
    participants = participants or [world.ckg_member_id, world.school_member_id]
    response = client.post(
        f"/t/aalst/netwerken/{world.network_id}/casusoverleg",
        data={
            "purpose": "Overgang naar de kleuterschool afstemmen",
            "participants": [str(p) for p in participants],
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_a_case_records_only_a_pseudonymous_reference_purpose_and_participants(world):
    case_id = _open_case(world, world.client("els"))
    with world.db() as db:
        case = db.exec(select(CaseConsultation)).one()
    assert re.fullmatch(r"CASE-[2-9A-HJ-NP-Z]{4}", case.reference)
    assert case.purpose == "Overgang naar de kleuterschool afstemmen"
    assert set(case.participant_member_ids) == {
        str(world.ckg_member_id),
        str(world.school_member_id),
    }
    assert case.family_details == "" and case.consent_source == ""
    page = world.client("sara").get(f"/t/aalst/netwerken/casusoverleg/{case_id}")
    assert case.reference in page.get_data(as_text=True)


def test_family_details_are_refused_until_consent_is_recorded(world):
    els = world.client("els")
    case_id = _open_case(world, els)
    response = els.post(
        f"/t/aalst/netwerken/casusoverleg/{case_id}/gezin",
        data={"family_details": "Mama Nadia, drie kinderen"},
    )
    assert response.status_code == 422
    assert "pas worden vastgelegd als de toestemming" in response.get_data(as_text=True)
    with world.db() as db:
        assert db.exec(select(CaseConsultation)).one().family_details == ""


def test_with_a_consent_owner_the_hook_decides(world):
    els = world.client("els")
    case_id = _open_case(world, els)
    refused = els.post(
        f"/t/aalst/netwerken/casusoverleg/{case_id}/toestemming",
        data={"consent_case_reference": "CKG-INGETROKKEN"},
    )
    unknown = els.post(
        f"/t/aalst/netwerken/casusoverleg/{case_id}/toestemming",
        data={"consent_case_reference": "CKG-ONBEKEND"},
    )
    # A local record is not accepted where a plugin owns consent.
    local = els.post(
        f"/t/aalst/netwerken/casusoverleg/{case_id}/toestemming",
        data={"consent_basis": "mondeling", "consent_confirmed": "1"},
    )
    assert (refused.status_code, unknown.status_code, local.status_code) == (422, 422, 422)
    assert ("aalst", "CKG-INGETROKKEN") in asked and ("aalst", "CKG-ONBEKEND") in asked

    given = els.post(
        f"/t/aalst/netwerken/casusoverleg/{case_id}/toestemming",
        data={"consent_case_reference": "CKG-GOEDGEKEURD"},
    )
    assert given.status_code == 303
    saved = els.post(
        f"/t/aalst/netwerken/casusoverleg/{case_id}/gezin",
        data={"family_details": "Mama Nadia, drie kinderen"},
    )
    assert saved.status_code == 303
    with world.db() as db:
        case = db.exec(select(CaseConsultation)).one()
        actions = set(db.exec(select(AuditEntry.action)).all())
    assert (case.consent_source, case.consent_case_reference, case.family_details) == (
        "hook",
        "CKG-GOEDGEKEURD",
        "Mama Nadia, drie kinderen",
    )
    assert {"networks.case_consent_recorded", "networks.case_family_details_saved"} <= actions
    assert "Mama Nadia" in els.get(f"/t/aalst/netwerken/casusoverleg/{case_id}").get_data(
        as_text=True
    )


def test_consent_withdrawn_at_the_owner_closes_the_family_details_again(world):
    els = world.client("els")
    case_id = _open_case(world, els)
    els.post(
        f"/t/aalst/netwerken/casusoverleg/{case_id}/toestemming",
        data={"consent_case_reference": "CKG-GOEDGEKEURD"},
    )
    els.post(
        f"/t/aalst/netwerken/casusoverleg/{case_id}/gezin",
        data={"family_details": "Mama Nadia, drie kinderen"},
    )
    CONSENTS["CKG-GOEDGEKEURD"] = ConsentRecord(given=False, basis="refused")
    try:
        page = els.get(f"/t/aalst/netwerken/casusoverleg/{case_id}").get_data(as_text=True)
        assert "Mama Nadia" not in page
        again = els.post(
            f"/t/aalst/netwerken/casusoverleg/{case_id}/gezin", data={"family_details": "Nieuw"}
        )
        assert again.status_code == 422
    finally:
        CONSENTS["CKG-GOEDGEKEURD"] = ConsentRecord(
            given=True, recorded_at=date(2026, 11, 2), basis="consent"
        )


def test_without_a_consent_owner_consent_is_recorded_here_with_who_when_and_basis(world):
    from tests.plugins.networks.conftest import add_member, add_network

    network_id = add_network(world.app, "brugge", "Overleg kinderarmoede Brugge-Centrum")
    member_id = add_member(world.app, "brugge", network_id, "OCMW Brugge")
    staff = world.client("bart", "brugge", roles=["staff:networks"])
    response = staff.post(
        f"/t/brugge/netwerken/{network_id}/casusoverleg",
        data={"purpose": "Sociaal tarief voor de opvang", "participants": [str(member_id)]},
    )
    assert response.status_code == 303
    case_id = response.headers["Location"].rsplit("/", 1)[1]
    page = staff.get(f"/t/brugge/netwerken/casusoverleg/{case_id}").get_data(as_text=True)
    assert 'name="consent_basis"' in page and 'name="consent_case_reference"' not in page
    unconfirmed = staff.post(
        f"/t/brugge/netwerken/casusoverleg/{case_id}/toestemming",
        data={"consent_basis": "Getekend formulier"},
    )
    assert unconfirmed.status_code == 422
    confirmed = staff.post(
        f"/t/brugge/netwerken/casusoverleg/{case_id}/toestemming",
        data={
            "consent_basis": "Getekend formulier van 20/11/2026, beide ouders",
            "consent_confirmed": "1",
        },
    )
    assert confirmed.status_code == 303
    assert (
        staff.post(
            f"/t/brugge/netwerken/casusoverleg/{case_id}/gezin",
            data={"family_details": "Papa werkt in ploegen"},
        ).status_code
        == 303
    )
    with world.db("brugge") as db:
        case = db.exec(select(CaseConsultation)).one()
    assert case.consent_source == "local"
    assert case.consent_basis.startswith("Getekend formulier")
    assert case.consent_recorded_by.startswith("user:") and case.consent_recorded_at is not None
    assert case.family_details == "Papa werkt in ploegen"
    assert asked == []  # Brugge has no consent owner: the hook was never asked there


def test_only_participants_and_staff_read_a_case(world):
    els = world.client("els")
    case_id = _open_case(world, els, participants=[world.ckg_member_id])
    assert world.client("sara").get(f"/t/aalst/netwerken/casusoverleg/{case_id}").status_code == 404
    assert (
        world.client("pieter").get(f"/t/aalst/netwerken/casusoverleg/{case_id}").status_code == 404
    )
    staff = world.client("greet", roles=["staff:networks"])
    assert staff.get(f"/t/aalst/netwerken/casusoverleg/{case_id}").status_code == 200


def test_participants_must_be_members_of_the_network(world):
    response = world.client("els").post(
        f"/t/aalst/netwerken/{world.network_id}/casusoverleg",
        data={"purpose": "Iets", "participants": ["not-an-id"]},
    )
    assert response.status_code == 422


def _real_ckg_world(sqlite_settings):
    """Gent enables the ckg plugin; CKG Oost holds three referrals: the family agreed to a case
    consultation, agreed only to the referral, or refused."""
    from core.db import utcnow
    from plugins.ckg import store as ckg_store
    from plugins.ckg.services import ReferralInput
    from tests.plugins.networks.conftest import add_member, add_network, organisation

    app = networks_app(sqlite_settings)
    world = build_world(app)
    ckg = organisation(app, "ckg-oost", "ckg")
    references = {}
    with world.db("gent") as db:
        for name, consent in (("network", "given"), ("given", "given"), ("refused", "refused")):
            referral = ckg_store.create_referral(
                db,
                ReferralInput(
                    organisation_id=ckg.id,
                    requested_offer="home",
                    urgency="regular",
                    consent=consent,
                    concern_summary="Ondersteuning thuis",
                ),
                actor="test",
                now=utcnow(),
            )
            if name == "network":
                referral.network_consent_at = utcnow()
            references[name] = ckg_store.reference(referral)
    network_id = add_network(app, "gent", "Huis van het Kind Gent")
    members = {
        "ocmw": add_member(app, "gent", network_id, "OCMW Gent"),
        "ckg": add_member(app, "gent", network_id, "CKG Oost", "ckg-oost", sector="ckg"),
    }
    staff = world.client("gwen", "gent", roles=["staff:networks"])

    def open_case(*participants) -> str:
        response = staff.post(
            f"/t/gent/netwerken/{network_id}/casusoverleg",
            data={
                "purpose": "Opvang na de bevalling",
                "participants": [str(members[p]) for p in participants],
            },
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        return response.headers["Location"].split("/t/gent")[-1]

    return staff, references, open_case


def test_the_real_ckg_plugin_answers_for_its_referrals(sqlite_settings):
    """Only the consent the family gave for a case consultation counts, where the CKG takes part."""
    staff, references, open_case = _real_ckg_world(sqlite_settings)
    case_url = open_case("ocmw", "ckg")
    consent_url = f"/t/gent{case_url}/toestemming"
    for name in ("refused", "given"):  # consent to the referral is not consent to a network
        response = staff.post(consent_url, data={"consent_case_reference": references[name]})
        assert response.status_code == 422, name
    assert (
        staff.post(consent_url, data={"consent_case_reference": references["network"]}).status_code
        == 303
    )
    saved = staff.post(f"/t/gent{case_url}/gezin", data={"family_details": "Alleenstaande mama"})
    assert saved.status_code == 303


def test_a_ckg_consent_cannot_be_borrowed_where_the_ckg_takes_no_part(sqlite_settings):
    """An unrelated party typing a real reference gets exactly the made-up reference's answer."""
    staff, references, open_case = _real_ckg_world(sqlite_settings)
    case_path = open_case("ocmw")
    staff.get(f"/t/gent{case_path}")  # reads the confirmation that the case was opened
    consent_url = f"/t/gent{case_path}/toestemming"
    real = staff.post(consent_url, data={"consent_case_reference": references["network"]})
    made_up = staff.post(consent_url, data={"consent_case_reference": "CKG-0BADF00D"})
    assert real.status_code == made_up.status_code == 422
    message = "Voor deze referentie is geen toestemming van het gezin geregistreerd."
    real_text = without_csrf_tokens(real.get_data(as_text=True))
    made_up_text = without_csrf_tokens(made_up.get_data(as_text=True))
    assert message in real_text and message in made_up_text
    assert real_text.replace(references["network"], "X") == made_up_text.replace(
        "CKG-0BADF00D", "X"
    )


def test_a_partner_opens_a_case_only_with_its_own_organisation_taking_part(world):
    response = world.client("sara").post(
        f"/t/aalst/netwerken/{world.network_id}/casusoverleg",
        data={"purpose": "Overgang naar school", "participants": [str(world.ckg_member_id)]},
    )
    assert response.status_code == 422


def test_each_step_of_a_case_consultation_is_confirmed_in_the_page(world):
    """After every change the coordinator reads what was saved (issue 21)."""
    els = world.client("els")
    case_id = _open_case(world, els)
    opened = els.get(f"/t/aalst/netwerken/casusoverleg/{case_id}").get_data(as_text=True)
    assert "Casusoverleg geopend" in opened
    given = els.post(
        f"/t/aalst/netwerken/casusoverleg/{case_id}/toestemming",
        data={"consent_case_reference": "CKG-GOEDGEKEURD"},
        follow_redirects=True,
    )
    assert "Toestemming vastgelegd" in given.get_data(as_text=True)
    saved = els.post(
        f"/t/aalst/netwerken/casusoverleg/{case_id}/gezin",
        data={"family_details": "Mama Nadia, drie kinderen"},
        follow_redirects=True,
    )
    assert "Gezinsgegevens bewaard" in saved.get_data(as_text=True)
