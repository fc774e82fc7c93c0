"""Monitoring: the figures of the loket as a page with charts and as a CSV download."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response

from core.identity.access import require_permission
from core.rendering import render
from core.web import db_session
from plugins.loket import monitoring
from plugins.loket.views.common import _context, blueprint


@blueprint.get("/monitoring")
@require_permission("loket.manage")
def dashboard():
    figures = monitoring.dashboard_figures(db_session(), today=date.today())
    return render("loket/dashboard.html", **_context(figures=figures, chart=monitoring.bars))


@blueprint.get("/monitoring.csv")
@require_permission("loket.manage")
def dashboard_csv():
    figures = monitoring.dashboard_figures(db_session(), today=date.today())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "label", "value"])
    for section, rows in figures.tables.items():
        for label, value in rows:
            writer.writerow([section, label, value])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=loket-monitoring.csv"},
    )
