"""Monitoring: the figures of the loket as a page with charts, a CSV download and open data.

The page and the CSV are the loket's working figures (staff only, nothing hidden). The open-data
JSON hides small counts (``plugins.loket.open_data``); staff always reach it, anyone does when
the tenant turns on the ``open_data_public`` setting (``/loket/open-data/monitoring.json``).
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, g, jsonify

from core.identity.access import require_permission
from core.ratelimit import rate_limited
from core.rendering import render
from core.spreadsheet import csv_response, csv_text
from core.web import db_session
from plugins.loket import figures_cache, monitoring
from plugins.loket.open_data import open_data
from plugins.loket.views.common import _context, blueprint, settings

# Writes through any session of this process forget the municipality's kept figures.
figures_cache.forget_on_write()

# Anyone may ask for the public document; an answer past the kept minute counts the figures afresh.
OPEN_DATA_PER_MINUTE = 30


def _counted() -> figures_cache.Counted:
    session, today = db_session(), date.today()
    return figures_cache.cache_of(current_app).get(
        g.tenant.id, today, lambda: monitoring.dashboard_figures(session, today=today)
    )


def _figures() -> monitoring.DashboardFigures:
    return _counted().figures


@blueprint.get("/monitoring")
@require_permission("loket.manage")
def dashboard():
    counted = _counted()
    return render(
        "loket/dashboard.html",
        **_context(
            figures=counted.figures,
            counted_at=counted.at,
            chart=monitoring.bars,
            demand_pairs=monitoring.demand_pairs,
            trend_pairs=monitoring.trend_pairs,
            open_data_public=bool(settings()["open_data_public"]),
        ),
    )


def _csv_rows(figures: monitoring.DashboardFigures) -> list[list]:
    """section, label, value: the headline first, then every breakdown and the trend."""
    unmet, waits = figures.unmet, figures.waits
    headline = [
        *unmet.headline(),
        ("placed", figures.placed),
        ("wait_to_place_median_days", waits.to_place.median),
        ("wait_to_place_p90_days", waits.to_place.p90),
        ("wait_so_far_median_days", waits.so_far.median),
        ("wait_so_far_p90_days", waits.so_far.p90),
        ("vulnerable_placed_percent", figures.vulnerable_placed_share),
    ]
    rows = [["headline", key, value] for key, value in headline]
    rows += [
        [section, label, value]
        for section, table in figures.tables.items()
        for label, value in table
    ]
    for name, table in (
        ("location", unmet.by_location),
        ("area", unmet.by_area),
        ("month", unmet.by_month),
        ("age_group", unmet.by_age_group),
    ):
        for row in table:
            label = row.label or "(area request)"
            rows.append([name if name == "location" else f"waiting_{name}", label, row.waiting])
            rows.append([f"{name}_past_wanted_start", label, row.past_wanted_start])
    for prefix, by_age in (
        ("wait_to_place", waits.to_place_by_age),
        ("wait_so_far", waits.so_far_by_age),
    ):
        for group, stats in by_age.items():
            rows += [
                [f"{prefix}_children", group, stats.count],
                [f"{prefix}_median_days", group, stats.median],
                [f"{prefix}_p90_days", group, stats.p90],
            ]
    for month in figures.trend:
        rows += [
            ["trend_submitted", month.month, month.submitted],
            ["trend_placed", month.month, month.placed],
            ["trend_waiting_at_month_end", month.month, month.waiting_at_end],
            ["trend_past_wanted_start_at_month_end", month.month, month.past_start_at_end],
        ]
    return [[section, label, "" if value is None else value] for section, label, value in rows]


@blueprint.get("/monitoring.csv")
@require_permission("loket.manage")
def dashboard_csv():
    # Labels hold what providers and staff typed (an area's name): written formula-safe.
    text = csv_text(["section", "label", "value"], _csv_rows(_figures()))
    return csv_response(text, "loket-monitoring.csv")


def _open_data_response():
    document = open_data(_figures(), municipality=g.tenant.name, today=date.today())
    response = jsonify(document)
    response.headers["Content-Disposition"] = 'inline; filename="loket-monitoring.json"'
    return response


@blueprint.get("/monitoring/open-data.json")
@require_permission("loket.manage")
def open_data_for_staff():
    """What the municipality would publish, whether or not it is public yet."""
    return _open_data_response()


@blueprint.get("/open-data/monitoring.json")
@rate_limited("loket.open_data", per_minute=OPEN_DATA_PER_MINUTE, methods=("GET",))
def open_data_public():
    if not settings()["open_data_public"]:
        abort(404)
    response = _open_data_response()
    # Published figures: any site may fetch them, caches may keep them a quarter of an hour.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=900"
    return response
