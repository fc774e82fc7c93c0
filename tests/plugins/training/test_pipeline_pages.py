"""The school runs the pipeline in pages: step form, board (with and without htmx), progress."""

from __future__ import annotations

import uuid

from sqlmodel import select

from core.models import AuditEntry
from plugins.training.services import Stage
from tests.plugins.training.conftest import people
from tests.plugins.training.helpers import give_extract, make_candidate, step, stored, timeline
from tests.support.apps import tenant_id

HTMX = {"HX-Request": "true"}


def test_a_school_runs_intake_enrolment_training_internship_graduation_and_employment(world):
    cohort = world.programme_and_cohort("cvo-limburg", hours=80)
    candidate = make_candidate(world, "cvo-limburg", stage=Stage.INFO_SESSION_ATTENDED)
    sara = world.client_for(people(world)["sara"])
    assert step(sara, candidate, "intake", intake_outcome="suitable").status_code == 303
    assert step(sara, candidate, "enrolled", cohort=str(cohort.id)).status_code == 303
    assert step(sara, candidate, "in_training").status_code == 303
    logged = sara.post(
        f"/t/aalst/opleiding/kandidaten/{candidate}/voortgang", data={"modules": "2"}
    )
    assert logged.status_code == 303
    give_extract(world, candidate)  # the internship needs a valid extract
    assert (
        step(sara, candidate, "internship", placement_name="KDV Zonnetje Aalst").status_code == 303
    )
    # A free-text placement has no mentor to confirm hours: the school records why it graduates.
    assert step(sara, candidate, "graduated").status_code == 422
    recognised = "Stage-uren bevestigd door KDV Zonnetje op papier"
    assert step(sara, candidate, "graduated", reason=recognised).status_code == 303
    done = step(
        sara, candidate, "employed", employer="Kinderopvang De Vlinder", employed_in_region="1"
    )
    assert done.status_code == 303
    final = stored(world.app, candidate)
    assert (final.stage, final.internship_hours, final.modules_passed) == ("employed", 0, 2)
    assert (final.cohort_id, final.employed_in_region) == (cohort.id, True)
    kinds = [(e.kind, e.to_stage) for e in timeline(world.app, candidate)]
    assert kinds[-7:] == [
        ("stage", "intake"),
        ("stage", "enrolled"),
        ("stage", "in_training"),
        ("progress", ""),
        ("stage", "internship"),
        ("stage", "graduated"),
        ("stage", "employed"),
    ]
    page = sara.get(f"/t/aalst/opleiding/kandidaten/{candidate}").get_data(as_text=True)
    assert "Kinderopvang De Vlinder" in page and "Aan het werk" in page


def test_a_refused_step_is_explained_in_the_page_and_changes_nothing(world):
    candidate = make_candidate(world, "cvo-limburg", stage=Stage.INTERESTED)
    sara = world.client_for(people(world)["sara"])
    response = step(sara, candidate, "intake", intake_outcome="not_yet")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Een fase overslaan vraagt een reden." in page
    assert "Zeg waarom de kandidaat (nog) niet geschikt is." in page
    assert stored(world.app, candidate).stage == Stage.INTERESTED
    assert [e.kind for e in timeline(world.app, candidate)] == []
    skipped = step(
        sara,
        candidate,
        "intake",
        intake_outcome="not_yet",
        intake_reasons="Eerst Nederlands niveau 2",
        reason="Al eerder op infosessie geweest bij VDAB",
    )
    assert skipped.status_code == 303
    (entry,) = timeline(world.app, candidate)
    assert (entry.from_stage, entry.to_stage, entry.detail) == ("interested", "intake", "not_yet")
    assert entry.reason == "Eerst Nederlands niveau 2"


def test_garbage_input_gets_a_message_never_an_error_page(world):
    candidate = make_candidate(world, "cvo-limburg", stage=Stage.INTAKE)
    sara = world.client_for(people(world)["sara"])
    for fields in (
        {"target": "hired"},
        {"target": "enrolled", "cohort": "not-a-uuid"},
        {"target": "enrolled", "cohort": str(uuid.uuid4())},
        {"target": "dropped_out", "dropout_reason": "bored"},
        {"target": "intake", "intake_outcome": "suitable", "reason": "x" * 600},
    ):
        response = sara.post(f"/t/aalst/opleiding/kandidaten/{candidate}/stap", data=fields)
        assert response.status_code == 422, fields
        assert 'id="error-summary"' in response.get_data(as_text=True)
    progress = sara.post(
        f"/t/aalst/opleiding/kandidaten/{candidate}/voortgang", data={"modules": "veel"}
    )
    assert progress.status_code == 422
    assert stored(world.app, candidate).stage == Stage.INTAKE


