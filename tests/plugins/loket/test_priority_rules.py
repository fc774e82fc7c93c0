"""Priority since 1 April 2024: absolute groups first, proof before urgency and foster care
count, vulnerable families counted once, deviations only on advice and at most 10 %."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.models import AuditEntry
from plugins.loket import priority, services
from plugins.loket.allocation import (
    DEFAULT_RULE_PACK,
    Applicant,
    Pool,
    RulePack,
    allocate,
    lottery_numbers,
    priority_of,
)
from plugins.loket.models import ChildcareRequest, Proposal
from tests.plugins.loket.conftest import (
    LOKET_TENANTS,
    TODAY,
    make_location,
    make_request,
    tenant_db,
)
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as

A, B = uuid.UUID(int=7001), uuid.UUID(int=7002)
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def family(number: int, *flags: str, sibling_at=(), location=A) -> Applicant:
    """A family as a parent declared it and staff checked it (``flags`` as stored)."""
    return Applicant(
        id=uuid.UUID(int=number),
        preferences=(location,),
        age_groups={location: "baby"},
        # The lower the number, the earlier the registration.
        registered_at=EPOCH + timedelta(days=number),
        situation=priority.counted_grounds(flags),
        sibling_location_ids=frozenset(sibling_at),
        deviation_location_ids=priority.deviation_location_ids(flags),
    )


def ranking(families, pool, rules=DEFAULT_RULE_PACK) -> list[int]:
    """The location's order: who it would take first."""
    lottery = lottery_numbers((f.id for f in families), 0)
    keyed = sorted(families, key=lambda f: (priority_of(f, pool, rules, lottery).key, f.id))
    return [f.id.int for f in keyed]


NO_RESERVE = RulePack.from_rules({"vulnerable_share_percent": 0})


def test_income_related_order_is_work_then_sibling_then_foster_then_deviation_then_further():
    families = [
        family(1),  # registered first, no ground
        family(2, "single_parent"),
        family(3, "urgency", "verified:urgency"),
        family(4, "foster_child", "verified:foster_child"),
        family(5, sibling_at=[A]),
        family(6, "work_or_training", "work_fraction:1=1.0", "work_fraction:2=0.6"),
        family(7, f"deviation:{A}:caw"),
        family(8, "low_income"),
    ]
    income_related = Pool(location_id=A, age_group="baby", places=3)
    assert ranking(families, income_related, NO_RESERVE) == [6, 5, 4, 7, 3, 2, 8, 1]
    # Three places: exactly the three absolute groups, none of the earlier registrations.
    outcome = allocate(families, [income_related], NO_RESERVE)
    assert sorted(a.int for a in outcome.matches) == [4, 5, 6]
    explanation = outcome.explanations[uuid.UUID(int=6)]
    assert (explanation["priority_group"], explanation["priority_grounds"]) == (
        1,
        ["work_or_training"],
    )


def test_working_parents_no_longer_rank_last():
    early = family(1, "single_parent")
    working = family(9, "work_or_training")
    one_place = [Pool(location_id=A, age_group="baby", places=1)]
    assert list(allocate([early, working], one_place, NO_RESERVE).matches) == [working.id]
    # Where the location has the subsidy and keeps a place for vulnerable families, that place
    # stays theirs; without the subsidy the same rule pack keeps none.
    keeps_one = RulePack.from_rules({"vulnerable_share_percent": 100})
    assert list(allocate([early, working], one_place, keeps_one).matches) == [working.id]
    subsidised = [Pool(location_id=A, age_group="baby", places=1, vulnerable_subsidy=True)]
    assert list(allocate([early, working], subsidised, keeps_one).matches) == [early.id]


@pytest.mark.parametrize(
    ("fractions", "counts"),
    [
        (("work_fraction:1=1.0", "work_fraction:2=0.6"), True),  # average 0.8
        (("work_fraction:1=1.0", "work_fraction:2=0.5"), False),  # average 0.75
        (("work_fraction:1=0.8",), True),  # one parent at 4/5
        (("work_fraction:1=0.6",), False),
        ((), True),  # the box "works or trains at least 4/5" without fractions
    ],
)
def test_work_counts_when_the_parents_average_reaches_four_fifths(fractions, counts):
    grounds = priority.counted_grounds(["work_or_training", *fractions])
    assert ("work_or_training" in grounds) is counts


