"""One set of Jinja filters formats numbers, percentages, quarters and dates in nl-BE (or in
English when the interface speaks English), the same on every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.support.apps import probe_app

NBSP = "\u00a0"


@pytest.fixture
def render(sqlite_settings):
    app = probe_app(sqlite_settings)

    def run(source: str, language: str = "nl", **context) -> str:
        with app.test_request_context("/"):
            from flask import session

            session["lang"] = language
            return app.jinja_env.from_string(source).render(**context)

    return run


def test_numbers_take_the_decimal_comma_and_lose_a_zero_decimal(render):
    assert render("{{ 85.0 | number(1) }}") == "85"
    assert render("{{ 1234.5 | number }}") == "1.234,5"
    assert render("{{ 1234.5 | number }}", "en") == "1,234.5"
    assert render("{{ none | number }}") == ""


def test_percentages_read_85_percent_in_dutch_and_english(render):
    assert render("{{ 85.0 | percent }}") == f"85{NBSP}%"
    assert render("{{ 0.853 | percent(fraction=True, digits=1) }}") == f"85,3{NBSP}%"
    assert render("{{ 85.0 | percent }}", "en") == "85%"


def test_quarters_are_k_in_dutch_and_q_in_english_whatever_the_source_says(render):
    for source in ("2027-Q1", "2027-K1", "2027 q1"):
        assert render("{{ value | quarter }}", value=source) == "2027-K1"
        assert render("{{ value | quarter }}", "en", value=source) == "2027-Q1"
    assert render("{{ value | quarter }}", value=(2027, 3)) == "2027-K3"
    assert render("{{ value | quarter }}", value=date(2027, 11, 5)) == "2027-K4"
    assert render("{{ value | quarter }}", value="geen kwartaal") == "geen kwartaal"


def test_long_dates_are_dutch_words_in_belgian_time(render):
    late_evening_utc = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January here
    assert render("{{ value | long_date }}", value=late_evening_utc) == "1 januari 2027"
    assert render("{{ value | long_date }}", "en", value=date(2026, 12, 3)) == "3 December 2026"
