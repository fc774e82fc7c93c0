"""Figures the pages, the CSV export and the monitoring hook share (aggregated, no persons)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.plugin_types import Figure, PlannedPlaces
from core.spreadsheet import csv_text
from plugins.training import store
from plugins.training.figures import Forecast, Funnel, forecast, funnel
from plugins.training.services import PIPELINE, DropoutReason, Stage


def funnel_for(session, visible, *, cohort_id: uuid.UUID | None = None, year: int | None = None):
    return funnel(store.funnel_rows(session, visible, cohort_id=cohort_id, year=year))


def funnels_by_scope(
    session, visible, cohorts: list, *, year: int | None = None
) -> tuple[Funnel, list[tuple[object, Funnel]], list[tuple[int, Funnel]]]:
    """The funnel of all visible candidates, of each of ``cohorts`` and of each year they
    registered in (only ``year`` if given), from one read of the candidates."""
    rows = store.scoped_funnel_rows(session, visible)
    by_cohort: dict = defaultdict(list)
    by_year: dict[int, list] = defaultdict(list)
    for cohort_id, row_year, row in rows:
        by_cohort[cohort_id].append(row)
        by_year[row_year].append(row)
    per_cohort = [(cohort, funnel(by_cohort.get(cohort.id, []))) for cohort in cohorts]
    years = sorted(by_year, reverse=True) if year is None else [year]
    per_year = [(one_year, funnel(by_year.get(one_year, []))) for one_year in years]
    return funnel([row for _, _, row in rows]), per_cohort, per_year


def planned_places(tenant, session, hooks) -> list[PlannedPlaces]:
    """Places starters plan to open (empty when the starters plugin is off for the tenant)."""
    return [
        plan
        for answer in hooks.planned_places(tenant=tenant, session=session)
        for plan in answer or ()
        if isinstance(plan, PlannedPlaces)
    ]


def forecast_for(session, visible, planned: list[PlannedPlaces], today: date) -> Forecast:
    return forecast(store.cohort_outcomes(session, visible), planned, today=today)


def monitoring_figures(session, *, today: date) -> list[Figure]:
    everything = funnel_for(session, None)
    in_training = sum(
        1
        for row in store.funnel_rows(session, None)
        if row.stage in (Stage.IN_TRAINING, Stage.INTERNSHIP)
    )
    return [
        Figure(
            key="training.candidates", label=_l("Candidates on a pathway"), value=everything.total
        ),
        Figure(
            key="training.in_training",
            label=_l("Candidates in training or on internship"),
            value=in_training,
        ),
        Figure(
            key="training.dropouts_no_childcare",
            label=_l("Dropped out for lack of childcare of their own"),
            value=everything.dropouts[DropoutReason.OWN_CHILDCARE_MISSING],
        ),
        Figure(
            key="training.graduates_this_year",
            label=_l("Graduates this year"),
            value=store.graduated_in_year(session, today.year),
        ),
        Figure(key="training.graduates", label=_l("Graduates"), value=everything.graduates),
        Figure(
            key="training.employed_in_region",
            label=_l("Graduates employed in the region"),
            value=everything.employed_in_region,
        ),
    ]


def funnel_csv(rows: list[tuple[str, Funnel]], stage_label, reason_label) -> str:
    """One line per scope (a cohort, a year, all) and measure; Excel opens it as is."""

    def lines():
        for scope, result in rows:
            for stage in PIPELINE:
                yield [scope, _("Reached"), stage_label(stage), result.reached[stage]]
            for stage in PIPELINE[1:]:
                value = result.conversion[stage]
                yield [
                    scope,
                    _("Conversion (%)"),
                    stage_label(stage),
                    "" if value is None else value,
                ]
            for reason in DropoutReason:
                yield [scope, _("Dropped out"), reason_label(reason), result.dropouts[reason]]
            yield [scope, _("Employed in the region"), "", result.employed_in_region]

    header = [_("Scope"), _("Figure"), _("Item"), _("Value")]
    return csv_text(header, lines(), delimiter=";")
