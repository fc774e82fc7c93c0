"""Figures (staff and partners): the funnel, the forecast, and the funnel as CSV."""

from __future__ import annotations

from flask import Response, abort, g, make_response, request
from flask_babel import gettext as _

from core.identity.access import require_permission
from core.rendering import render
from core.web import db_session, tenant_hooks
from plugins.training import report, store
from plugins.training.access import visible_organisations
from plugins.training.labels import DROPOUT_LABELS, STAGE_LABELS, label
from plugins.training.views.common import blueprint, today


def _figure_scope():
    session = db_session()
    visible = visible_organisations()
    cohorts = store.cohorts(session, visible)
    cohort = None
    raw_cohort = request.args.get("groep", "")
    if raw_cohort:
        cohort = next((c for c in cohorts if str(c.id) == raw_cohort), None)
        if cohort is None:
            abort(404)
    year = request.args.get("jaar", type=int)
    return visible, cohorts, cohort, year


@blueprint.get("/cijfers")
@require_permission("training.figures")
def figures():
    from plugins.training.charts import forecast_bars, funnel_bars

    session = db_session()
    visible, cohorts, cohort, year = _figure_scope()
    result = report.funnel_for(session, visible, cohort_id=cohort.id if cohort else None, year=year)
    planned = report.planned_places(g.tenant, session, tenant_hooks())
    outlook = report.forecast_for(session, visible, planned, today())
    return render(
        "training/figures.html",
        funnel=result,
        funnel_chart=funnel_bars(result, lambda stage: label("stage", stage)),
        forecast=outlook,
        forecast_chart=forecast_bars(outlook),
        starters_on="starters" in g.enabled_plugins,
        cohorts=cohorts,
        cohort=cohort,
        years=store.candidate_years(session, visible),
        year=year,
        dropout_labels=DROPOUT_LABELS,
    )


@blueprint.get("/cijfers.csv")
@require_permission("training.figures")
def figures_csv():
    session = db_session()
    visible, cohorts, cohort, year = _figure_scope()
    everyone, per_cohort, per_year = report.funnels_by_scope(
        session, visible, cohorts if cohort is None else [cohort], year=year
    )
    scopes = [
        (_("All candidates"), everyone),
        *((one.name, result) for one, result in per_cohort),
        *((str(one_year), result) for one_year, result in per_year),
    ]
    body = report.funnel_csv(
        scopes,
        lambda stage: str(STAGE_LABELS[stage]),
        lambda reason: str(DROPOUT_LABELS[reason]),
    )
    response: Response = make_response("\ufeff" + body)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="opleiding-cijfers.csv"'
    return response
