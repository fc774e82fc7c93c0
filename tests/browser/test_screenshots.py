"""The README's pictures of the main pages, desktop and phone, taken from the demo data.

Set ``OPVANGPLEIN_SCREENSHOT_DIR=docs/screenshots`` to renew the committed ones; otherwise they
are written to a temporary folder, and the test still checks each page rendered in full."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.auth import signed_in_as
from tests.support.browser import BrowserLog, serve, signed_in_page, wait_until_settled
from tests.support.demo_municipality import SLUG, VISITORS, demo_municipality, pages_of

pytestmark = pytest.mark.browser

# (visitor, endpoint, file name): what a parent and the municipality's staff see first.
SHOTS = [
    ("parent", "platform.index", "home"),
    ("parent", "loket.new_request", "loket-request-form"),
    ("parent", "loket.my_requests", "loket-my-requests"),
    ("staff", "loket.work_list", "loket-work-list"),
    ("staff", "loket.dashboard", "loket-monitoring"),
    ("staff", "starters.catalogue", "starters-catalogue"),
    ("staff", "training.board", "training-board"),
    ("staff", "networks.network", "networks-network"),
    ("staff", "tenant_admin.index", "admin"),
]
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_shows_every_screenshot_and_each_exists():
    readme = README.read_text(encoding="utf-8")
    for _visitor, _endpoint, name in SHOTS:
        for size in SIZES:
            picture = f"docs/screenshots/{name}-{size}.jpg"
            assert picture in readme, picture
            assert (README.parent / picture).stat().st_size > 5_000, picture


def test_screenshots_of_the_main_pages(browser, tmp_path):
    app = demo_municipality(tmp_path)
    folder = Path(os.environ.get("OPVANGPLEIN_SCREENSHOT_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    log = BrowserLog()
    taken = []
    with serve(app) as server:
        for visitor in ("parent", "staff"):
            client = app.test_client()
            user = signed_in_as(client, app, SLUG, f"shots-{visitor}", VISITORS[visitor])
            pages = pages_of(app, client)
            page = signed_in_page(browser, server, log, user)
            for size, (width, height) in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                for _visitor, endpoint, name in (shot for shot in SHOTS if shot[0] == visitor):
                    page.goto(pages[endpoint])
                    wait_until_settled(page)
                    assert page.locator("h1").count() >= 1, endpoint
                    target = folder / f"{name}-{size}.jpg"
                    page.screenshot(path=str(target), type="jpeg", quality=70)
                    taken.append(target)
            page.context.close()
    assert len(taken) == len(SHOTS) * len(SIZES)
    assert all(path.stat().st_size > 5_000 for path in taken)
    log.assert_clean()
