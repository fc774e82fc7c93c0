"""In Chromium: a citizen registers for an info session, the school records attendance, runs the
intake and the enrolment, moves the candidate on the board (drag, and a button; htmx swaps the
board) and graduates them; the
citizen sees it in their path. axe-core finds no serious or critical violation on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plugins.training.models import InfoSession
from tests.plugins.training.conftest import TRAINING_TENANTS, build_world, people
from tests.plugins.training.helpers import candidate_by_email, give_extract, started
from tests.support.apps import probe_app
from tests.support.browser import (
    BrowserLog,
    assert_accessible,
    serve,
    signed_in_page,
)

pytestmark = pytest.mark.browser


def test_a_candidate_registers_the_school_enrols_and_graduates_them(
    browser, sqlite_settings, axe_violations
):
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True}, tenants=TRAINING_TENANTS)
    world = build_world(app)
    # No internship hours required: hours wait for a mentor's confirmation, a journey of its own
    # (test_browser_internship_hours.py); here the free-text placement has no mentor.
    cohort = world.programme_and_cohort("cvo-limburg", name="Avondopleiding 2027", hours=0)
    info_session = world.info_session("cvo-limburg", capacity=5)
    users = people(world)
    log = BrowserLog()
    with serve(app) as server:
        candidate = signed_in_page(browser, server, log, users["an"])
        candidate.goto("/t/aalst/opleiding/")
        assert_accessible(candidate, axe_violations)
        candidate.get_by_role("link", name="Inschrijven").first.click()
        candidate.fill("#given_name", "")
        candidate.get_by_role("button", name="Inschrijven").click()
        expect(candidate.locator("#error-summary")).to_be_visible()
        assert_accessible(candidate, axe_violations)
        candidate.fill("#given_name", "An")
        candidate.fill("#family_name", "Claes")
        # Her own address, proven by her provider: registered at once and linked to her path
        # (a typed address that is not hers would be answered by mail instead).
        candidate.fill("#email", "an@example.be")
        candidate.check("#interest-kinderbegeleider")
        candidate.check(f"#session-{info_session.id}")
        candidate.check("#contact_consent")
        candidate.get_by_role("button", name="Inschrijven").click()
        expect(candidate.locator(".registration-status")).to_have_text("Ingeschreven")
        assert_accessible(candidate, axe_violations)

        school = signed_in_page(browser, server, log, users["sara"])
        school.goto(f"/t/aalst/opleiding/infosessies/{info_session.id}")
        expect(school.locator(".attendance-not-yet")).to_be_visible()
        started(world, InfoSession, info_session.id)  # the evening of the session
        school.reload()
        assert_accessible(school, axe_violations)
        school.get_by_label("An Claes was aanwezig").check()
        school.get_by_role("button", name="Aanwezigheid bewaren").click()
        expect(school.get_by_role("status")).to_contain_text("1 aanwezig")
        school.get_by_role("link", name="An Claes").click()
        expect(school.locator(".candidate-stage")).to_have_text("Infosessie gevolgd")
        assert_accessible(school, axe_violations)

        school.check("#target-intake")
        school.select_option("#intake_outcome-select", "suitable")
        school.get_by_role("button", name="Stap bewaren").click()
        expect(school.locator(".candidate-stage")).to_have_text("Intakegesprek")
        school.check("#target-enrolled")
        school.select_option("#cohort-select", str(cohort.id))
        school.get_by_role("button", name="Stap bewaren").click()
        expect(school.locator(".candidate-stage")).to_have_text("Ingeschreven in een groep")
        assert_accessible(school, axe_violations)

        school.goto(f"/t/aalst/opleiding/groepen/{cohort.id}")
        assert_accessible(school, axe_violations)
        # Dragging the card onto the next column presses its button (an htmx swap).
        school.locator(".training-card").first.drag_to(
            school.locator('.training-board__column[data-stage="in_training"]')
        )
        expect(school.locator("#column-in_training")).to_contain_text("(1)")
        expect(school.locator("#column-enrolled")).to_contain_text("(0)")
        school.get_by_role("link", name="An Claes").first.click()
        # The extract (model 2) the internship needs, as staff would have received it.
        give_extract(world, candidate_by_email(app, "an@example.be").id)
        school.check("#target-internship")
        school.fill("#placement_name", "Kinderdagverblijf Zonnetje, Aalst")
        school.get_by_role("button", name="Stap bewaren").click()
        expect(school.locator(".candidate-stage")).to_have_text("Stage")
        school.goto(f"/t/aalst/opleiding/groepen/{cohort.id}")
        school.get_by_role("button", name="Naar: Afgestudeerd").click()  # the same without drag
        expect(school.locator("#column-graduated")).to_contain_text("(1)")
        assert_accessible(school, axe_violations)

        candidate.goto("/t/aalst/opleiding/mijn-traject")
        expect(candidate.locator(".candidate-stage")).to_have_text("Afgestudeerd")
        assert_accessible(candidate, axe_violations)
        school.context.close()
        candidate.context.close()
    log.assert_clean()
