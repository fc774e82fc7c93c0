"""Figures of the municipalities in one region, side by side and added up.

Each municipality's figures come from its own tenant session through the ``monitoring_figures``
hook (only aggregated, non-personal values cross here); how a figure adds up is the plugin's
call (``Figure.combine``): counts are summed, shares and averages are shown as the mean of the
municipalities, and some figures get no regional total at all. A count that asks for it
(``Figure.suppress_below``) is shown by the rule of :mod:`core.disclosure`: a municipality's
small count is hidden, and so is whatever would give it away (another cell, or the total).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

import sqlalchemy as sa
from flask_babel import force_locale
from sqlmodel import select

from core.db import as_utc, utcnow
from core.disclosure import Suppression, suppress_table
from core.i18n import SUPPORTED_LOCALES
from core.models import RegionalFigureSnapshot, Tenant
from core.spreadsheet import csv_text
from core.subjects import monitoring_figures

# The job refreshes every municipality's snapshot each quarter; older ones are computed anew
# when the page is read (a worker that stopped must not leave a region on old figures).
REFRESH_EVERY = timedelta(minutes=15)
STALE_AFTER = timedelta(hours=1)
# Kept with the labels (a JSON column) rather than in a column of its own: how a figure is
# shown, decided when it was computed, like its labels.
SUPPRESS_BELOW = "suppress_below"
# A suppressed count in the export (the page says it in the reader's language).
HIDDEN_IN_CSV = "suppressed"


@dataclass
class RegionalFigure:
    key: str
    label: str
    unit: str
    combine: str
    by_municipality: dict[str, float | int] = field(default_factory=dict)
    suppress_below: int = 0

    @cached_property
    def _suppression(self) -> Suppression:
        # Read once the municipalities are filled in (the page asks for every cell).
        if self.suppress_below <= 0:
            return Suppression(hidden=frozenset(), total_hidden=False)
        return suppress_table(self.by_municipality, threshold=self.suppress_below)

    def is_hidden(self, municipality: str) -> bool:
        return municipality in self._suppression.hidden

    @property
    def total_hidden(self) -> bool:
        return self._suppression.total_hidden

    def shown(self, municipality: str, hidden: str, missing: str = "") -> float | int | str:
        """The municipality's value as it may be shown: ``hidden`` for a suppressed count."""
        if self.is_hidden(municipality):
            return hidden
        return self.by_municipality.get(municipality, missing)

    @property
    def total(self) -> float | int | None:
        values = list(self.by_municipality.values())
        if not values or self.combine == "none" or self.total_hidden:
            return None
        if self.combine == "mean":
            return round(sum(values) / len(values), 1)
        return sum(values)


@dataclass
class RegionalTable:
    region: str
    municipalities: list[str]
    figures: list[RegionalFigure]
    computed_at: datetime | None = None

    def as_csv(self) -> str:
        rows = (
            [
                figure.label,
                figure.unit,
                *(figure.shown(name, HIDDEN_IN_CSV) for name in self.municipalities),
                HIDDEN_IN_CSV
                if figure.total_hidden
                else ("" if figure.total is None else figure.total),
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


def regional_table(database, region: str, *, now: datetime | None = None) -> RegionalTable:
    """Every active municipality of ``region`` with the figures of the modules it enabled.

    The figures are the snapshots of the ``core.regional-figures`` job, read for the whole
    region in one query; a municipality without a recent snapshot (new, or no worker ran) is
    computed here and stored, so the page never shows figures older than :data:`STALE_AFTER`.
    """
    now = now or utcnow()
    tenants = tenants_in_region(database, region)
    snapshots = _snapshots(database, region, [tenant.id for tenant in tenants])
    for tenant in tenants:
        rows = snapshots.get(tenant.id)
        if not rows or min(as_utc(row.computed_at) for row in rows) < now - STALE_AFTER:
            with database.tenant_session(tenant.id) as session:
                snapshots[tenant.id] = refresh_snapshot(session, tenant, now)
    language = _current_language()
    figures: dict[str, RegionalFigure] = {}
    for tenant in tenants:
        for row in snapshots.get(tenant.id, ()):
            label, unit = row.labels.get(language) or row.labels.get("nl") or (row.key, "")
            figure = figures.setdefault(
                row.key,
                RegionalFigure(
                    row.key,
                    label,
                    unit,
                    row.combine,
                    suppress_below=int(row.labels.get(SUPPRESS_BELOW, 0)),
                ),
            )
            figure.by_municipality[tenant.name] = int(row.value) if row.whole else row.value
    computed = [as_utc(row.computed_at) for rows in snapshots.values() for row in rows]
    return RegionalTable(
        region=region,
        municipalities=[tenant.name for tenant in tenants],
        figures=sorted(figures.values(), key=lambda row: row.key),
        computed_at=min(computed) if computed else None,
    )


def _snapshots(database, region: str, tenant_ids: list[uuid.UUID]) -> dict:
    """The region's snapshot rows by municipality, in one query (a platform session: the rows
    of several tenants, aggregated figures only). Plain rows, not ORM objects: hydrating 25
    figures of 300 municipalities costs more than the query."""
    if not tenant_ids:
        return {}
    snapshot = RegionalFigureSnapshot
    found: dict[uuid.UUID, list] = {}
    with database.platform_session(
        actor="system:regional", reason=f"regional figures {region}"
    ) as db:
        rows = db.execute(
            select(
                snapshot.tenant_id,
                snapshot.key,
                snapshot.value,
                snapshot.whole,
                snapshot.combine,
                snapshot.labels,
                snapshot.computed_at,
            ).where(snapshot.tenant_id.in_(tenant_ids))
        ).all()
    for row in rows:
        found.setdefault(row.tenant_id, []).append(row)
    return found


def refresh_snapshot(session, tenant: Tenant, now: datetime) -> list[RegionalFigureSnapshot]:
    """Compute ``tenant``'s figures through the ``monitoring_figures`` hook and store them,
    with their label and unit in every interface language."""
    figures = monitoring_figures(session, tenant)
    session.execute(sa.delete(RegionalFigureSnapshot))  # the session's tenant only
    rows = []
    for figure in figures:
        labels = {}
        for language in SUPPORTED_LOCALES:
            with force_locale(language):
                labels[language] = [str(figure.label), str(figure.unit)]
        if figure.suppress_below:
            labels[SUPPRESS_BELOW] = figure.suppress_below
        row = RegionalFigureSnapshot(
            key=figure.key,
            value=float(figure.value),
            whole=isinstance(figure.value, int),
            combine=figure.combine,
            labels=labels,
            computed_at=now,
        )
        session.add(row)
        rows.append(row)
    return rows


def refresh_regional_figures(session, tenant: Tenant, now: datetime) -> str:
    """The ``core.regional-figures`` job, once per municipality."""
    return f"{len(refresh_snapshot(session, tenant, now))} figures"


def _current_language() -> str:
    from flask import has_request_context
    from flask_babel import get_locale

    if not has_request_context():
        return "nl"
    locale = get_locale()
    return locale.language if locale is not None and locale.language in SUPPORTED_LOCALES else "nl"
