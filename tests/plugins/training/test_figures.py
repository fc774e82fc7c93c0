"""Funnel, forecast, CSV and monitoring figures from a known data set, with exact numbers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from core.hookspecs import hookimpl
from core.models import Tenant
from core.plugin_types import PlannedPlaces
from plugins.training import report, store
from plugins.training.figures import DEFAULT_COMPLETION_RATE, CohortOutcome, forecast
from plugins.training.models import Candidate
from tests.plugins.training.conftest import people
from tests.support.apps import tenant_id

TODAY = date(2026, 11, 25)

# (name, cohort, stage, furthest stage, drop-out reason, employed in region, registration year)
KNOWN = [
    ("a1", "A", "employed", "employed", "", True, 2025),
    ("a2", "A", "employed", "employed", "", False, 2025),
    ("a3", "A", "graduated", "graduated", "", False, 2025),
    ("a6", "A", "graduated", "graduated", "", False, 2025),
    ("a4", "A", "dropped_out", "in_training", "own_childcare_missing", False, 2025),
    ("a5", "A", "dropped_out", "enrolled", "schedule", False, 2025),
    ("b1", "B", "in_training", "in_training", "", False, 2026),
    ("b2", "B", "in_training", "in_training", "", False, 2026),
    ("b3", "B", "internship", "internship", "", False, 2026),
    ("b4", "B", "enrolled", "enrolled", "", False, 2026),
    ("b5", "B", "dropped_out", "internship", "finances", False, 2026),
    ("n1", None, "interested", "interested", "", False, 2026),
    ("n2", None, "interested", "interested", "", False, 2026),
    ("n3", None, "info_session_attended", "info_session_attended", "", False, 2026),
    ("n4", None, "intake", "intake", "", False, 2026),
    ("n5", None, "dropped_out", "info_session_attended", "own_childcare_missing", False, 2026),
]
ALL_REACHED = {
    "interested": 16,
    "info_session_attended": 14,
    "intake": 12,
    "enrolled": 11,
    "in_training": 9,
    "internship": 6,
    "graduated": 4,
    "employed": 2,
}
ALL_CONVERSION = {
    "info_session_attended": 87.5,
    "intake": 85.7,
    "enrolled": 91.7,
    "in_training": 81.8,
    "internship": 66.7,
    "graduated": 66.7,
    "employed": 50.0,
}


@pytest.fixture
def known(world):
    ended = world.programme_and_cohort(
        "cvo-limburg", name="Dag 2025", starts_on=date(2025, 9, 1), ends_on=date(2026, 6, 30)
    )
    running = world.programme_and_cohort(
        "cvo-limburg", name="Avond 2026", starts_on=date(2026, 2, 2), ends_on=date(2027, 1, 29)
    )
    cohorts = {"A": ended.id, "B": running.id, None: None}
    with world.session() as db:
        for name, cohort, stage, furthest, reason, in_region, year in KNOWN:
            db.add(
                Candidate(
                    organisation_id=world.organisation_id("cvo-limburg"),
                    cohort_id=cohorts[cohort],
                    given_name=name,
                    family_name="Test",
                    email=f"{name}@example.be",
                    interest="kinderbegeleider",
                    stage=stage,
                    furthest_stage=furthest,
                    dropout_reason=reason,
                    employed_in_region=in_region,
                    created_at=datetime(year, 5, 1, tzinfo=UTC),
                    graduated_on=date(2026, 6, 28)
                    if furthest in ("graduated", "employed")
                    else None,
                )
            )
    return world, ended, running


def test_the_funnel_of_all_candidates(known):
    world, _ended, _running = known
    with world.session() as db:
        result = report.funnel_for(db, None)
    assert result.total == 16
    assert result.reached == ALL_REACHED
    assert result.conversion == ALL_CONVERSION
    assert result.dropouts == {
        "own_childcare_missing": 2,
        "schedule": 1,
        "finances": 1,
        "health": 0,
        "other": 0,
    }
    assert (result.graduates, result.employed_in_region) == (4, 1)


def test_the_funnel_per_cohort_and_per_year(known):
    world, ended, running = known
    with world.session() as db:
        cohort = report.funnel_for(db, None, cohort_id=ended.id)
        year_2025 = report.funnel_for(db, None, year=2025)
        year_2026 = report.funnel_for(db, None, year=2026)
        other_school = report.funnel_for(db, {world.organisation_id("school-de-linde")})
    assert cohort.reached == {
        "interested": 6,
        "info_session_attended": 6,
        "intake": 6,
        "enrolled": 6,
        "in_training": 5,
        "internship": 4,
        "graduated": 4,
        "employed": 2,
    }
    assert cohort.conversion["in_training"] == 83.3
    assert cohort.conversion["internship"] == 80.0
    assert cohort.conversion["graduated"] == 100.0
    assert year_2025.reached == cohort.reached
    assert (year_2026.total, year_2026.reached["enrolled"], year_2026.graduates) == (10, 5, 0)
    assert year_2026.dropouts["own_childcare_missing"] == 1
    assert other_school.total == 0
    assert other_school.conversion["intake"] is None


class Starters:
    """A throw-away starters plugin answering planned_places."""

    @hookimpl
    def planned_places(self, tenant, session):
        return [
            PlannedPlaces("groepsopvang", 18, date(2027, 2, 1), "approved"),
            PlannedPlaces("gezinsopvang", 8, date(2027, 5, 1), "planned"),
            PlannedPlaces("groepsopvang", 30, date(2026, 1, 1), "opened"),
        ]


def test_the_forecast_uses_the_measured_completion_rate_and_the_planned_places(known):
    world, _ended, _running = known
    with world.session() as db:
        outlook = report.forecast_for(db, None, Starters().planned_places(None, None), TODAY)
    assert outlook.rate.measured
    assert (outlook.rate.enrolled, outlook.rate.graduated, outlook.rate.rate) == (6, 4, 0.667)
    rows = {
        q.quarter: (q.expected_graduates, q.planned_places, q.workers_needed)
        for q in outlook.quarters
    }
    assert list(rows) == ["2026-K4", "2027-K1", "2027-K2", "2027-K3", "2027-K4", "2028-K1"]
    assert rows["2027-K1"] == (2.7, 18, 3)  # 4 still in cohort B × 0.667; 18 places ÷ 8
    assert rows["2027-K2"] == (0.0, 8, 1)
    assert rows["2026-K4"] == (0.0, 0, 0)  # the opened facility is staffed already


def test_without_an_ended_cohort_the_forecast_states_its_default_rate():
    cohorts = [
        CohortOutcome(ends_on=date(2027, 6, 30), enrolled=10, graduated=0, still_in_training=10)
    ]
    outlook = forecast(cohorts, [], today=TODAY)
    assert not outlook.rate.measured and outlook.rate.rate == DEFAULT_COMPLETION_RATE
    assert [q.expected_graduates for q in outlook.quarters if q.quarter == "2027-K2"] == [6.0]
    # A cohort past its end with candidates still in it counts in the current quarter.
    late = forecast([CohortOutcome(date(2026, 1, 31), 0, 0, 5)], [], today=TODAY)
    assert late.quarters[0].expected_graduates == 3.0


def test_the_figures_page_shows_the_numbers_the_chart_and_the_explained_forecast(known):
    world, ended, _running = known
    registry = world.app.extensions["opvangplein.plugins"]
    registry.manager.register(Starters(), name="test-starters")
    try:
        lieve = world.client_for(people(world)["lieve"])
        page = lieve.get("/t/aalst/opleiding/cijfers").get_data(as_text=True)
    finally:
        registry.manager.unregister(name="test-starters")
    assert '<svg class="training-chart"' in page and "style=" not in page.split("<main")[1]
    legend = page.split('class="chart-legend"')[1].split("</ul>")[0]
    assert "Verwachte afgestudeerden" in legend and "chart-legend__swatch--outline" in legend
    assert '<td class="utrecht-table__cell" data-stage="enrolled">11</td>' in page
    assert "91,7\u00a0%" in page
    assert "van de 6 kandidaten die startten in de 1 afgelopen groepen, studeerden er 4 af" in page
    assert "delen we de plaatsen door acht" in page
    forecast_table = page.split('class="utrecht-table training-forecast"')[1]
    assert "2027-K1" in forecast_table and ">18<" in forecast_table and ">3<" in forecast_table
    per_cohort = lieve.get(f"/t/aalst/opleiding/cijfers?groep={ended.id}").get_data(as_text=True)
    assert '<td class="utrecht-table__cell" data-stage="enrolled">6</td>' in per_cohort
    assert lieve.get("/t/aalst/opleiding/cijfers?groep=unknown").status_code == 404


def test_the_csv_export_holds_the_funnel_per_scope(known):
    world, ended, _running = known
    lieve = world.client_for(people(world)["lieve"])
    response = lieve.get("/t/aalst/opleiding/cijfers.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0] == ["Bereik", "Cijfer", "Onderdeel", "Waarde"]
    assert ["Alle kandidaten", "Bereikt", "Ingeschreven in een groep", "11"] in rows
    assert ["Alle kandidaten", "Doorstroom (%)", "Afgestudeerd", "66.7"] in rows
    assert ["Alle kandidaten", "Afgehaakt", "Geen opvang voor het eigen kind", "2"] in rows
    assert ["Dag 2025", "Bereikt", "Aan het werk", "2"] in rows
    assert ["2026", "Bereikt", "Geïnteresseerd", "10"] in rows
    assert ["Alle kandidaten", "Aan het werk in de regio", "", "1"] in rows


def test_a_school_sees_the_figures_of_its_own_candidates_only(known):
    world, _ended, _running = known
    tom = world.client_for(people(world)["tom"])
    page = tom.get("/t/aalst/opleiding/cijfers").get_data(as_text=True)
    assert '<td class="utrecht-table__cell" data-stage="interested">0</td>' in page
    assert (
        world.client_for(people(world)["an"]).get("/t/aalst/opleiding/cijfers").status_code == 403
    )


def test_the_monitoring_hook_reports_aggregated_figures_only(known):
    world, _ended, _running = known
    registry = world.app.extensions["opvangplein.plugins"]
    with world.app.app_context(), world.db.session(tenant_id(world.app, "aalst")) as db:
        tenant = db.get(Tenant, tenant_id(world.app, "aalst"))
        answers = registry.for_plugins({"training"}).monitoring_figures(tenant=tenant, session=db)
    figures = {figure.key: figure.value for answer in answers for figure in answer}
    assert figures["training.dropouts_no_childcare"] == 2
    assert figures["training.in_training"] == 3
    assert figures["training.candidates"] == 16
    assert figures["training.employed_in_region"] == 1
    assert all(isinstance(value, int | float) for value in figures.values())


def test_graduates_this_year_counts_graduation_dates_in_the_year(known):
    world, _ended, _running = known
    with world.session() as db:
        this_year = {f.key: f.value for f in report.monitoring_figures(db, today=TODAY)}
        next_year = {f.key: f.value for f in report.monitoring_figures(db, today=date(2027, 3, 1))}
    assert this_year["training.graduates_this_year"] == 4
    assert next_year["training.graduates_this_year"] == 0


def test_the_csv_export_keeps_a_formula_like_cohort_name_as_text(world):
    world.programme_and_cohort("cvo-limburg", name='=HYPERLINK("http://x")')
    lieve = world.client_for(people(world)["lieve"])
    body = lieve.get("/t/aalst/opleiding/cijfers.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body and ";=HYPERLINK" not in body and "\n=HYPERLINK" not in body


def test_a_cohort_named_as_a_formula_stays_text_in_the_export():
    from plugins.training.figures import funnel

    text = report.funnel_csv([('=HYPERLINK("http://evil.test","Klik")', funnel([]))], str, str)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert rows and all(row[0].startswith("'=HYPERLINK") for row in rows)


def test_the_funnels_per_scope_read_at_once_equal_each_scope_read_alone(known):
    world, ended, running = known
    with world.session() as db:
        everyone, per_cohort, per_year = report.funnels_by_scope(db, None, [ended, running])
        assert everyone == report.funnel_for(db, None)
        assert per_cohort == [
            (ended, report.funnel_for(db, None, cohort_id=ended.id)),
            (running, report.funnel_for(db, None, cohort_id=running.id)),
        ]
        assert per_year == [
            (2026, report.funnel_for(db, None, year=2026)),
            (2025, report.funnel_for(db, None, year=2025)),
        ]
        _, _, only_2025 = report.funnels_by_scope(db, None, [], year=2025)
        assert only_2025 == [(2025, report.funnel_for(db, None, year=2025))]


def test_cohort_outcomes_count_who_enrolled_graduated_and_is_still_in_each_cohort(known):
    world, ended, running = known
    with world.session() as db:
        outcomes = store.cohort_outcomes(db, None)
    assert sorted(outcomes, key=lambda outcome: outcome.ends_on) == [
        CohortOutcome(ends_on=ended.ends_on, enrolled=6, graduated=4, still_in_training=0),
        CohortOutcome(ends_on=running.ends_on, enrolled=5, graduated=0, still_in_training=4),
    ]
