"""The three main flows with the keyboard only, in Chromium (issue 19's "done means"): a parent
asks for childcare, a school refers a family to a CKG, a candidate registers for an info session
(and the training school moves candidates on to the next stage on its board, an htmx swap).

Nothing is clicked and no field is filled from outside: Tab and Shift+Tab move, the focused
element is typed into, Space ticks, arrow keys choose, Enter submits or follows. At every stop
the focus must be visible (an outline or a box shadow), and it must land where a keyboard user
expects: on the error summary after a refused submit, on the field a summary link names, on the
moved card after the board is swapped.
Signing in is not part of the journey (a session cookie, as after the identity provider).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from core.config import Settings
from plugins.training.services import Stage
from tests.plugins.ckg import conftest as ckg
from tests.plugins.loket.conftest import make_location, tenant_db
from tests.plugins.training import conftest as training
from tests.plugins.training.helpers import make_candidate
from tests.support.apps import probe_app
from tests.support.auth import grant_roles, make_user
from tests.support.browser import BrowserLog, serve, signed_in_page, wait_until_settled

pytestmark = pytest.mark.browser

TENANT = 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "loket", "ckg", "training"]\n'
# Where the focus is and whether a sighted keyboard user sees it; null once focus has left the
# document (past the last link, Tab goes to the browser's own controls).
FOCUS = r"""(selector) => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) return null;
  const style = getComputedStyle(element);
  const painted = (colour) => !/^(transparent|rgba\([^)]*,\s*0\))$/.test(colour.trim());
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && painted(style.outlineColor);
  const shadow = style.boxShadow !== "none" && painted(style.boxShadow.replace(/\)\s.*$/, ")"));
  return {
    ring: outline || shadow,
    matches: selector ? element.matches(selector) : false,
    where: `${element.tagName.toLowerCase()}#${element.id} ${(element.innerText || "").trim().slice(0, 40)}`,
  };
}"""
MOST_STOPS = 150


@pytest.fixture(scope="module")
def server(tmp_path_factory, browser):
    directory = tmp_path_factory.mktemp("keyboard")
    url = f"sqlite:///{directory / 'keyboard.sqlite3'}"
    app = probe_app(
        Settings(database_url=url, migration_database_url=url, tenants_dir=directory),
        config={"WTF_CSRF_ENABLED": True},
        tenants={"aalst": TENANT},
    )
    with tenant_db(app) as db:
        make_location(db, "Zonnebloem", places=1)
    ckg.organisation(app, "ckg-limburg", "ckg")
    ckg.grant(app, "aalst", "ckg-limburg")
    ckg.organisation(app, "school-de-linde", "school")
    ckg.grant(app, "aalst", "school-de-linde")
    training.organisation(app, "cvo-limburg")
    training.grant(app, "aalst", "cvo-limburg")
    with serve(app) as live:
        yield live


def focus(page: Page, selector: str | None = None) -> dict:
    where = page.evaluate(FOCUS, selector)
    assert where is not None, "the focus is on nothing (<body>)"
    assert where["ring"], f"the focus is not visible on {where['where']}"
    return where


def tab_to(page: Page, selector: str, *, back: bool = False) -> None:
    """Press Tab (Shift+Tab) until ``selector`` has the focus; the focus is visible at every stop."""
    for _ in range(MOST_STOPS):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        where = page.evaluate(FOCUS, selector)
        if where is None:
            continue  # past the end of the page, in the browser's own controls
        assert where["ring"], f"the focus is not visible on {where['where']}"
        if where["matches"]:
            return
    raise AssertionError(f"{selector} is not reachable with the keyboard")


@pytest.fixture(scope="module")
def date_order(browser) -> str:
    """The order in which this Chromium's date fields take their digits: it follows the
    browser's own language (day first in Belgium, month first in a US build), not the page's."""
    page = browser.new_page()
    page.set_content('<input type="date" id="probe">')
    page.focus("#probe")
    page.keyboard.type("01022003")
    typed = page.eval_on_selector("#probe", "field => field.value")
    page.close()
    return {"2003-02-01": "%d%m%Y", "2003-01-02": "%m%d%Y"}[typed]


def type_date(page: Page, day: date, order: str) -> None:
    """Type a date's digits into the focused date field; it moves on from segment to segment."""
    page.keyboard.type(day.strftime(order))
    assert page.evaluate("document.activeElement.value") == day.isoformat()


def choose_option(page: Page, text: str) -> None:
    """Arrow down a closed select until the option with ``text`` is chosen."""
    for _ in range(30):
        chosen = page.evaluate(
            "() => document.activeElement.selectedOptions[0]?.textContent.trim() || ''"
        )
        if text in chosen:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {text!r}")


def tick(page: Page) -> None:
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True


def choose_radio(page: Page, selector: str) -> None:
    """Within the focused radio group, arrow to ``selector`` (arrows check what they reach)."""
    for _ in range(10):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            if not page.evaluate("document.activeElement.checked"):
                page.keyboard.press("Space")
            assert page.evaluate("document.activeElement.checked") is True
            focus(page)
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{selector} is not in the focused radio group")


