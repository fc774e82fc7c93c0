"""Checkboxes and radio buttons sit to the left of their own label, on its first line, on a phone
and on a desktop — not centred above it or running into the next option's label (issue 19)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.plugins.training.conftest import TRAINING_TENANTS, build_world
from tests.support.apps import probe_app
from tests.support.browser import BrowserLog, serve

pytestmark = pytest.mark.browser
CONTROLS = ".utrecht-form-field--checkbox > input, .utrecht-form-field--radio > input"


def misplaced_controls(page: Page) -> list[str]:
    """Every control whose label does not start right of it on the same line."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].flatMap((input) => {
            const label = document.querySelector(`label[for="${input.id}"]`);
            const box = input.getBoundingClientRect(), text = label.getBoundingClientRect();
            const beside = text.left >= box.right && text.left - box.right < 24;
            const sameLine = text.top < box.bottom && box.top < text.top + 32;
            const big = box.width >= 20 && box.height >= 20;
            return beside && sameLine && big ? [] : [`${input.id}: input ${JSON.stringify(box)}, label ${JSON.stringify(text)}`];
        })""",
        CONTROLS,
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_checkboxes_and_radios_sit_beside_their_labels(browser, sqlite_settings, width):
    app = probe_app(sqlite_settings, tenants=TRAINING_TENANTS)
    world = build_world(app)
    world.info_session("cvo-limburg", capacity=5)
    with serve(app) as server:
        context = browser.new_context(base_url=server.url, viewport={"width": width, "height": 900})
        page = context.new_page()
        BrowserLog().watch(page)
        page.goto("/t/aalst/opleiding/inschrijven")
        assert page.locator(CONTROLS).count() >= 4  # qualification radios, session, consent
        assert misplaced_controls(page) == []
        context.close()
