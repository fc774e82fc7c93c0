"""WCAG 1.4.10 on every page: at 320 px no page the route probe reaches scrolls sideways, for
staff of every module, a parent and someone not signed in (issue 19's "done means")."""

from __future__ import annotations

import pytest

from tests.support.auth import signed_in_as
from tests.support.browser import BrowserLog, serve, signed_in_page, wait_until_settled
from tests.support.demo_municipality import SLUG, VISITORS, demo_municipality, pages_of

pytestmark = pytest.mark.browser

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# What sticks out: the outermost elements past the right edge that no scroll container holds.
CULPRITS = """() => {
  const edge = document.documentElement.clientWidth;
  const out = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (element.getBoundingClientRect().right <= edge + 1) continue;
    let held = false;
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (["auto", "scroll", "hidden"].includes(style.overflowX)) { held = true; break; }
      if (up.getBoundingClientRect().right > edge + 1) { held = true; break; }
    }
    if (!held) out.push(element.tagName.toLowerCase() + (element.className ? "." + String(element.className).trim().split(/\\s+/).join(".") : ""));
  }
  return out.slice(0, 3);
}"""


@pytest.fixture(scope="module")
def municipality(tmp_path_factory):
    return demo_municipality(tmp_path_factory.mktemp("reflow"))


def test_at_320_pixels_no_reachable_page_scrolls_sideways(browser, municipality):
    app = municipality
    log = BrowserLog()
    overflowing: dict[str, tuple] = {}
    visited = 0
    with serve(app) as server:
        for visitor, roles in VISITORS.items():
            client = app.test_client()
            user = None
            if roles is not None:
                user = signed_in_as(client, app, SLUG, f"reflow-{visitor}", roles)
            page = signed_in_page(browser, server, log, user)
            page.set_viewport_size({"width": 320, "height": 640})
            for endpoint, path in pages_of(app, client).items():
                page.goto(path)
                wait_until_settled(page)
                visited += 1
                overflow = page.evaluate(OVERFLOW)
                if overflow > 0:
                    overflowing[f"{visitor} {endpoint}"] = (overflow, page.evaluate(CULPRITS))
            page.context.close()
    assert visited >= 60
    assert overflowing == {}
