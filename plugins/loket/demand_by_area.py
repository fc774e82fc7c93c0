"""Where children wait for a place, per area, for people who may open one (seed 003 §5–6).

The same counts as the monitoring's table by area (:func:`monitoring.unmet_demand`) and the same
small-count rule as its open data (:func:`core.disclosure.suppress_table`, against the total
children waiting), so a count hidden there is hidden here too. The median days since
registration is computed by the database per area shown, and hidden with its count. Children
whose area is unknown (no area asked for, no first choice) count in the total, not in a row.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

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

UNKNOWN_AREA = "-"


def demand_by_area(session, *, today: date) -> list[UnmetDemandArea]:
    """Areas with children waiting, most waiting first; hidden counts are ``None``."""
    demand = unmet_demand(session, today=today)
    rows = demand.by_area
    waiting = suppress_table({row.label: row.waiting for row in rows}, total=demand.waiting)
    late = suppress_table(
        {row.label: row.past_wanted_start for row in rows}, total=demand.past_wanted_start
    )
    result = []
    for row in rows:
        if row.label == UNKNOWN_AREA:
            continue
        hidden = waiting.total_hidden or row.label in waiting.hidden
        median = None
        if not hidden and not is_small(row.waiting):
            median = _area_median(session, row.label, today)
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


def _area_median(session, area: str, today: date) -> float | None:
    days = DaysSince(ChildcareRequest.submitted_at, today)
    where = [is_waiting(), ChildcareRequest.submitted_at.is_not(None), _area_label() == area]
    submitted = session.execute(
        _first_choice_join(sa.select(sa.func.count()).select_from(ChildcareRequest)).where(*where)
    ).scalar_one()
    if not submitted:
        return None
    middle = session.execute(
        _first_choice_join(sa.select(days).select_from(ChildcareRequest))
        .where(*where)
        .order_by(days)
        .offset((submitted - 1) // 2)
        .limit(2 - submitted % 2)
    ).scalars()
    values = list(middle)
    median = sum(values) / len(values)
    return int(median) if median == int(median) else median
