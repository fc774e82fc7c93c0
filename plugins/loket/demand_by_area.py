"""Where children wait for a place, per area, for people who may open one (seed 003 §5–6).

The same counts as the monitoring's table by area (:func:`monitoring.unmet_demand`) and the same
small-count rule as its open data (:func:`core.disclosure.suppress_table`, against the total
children waiting), so a count hidden there is hidden here too. The median days since
registration is computed by the database for every area in one statement (window functions,
as the monitoring's waits), and hidden with its count. Children
whose area is unknown (no area asked for, no first choice) count in the total, not in a row.
"""

from __future__ import annotations

from datetime import date

from core.disclosure import is_small, suppress_table
from core.plugin_types import UnmetDemandArea
from plugins.loket.models import ChildcareRequest
from plugins.loket.monitoring import (
    DaysSince,
    _area_label,
    _first_choice_join,
    is_waiting,
    unmet_demand,
)
from plugins.loket.monitoring_waits import _stats

UNKNOWN_AREA = "-"


def demand_by_area(session, *, today: date) -> list[UnmetDemandArea]:
    """Areas with children waiting, most waiting first; hidden counts are ``None``."""
    demand = unmet_demand(session, today=today)
    rows = demand.by_area
    waiting = suppress_table({row.label: row.waiting for row in rows}, total=demand.waiting)
    late = suppress_table(
        {row.label: row.past_wanted_start for row in rows}, total=demand.past_wanted_start
    )
    waits = _stats(
        session,
        DaysSince(ChildcareRequest.submitted_at, today),
        _area_label(),
        [is_waiting(), ChildcareRequest.submitted_at.is_not(None)],
        joined=_first_choice_join,
    )
    result = []
    for row in rows:
        if row.label == UNKNOWN_AREA:
            continue
        hidden = waiting.total_hidden or row.label in waiting.hidden
        stats = waits.get(row.label)
        median = None
        if not hidden and stats is not None and not is_small(stats.count):
            median = stats.median
        result.append(
            UnmetDemandArea(
                area=row.label,
                children_waiting=None if hidden else row.waiting,
                past_wanted_start=(
                    None if late.total_hidden or row.label in late.hidden else row.past_wanted_start
                ),
                median_days_waiting=median,
            )
        )
    return sorted(
        result,
        key=lambda area: (area.children_waiting is None, -(area.children_waiting or 0), area.area),
    )
