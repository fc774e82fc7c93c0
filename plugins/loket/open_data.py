"""The loket's figures as open data: aggregates only, small counts hidden.

The document (JSON) is what a municipality may publish: the staff route shows it to the loket
and, when the tenant turns on the ``open_data_public`` setting, the same document is served
without signing in. Suppression follows :mod:`core.disclosure`:

* every count from 1 to 4 is ``{"value": null, "suppressed": true}`` (0 is shown);
* within a table whose cells add up to a published total, further cells are hidden so that no
  hidden cell can be worked out from the total;
* a figure computed from a hidden count (a median or 90th percentile over it, a share) is hidden
  as well; the longest waits are never published (each is one child's wait).

Counts are in keys without a unit suffix; ``…_days`` and ``…_percent`` are not counts.
The trend's months do not add up to a published total: only their small counts are hidden.
"""

from __future__ import annotations

from datetime import date

from core.disclosure import SMALL_COUNT, is_small, suppress_table
from plugins.loket.monitoring import DashboardFigures, DemandRow
from plugins.loket.monitoring_sql import AGE_GROUPS
from plugins.loket.monitoring_waits import WaitStats

FORMAT_VERSION = 1


def cell(value, *, hidden: bool = False) -> dict:
    """A published figure; ``{"value": null}`` without the marker means there is nothing to
    measure (no child placed yet), not that it is hidden."""
    return {"value": None, "suppressed": True} if hidden else {"value": value}


def _count(value: int, *, hidden: bool = False) -> dict:
    return cell(value, hidden=hidden or is_small(value))


def _table(rows: list[dict], counts: dict[str, int | None], key: str) -> tuple[list[dict], bool]:
    """Hide the cells of column ``key`` (``rows[i][key]`` raw counts) as the rule says; returns
    the rows with cells and whether the column's published total must be hidden too."""
    values = {index: row[key] for index, row in enumerate(rows)}
    result = suppress_table(values, total=counts.get(key))
    for index, row in enumerate(rows):
        row[key] = cell(row[key], hidden=index in result.hidden)
    return rows, result.total_hidden


def _waits(stats: WaitStats | None, hidden: bool, prefix: str) -> dict:
    stats = stats or WaitStats()
    hide = hidden or is_small(stats.count)
    return {
        f"{prefix}_median_days": cell(stats.median, hidden=hide),
        f"{prefix}_p90_days": cell(stats.p90, hidden=hide),
    }


def open_data(figures: DashboardFigures, *, municipality: str, today: date) -> dict:
    """The published document for ``figures`` (see the module docstring for the rules)."""
    unmet = figures.unmet
    waits = figures.waits
    totals = {
        "children_waiting": unmet.waiting,
        "wanted_start_passed": unmet.past_wanted_start,
        "children_placed": figures.placed,
        "free_places": sum(value for _, value in figures.tables["free_places"]),
    }
    hide_total: set[str] = set()

    def demand_table(rows, label_key: str, labels=lambda label: label) -> list[dict]:
        table = [
            {
                label_key: labels(row.label),
                "children_waiting": row.waiting,
                "wanted_start_passed": row.past_wanted_start,
            }
            for row in rows
        ]
        for column in ("children_waiting", "wanted_start_passed"):
            table, total_hidden = _table(table, totals, column)
            if total_hidden:
                hide_total.add(column)
        return table

    by_location = demand_table(unmet.by_location, "location", lambda label: label or None)
    by_area = demand_table(unmet.by_area, "area")
    placed_by_age = {group: stats.count for group, stats in waits.to_place_by_age.items()}
    waiting_by_age = {row.label: row for row in unmet.by_age_group}
    age_rows = [
        waiting_by_age.get(group, DemandRow(group, 0, 0))
        for group in AGE_GROUPS
        if group in waiting_by_age or group in placed_by_age
    ]
    by_age = demand_table(age_rows, "age_group")
    placed_rows, placed_total_hidden = _table(
        [
            {"age_group": row.label, "children_placed": placed_by_age.get(row.label, 0)}
            for row in age_rows
        ],
        totals,
        "children_placed",
    )
    if placed_total_hidden:
        hide_total.add("children_placed")
    placed_cells = {row["age_group"]: row["children_placed"] for row in placed_rows}
    for row in by_age:
        group = row["age_group"]
        placed = placed_cells.get(group, {"value": 0})
        row["children_placed"] = placed
        row |= _waits(
            waits.so_far_by_age.get(group), row["children_waiting"]["value"] is None, "wait_so_far"
        )
        row |= _waits(waits.to_place_by_age.get(group), placed["value"] is None, "wait_to_place")
    by_month = [
        {
            "month": row.label,
            "children_waiting": row.waiting,
            "wanted_start_passed": row.past_wanted_start,
        }
        for row in unmet.by_month
    ]
    for column in ("children_waiting", "wanted_start_passed"):
        by_month, _ = _table(by_month, {}, column)
    free, free_total_hidden = _table(
        [{"type": kind, "free_places": places} for kind, places in figures.tables["free_places"]],
        totals,
        "free_places",
    )
    if free_total_hidden:
        hide_total.add("free_places")

    headline = {key: _count(value, hidden=key in hide_total) for key, value in totals.items()}
    headline |= _waits(
        waits.to_place, headline["children_placed"]["value"] is None, "wait_to_place"
    )
    headline |= _waits(waits.so_far, headline["children_waiting"]["value"] is None, "wait_so_far")
    headline["wanted_start_passed_median_days"] = cell(
        unmet.median_days_past_start, hidden=headline["wanted_start_passed"]["value"] is None
    )
    not_placed = figures.vulnerable_total - figures.vulnerable_placed
    headline["vulnerable_families_placed_percent"] = cell(
        figures.vulnerable_placed_share,
        hidden=any(
            is_small(count)
            for count in (figures.vulnerable_total, figures.vulnerable_placed, not_placed)
        ),
    )
    return {
        "dataset": "loket-monitoring",
        "format_version": FORMAT_VERSION,
        "municipality": municipality,
        "date": today.isoformat(),
        "suppression": {
            "threshold": SMALL_COUNT,
            "rule": (
                "Counts from 1 to 4 are null with suppressed: true; further cells of a table are"
                " hidden so that none can be worked out from its total; medians, percentiles and"
                " shares over a hidden count are hidden too."
            ),
        },
        "headline": headline,
        "by_age_group": by_age,
        "by_area": by_area,
        "by_location_of_first_choice": by_location,
        "by_wanted_start_month": by_month,
        "trend": [
            {
                "month": month.month,
                "submitted": _count(month.submitted),
                "placed": _count(month.placed),
                "waiting_at_month_end": _count(month.waiting_at_end),
                "wanted_start_passed_at_month_end": _count(month.past_start_at_end),
            }
            for month in figures.trend
        ],
        "free_places_by_type": free,
    }
