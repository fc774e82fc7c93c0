"""The page shell in a real browser: htmx swaps, CSRF header, strict CSP, accessibility (axe)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect
from sqlmodel import select

from tests.support.apps import tenant_id
from tests.support.browser import wait_until_settled

pytestmark = pytest.mark.browser

PLATFORM = "/"
HOME = "/t/aalst/"
ADMIN = "/t/aalst/beheer/"
PROBE_ROW = "#plugin-probe"
PROBE_TOGGLE = "#plugin-probe-toggle"
PROBE_MENU_LINK = 'nav.site-nav a[href="/t/aalst/probe/"]'
THEME_FORM = 'form[action="/t/aalst/beheer/thema"]'
SAVE_THEME = f"{THEME_FORM} button[type=submit]:not([name=preview])"
PREVIEW_THEME = f"{THEME_FORM} button[name=preview]"
SEVERE_IMPACTS = {"serious", "critical"}


def toggle_probe(page: Page) -> Response:
    """Press the probe row's enable/disable button; return the htmx response."""
    with page.expect_response(
        lambda response: (
            response.url.endswith("/t/aalst/beheer/modules/probe")
            and response.request.method == "POST"
        )
    ) as answer:
        page.locator(f"{PROBE_ROW} button").click()
    return answer.value


def probe_is_offered_for(page: Page, action: str) -> None:
    """Wait until the swapped row offers ``action`` ("1" = enable, "0" = disable)."""
    expect(page.locator(f'{PROBE_ROW} input[name="enabled"]')).to_have_value(action)


def assert_no_severe_violations(violations: list[dict], where: str) -> None:
    severe = [v for v in violations if v["impact"] in SEVERE_IMPACTS]
    summary = "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})\n"
        + "\n".join(
            f"      {', '.join(node['target'])}: {node.get('failureSummary', '')}"
            for node in v["nodes"][:5]
        )
        for v in severe
    )
    assert not severe, f"axe found serious accessibility problems on {where}:\n{summary}"


def test_toggling_a_module_swaps_only_the_module_list(admin_page: Page, browser_log):
    admin_page.goto(ADMIN)
    status = admin_page.locator(f"{PROBE_ROW} .plugin-status")
    enabled_text = status.inner_text()
    expect(admin_page.locator(PROBE_MENU_LINK)).to_have_count(1)
    admin_page.evaluate(
        "() => { window.__marker = 1; window.__oldList = document.getElementById('plugin-list') }"
    )

    response = toggle_probe(admin_page)

    assert response.status == 200
    assert response.request.all_headers().get("hx-request") == "true"
    fragment = response.text()
    assert "<html" not in fragment.lower()
    assert fragment.lstrip().startswith('<div id="plugin-list">')
    # Switching off first says what stops working; nothing changed yet (issue 21).
    expect(admin_page.locator("#plugin-probe-warning")).to_contain_text("404")
    assert status.inner_text() == enabled_text
    expect(admin_page.locator(PROBE_TOGGLE)).to_be_focused()  # keyboard users keep their place
    wait_until_settled(admin_page)
    with admin_page.expect_response(
        lambda answer: answer.url.endswith("/t/aalst/beheer/modules/probe")
    ) as confirmed:
        admin_page.locator("#plugin-probe-confirm").click()
    assert confirmed.value.status == 200
    probe_is_offered_for(admin_page, "1")
    assert status.inner_text() != enabled_text
    assert admin_page.evaluate("window.__marker") == 1, "the page navigated instead of swapping"
    assert admin_page.evaluate("window.__oldList.isConnected") is False, "the list was not swapped"
    expect(admin_page.locator(PROBE_MENU_LINK)).to_have_count(1)  # the nav is not part of the swap

    admin_page.reload()
    expect(admin_page.locator(PROBE_MENU_LINK)).to_have_count(0)

    admin_page.evaluate("window.__marker = 2")
    assert toggle_probe(admin_page).status == 200
    probe_is_offered_for(admin_page, "0")
    assert status.inner_text() == enabled_text
    assert admin_page.evaluate("window.__marker") == 2
    admin_page.reload()
    expect(admin_page.locator(PROBE_MENU_LINK)).to_have_count(1)
    browser_log.assert_clean()