def test_a_full_cohort_refuses_another_enrolment(world):
    cohort = world.programme_and_cohort("cvo-limburg", capacity=1)
    make_candidate(world, "cvo-limburg", stage=Stage.ENROLLED, cohort=cohort, given_name="Eerste")
    second = make_candidate(world, "cvo-limburg", stage=Stage.INTAKE, given_name="Tweede")
    sara = world.client_for(people(world)["sara"])
    response = step(sara, second, "enrolled", cohort=str(cohort.id))
    assert response.status_code == 422
    assert "Deze groep is volzet" in response.get_data(as_text=True)


def test_the_board_shows_columns_with_counts_and_moves_with_a_plain_form(world):
    cohort = world.programme_and_cohort("cvo-limburg")
    enrolled = make_candidate(world, "cvo-limburg", stage=Stage.ENROLLED, cohort=cohort)
    make_candidate(
        world, "cvo-limburg", stage=Stage.IN_TRAINING, cohort=cohort, given_name="Karolien"
    )
    sara = world.client_for(people(world)["sara"])
    page = sara.get(f"/t/aalst/opleiding/groepen/{cohort.id}").get_data(as_text=True)
    assert 'id="column-enrolled"' in page and "Ingeschreven in een groep" in page
    assert page.count('class="board-count">(1)') == 2
    assert "2 van 10 plaatsen bezet" in page
    moved = sara.post(
        f"/t/aalst/opleiding/kandidaten/{enrolled}/stap",
        data={"target": "in_training", "from_board": "1"},
    )
    assert moved.status_code == 303
    assert moved.headers["Location"].endswith(f"/opleiding/groepen/{cohort.id}")
    assert stored(world.app, enrolled).stage == Stage.IN_TRAINING


def test_the_board_swaps_itself_after_an_htmx_move(world):
    cohort = world.programme_and_cohort("cvo-limburg")
    enrolled = make_candidate(world, "cvo-limburg", stage=Stage.ENROLLED, cohort=cohort)
    sara = world.client_for(people(world)["sara"])
    response = sara.post(
        f"/t/aalst/opleiding/kandidaten/{enrolled}/stap",
        data={"target": "in_training", "from_board": "1"},
        headers=HTMX,
    )
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="board"')
    assert "<html" not in fragment
    assert 'id="column-in_training"' in fragment
    refused = sara.post(
        f"/t/aalst/opleiding/kandidaten/{enrolled}/stap",
        data={"target": "graduated", "from_board": "1"},
        headers=HTMX,
    )
    assert refused.status_code == 422
    assert 'role="alert"' in refused.get_data(as_text=True)
    assert stored(world.app, enrolled).stage == Stage.IN_TRAINING


def test_the_board_offers_one_click_moves_only_where_nothing_else_is_needed(world):
    cohort = world.programme_and_cohort("cvo-limburg", hours=100)
    short = make_candidate(
        world, "cvo-limburg", stage=Stage.INTERNSHIP, cohort=cohort, given_name="Kort", hours=20
    )
    ready = make_candidate(
        world, "cvo-limburg", stage=Stage.INTERNSHIP, cohort=cohort, given_name="Klaar", hours=100
    )
    sara = world.client_for(people(world)["sara"])
    page = sara.get(f"/t/aalst/opleiding/groepen/{cohort.id}").get_data(as_text=True)
    short_card = page.split(f'id="card-{short}"')[1].split("</li>")[0]
    ready_card = page.split(f'id="card-{ready}"')[1].split("</li>")[0]
    assert "Naar: Afgestudeerd" in ready_card
    assert "Naar: Afgestudeerd" not in short_card and "Andere stap" in short_card


def test_internship_locations_come_from_the_childcare_locations_hook_when_answered(world):
    from core.hookspecs import hookimpl
    from core.plugin_types import LocationSummary

    location = LocationSummary(
        id=uuid.uuid4(),
        name="KDV De Speelboom",
        address="Markt 1",
        postcode="9300",
        kind="groepsopvang",
    )

    class Locations:
        @hookimpl
        def childcare_locations(self, tenant):
            return [location]

    registry = world.app.extensions["opvangplein.plugins"]
    registry.manager.register(Locations(), name="test-locations")
    try:
        cohort = world.programme_and_cohort("cvo-limburg")
        candidate = make_candidate(world, "cvo-limburg", stage=Stage.IN_TRAINING, cohort=cohort)
        sara = world.client_for(people(world)["sara"])
        page = sara.get(f"/t/aalst/opleiding/kandidaten/{candidate}").get_data(as_text=True)
        assert "KDV De Speelboom, 9300" in page and 'name="placement_name"' not in page
        wrong = step(sara, candidate, "internship", placement_location=str(uuid.uuid4()))
        assert wrong.status_code == 422
        give_extract(world, candidate)  # the internship needs a valid extract
        right = step(sara, candidate, "internship", placement_location=str(location.id))
        assert right.status_code == 303
        saved = stored(world.app, candidate)
        assert (saved.placement_location_id, saved.placement_name) == (
            location.id,
            "KDV De Speelboom",
        )
    finally:
        registry.manager.unregister(name="test-locations")