def submit(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")
    wait_until_settled(page)


def refused_submit_lands_on_the_summary(page: Page, button: str) -> None:
    tab_to(page, button)
    submit(page)
    where = focus(page, "#error-summary")
    assert where["matches"], f"after a refused submit the focus is on {where['where']}"


def follow_summary_link(page: Page, field: str, lands_on: str) -> None:
    """From the summary, Tab to the link that names ``field``; Enter puts the focus on it."""
    tab_to(page, f'#error-summary a[href="#{field}"]')
    page.keyboard.press("Enter")
    where = focus(page, lands_on)
    assert where["matches"], f"the link to #{field} put the focus on {where['where']}"


def test_a_parent_asks_for_childcare_with_the_keyboard_only(browser, server, date_order):
    parent = make_user(server.app, "ouder-toetsenbord")
    grant_roles(server.app, "aalst", parent, ["parent"])
    log = BrowserLog()
    page = signed_in_page(browser, server, log, parent)
    page.goto("/t/aalst/loket/aanvraag/nieuw")
    wait_until_settled(page)

    refused_submit_lands_on_the_summary(page, 'button[value="submit"]')
    follow_summary_link(page, "child_first_name", "#child_first_name")
    page.keyboard.type("Lotte")
    tab_to(page, "#child_last_name")
    page.keyboard.type("Claes")
    tab_to(page, "#birth_date")
    type_date(page, date.today() - timedelta(days=100), date_order)
    tab_to(page, "#desired_start")
    type_date(page, date.today() + timedelta(days=30), date_order)
    tab_to(page, "#day-mon-morning")
    tick(page)
    tab_to(page, "#preference_1")
    choose_option(page, "Zonnebloem")
    tab_to(page, "#situation-work_or_training")
    tick(page)
    tab_to(page, 'button[value="submit"]')
    submit(page)

    expect(page.get_by_role("heading", name="Je aanvraag is verstuurd")).to_be_visible()
    expect(page.get_by_text("Lotte Claes: referentie LK-")).to_be_visible()
    tab_to(page, 'a[href$="/loket/mijn-aanvragen"]')  # the way on, by keyboard
    tab_to(page, ".utrecht-skip-link")
    log.assert_clean()
    page.context.close()


def test_a_school_refers_a_family_to_the_ckg_with_the_keyboard_only(browser, server, date_order):
    teacher = ckg.member(server.app, "sara", "school-de-linde")
    log = BrowserLog()
    page = signed_in_page(browser, server, log, teacher)
    page.goto("/t/aalst/ckg/doorverwijzen")
    wait_until_settled(page)

    refused_submit_lands_on_the_summary(page, "form.utrecht-form button[type=submit]")
    # A group of radio buttons has no focus of its own: its link lands on the first option.
    follow_summary_link(page, "requested_offer", "#offer-home")
    choose_radio(page, "#offer-home")
    tab_to(page, "#parent-1-name", back=True)
    page.keyboard.type("Sofie Janssens")
    tab_to(page, "#child-1-name")
    page.keyboard.type("Lotte")
    tab_to(page, "#child-1-birth_date")
    type_date(page, date(2022, 3, 1), date_order)
    tab_to(page, "#domain-parenting")
    tick(page)
    tab_to(page, "[name=urgency]")
    choose_radio(page, "#urgency-soon")
    tab_to(page, "[name=consent]")
    choose_radio(page, "#consent-given")
    tab_to(page, "form.utrecht-form button[type=submit]")
    submit(page)

    expect(page.locator(".referral-status")).to_have_text("ingediend")
    log.assert_clean()
    page.context.close()


def test_a_candidate_registers_for_an_info_session_with_the_keyboard_only(browser, server):
    training.World(server.app).info_session("cvo-limburg", capacity=5)
    log = BrowserLog()
    page = signed_in_page(browser, server, log)
    page.goto("/t/aalst/opleiding/")
    wait_until_settled(page)

    tab_to(page, 'a[href*="/opleiding/inschrijven?sessie="]')
    submit(page)  # following the link: the session and its kind are chosen already
    refused_submit_lands_on_the_summary(page, "form.utrecht-form button[type=submit]")
    follow_summary_link(page, "given_name", "#given_name")
    page.keyboard.type("An")
    tab_to(page, "#family_name")
    page.keyboard.type("Claes")
    tab_to(page, "#email")
    page.keyboard.type("an.claes@example.be")
    tab_to(page, "#contact_consent")
    tick(page)
    tab_to(page, "form.utrecht-form button[type=submit]")
    submit(page)

    expect(page.locator("#registration-mailed")).to_be_visible()
    log.assert_clean()
    page.context.close()


def test_the_school_moves_a_candidate_on_the_board_and_the_focus_follows_the_card(browser, server):
    world = training.World(server.app)
    cohort = world.programme_and_cohort("cvo-limburg", name="Avondopleiding 2027")
    candidate = make_candidate(
        world, "cvo-limburg", stage=Stage.ENROLLED, cohort=cohort, given_name="Mila"
    )
    teacher = training.member(server.app, "docent-cvo", "cvo-limburg")
    log = BrowserLog()
    page = signed_in_page(browser, server, log, teacher)
    page.goto(f"/t/aalst/opleiding/groepen/{cohort.id}")
    wait_until_settled(page)

    tab_to(page, f"#card-{candidate} button")
    page.evaluate("window.__sameDocument = true")
    page.keyboard.press("Enter")
    expect(page.locator("#column-in_training")).to_contain_text("(1)")
    wait_until_settled(page)

    assert page.evaluate("window.__sameDocument"), "the board was loaded again, not swapped"
    # The button pressed went with the old board; the keyboard user stays with the card.
    where = focus(page, f'[data-stage="in_training"] #card-{candidate} a')
    assert where["matches"], f"after the move the focus is on {where['where']}"
    log.assert_clean()
    page.context.close()
