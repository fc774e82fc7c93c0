"""The referral rules and the workflow, without Flask or a database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from plugins.ckg.models import Antenna, Referral
from plugins.ckg.services import (
    ALLOWED_TRANSITIONS,
    ChildInput,
    Offer,
    ParentInput,
    ReferralInput,
    ReferralStatus,
    RuleError,
    StepDetails,
    age_on,
    check_referral,
    clock_label,
    free_places,
    move,
    queue_order,
)

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
CKG = uuid.uuid4()
S = ReferralStatus


def valid_input(**changes) -> ReferralInput:
    data = ReferralInput(
        organisation_id=CKG,
        parents=[ParentInput(name="Sofie Janssens", relation="mother")],
        children=[ChildInput(name="Lotte", birth_date=date(2022, 3, 1))],
        domains=["parenting", "housing"],
        concern_summary="Moeder raakt uitgeput.",
        requested_offer=Offer.HOME,
        urgency="regular",
        consent="given",
        referrer_phone="053 11 22 33",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_a_crisis_referral_without_the_referrers_phone_is_refused():
    errors = errors_of(valid_input(urgency="crisis", referrer_phone=""))
    assert "referrer_phone" in errors


def test_a_phone_number_needs_eight_to_fifteen_digits():
    assert "family_phone" in errors_of(valid_input(family_phone="12 34"))
    assert "family_phone" in errors_of(valid_input(family_phone="bel maar"))
    check_referral(valid_input(family_phone="+32 470 12 34 56"), today=TODAY, allowed_ckgs={CKG})


def errors_of(data: ReferralInput) -> dict[str, str]:
    with pytest.raises(RuleError) as raised:
        check_referral(data, today=TODAY, allowed_ckgs={CKG})
    return {key: str(message) for key, message in raised.value.errors.items()}


def test_a_complete_referral_with_consent_passes():
    check_referral(valid_input(), today=TODAY, allowed_ckgs={CKG})


def test_an_unborn_child_with_an_expected_birth_date_is_within_the_mandate():
    child = ChildInput(name="", expected_birth=date(2027, 2, 1))
    check_referral(valid_input(children=[child]), today=TODAY, allowed_ckgs={CKG})


def test_a_child_of_exactly_twelve_is_within_the_mandate():
    child = ChildInput(name="Jonas", birth_date=date(2014, 11, 25))
    assert age_on(child.birth_date, TODAY) == 12
    check_referral(valid_input(children=[child]), today=TODAY, allowed_ckgs={CKG})


def test_a_child_over_twelve_is_refused_with_a_suggestion_of_other_help():
    child = ChildInput(name="Jonas", birth_date=date(2013, 11, 24))
    message = errors_of(valid_input(children=[child]))["child-1-birth_date"]
    assert "older than 12" in message and "CAW" in message


def test_a_child_without_birth_date_or_expected_birth_is_refused():
    assert "child-1-birth_date" in errors_of(valid_input(children=[ChildInput(name="Lotte")]))


def test_a_birth_date_in_the_future_is_refused():
    child = ChildInput(name="Lotte", birth_date=date(2027, 1, 1))
    assert "future" in errors_of(valid_input(children=[child]))["child-1-birth_date"]


def test_a_passed_expected_birth_is_refused():
    child = ChildInput(expected_birth=date(2026, 1, 1))
    assert "passed" in errors_of(valid_input(children=[child]))["child-1-expected_birth"]


def test_a_referral_needs_a_parent_a_child_a_domain_an_offer_and_an_urgency():
    errors = errors_of(
        valid_input(parents=[], children=[], domains=[], requested_offer="", urgency="")
    )
    assert set(errors) >= {
        "parent-1-name",
        "child-1-name",
        "domains",
        "requested_offer",
        "urgency",
    }


def test_only_a_ckg_the_tenant_granted_can_be_chosen():
    assert "organisation" in errors_of(valid_input(organisation_id=uuid.uuid4()))


def test_long_stay_through_the_direct_route_is_refused():
    errors = errors_of(valid_input(requested_offer=Offer.LONG_STAY, groeipakket_notice_given=True))
    assert "indirect route" in errors["access_gate_reference"]


def test_long_stay_needs_the_groeipakket_notice_confirmed():
    errors = errors_of(
        valid_input(
            requested_offer=Offer.LONG_STAY, route="indirect", access_gate_reference="ITP-123"
        )
    )
    assert "Groeipakket" in errors["groeipakket_notice_given"]


def test_long_stay_through_the_access_gate_with_the_notice_passes():
    check_referral(
        valid_input(
            requested_offer=Offer.LONG_STAY,
            route="indirect",
            access_gate_reference="ITP-123",
            groeipakket_notice_given=True,
        ),
        today=TODAY,
        allowed_ckgs={CKG},
    )


def test_refused_consent_without_override_cannot_be_submitted():
    assert "consent" in errors_of(valid_input(consent="refused"))


def test_missing_consent_cannot_be_submitted():
    assert "consent" in errors_of(valid_input(consent=""))


def test_override_needs_a_reason_and_an_explanation():
    errors = errors_of(valid_input(consent="overridden"))
    assert {"consent_override_reason", "consent_explanation"} <= set(errors)


def test_crisis_override_needs_crisis_urgency():
    errors = errors_of(
        valid_input(
            consent="overridden", consent_override_reason="crisis", consent_explanation="Gevaar"
        )
    )
    assert "consent_override_reason" in errors


def test_crisis_override_with_crisis_urgency_and_explanation_passes():
    check_referral(
        valid_input(
            urgency="crisis",
            consent="overridden",
            consent_override_reason="crisis",
            consent_explanation="Kind alleen thuis",
        ),
        today=TODAY,
        allowed_ckgs={CKG},
    )


def test_mandate_override_needs_the_indirect_route():
    errors = errors_of(
        valid_input(
            consent="overridden", consent_override_reason="mandate", consent_explanation="Vonnis"
        )
    )
    assert "consent_override_reason" in errors


def test_free_text_is_limited_in_length():
    errors = errors_of(valid_input(concern_summary="x" * 1001))
    assert "concern_summary" in errors


# -- workflow ---------------------------------------------------------------------------------


def referral_in(status: ReferralStatus, **fields) -> Referral:
    return Referral(
        organisation_id=CKG,
        status=status,
        urgency="regular",
        requested_offer="home",
        consent="given",
        **fields,
    )


def antenna(**places) -> Antenna:
    return Antenna(organisation_id=CKG, name="Antenne Genk", **places)


def details_for(target: ReferralStatus, site: Antenna) -> StepDetails:
    return {
        S.SUBMITTED: StepDetails(),
        S.RECEIVED: StepDetails(),
        S.INTAKE_PLANNED: StepDetails(intake_on=TODAY),
        S.ACCEPTED: StepDetails(offer="home", antenna=site, starts_on=TODAY),
        S.WAITLISTED: StepDetails(reason="Geen plaats"),
        S.REDIRECTED: StepDetails(redirected_to="CAW Limburg", reason="Schuldhulp"),
        S.IN_PROGRESS: StepDetails(),
        S.CLOSED: StepDetails(outcome="goals_reached"),
    }[target]


# Sorted: the targets are a set, and parallel test processes must collect the same order.
VALID = [
    (source, target)
    for source, targets in ALLOWED_TRANSITIONS.items()
    for target in sorted(targets)
]
REFUSED = [
    (source, target)
    for source in ReferralStatus
    for target in ReferralStatus
    if target not in ALLOWED_TRANSITIONS[source]
]


@pytest.mark.parametrize(("source", "target"), VALID)
def test_every_allowed_step_is_recorded_with_when_and_by_whom(source, target):
    site = antenna(home_guidance_slots=2)
    referral = referral_in(source)
    change = move(
        referral,
        target,
        actor="user:worker",
        now=NOW,
        details=details_for(target, site),
        organisation_antennas={site.id},
    )
    assert referral.status == target
    assert (change.from_status, change.to_status) == (source, target)
    assert change.at == NOW and change.actor == "user:worker"


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_other_step_is_refused_and_changes_nothing(source, target):
    site = antenna(home_guidance_slots=2)
    referral = referral_in(source)
    with pytest.raises(RuleError) as raised:
        move(
            referral,
            target,
            actor="user:worker",
            now=NOW,
            details=details_for(target, site) if target != S.DRAFT else None,
            organisation_antennas={site.id},
        )
    assert "status" in raised.value.errors
    assert referral.status == source


def test_the_happy_path_runs_from_submitted_to_closed_without_skipping():
    site = antenna(home_guidance_slots=1)
    referral = referral_in(S.SUBMITTED)
    path = [S.RECEIVED, S.INTAKE_PLANNED, S.ACCEPTED, S.IN_PROGRESS, S.CLOSED]
    for target in path:
        details = details_for(target, site)
        if target == S.CLOSED:
            details.antenna = site
        move(referral, target, actor="u", now=NOW, details=details, organisation_antennas={site.id})
    assert referral.closed_at == NOW and referral.outcome == "goals_reached"
    assert site.home_guidance_occupied == 0, "closing frees the place taken at acceptance"


def test_acceptance_records_offer_antenna_and_start_and_takes_a_place():
    site = antenna(short_stay_beds=3, short_stay_occupied=1)
    referral = referral_in(S.INTAKE_PLANNED)
    move(
        referral,
        S.ACCEPTED,
        actor="u",
        now=NOW,
        details=StepDetails(
            offer="short_stay",
            antenna=site,
            starts_on=date(2026, 12, 1),
            planned_end=date(2027, 1, 12),  # exactly six weeks
        ),
        organisation_antennas={site.id},
    )
    assert (referral.accepted_offer, referral.antenna_id, referral.starts_on) == (
        "short_stay",
        site.id,
        date(2026, 12, 1),
    )
    assert referral.stay_planned_end == date(2027, 1, 12)
    assert free_places(site, Offer.SHORT_STAY) == 1


def test_a_short_stay_one_day_beyond_six_weeks_is_refused():
    site = antenna(short_stay_beds=3)
    referral = referral_in(S.INTAKE_PLANNED)
    with pytest.raises(RuleError) as raised:
        move(
            referral,
            S.ACCEPTED,
            actor="u",
            now=NOW,
            details=StepDetails(
                offer="short_stay",
                antenna=site,
                starts_on=date(2026, 12, 1),
                planned_end=date(2027, 1, 13),
            ),
            organisation_antennas={site.id},
        )
    assert "planned_end" in raised.value.errors
    assert referral.status == S.INTAKE_PLANNED and free_places(site, Offer.SHORT_STAY) == 3


def test_acceptance_at_a_full_antenna_is_refused_with_the_waiting_list_suggested():
    site = antenna(short_stay_beds=1, short_stay_occupied=1)
    with pytest.raises(RuleError) as raised:
        move(
            referral_in(S.INTAKE_PLANNED),
            S.ACCEPTED,
            actor="u",
            now=NOW,
            details=StepDetails(offer="short_stay", antenna=site, starts_on=TODAY),
            organisation_antennas={site.id},
        )
    assert "waiting list" in str(raised.value.errors["antenna"])


def test_acceptance_at_another_ckgs_antenna_is_refused():
    site = antenna(home_guidance_slots=5)
    with pytest.raises(RuleError) as raised:
        move(
            referral_in(S.INTAKE_PLANNED),
            S.ACCEPTED,
            actor="u",
            now=NOW,
            details=StepDetails(offer="home", antenna=site, starts_on=TODAY),
            organisation_antennas=set(),
        )
    assert "antenna" in raised.value.errors


def test_acceptance_for_long_stay_of_a_direct_referral_is_refused():
    site = antenna(long_stay_beds=5)
    with pytest.raises(RuleError) as raised:
        move(
            referral_in(S.INTAKE_PLANNED),
            S.ACCEPTED,
            actor="u",
            now=NOW,
            details=StepDetails(offer="long_stay", antenna=site, starts_on=TODAY),
            organisation_antennas={site.id},
        )
    assert "offer" in raised.value.errors


def test_training_needs_no_free_place():
    site = antenna()
    referral = referral_in(S.INTAKE_PLANNED)
    move(
        referral,
        S.ACCEPTED,
        actor="u",
        now=NOW,
        details=StepDetails(offer="training", antenna=site, starts_on=TODAY),
        organisation_antennas={site.id},
    )
    assert referral.status == S.ACCEPTED


@pytest.mark.parametrize(
    ("target", "details", "field"),
    [
        (S.INTAKE_PLANNED, StepDetails(), "intake_on"),
        (S.WAITLISTED, StepDetails(), "reason"),
        (S.REDIRECTED, StepDetails(reason="Schulden"), "redirected_to"),
        (S.REDIRECTED, StepDetails(redirected_to="CAW"), "reason"),
    ],
)
def test_steps_that_need_a_date_or_a_reason_refuse_without_it(target, details, field):
    source = S.RECEIVED if target == S.INTAKE_PLANNED else S.INTAKE_PLANNED
    with pytest.raises(RuleError) as raised:
        move(referral_in(source), target, actor="u", now=NOW, details=details)
    assert field in raised.value.errors


def test_closing_needs_an_outcome():
    with pytest.raises(RuleError) as raised:
        move(referral_in(S.IN_PROGRESS), S.CLOSED, actor="u", now=NOW, details=StepDetails())
    assert "outcome" in raised.value.errors


def test_the_queue_puts_crisis_first_then_the_longest_waiting():
    old_regular = referral_in(S.SUBMITTED, submitted_at=datetime(2026, 1, 1, tzinfo=UTC))
    new_crisis = referral_in(S.SUBMITTED, submitted_at=NOW)
    new_crisis.urgency = "crisis"
    older_soon = referral_in(S.SUBMITTED, submitted_at=datetime(2026, 2, 1, tzinfo=UTC))
    older_soon.urgency = "soon"
    newer_soon = referral_in(S.SUBMITTED, submitted_at=datetime(2026, 3, 1, tzinfo=UTC))
    newer_soon.urgency = "soon"
    ordered = sorted([newer_soon, old_regular, older_soon, new_crisis], key=queue_order)
    assert ordered == [new_crisis, older_soon, newer_soon, old_regular]


@pytest.mark.parametrize(
    ("minutes", "label"), [(5, "5 min"), (125, "2 h 5 min"), (3 * 1440 + 60, "3 d 1 h")]
)
def test_the_clock_reads_compactly(minutes, label):
    assert clock_label(minutes) == label
