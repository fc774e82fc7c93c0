"""An erasure held because a CKG case is in guidance: the administrator who asked sees why
(which module, who keeps the data, the legal ground, since when, what next), the person sees the
same on their own data page, and another municipality's administrator sees nothing of it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.plugins.ckg.conftest import CKG_TENANTS, build_world, users
from tests.plugins.ckg.helpers import antenna_named, step, stored, submit
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as

ERASE = {"email": "sofie@example.be", "confirm_email": "sofie@example.be"}


@pytest.fixture
def world(sqlite_settings):
    return build_world(probe_app(sqlite_settings, tenants=CKG_TENANTS))


def _case_in_guidance(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    genk = antenna_named(world.app, "Antenne Genk")
    step(karim, referral_id, "received")
    step(karim, referral_id, "intake_planned", intake_on="2026-12-01")
    step(karim, referral_id, "accepted", offer="home", antenna=str(genk.id), starts_on="2026-12-15")
    assert step(karim, referral_id, "in_progress").status_code == 303
    return referral_id


def _admin(world, tenant="aalst"):
    client = world.app.test_client()
    signed_in_as(client, world.app, tenant, f"beheerder-{tenant}", ["tenant_admin"])
    return client


def _holds_section(page: str) -> str:
    assert 'id="erasure-holds"' in page, "no held erasure shown"
    return page.split('id="erasure-holds"')[1].split("</section>")[0]


def test_the_admin_sees_why_an_erasure_is_held_and_not_what_the_case_says(world):
    referral_id = _case_in_guidance(world)
    response = _admin(world).post("/t/aalst/beheer/privacy/wissen", data=ERASE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    held = _holds_section(page)
    assert "Nog niet gewist: bewaard op een wettelijke grond" in page
    assert "Centrum voor Kinderzorg en Gezinsondersteuning" in held
    assert "Ckg Limburg" in held  # who keeps the data
    assert "art. 17(3)(b)" in held and "wettelijke verplichting" in held
    assert "Verwijdering gevraagd op" in held
    assert "als taak" in held  # what happens next
    # The case content never reaches the administrator.
    assert "uitgeput" not in page and "Lotte" not in page and "0470" not in page
    assert stored(world.app, referral_id).anonymised_at is None


def test_another_municipalitys_admin_sees_no_hold(world):
    _case_in_guidance(world)
    assert _admin(world).post("/t/aalst/beheer/privacy/wissen", data=ERASE).status_code == 200
    elsewhere = _admin(world, "brugge").post("/t/brugge/beheer/privacy/wissen", data=ERASE)
    assert elsewhere.status_code == 200
    page = elsewhere.get_data(as_text=True)
    assert 'id="erasure-holds"' not in page and "Ckg Limburg" not in page


def test_the_parent_reads_on_their_own_data_page_that_the_erasure_is_held_and_why(world):
    _case_in_guidance(world)
    parent = world.app.test_client()
    signed_in_as(parent, world.app, "aalst", "sofie", ["parent"])
    before = parent.get("/t/aalst/mijn-gegevens").get_data(as_text=True)
    assert 'id="erasure-holds"' not in before
    assert _admin(world).post("/t/aalst/beheer/privacy/wissen", data=ERASE).status_code == 200
    page = parent.get("/t/aalst/mijn-gegevens").get_data(as_text=True)
    held = _holds_section(page)
    assert "Je vraag om je gegevens te wissen staat even stil" in page
    assert "Ckg Limburg" in held and "art. 17(3)(b)" in held
    # The same parent at another municipality has nothing held there.
    signed_in_as(parent, world.app, "brugge", "sofie", ["parent"])
    assert 'id="erasure-holds"' not in parent.get("/t/brugge/mijn-gegevens").get_data(as_text=True)


def test_the_command_line_says_which_erasure_is_held_and_why(world):
    _case_in_guidance(world)
    with world.app.app_context():
        erased = CliRunner().invoke(
            world.app.cli,
            ["subjects", "erase", "--tenant", "aalst", "--email", "sofie@example.be", "--yes"],
        )
    assert erased.exit_code == 0, erased.output
    assert "held by Ckg Limburg" in erased.output and "art. 17(3)(b)" in erased.output