def test_without_locations_the_internship_placement_is_free_text(world):
    cohort = world.programme_and_cohort("cvo-limburg")
    candidate = make_candidate(world, "cvo-limburg", stage=Stage.IN_TRAINING, cohort=cohort)
    sara = world.client_for(people(world)["sara"])
    page = sara.get(f"/t/aalst/opleiding/kandidaten/{candidate}").get_data(as_text=True)
    assert 'name="placement_name"' in page


def test_a_school_publishes_a_programme_and_a_cohort(world):
    sara = world.client_for(people(world)["sara"])
    bad = sara.post("/t/aalst/opleiding/programmas", data={"name": "", "qualification": "x"})
    assert bad.status_code == 422
    created = sara.post(
        "/t/aalst/opleiding/programmas",
        data={"name": "Kinderbegeleider baby's en peuters", "qualification": "kinderbegeleider"},
    )
    assert created.status_code == 303
    programme_url = created.headers["Location"]
    wrong = sara.post(
        programme_url,
        data={
            "name": "Avond 2027",
            "starts_on": "2027-02-01",
            "ends_on": "2026-01-01",
            "schedule": "evening",
            "location": "Campus",
            "capacity": "0",
            "required_internship_hours": "-4",
        },
    )
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "De einddatum valt na de startdatum." in page
    cohort = sara.post(
        programme_url,
        data={
            "name": "Avond 2027",
            "starts_on": "2027-02-01",
            "ends_on": "2028-01-28",
            "schedule": "evening",
            "location": "Campus Hasselt",
            "capacity": "16",
            "required_internship_hours": "400",
            "modules_total": "6",
        },
    )
    assert cohort.status_code == 303 and "/opleiding/groepen/" in cohort.headers["Location"]
    tom = world.client_for(people(world)["tom"])
    assert "Avond 2027" not in tom.get("/t/aalst/opleiding/programmas").get_data(as_text=True)


def test_a_partner_adds_a_candidate_met_elsewhere_and_only_they_see_it(world):
    tom = world.client_for(people(world)["tom"])
    form = {
        "given_name": "Jana",
        "family_name": "Moens",
        "email": "Jana.Moens@example.be",
        "interest": "onthaalouder",
        "contact_consent": "1",
    }
    added = tom.post("/t/aalst/opleiding/kandidaten", data=form)
    assert added.status_code == 303
    candidate_id = added.headers["Location"].rsplit("/", 1)[1]
    found = stored(world.app, uuid.UUID(candidate_id))
    assert (found.email, found.stage, found.source) == (
        "jana.moens@example.be",
        "interested",
        "partner",
    )
    assert found.organisation_id == world.organisation_id("school-de-linde")
    with world.db.session(tenant_id(world.app, "aalst")) as db:
        entry = db.exec(
            select(AuditEntry).where(AuditEntry.action == "training.candidate_added")
        ).one()
    assert entry.on_behalf_of == f"training_candidate:{candidate_id}"
    assert entry.detail == {"contact_consent": True}
    twice = tom.post("/t/aalst/opleiding/kandidaten", data=form)
    assert twice.status_code == 422 and "bestaat al" in twice.get_data(as_text=True)
    sara = world.client_for(people(world)["sara"])
    assert sara.get(f"/t/aalst/opleiding/kandidaten/{candidate_id}").status_code == 404
    page = tom.get(f"/t/aalst/opleiding/kandidaten/{candidate_id}").get_data(as_text=True)
    assert "Toegevoegd door een opleidingspartner" in page


def test_an_intake_with_a_cohort_in_mind_puts_the_candidate_on_its_board_for_one_click(world):
    cohort = world.programme_and_cohort("cvo-limburg", capacity=1)
    candidate = make_candidate(world, "cvo-limburg", stage=Stage.INFO_SESSION_ATTENDED)
    sara = world.client_for(people(world)["sara"])
    step(sara, candidate, "intake", intake_outcome="suitable", cohort=str(cohort.id))
    board = sara.get(f"/t/aalst/opleiding/groepen/{cohort.id}").get_data(as_text=True)
    card = board.split(f'id="card-{candidate}"')[1].split("</li>")[0]
    assert "Naar: Ingeschreven in een groep" in card
    assert "0 van 1 plaatsen bezet" in board  # in mind is not a seat
    other = make_candidate(
        world, "cvo-limburg", stage=Stage.ENROLLED, cohort=cohort, given_name="Sneller"
    )
    full = sara.post(
        f"/t/aalst/opleiding/kandidaten/{candidate}/stap",
        data={"target": "enrolled", "from_board": "1"},
        headers=HTMX,
    )
    assert full.status_code == 422 and "volzet" in full.get_data(as_text=True)
    assert stored(world.app, other).stage == Stage.ENROLLED
    assert stored(world.app, candidate).stage == Stage.INTAKE
