"""Monitoring: the figures of the loket as a page with charts and as a CSV download."""

from __future__ import annotations

from datetime import date

from core.identity.access import require_permission
from core.rendering import render
from core.spreadsheet import csv_response, csv_text
from core.web import db_session
from plugins.loket import monitoring
from plugins.loket.views.common import _context, blueprint


@blueprint.get("/monitoring")
@require_permission("loket.manage")
def dashboard():
    figures = monitoring.dashboard_figures(db_session(), today=date.today())
    return render(
        "loket/dashboard.html",
        **_context(figures=figures, chart=monitoring.bars, demand_pairs=monitoring.demand_pairs),
    )


@blueprint.get("/monitoring.csv")
@require_permission("loket.manage")
def dashboard_csv():
    figures = monitoring.dashboard_figures(db_session(), today=date.today())
    unmet = figures.unmet
    headline = [
        ["headline", key, "" if value is None else value] for key, value in unmet.headline()
    ]
    unmet_rows = [
        [section, row.label or "(area request)", value]
        for name, table in (
            ("location", unmet.by_location),
            ("area", unmet.by_area),
            ("month", unmet.by_month),
        )
        for row in table
        for section, value in (
            (name if name == "location" else f"waiting_{name}", row.waiting),
            (f"{name}_past_wanted_start", row.past_wanted_start),
        )
    ]
    rows = [
        *headline,
        *(
            [section, label, value]
            for section, table in figures.tables.items()
            for label, value in table
        ),
        *unmet_rows,
    ]
    # Labels hold what providers and staff typed (an area's name): written formula-safe.
    return csv_response(csv_text(["section", "label", "value"], rows), "loket-monitoring.csv")