def test_htmx_requests_carry_the_csrf_token_in_a_header(admin_page: Page, browser_log):
    admin_page.goto(ADMIN)
    body_headers = admin_page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))")
    # Without the form's hidden field, only the header from <body hx-headers> can pass CSRF.
    admin_page.evaluate(f"document.querySelector('{PROBE_ROW} input[name=csrf_token]').remove()")

    response = toggle_probe(admin_page)

    assert response.request.all_headers().get("x-csrftoken") == body_headers["X-CSRFToken"]
    assert response.status == 200
    # Accepted: the server answers with the switch-off warning to confirm (issue 21).
    expect(admin_page.locator("#plugin-probe-warning")).to_be_visible()
    browser_log.assert_clean()


def test_pages_raise_no_csp_violations_or_script_errors(admin_page: Page, browser_log):
    for path in (PLATFORM, HOME, ADMIN):
        assert admin_page.goto(path).status == 200
    # htmx swaps are watched by the same log in the tests that toggle modules.
    with admin_page.expect_navigation():
        admin_page.locator(".language-switch a").click()
    assert admin_page.url.endswith(ADMIN)
    admin_page.fill("#theme-accent", "rood")
    with admin_page.expect_navigation():
        admin_page.locator(SAVE_THEME).click()

    assert not browser_log.csp_violations, browser_log.csp_violations
    browser_log.assert_clean()


def test_switching_language_after_a_rejected_form_lands_on_a_working_page(admin_page: Page):
    admin_page.goto(ADMIN)
    admin_page.fill("#theme-primary", "rood")
    with admin_page.expect_navigation():
        admin_page.locator(SAVE_THEME).click()
    # The error page's address only answers POST; returning there would be a 405.
    with admin_page.expect_navigation() as navigation:
        admin_page.locator(".language-switch a").click()

    assert navigation.value.status == 200
    assert admin_page.url.endswith(HOME)


def test_a_refused_toggle_shows_the_servers_explanation_in_place(admin_page: Page, browser_log):
    """htmx drops 4xx bodies by default; the admin's 409 fragment explains the refusal.

    The probe app has no module that requires another, so the browser plays the server's 409.
    """
    admin_page.goto(ADMIN)
    refusal = '<div id="plugin-list"><p role="alert" id="refusal">Schakel eerst Loket in.</p></div>'
    admin_page.route(
        "**/beheer/modules/probe",
        lambda route: route.fulfill(status=409, content_type="text/html", body=refusal),
    )

    assert toggle_probe(admin_page).status == 409

    expect(admin_page.locator("#plugin-list #refusal")).to_be_visible()
    assert admin_page.evaluate("document.querySelectorAll('#plugin-list').length") == 1
    assert browser_log.console == [], "htmx treated the answer as an error"
    assert browser_log.page_errors == []


@pytest.mark.parametrize("status", [403, 429, 500])
def test_a_failed_htmx_request_shows_the_servers_explanation_in_the_page(
    admin_page: Page, live_server, status
):
    """htmx swaps nothing on a 403, 429 or 500: the error page's title and message show in the
    page's alert (a live region) instead."""
    from core.errors import render_error

    with live_server.app.test_request_context("/"):
        body, _ = render_error(status)
        title, message = _error_texts(body)
    admin_page.goto(ADMIN)
    problem = admin_page.locator("#request-problem")
    expect(problem).to_be_hidden()
    admin_page.route(
        "**/beheer/modules/probe",
        lambda route: route.fulfill(status=status, content_type="text/html", body=body),
    )

    assert toggle_probe(admin_page).status == status

    expect(problem).to_be_visible()
    expect(problem).to_have_text(f"{title}: {message}")
    assert problem.get_attribute("role") == "alert"


def _error_texts(page_html: str) -> tuple[str, str]:
    import re

    title = re.search(r'<h1 class="utrecht-heading-1">(.*?)</h1>', page_html).group(1)
    message = re.search(r'<p class="utrecht-paragraph">(.*?)</p>', page_html).group(1)
    return title, message


def test_a_lost_connection_during_an_htmx_request_says_so(admin_page: Page):
    admin_page.goto(ADMIN)
    admin_page.route("**/beheer/modules/probe", lambda route: route.abort("connectionfailed"))
    admin_page.locator(f"{PROBE_ROW} button").click()
    expect(admin_page.locator("#request-problem")).to_contain_text("Geen verbinding met de server")


def test_the_browser_log_notices_csp_violations_and_script_errors(page: Page, browser_log):
    """Guards the checks on the browser log: a log that hears nothing would pass every page."""
    page.goto(HOME)
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "() => { const style = document.createElement('style');"
            " style.textContent = 'body { color: red }'; document.head.append(style) }"
        )
    with page.expect_event("pageerror"):
        page.evaluate("() => { setTimeout(() => { throw new Error('probe failure') }) }")

    assert browser_log.csp_violations
    assert any("probe failure" in error for error in browser_log.page_errors)


