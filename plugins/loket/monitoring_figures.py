"""The loket's figures for other modules and the regional view (the ``monitoring_figures`` hook).

The same computation as the dashboard and the open data (:func:`monitoring.dashboard_figures`).
Counts of children carry ``suppress_below``, so whoever shows them outside the municipality
hides small ones by the open data's rule; a figure derived from a small count (a median wait
over three children, a share of four families) is left out here, as the open data hides it.
Labels are lazy: the regional view renders them in each interface language.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from core.disclosure import SMALL_COUNT, is_small
from core.plugin_types import Figure
from plugins.loket.monitoring import dashboard_figures
from plugins.loket.monitoring_waits import WaitStats

WAITING_BY_AGE_LABELS = {
    "baby": _l("Babies waiting for a place"),
    "toddler": _l("Toddlers waiting for a place"),
    "schoolchild": _l("School children waiting for a place"),
}


def _count(key: str, label, value: int) -> Figure:
    return Figure(key=key, label=label, value=value, suppress_below=SMALL_COUNT)


def _waits(key: str, stats: WaitStats, median_label, p90_label) -> list[Figure]:
    if stats.count == 0 or is_small(stats.count):
        return []
    return [
        Figure(f"{key}_median_days", median_label, stats.median, unit=_l("days"), combine="mean"),
        Figure(f"{key}_p90_days", p90_label, stats.p90, unit=_l("days"), combine="mean"),
    ]


def figures_for_region(session, *, today: date) -> list[Figure]:
    figures = dashboard_figures(session, today=today)
    unmet, waits = figures.unmet, figures.waits
    waiting_by_age = {row.label: row.waiting for row in unmet.by_age_group}
    found = [
        _count("loket.open_requests", _l("Children waiting for a place"), unmet.waiting),
        _count(
            "loket.past_wanted_start",
            _l("Children past their wanted start date without a place"),
            unmet.past_wanted_start,
        ),
        *(
            _count(f"loket.waiting_{group}", label, waiting_by_age.get(group, 0))
            for group, label in WAITING_BY_AGE_LABELS.items()
        ),
        _count("loket.placed", _l("Children placed"), figures.placed),
        _count(
            "loket.free_places",
            _l("Free places"),
            sum(value for _, value in figures.tables["free_places"]),
        ),
        *_waits(
            "loket.wait_to_place",
            waits.to_place,
            _l("Median wait from request to place"),
            _l("90th percentile of the wait from request to place"),
        ),
        *_waits(
            "loket.wait_so_far",
            waits.so_far,
            _l("Median wait so far of children still waiting"),
            _l("90th percentile of the wait so far of children still waiting"),
        ),
    ]
    vulnerable = (
        figures.vulnerable_total,
        figures.vulnerable_placed,
        figures.vulnerable_total - figures.vulnerable_placed,
    )
    if figures.vulnerable_placed_share is not None and not any(map(is_small, vulnerable)):
        found.append(
            Figure(
                key="loket.vulnerable_placed_share",
                label=_l("Vulnerable families placed"),
                value=figures.vulnerable_placed_share,
                unit="%",
                combine="mean",
            )
        )
    return found
