"""Issue 19: key figures were an unstyled ``<dl>``. The monitoring dashboard, the network's
signals and the municipality's contact block on the tenant home are NL Design System data lists
(Utrecht ``utrecht-data-list--rows``: one item per figure, key and value marked), and the
platform's stylesheet gives that component its look (rows with a rule between them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.apps import probe_app
from tests.support.auth import signed_in_as
from tests.support.demo_municipality import SLUG, VISITORS, demo_municipality, pages_of

ROOT = Path(__file__).resolve().parents[2]
DATA_LIST = "utrecht-data-list utrecht-data-list--rows"


def data_list_problems(page: str) -> list[str]:
    """Every ``<dl>`` in the page's main content that is not a data list whose pairs are items."""
    main = page.split("<main", 1)[1]
    problems = []
    for match in re.finditer(r"<dl\b([^>]*)>(.*?)</dl>", main, re.S):
        attributes, body = match.groups()
        if DATA_LIST not in attributes:
            problems.append(f"unstyled <dl{attributes}>")
            continue
        keys = re.findall(r"<dt\b[^>]*>", body)
        items = re.findall(
            r'<div class="utrecht-data-list__item">\s*<dt class="utrecht-data-list__item-key"', body
        )
        values = re.findall(
            r'<dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd"',
            body,
        )
        if not keys or not (len(keys) == len(items) == len(values)):
            problems.append(f"{len(keys)} keys, {len(items)} items, {len(values)} values")
    return problems


def test_the_finder_refuses_a_bare_dl_and_accepts_a_data_list():
    bare = "<main><dl class='facts'><dt>Open</dt><dd>3</dd></dl></main>"
    good = (
        f'<main><dl class="{DATA_LIST} key-figures"><div class="utrecht-data-list__item">'
        '<dt class="utrecht-data-list__item-key">Open</dt><dd class="utrecht-data-list__item-value '
        'utrecht-data-list__item-value--html-dd">3</dd></div></dl></main>'
    )
    assert data_list_problems(bare) != [] and data_list_problems(good) == []


@pytest.fixture(scope="module")
def staff_pages(tmp_path_factory):
    app = demo_municipality(tmp_path_factory.mktemp("key-figures"))
    client = app.test_client()
    signed_in_as(client, app, SLUG, "key-figures-staff", VISITORS["staff"])
    return client, pages_of(app, client)


@pytest.mark.parametrize("endpoint", ["loket.dashboard", "networks.network"])
def test_monitoring_and_network_figures_are_data_lists(staff_pages, endpoint):
    client, pages = staff_pages
    page = client.get(pages[endpoint]).get_data(as_text=True)
    assert DATA_LIST in page
    assert data_list_problems(page) == []


def test_the_municipalitys_contact_block_is_a_data_list(sqlite_settings):
    app = probe_app(sqlite_settings)
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    client.post(
        "/t/aalst/beheer/thuispagina",
        data={"address": "Grote Markt 3\n9300 Aalst", "phone": "053 77 93 00"},
    )
    home = client.get("/t/aalst/").get_data(as_text=True)
    contact = home.split('id="contact-heading"')[1]
    assert DATA_LIST in contact and "Grote Markt 3" in contact
    assert data_list_problems(home) == []


def test_the_stylesheet_styles_the_data_list_rows():
    css = (ROOT / "core/static/css/opvangplein.css").read_text(encoding="utf-8")
    for token in (
        "--utrecht-data-list-rows-border-bottom-width",
        "--utrecht-data-list-rows-border-bottom-color",
        "--utrecht-data-list-item-key-font-weight",
    ):
        assert re.search(rf"{token}\s*:", css), token
