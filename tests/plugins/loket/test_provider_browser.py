"""The provider's side in Chromium: occupancy and placed children on the places page, then a
free-place report changed and withdrawn — real CSRF, strict CSP, no serious axe findings."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from core.identity.models import Organisation, OrganisationGrant
from plugins.loket import services
from plugins.loket.models import FreePlace, Proposal
from tests.plugins.loket.conftest import TODAY, make_location, make_request, tenant_db
from tests.plugins.loket.test_browser import assert_accessible, open_as, session_cookie

pytestmark = pytest.mark.browser


def test_a_provider_reads_its_occupancy_then_changes_and_withdraws_a_report(
    browser, live_server, browser_log, axe_violations
):
    app = live_server.app
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        organisation = Organisation(slug="kdv-browser", name="KDV Browser", kind="provider")
        db.add(organisation)
    with tenant_db(app) as db:
        db.add(OrganisationGrant(organisation_id=organisation.id, modules=["loket"]))
        location = make_location(
            db, "Zonnebloem", places=4, capacity=10, organisation_id=organisation.id, reserve=1
        )
        make_request(db, "Lotte", [location])
        services.run_round(db, reserved=[], seed=1, actor="test", today=TODAY)
        proposal = db.exec(select(Proposal)).one()
        services.confirm_proposal(db, proposal)
        services.accept_proposal(db, proposal)
        report_id = db.exec(select(FreePlace.id)).one()

    provider = open_as(
        browser,
        live_server,
        browser_log,
        session_cookie(live_server, "pieter", [], organisation=organisation.id),
    )
    provider.goto("/t/aalst/loket/plaatsen")
    expect(provider.get_by_role("table", name="Hier geplaatste kinderen")).to_contain_text(
        "Lotte Peeters"
    )
    expect(provider.get_by_role("table", name="Bezetting per leeftijdsgroep")).to_be_visible()
    assert_accessible(provider, axe_violations, "places with occupancy")

    provider.get_by_role("link", name="Wijzigen of intrekken").click()
    assert_accessible(provider, axe_violations, "change free places")
    provider.get_by_label("Aantal vrije plaatsen").fill("0")
    provider.get_by_role("button", name="Wijziging bewaren").click()
    expect(provider.get_by_role("alert")).to_be_visible()
    assert_accessible(provider, axe_violations, "change free places with an error")
    provider.get_by_label("Aantal vrije plaatsen").fill("3")
    provider.get_by_role("button", name="Wijziging bewaren").click()
    expect(provider.get_by_text("De vrije plaatsen zijn gewijzigd.")).to_be_visible()

    provider.get_by_role("link", name="Wijzigen of intrekken").click()
    # Withdrawing asks first: the warning button opens the confirmation step.
    provider.get_by_text("Deze plaatsen intrekken…").click()
    provider.get_by_role("button", name="Deze plaatsen intrekken", exact=True).click()
    expect(provider.get_by_text("2 vrije plaatsen zijn ingetrokken.")).to_be_visible()
    with tenant_db(app) as db:
        stored = db.get(FreePlace, report_id)
        assert (stored.places, stored.taken, stored.held_back) == (1, 1, 0)
    browser_log.assert_clean()