def test_self_declared_foster_child_or_urgency_counts_only_once_verified():
    declared = ["foster_child", "urgency"]
    assert priority.counted_grounds(declared) == frozenset()
    assert priority.to_verify(declared) == ["foster_child", "urgency"]
    checked = priority.with_proof_decision(declared, "foster_child", "verified")
    checked = priority.with_proof_decision(checked, "urgency", "refused")
    assert priority.counted_grounds(checked) == {"foster_child"}
    assert priority.to_verify(checked) == []
    pool = Pool(location_id=A, age_group="baby", places=1)
    unchecked, verified = family(1, *declared), family(2, *checked)
    assert list(allocate([unchecked, verified], [pool]).matches) == [verified.id]


def test_free_price_location_follows_the_tenants_own_groups():
    families = [family(1), family(2, "work_or_training"), family(3, sibling_at=[A])]
    free_price = Pool(location_id=A, age_group="baby", places=1, income_related=False)
    assert ranking(families, free_price) == [3, 1, 2]
    own = RulePack.from_rules({"free_price_groups": [["work_or_training"], ["sibling"]]})
    assert ranking(families, free_price, own) == [2, 3, 1]


def test_further_groups_are_the_tenants_and_never_move_the_absolute_ones():
    rules = RulePack.from_rules(
        {"priority_groups": [["low_income"], ["work_or_training", "urgency"]]}
    )
    assert rules.priority_groups == (("low_income",), ("urgency",))
    families = [family(1, "urgency", "verified:urgency"), family(2, "low_income"), family(3)]
    pool = Pool(location_id=A, age_group="baby", places=2)
    no_reserve = RulePack.from_rules({**rules.as_rules(), "vulnerable_share_percent": 0})
    assert ranking(families, pool, no_reserve) == [2, 1, 3]


def what_if_market():
    """Ten places, five working families, ten low-income families and five others who
    registered before the low-income families."""
    working = [family(n, "work_or_training") for n in range(100, 105)]
    others = [family(n) for n in range(1, 6)]
    vulnerable = [family(n, "low_income") for n in range(10, 20)]
    subsidised = Pool(location_id=A, age_group="baby", places=10, vulnerable_subsidy=True)
    return [*working, *others, *vulnerable], [subsidised]


def test_what_if_vulnerable_families_are_counted_once_not_twice():
    families, pools = what_if_market()
    with_reserve = RulePack.from_rules({"vulnerable_share_percent": 20})
    outcome = allocate(families, pools, with_reserve)
    placed = sorted(a.int for a in outcome.matches)
    # The five working families, the two reserved places for the best-ranked vulnerable
    # families, then the earliest registrations: the reserve does not also lift them a group.
    assert placed == [1, 2, 3, 10, 11, 100, 101, 102, 103, 104]
    # Without a reserve the further group "single parent or low income" counts instead.
    outcome = allocate(families, pools, RulePack.from_rules({"vulnerable_share_percent": 0}))
    assert sorted(a.int for a in outcome.matches) == [10, 11, 12, 13, 14, 100, 101, 102, 103, 104]


def test_a_deviation_needs_a_named_family_support_organisation():
    with pytest.raises(priority.DeviationRefused, match="no_advice"):
        priority.with_deviation([], location_id=A, organisation="", places=20, already=0)
    flags = priority.with_deviation([], location_id=A, organisation="ckg", places=20, already=0)
    assert flags == [f"deviation:{A}:ckg"]
    assert priority.deviation_location_ids(flags) == {A}


def test_a_deviation_counts_only_at_its_own_location():
    deviated = family(2, f"deviation:{B}:ocmw")
    pool = Pool(location_id=A, age_group="baby", places=1)
    assert ranking([family(1), deviated], pool, NO_RESERVE) == [1, 2]


@pytest.mark.parametrize(("places", "allowed"), [(9, 0), (10, 1), (20, 2), (29, 2), (30, 3)])
def test_deviations_are_capped_at_ten_percent_of_the_places(places, allowed):
    assert priority.deviation_cap(places) == allowed
    for already in range(allowed):
        priority.with_deviation(
            [], location_id=A, organisation="caw", places=places, already=already
        )
    with pytest.raises(priority.DeviationRefused, match="cap_reached"):
        priority.with_deviation(
            [], location_id=A, organisation="caw", places=places, already=allowed
        )


