"""Figures of the municipalities in one region, side by side and added up.

Each municipality's figures come from its own tenant session through the ``monitoring_figures``
hook (only aggregated, non-personal values cross here); how a figure adds up is the plugin's
call (``Figure.combine``): counts are summed, shares and averages are shown as the mean of the
municipalities, and some figures get no regional total at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from core.models import Tenant
from core.spreadsheet import csv_text
from core.subjects import monitoring_figures


@dataclass
class RegionalFigure:
    key: str
    label: str
    unit: str
    combine: str
    by_municipality: dict[str, float | int] = field(default_factory=dict)

    @property
    def total(self) -> float | int | None:
        values = list(self.by_municipality.values())
        if not values or self.combine == "none":
            return None
        if self.combine == "mean":
            return round(sum(values) / len(values), 1)
        return sum(values)


@dataclass
class RegionalTable:
    region: str
    municipalities: list[str]
    figures: list[RegionalFigure]

    def as_csv(self) -> str:
        rows = (
            [
                figure.label,
                figure.unit,
                *(figure.by_municipality.get(name, "") for name in self.municipalities),
                "" if figure.total is None else figure.total,
                figure.combine,
            ]
            for figure in self.figures
        )
        return csv_text(["figure", "unit", *self.municipalities, "region", "region_rule"], rows)


def tenants_in_region(database, region: str) -> list[Tenant]:
    if not region:
        return []
    with database.session() as lookup:
        return list(
            lookup.exec(
                select(Tenant).where(Tenant.region == region, Tenant.active).order_by(Tenant.name)
            ).all()
        )


def regional_table(database, region: str) -> RegionalTable:
    """Every active municipality of ``region`` with the figures of the modules it enabled."""
    tenants = tenants_in_region(database, region)
    figures: dict[str, RegionalFigure] = {}
    for tenant in tenants:
        with database.session(tenant.id) as session:
            for figure in monitoring_figures(session, tenant):
                row = figures.setdefault(
                    figure.key,
                    RegionalFigure(figure.key, figure.label, figure.unit, figure.combine),
                )
                row.by_municipality[tenant.name] = figure.value
    return RegionalTable(
        region=region,
        municipalities=[tenant.name for tenant in tenants],
        figures=sorted(figures.values(), key=lambda row: row.key),
    )
