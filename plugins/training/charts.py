"""Geometry for the server-rendered SVG charts: numbers only, the templates draw them.

No inline styles (the Content-Security-Policy forbids them): colours come from classes in
static/training.css, sizes from SVG attributes.
"""

from __future__ import annotations

from plugins.training.figures import Forecast, Funnel
from plugins.training.services import PIPELINE

BAR_AREA = 360
BAR_HEIGHT = 22
ROW_GAP = 8
LABEL_WIDTH = 200


def funnel_bars(result: Funnel, stage_label) -> dict:
    top = max(result.reached.values(), default=0) or 1
    rows = []
    for index, stage in enumerate(PIPELINE):
        value = result.reached[stage]
        rows.append(
            {
                "label": stage_label(stage),
                "value": value,
                "conversion": result.conversion.get(stage),
                "y": index * (BAR_HEIGHT + ROW_GAP),
                "width": round(BAR_AREA * value / top),
            }
        )
    return {
        "rows": rows,
        "height": len(rows) * (BAR_HEIGHT + ROW_GAP),
        "bar_height": BAR_HEIGHT,
        "label_width": LABEL_WIDTH,
        "width": LABEL_WIDTH + BAR_AREA + 120,
    }


def forecast_bars(outlook: Forecast) -> dict:
    """Two bars per quarter: graduates expected, and workers the planned places need."""
    top = max(
        [q.expected_graduates for q in outlook.quarters]
        + [q.workers_needed for q in outlook.quarters],
        default=0,
    )
    top = top or 1
    group = 2 * BAR_HEIGHT + ROW_GAP * 2
    rows = []
    for index, quarter in enumerate(outlook.quarters):
        y = index * group
        rows.append(
            {
                "quarter": quarter.quarter,
                "y": y,
                "expected": quarter.expected_graduates,
                "expected_width": round(BAR_AREA * quarter.expected_graduates / top),
                "needed": quarter.workers_needed,
                "needed_width": round(BAR_AREA * quarter.workers_needed / top),
            }
        )
    return {
        "rows": rows,
        "height": len(rows) * group,
        "bar_height": BAR_HEIGHT,
        "label_width": 90,
        "width": 90 + BAR_AREA + 80,
    }
