"""Numbers, percentages, quarters and dates as people in Flanders read them (nl-BE), or in
English when the interface speaks English — one set of Jinja filters for every template.

    {{ 85.0 | percent }}          → "85 %"     (en: "85%")
    {{ 0.853 | percent(fraction=True, digits=1) }} → "85,3 %"
    {{ 1234.5 | number }}         → "1.234,5"  (en: "1,234.5")
    {{ "2027-Q1" | quarter }}     → "2027-K1"  (en: "2027-Q1"); also (2027, 1) or a date
    {{ day | long_date }}         → "3 december 2026"

A whole number never gets a decimal ("85,0 %" reads as a measurement nobody made); the Dutch
percent sign follows a no-break space, so "85" and "%" never land on two lines.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

NO_BREAK_SPACE = "\u00a0"
_QUARTER = re.compile(r"^\s*([0-9]{4})\s*[-/ ]?\s*[QqKk]([1-4])\s*$")


def _babel_locale() -> str:
    from core.i18n import current_language

    try:
        language = current_language()
    except RuntimeError:  # outside a request (a job rendering mail): Dutch, the default
        language = "nl"
    return "en" if language.startswith("en") else "nl_BE"


def _pattern(digits: int | None) -> str:
    if digits is None:
        return "#,##0.###"
    return "#,##0" + ("." + "#" * digits if digits else "")


def format_number(value, digits: int | None = None) -> str:
    """``value`` with grouping and the locale's decimal sign; at most ``digits`` decimals, and
    none that are zero."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return format_decimal(number, format=_pattern(digits), locale=_babel_locale())


def format_percent(value, digits: int = 0, fraction: bool = False) -> str:
    """A percentage: ``85.0`` → "85 %"; ``fraction=True`` reads 0.85 as 85 %."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)) * (100 if fraction else 1)
    except ArithmeticError:
        return str(value)
    shown = format_decimal(number, format=_pattern(digits), locale=_babel_locale())
    return f"{shown}%" if _babel_locale() == "en" else f"{shown}{NO_BREAK_SPACE}%"


def format_quarter(value) -> str:
    """A quarter as ``2027-K1`` (kwartaal) in Dutch and ``2027-Q1`` in English, from
    "2027-Q1", "2027-K1", ``(2027, 1)`` or a date in the quarter; anything else as it is."""
    if isinstance(value, datetime | date):
        year, number = value.year, (value.month - 1) // 3 + 1
    elif isinstance(value, tuple | list) and len(value) == 2:
        year, number = int(value[0]), int(value[1])
    else:
        match = _QUARTER.match(str(value or ""))
        if not match:
            return "" if value is None else str(value)
        year, number = int(match.group(1)), int(match.group(2))
    letter = "Q" if _babel_locale() == "en" else "K"
    return f"{year}-{letter}{number}"


def format_long_date(value) -> str:
    """``3 december 2026`` / ``3 December 2026``; a moment is first taken to Belgian time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        from core.local_time import to_local

        value = to_local(value).date()
    return format_date(value, format="d MMMM y", locale=_babel_locale())


def init_app(app) -> None:
    app.jinja_env.filters.update(
        number=format_number,
        percent=format_percent,
        quarter=format_quarter,
        long_date=format_long_date,
    )
