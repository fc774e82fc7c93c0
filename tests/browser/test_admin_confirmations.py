"""Removing a member in a real browser: the second step opens from the keyboard and works without
JavaScript; the page stays accessible and the confirmation is announced as a status."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import assert_accessible, tenant_admin_session_cookie

pytestmark = pytest.mark.browser


def test_removing_a_member_takes_a_second_step_by_keyboard_without_javascript(
    browser, live_server, axe_violations
):
    from core.identity.models import Membership, User
    from tests.support.apps import tenant_id

    database = live_server.app.extensions["opvangplein.db"]
    with database.tenant_session(tenant_id(live_server.app, "aalst")) as db:
        colleague = User(issuer="https://idp.browser.test", subject="an", name="An")
        db.add(colleague)
        db.flush()
        db.add(Membership(user_id=colleague.id, roles=["staff:loket"]))
    context = browser.new_context(
        base_url=live_server.url, locale="nl-BE", java_script_enabled=False
    )
    context.add_cookies([tenant_admin_session_cookie(live_server, "aalst")])
    page = context.new_page()
    page.goto("/t/aalst/beheer/leden")
    confirm = page.get_by_role("button", name="Ja, verwijder An")
    expect(confirm).to_be_hidden()  # nothing removes with one click
    page.locator("summary", has_text="An verwijderen…").focus()
    page.keyboard.press("Enter")
    expect(confirm).to_be_visible()
    assert_accessible(page, axe_violations)
    confirm.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/beheer/leden")
    expect(page.get_by_role("status")).to_contain_text("An is geen lid meer.")
    expect(page.get_by_role("button", name="Ja, verwijder An")).to_have_count(0)
    context.close()