@pytest.mark.parametrize(
    "path", [HOME, PLATFORM, "/t/aalst/privacy"], ids=["tenant-home", "platform", "privacy"]
)
def test_public_pages_have_no_serious_accessibility_violations(
    page: Page, axe_violations, browser_log, path
):
    assert page.goto(path).status == 200
    assert_no_severe_violations(axe_violations(page), path)
    browser_log.assert_clean()


@pytest.mark.parametrize(
    "path", [ADMIN, "/t/aalst/beheer/privacy", "/t/aalst/beheer/regio/", "/t/aalst/mijn-gegevens"]
)
def test_admin_pages_have_no_serious_accessibility_violations(
    admin_page: Page, axe_violations, browser_log, path
):
    assert admin_page.goto(path).status == 200
    assert_no_severe_violations(axe_violations(admin_page), path)
    browser_log.assert_clean()


def test_an_erasure_without_confirmation_explains_itself_in_an_error_summary(
    admin_page: Page, axe_violations
):
    admin_page.goto("/t/aalst/beheer/privacy")
    admin_page.fill("#erase-email", "an@example.be")
    admin_page.fill("#confirm_email", "an@example.com")
    admin_page.get_by_role("button", name="Wissen").click()
    summary = admin_page.locator("#error-summary")
    expect(summary).to_contain_text("Typ het e-mailadres opnieuw")
    assert_no_severe_violations(axe_violations(admin_page), "the privacy page with an error")


def test_an_invalid_theme_colour_shows_a_focused_accessible_error_summary(
    admin_page: Page, axe_violations, browser_log
):
    admin_page.goto(ADMIN)
    admin_page.fill("#theme-primary", "rood")
    with admin_page.expect_navigation() as navigation:
        admin_page.locator(SAVE_THEME).click()

    assert navigation.value.status == 422
    summary = admin_page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator('a[href="#theme-primary"]')).to_have_count(1)
    field = admin_page.locator("#theme-primary")
    expect(field).to_have_value("rood")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "theme-primary-error")
    assert_no_severe_violations(
        axe_violations(admin_page), "the admin admin_page with an error summary"
    )
    browser_log.assert_clean()


