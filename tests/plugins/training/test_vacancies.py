"""The job match: a provider publishes a vacancy, graduates see it on their path page, staff
record a hire, which makes the candidate employed and counts in the figures."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from plugins.training import report
from plugins.training.models import Vacancy
from plugins.training.services import Stage
from tests.plugins.training.conftest import grant, member, organisation, people
from tests.plugins.training.helpers import make_candidate, stored

START = (date.today() + timedelta(days=30)).isoformat()


def provider(world, slug="kdv-zonnetje", modules=("loket",), subject="mia"):
    organisation(world.app, slug, kind="provider")
    grant(world.app, "aalst", slug, modules=modules)
    return world.client_for(member(world.app, subject, slug))


def publish(client, **changes):
    data = {
        "title": "Kinderbegeleider baby's",
        "location": "KDV Zonnetje, Aalst",
        "hours_per_week": "30",
        "starts_on": START,
        "contact": "jobs@zonnetje.be",
    }
    data.update(changes)
    return client.post("/t/aalst/opleiding/vacatures", data=data)


def vacancies(world):
    with world.session() as db:
        return list(db.exec(select(Vacancy)))


def graduate(world):
    cohort = world.programme_and_cohort("cvo-limburg", hours=10)
    candidate_id = make_candidate(world, "cvo-limburg", stage=Stage.GRADUATED, cohort=cohort)
    with world.session() as db:
        from plugins.training.models import Candidate

        db.get(Candidate, candidate_id).user_id = people(world)["an"].id
    return candidate_id


def test_a_provider_publishes_and_a_graduate_sees_the_open_vacancy(world):
    mia = provider(world)
    assert publish(mia).status_code == 303
    candidate_id = graduate(world)
    page = world.client_for(people(world)["an"]).get("/t/aalst/opleiding/mijn-traject")
    text = page.get_data(as_text=True)
    assert "Kinderbegeleider baby&#39;s" in text and "jobs@zonnetje.be" in text
    assert stored(world.app, candidate_id).stage == "graduated"


def test_bad_vacancy_input_is_refused_in_the_page(world):
    mia = provider(world)
    for changes in ({"hours_per_week": "-5"}, {"title": ""}, {"contact": "a\x00b"}):
        assert publish(mia, **changes).status_code == 422
    assert vacancies(world) == []


def test_only_providers_publish_and_close_their_own(world):
    mia = provider(world)
    bert = provider(world, "kdv-anders", modules=("training",), subject="bert")
    publish(bert)
    [vacancy] = vacancies(world)
    # A school (granted training, not a provider), a parent, and staff may not publish.
    for user in ("sara", "an", "lieve"):
        client = world.client_for(people(world)[user])
        assert publish(client).status_code == 404
    close = f"/t/aalst/opleiding/vacatures/{vacancy.id}/sluiten"
    assert mia.post(close).status_code == 404  # another provider's vacancy
    assert mia.head(close).status_code == 405
    assert vacancies(world)[0].closed_at is None
    assert bert.post(close).status_code == 303
    assert vacancies(world)[0].closed_at is not None
    # Not granted in Brugge: no provider there.
    from tests.support.auth import make_user

    assert (
        world.client_for(make_user(world.app, "bert"), "brugge")
        .get("/t/brugge/opleiding/vacatures")
        .status_code
        == 404
    )


def test_staff_record_a_hire_and_the_figures_count_it(world):
    publish(provider(world))
    [vacancy] = vacancies(world)
    candidate_id = graduate(world)
    sara = world.client_for(people(world)["sara"])
    hired = sara.post(
        f"/t/aalst/opleiding/kandidaten/{candidate_id}/aanwerving",
        data={"vacancy": str(vacancy.id)},
    )
    assert hired.status_code == 303
    saved = stored(world.app, candidate_id)
    assert (saved.stage, saved.employer, saved.hired_vacancy_id) == (
        "employed",
        "Kdv Zonnetje",
        vacancy.id,
    )
    assert vacancies(world)[0].closed_at is not None  # filled
    with world.session() as db:
        assert report.funnel_for(db, None).hired_through_match == 1
    figures = world.client_for(people(world)["lieve"]).get("/t/aalst/opleiding/cijfers")
    assert figures.status_code == 200


def test_a_hire_for_an_unknown_vacancy_or_by_another_school_is_refused(world):
    publish(provider(world))
    [vacancy] = vacancies(world)
    candidate_id = graduate(world)
    sara = world.client_for(people(world)["sara"])
    wrong = sara.post(
        f"/t/aalst/opleiding/kandidaten/{candidate_id}/aanwerving", data={"vacancy": "nope"}
    )
    assert wrong.status_code == 422
    tom = world.client_for(people(world)["tom"])
    assert (
        tom.post(
            f"/t/aalst/opleiding/kandidaten/{candidate_id}/aanwerving",
            data={"vacancy": str(vacancy.id)},
        ).status_code
        == 404
    )
    assert stored(world.app, candidate_id).stage == "graduated"


def test_the_start_page_links_providers_to_their_vacancies_and_mentors_to_their_interns(world):
    from tests.plugins.training.test_internship_hours import intern

    mia = provider(world)
    page = mia.get("/t/aalst/opleiding/").get_data(as_text=True)
    assert "/opleiding/vacatures" in page and "/opleiding/stagebegeleiding" not in page
    intern(world)  # an intern at Mia's provider: now she mentors
    page = mia.get("/t/aalst/opleiding/").get_data(as_text=True)
    assert "/opleiding/stagebegeleiding" in page
    sara = world.client_for(people(world)["sara"])
    assert "/opleiding/vacatures" not in sara.get("/t/aalst/opleiding/").get_data(as_text=True)
