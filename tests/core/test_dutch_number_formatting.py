"""Issue 19: Dutch pages write numbers as people in Flanders read them. Every page the route probe
reaches (as staff of every module, as a parent, and anonymously) is read in Dutch; none may show
a Python decimal before a percent sign ("85.0 %") or a quarter in the English spelling
("2027-Q1" instead of "2027-K1"), nor any decimal with a point ("78.4 dagen").
"""

from __future__ import annotations

import re

import pytest

from tests.core.test_english_pages import visible_text
from tests.support.auth import signed_in_as
from tests.support.demo_municipality import SLUG, VISITORS, demo_municipality, pages_of

POINT_PERCENT = re.compile(r"\d+\.\d+ ?%")
ENGLISH_QUARTER = re.compile(r"\b\d{4} ?-Q[1-4]\b")
# One or two digits after a point is a Python decimal: a Dutch thousands group has three.
# A time span written the Dutch way ("9.00–12.00") is no decimal.
RAW_DECIMAL = re.compile(r"(?<![\d.,–])\d+\.\d{1,2}(?![\d.,–])")


def formatting_slips(page: str) -> list[str]:
    text = visible_text(page)
    found = [
        text[max(0, match.start() - 50) : match.end() + 20]
        for pattern in (POINT_PERCENT, ENGLISH_QUARTER, RAW_DECIMAL)
        for match in pattern.finditer(text)
    ]
    return found


def test_the_slip_finder_sees_what_it_looks_for():
    assert len(formatting_slips("<p>Bezetting 85.0 % in 2027-Q1</p>")) == 3  # also 85.0 alone
    assert len(formatting_slips("<td>2.7</td><td>2027 -Q3</td>")) == 2
    assert formatting_slips("<p>Bezetting 85,3\u00a0% in 2027-K1, 1.234 kinderen</p>") == []


@pytest.fixture(scope="module")
def municipality(tmp_path_factory):
    return demo_municipality(tmp_path_factory.mktemp("dutch-numbers"))


@pytest.mark.parametrize("visitor", sorted(VISITORS))
def test_dutch_pages_show_no_decimal_points_in_percentages_or_english_quarters(
    municipality, visitor
):
    app = municipality
    client = app.test_client()
    if VISITORS[visitor] is not None:
        signed_in_as(client, app, SLUG, f"dutch-{visitor}", VISITORS[visitor])
    client.get(f"/t/{SLUG}/taal/nl")
    pages = pages_of(app, client)
    slips = {}
    for endpoint, path in pages.items():
        found = formatting_slips(client.get(path).get_data(as_text=True))
        if found:
            slips[endpoint] = found
    assert len(pages) >= {"staff": 40, "parent": 10, "anonymous": 5}[visitor], sorted(pages)
    assert slips == {}


def test_english_pages_write_quarters_with_q_and_percentages_without_a_space(municipality):
    app = municipality
    client = app.test_client()
    signed_in_as(client, app, SLUG, "english-staff-numbers", VISITORS["staff"])
    client.get(f"/t/{SLUG}/taal/en")
    dutch_spelling = re.compile(r"\b\d{4}-K[1-4]\b|\d\u00a0%")
    slips = {}
    for endpoint, path in pages_of(app, client).items():
        text = visible_text(client.get(path).get_data(as_text=True))
        found = [text[max(0, m.start() - 40) : m.end() + 10] for m in dutch_spelling.finditer(text)]
        if found:
            slips[endpoint] = found
    assert slips == {}