CONTRAST_OF = """([foreground, background]) => {
  const rgb = (text) => text.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(rgb(foreground)), lum(rgb(background))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def contrast(page: Page, foreground: str, background: str) -> float:
    return page.evaluate(CONTRAST_OF, [foreground, background])


def _demo_themes() -> dict[str, dict]:
    folder = Path(__file__).resolve().parents[2] / "tenants"
    themes = {"default": {}}
    for path in sorted(folder.glob("*.toml")):
        theme = tomllib.loads(path.read_text(encoding="utf-8")).get("theme")
        if theme:
            themes[path.stem] = theme
    return themes


DEMO_THEMES = _demo_themes()


def _wear_theme(server, slug: str, theme: dict) -> None:
    from core.models import Tenant

    with server.app.extensions["opvangplein.db"].tenant_session(tenant_id(server.app, slug)) as db:
        tenant = db.exec(select(Tenant).where(Tenant.slug == slug)).one()
        tenant.theme = {**tenant.theme, **theme}
        db.add(tenant)
    server.app.extensions["opvangplein.tenants"].forget()


@pytest.mark.parametrize("theme", sorted(DEMO_THEMES))
def test_header_link_skip_link_and_focus_ring_can_be_seen(admin_page: Page, live_server, theme):
    """WCAG 1.4.3 and 1.4.11 in every demo municipality's theme: the 'My data' link and the
    menu on the header, the skip link when focused, primary and secondary buttons, links, and
    the focus ring on the white page and on the header."""
    _wear_theme(live_server, "aalst", DEMO_THEMES[theme])
    admin_page.goto(ADMIN)
    assert admin_page.evaluate(
        "() => getComputedStyle(document.documentElement)"
        ".getPropertyValue('--opvangplein-primary').trim()"
    ) == DEMO_THEMES[theme].get("primary", "#1d4f91")
    for selector, foreground, background in (
        (".site-nav a", "color", ".site-nav"),
        ("main .utrecht-button--primary-action", "color", "main .utrecht-button--primary-action"),
        ("main .utrecht-link", "color", None),
        ("main .utrecht-button--secondary-action:not(.utrecht-button--warning)", "color", None),
        (
            "main .utrecht-button--secondary-action:not(.utrecht-button--warning)",
            "borderTopColor",
            None,
        ),
    ):
        colours = admin_page.evaluate(
            """([selector, property, background]) => {
              const element = document.querySelector(selector);
              const behind = background ? document.querySelector(background) : null;
              return [getComputedStyle(element)[property],
                      behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)"];
            }""",
            [selector, foreground, background],
        )
        needed = 3 if foreground == "borderTopColor" else 4.5
        assert contrast(admin_page, *colours) >= needed, (theme, selector, foreground, colours)
    header = admin_page.evaluate(
        "() => getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    link = admin_page.evaluate(
        "() => getComputedStyle(document.querySelector('.my-data-link')).color"
    )
    assert contrast(admin_page, link, header) >= 4.5

    admin_page.keyboard.press("Tab")  # the first stop is the skip link
    skip = admin_page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.className, s.color, s.backgroundColor] }"
    )
    assert "utrecht-skip-link" in skip[0]
    assert contrast(admin_page, skip[1], skip[2]) >= 4.5

    for selector, background in (
        (".utrecht-skip-link", "rgb(255, 255, 255)"),
        (".my-data-link", header),
    ):
        admin_page.focus(selector)
        style, width, ring = admin_page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor] }"
        )
        assert style == "solid" and width >= 2, (selector, style, width)
        assert contrast(admin_page, ring, background) >= 3, (selector, ring)


def test_a_chosen_focus_ring_colour_rings_the_page_and_the_header_keeps_its_own(
    admin_page: Page, live_server
):
    _wear_theme(live_server, "aalst", {**DEMO_THEMES["herenthout"], "focus": "#00605a"})
    admin_page.goto(ADMIN)
    rings = {}
    for selector in (".utrecht-skip-link", ".my-data-link"):
        admin_page.focus(selector)
        rings[selector] = admin_page.evaluate(
            "() => getComputedStyle(document.activeElement).outlineColor"
        )
    assert rings[".utrecht-skip-link"] == "rgb(0, 96, 90)"
    assert rings[".my-data-link"] == "rgb(255, 255, 255)"  # the header's text colour


PREVIEW_COLOURS = """() => {
  const style = (selector) => getComputedStyle(document.querySelector(selector));
  const header = style(".theme-preview__header").backgroundColor;
  const nav = style(".theme-preview__nav").backgroundColor;
  const page = style(".theme-preview__page").backgroundColor;
  const secondary = ".theme-preview__page .utrecht-button--secondary-action:not(.theme-preview__focused)";
  return {
    header, nav, page,
    name: [style(".theme-preview__name").color, header],
    headerLink: [style(".theme-preview__header-link").color, header],
    menu: [style(".theme-preview__nav-link").color, nav],
    link: [style(".theme-preview__page .utrecht-link").color, page],
    primary: [style(".theme-preview__page .utrecht-button--primary-action").color,
              style(".theme-preview__page .utrecht-button--primary-action").backgroundColor],
    secondaryBorder: [style(secondary).borderTopColor, page],
    headerRing: [style(".theme-preview__header .theme-preview__focused").outlineColor, header],
    pageRing: [style(".theme-preview__page .theme-preview__focused").outlineColor, page],
    ringStyle: style(".theme-preview__page .theme-preview__focused").outlineStyle,
  };
}"""


@pytest.mark.parametrize("theme", sorted(set(DEMO_THEMES) - {"default"}))
def test_the_theme_preview_shows_the_proposed_colours_readably_and_saves_nothing(
    admin_page: Page, live_server, browser_log, axe_violations, theme
):
    """The preview block wears the proposed colours (through its own stylesheet, the CSP allows
    no inline styles), every pair in it reaches 4.5:1 or 3:1 in Chromium, and the page around
    it keeps the saved theme."""
    _wear_theme(live_server, "aalst", {"primary": "#3b3b3b", "primary_text": "#ffffff"})
    proposed = DEMO_THEMES[theme]
    admin_page.goto(ADMIN)
    saved_header = admin_page.evaluate(
        "() => getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    admin_page.fill("#theme-primary", proposed["primary"])
    admin_page.fill("#theme-primary_text", "")  # automatic: the platform chooses
    admin_page.fill("#theme-accent", proposed["accent"])
    with admin_page.expect_navigation() as navigation:
        admin_page.locator(PREVIEW_THEME).click()
    assert navigation.value.status == 200
    expect(admin_page.locator(".theme-preview")).to_contain_text("Aalst")
    colours = admin_page.evaluate(PREVIEW_COLOURS)
    red, green, blue = (int(proposed["primary"][i : i + 2], 16) for i in (1, 3, 5))
    assert colours["header"] == f"rgb({red}, {green}, {blue})"
    for name in ("name", "headerLink", "menu", "link", "primary"):
        assert contrast(admin_page, *colours[name]) >= 4.5, (theme, name, colours[name])
    for name in ("secondaryBorder", "headerRing", "pageRing"):
        assert contrast(admin_page, *colours[name]) >= 3, (theme, name, colours[name])
    assert colours["ringStyle"] == "solid"
    # The ratios are listed as text too, and nothing was saved.
    expect(admin_page.locator(".theme-preview__pairs")).to_contain_text(":1")
    assert_no_severe_violations(axe_violations(admin_page), f"the theme preview ({theme})")
    assert (
        admin_page.evaluate(
            "() => getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        )
        == saved_header
    )
    admin_page.goto(ADMIN)
    expect(admin_page.locator(".theme-preview")).to_have_count(0)
    expect(admin_page.locator("#theme-primary")).to_have_value("#3b3b3b")
    browser_log.assert_clean()


@pytest.mark.parametrize("path", [ADMIN, HOME, "/t/aalst/beheer/leden"])
def test_at_320_pixels_no_page_scrolls_sideways(admin_page: Page, path):
    """WCAG 1.4.10: the header (with its sign-out button), forms and tables fit a 320 px
    screen; a wide table scrolls inside itself."""
    admin_page.set_viewport_size({"width": 320, "height": 700})
    admin_page.goto(path)
    overflow = admin_page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls {overflow} px sideways at 320 px"
    sign_out = admin_page.get_by_role("button", name="Afmelden").bounding_box()
    assert sign_out["x"] + sign_out["width"] <= 320


SPLIT_WORDS = """() => {
  const split = [];
  for (const cell of document.querySelectorAll(".utrecht-table__header-cell, .utrecht-table__cell")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/[^\\s-]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        if (lines.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""


@pytest.mark.parametrize("path", ["/t/aalst/beheer/leden", "/t/aalst/beheer/audit"])
def test_at_320_pixels_table_words_stay_whole_and_a_wide_table_takes_focus(
    admin_page: Page, axe_violations, path
):
    admin_page.set_viewport_size({"width": 320, "height": 700})
    admin_page.goto(path)
    assert admin_page.evaluate(SPLIT_WORDS) == []
    wide = admin_page.evaluate(
        "() => [...document.querySelectorAll('table.utrecht-table')]"
        ".filter((t) => t.scrollWidth > t.clientWidth + 1)"
        ".map((t) => t.getAttribute('tabindex'))"
    )
    assert all(tabindex == "0" for tabindex in wide), wide
    assert not [v for v in axe_violations(admin_page) if v["id"] == "scrollable-region-focusable"]


def test_on_a_phone_the_menu_folds_behind_a_button_that_says_whether_it_is_open(
    admin_page: Page, axe_violations
):
    """The header collapses on small screens (GOV.UK's header menu): the page starts under the
    header instead of under a screen of links; the button opens and closes the menu, says its
    state to a screen reader, and works from the keyboard."""
    admin_page.set_viewport_size({"width": 390, "height": 844})
    admin_page.goto(HOME)
    toggle = admin_page.get_by_role("button", name="Menu")
    administration = admin_page.locator("nav.site-nav").get_by_role("link", name="Beheer")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(administration).to_be_hidden()
    heading = admin_page.locator("main h1").bounding_box()
    assert heading["y"] < 844 / 2, f"the page's heading starts at {heading['y']} px"

    toggle.focus()
    admin_page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(administration).to_be_visible()
    admin_page.keyboard.press("Tab")
    assert admin_page.evaluate("() => document.activeElement.closest('nav.site-nav') !== null")
    admin_page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(administration).to_be_hidden()
    assert not [v for v in axe_violations(admin_page) if v["impact"] in SEVERE_IMPACTS]

    admin_page.set_viewport_size({"width": 1280, "height": 800})
    expect(toggle).to_be_hidden()
    expect(administration).to_be_visible()


def test_without_script_the_menu_is_open_and_no_dead_button_shows(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(live_server.url + HOME)
        expect(page.locator("nav.site-nav").get_by_role("link", name="Start")).to_be_visible()
        expect(page.locator(".site-nav__toggle")).to_be_hidden()
    finally:
        context.close()