# -- from the parent's and the staff's side ---------------------------------------------------

START = (TODAY + timedelta(days=40)).isoformat()
BIRTH = (TODAY - timedelta(days=120)).isoformat()


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def staff_client(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    return client


def allocation_order(app) -> list[str]:
    """Who the next round would place, first names, without saving anything."""
    with tenant_db(app) as db:
        data = services.round_input(db, reserved=(), today=TODAY)
        pack = services.current_rule_pack(db)
        rules = RulePack.from_rules(pack.rules, version=pack.version)
        outcome = allocate(data.applicants, data.pools, rules, seed=1)
        names = {r.id: r.child_first_name for r in db.exec(select(ChildcareRequest))}
        db.rollback()
    return sorted(names[a] for a in outcome.matches)


def test_a_parents_foster_child_counts_only_after_staff_verified_it(app):
    with tenant_db(app) as db:
        speelboom = make_location(db, "De Speelboom", places=1)
        make_request(db, "Wout", [speelboom], submitted=datetime.now(UTC) - timedelta(days=30))
        speelboom_id = speelboom.id
    parent = app.test_client()
    signed_in_as(parent, app, "aalst", "ouder-an", ["parent"])
    form = {
        "child_first_name": "Lotte",
        "child_last_name": "Claes",
        "birth_date": BIRTH,
        "desired_start": TODAY.isoformat(),
        "days": ["mon-morning"],
        "preference_1": str(speelboom_id),
        "language": "nl",
        "situation": ["foster_child"],
        "action": "submit",
    }
    assert parent.post("/t/aalst/loket/aanvraag/nieuw", data=form).status_code == 302
    with tenant_db(app) as db:
        lotte = db.exec(
            select(ChildcareRequest).where(ChildcareRequest.child_first_name == "Lotte")
        ).one()
        lotte_id = lotte.id
    # Declared, not yet checked: Wout, registered a month earlier, gets the one place.
    assert allocation_order(app) == ["Wout"]
    staff = staff_client(app)
    page = staff.get(f"/t/aalst/loket/aanvragen/{lotte_id}").get_data(as_text=True)
    assert "te controleren" in page and "groep 7 van 7" in page
    response = staff.post(
        f"/t/aalst/loket/aanvragen/{lotte_id}/grond",
        data={"ground": "foster_child", "decision": "verified"},
    )
    assert response.status_code == 302
    page = staff.get(f"/t/aalst/loket/aanvragen/{lotte_id}").get_data(as_text=True)
    assert "groep 3 van 7" in page and "absolute voorrang" in page and "Pleegkind" in page
    assert allocation_order(app) == ["Lotte"]
    assert staff.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    with tenant_db(app) as db:
        [proposal] = db.exec(select(Proposal)).all()
        assert proposal.request_id == lotte_id
        assert proposal.explanation["priority_grounds"] == ["foster_child"]
        assert db.exec(
            select(AuditEntry).where(AuditEntry.action == "loket.priority_ground_checked")
        ).one()


def test_a_ground_the_parent_did_not_declare_cannot_be_verified(app):
    with tenant_db(app) as db:
        speelboom = make_location(db, "De Speelboom", places=1)
        request_id = make_request(db, "Wout", [speelboom]).id
    response = staff_client(app).post(
        f"/t/aalst/loket/aanvragen/{request_id}/grond",
        data={"ground": "urgency", "decision": "verified"},
    )
    assert response.status_code == 422
    assert "Deze grond heeft de ouder niet opgegeven." in response.get_data(as_text=True)


def test_staff_see_per_location_which_group_and_why(app):
    with tenant_db(app) as db:
        speelboom = make_location(db, "De Speelboom", places=1)
        klaverke = make_location(db, "Het Klaverke", tariff="free_price")
        flags = [
            "work_or_training",
            "work_fraction:1=1.0",
            "work_fraction:2=0.6",
            f"sibling:{klaverke.id}",
        ]
        request_id = make_request(db, "Noor", [speelboom, klaverke], situation=flags).id
    page = staff_client(app).get(f"/t/aalst/loket/aanvragen/{request_id}").get_data(as_text=True)
    assert "gemiddeld 0.80" in page
    rows = page.split('id="priority-groups"')[1].split("</table>")[0].split("<tr")[2:]
    assert "De Speelboom" in rows[0] and "groep 1 van 7" in rows[0]
    assert "ten minste 4/5" in rows[0]
    # Free price: the tenant's own groups (by default only a sibling at the location).
    assert "Het Klaverke" in rows[1] and "groep 1 van 2" in rows[1] and "vrije prijs" in rows[1]
    assert "broer of zus" in rows[1]


def test_a_deviation_needs_advice_and_the_eleventh_percent_is_refused(app):
    with tenant_db(app) as db:
        speelboom = make_location(db, "De Speelboom", places=1, capacity=20)  # cap: 2
        ids = [make_request(db, name, [speelboom]).id for name in ("Ada", "Bo", "Cas")]
        speelboom_id = speelboom.id
    staff = staff_client(app)

    def deviate(request_id, organisation="ckg"):
        return staff.post(
            f"/t/aalst/loket/aanvragen/{request_id}/afwijking",
            data={"location_id": str(speelboom_id), "organisation": organisation},
        )

    no_advice = deviate(ids[0], organisation="")
    assert no_advice.status_code == 422
    assert "gezinsondersteunende organisatie" in no_advice.get_data(as_text=True)
    crafted = staff.post(
        f"/t/aalst/loket/aanvragen/{ids[0]}/afwijking",
        data={"location_id": "not-a-location", "organisation": "ckg"},
    )
    assert crafted.status_code == 422
    assert deviate(ids[0]).status_code == 302
    assert deviate(ids[1], organisation="ocmw").status_code == 302
    refused = deviate(ids[2])
    assert refused.status_code == 422
    assert (
        "De Speelboom wijkt al af voor 2 van zijn 20 plaatsen: ten hoogste 10 % mag."
        in refused.get_data(as_text=True)
    )
    with tenant_db(app) as db:
        assert f"deviation:{speelboom_id}:ocmw" in db.get(ChildcareRequest, ids[1]).situation
        assert not priority.deviations(db.get(ChildcareRequest, ids[2]).situation)
    # With one place, the first deviation (registered first among the two) goes first.
    assert allocation_order(app) == ["Ada"]


def test_the_tenant_reads_and_edits_the_order_of_the_further_groups(app):
    staff = staff_client(app)
    page = staff.get("/t/aalst/loket/rondes").get_data(as_text=True)
    absolute = page.split('id="absolute-groups"')[1].split("</ol>")[0]
    assert absolute.index("4/5") < absolute.index("broer of zus") < absolute.index("Pleegkind")
    response = staff.post(
        "/t/aalst/loket/regels/verdere-groepen",
        data={"urgency": "3", "single_parent": "1", "low_income": "1"},
    )
    assert response.status_code == 302
    with tenant_db(app) as db:
        pack = services.current_rule_pack(db)
        assert pack.rules["priority_groups"] == [["single_parent", "low_income"], ["urgency"]]
    further = staff.get("/t/aalst/loket/rondes").get_data(as_text=True)
    further = further.split('id="further-groups"')[1].split("</ol>")[0]
    assert further.index("Alleenstaande ouder") < further.index("urgentie")
    bad = staff.post(
        "/t/aalst/loket/regels/verdere-groepen",
        data={"urgency": "9", "single_parent": "1", "low_income": "1"},
    )
    assert bad.status_code == 422 and "Geef een positie van 1 tot 3." in bad.get_data(as_text=True)


def test_staff_what_if_shows_vulnerable_families_counted_once(app):
    """Four places: two working families, four low-income ones and two others registered
    first. With the reserve (20 %: one place) the vulnerable families get that place only;
    without a reserve their further group places two of them."""
    early = datetime.now(UTC) - timedelta(days=60)
    with tenant_db(app) as db:
        speelboom = make_location(db, "De Speelboom", places=4)
        speelboom.vulnerable_subsidy = True  # only a subsidised location keeps the reserve
        for n, (name, flags) in enumerate(
            [
                ("Eerste", []),
                ("Tweede", []),
                *((f"Kwetsbaar{n}", ["low_income"]) for n in range(4)),
                ("Werkt1", ["work_or_training"]),
                ("Werkt2", ["work_or_training"]),
            ]
        ):
            make_request(db, name, [speelboom], situation=flags, submitted=early + timedelta(n))
    assert allocation_order(app) == ["Eerste", "Kwetsbaar0", "Werkt1", "Werkt2"]
    response = staff_client(app).post(
        "/t/aalst/loket/rondes/simulatie",
        data={"tie_break": "registration_date", "vulnerable_share_percent": "0"},
    )
    assert response.status_code == 200
    table = response.get_data(as_text=True).split('id="simulation"')[1].split("</table>")[0]
    cells = [row.split("</th>")[1] for row in table.split("<tr")[2:]]
    assert [c.count("<td") for c in cells] == [2, 2]
    placed, vulnerable = (
        [cell.split(">")[1].split("<")[0] for cell in row.split("<td")[1:]] for row in cells
    )
    assert placed == ["4", "4"] and vulnerable == ["1", "2"]


def parent_request(app, subject, first_name, location_id, **changes):
    client = app.test_client()
    signed_in_as(client, app, "aalst", subject, ["parent"])
    form = {
        "child_first_name": first_name,
        "child_last_name": "Claes",
        "birth_date": BIRTH,
        "desired_start": TODAY.isoformat(),
        "days": ["mon-morning"],
        "preference_1": str(location_id),
        "language": "nl",
        "situation": ["work_or_training"],
        "action": "submit",
        **changes,
    }
    return client.post("/t/aalst/loket/aanvraag/nieuw", data=form)


def test_parents_declare_work_per_parent_and_the_average_decides(app):
    with tenant_db(app) as db:
        speelboom = make_location(db, "De Speelboom", places=1)
        make_request(db, "Wout", [speelboom], submitted=datetime.now(UTC) - timedelta(days=30))
        speelboom_id = speelboom.id
    # 100 % and 50 %: average 0.75, below 4/5 — the box alone does not give priority.
    three_quarters = parent_request(
        app, "ouder-bo", "Bo", speelboom_id, work_percent_1="100", work_percent_2="50"
    )
    assert three_quarters.status_code == 302
    assert allocation_order(app) == ["Wout"]
    # 100 % and 60 %: average 0.8 — absolute priority before an earlier registration.
    four_fifths = parent_request(
        app, "ouder-an", "Lotte", speelboom_id, work_percent_1="100", work_percent_2="60"
    )
    assert four_fifths.status_code == 302
    assert allocation_order(app) == ["Lotte"]
    with tenant_db(app) as db:
        lotte = db.exec(
            select(ChildcareRequest).where(ChildcareRequest.child_first_name == "Lotte")
        ).one()
        assert {"work_fraction:1=1", "work_fraction:2=0.6"} <= set(lotte.situation)
        lotte_id = lotte.id
    page = staff_client(app).get(f"/t/aalst/loket/aanvragen/{lotte_id}").get_data(as_text=True)
    assert "gemiddeld 0.80" in page and "bereikt" in page
    bad = parent_request(app, "ouder-cas", "Cas", speelboom_id, work_percent_1="120")
    assert bad.status_code == 422
    assert "Geef een percentage van 0 tot 100." in bad.get_data(as_text=True)


def test_a_staff_check_survives_a_change_but_a_changed_ground_needs_proof_again():
    old = [
        "foster_child",
        "urgency",
        "verified:foster_child",
        "verified:urgency",
        "deviation:x:ckg",
    ]
    kept = priority.kept_staff_flags(old, ["foster_child"])
    assert kept == {"verified:foster_child", "deviation:x:ckg"}


def test_the_work_list_shows_each_requests_priority_and_what_is_to_verify(app):
    with tenant_db(app) as db:
        speelboom = make_location(db, "De Speelboom", places=1)
        make_request(db, "Noor", [speelboom], situation=["work_or_training", "single_parent"])
        make_request(db, "Vic", [speelboom], situation=["foster_child"])
        make_request(db, "Wout", [speelboom])
    page = staff_client(app).get("/t/aalst/loket/werklijst").get_data(as_text=True)
    rows = {row.split("</a>")[0].rsplit(">", 1)[1]: row for row in page.split("<tr")[2:]}
    noor = rows["Noor Peeters"].split('priority-summary">')[1].split("</td>")[0]
    assert noor == "absolute voorrang: " + (
        "Ouders werken of volgen een dagopleiding gemiddeld ten minste 4/5; Alleenstaande ouder"
    )
    vic = rows["Vic Peeters"].split('priority-summary">')[1].split("</td>")[0]
    assert vic == "—<br><strong>te controleren: Pleegkind</strong>"
    assert rows["Wout Peeters"].split('priority-summary">')[1].startswith("—</td>")
