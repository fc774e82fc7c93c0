"""The review of the loket (issue 16) replayed as one municipality lived it, case by case.

Staff import the real list of locations, the provider reports places, families register, rounds
run, an emergency comes in, the monitoring is read. Each numbered block is a case the review
found broken, with what it saw then in its comment; the assertions are what happens now. The
finer rules of each case have tests of their own (test_onboarding, test_standing_reserve,
test_care_needs, test_emergency_placement, test_dates_and_capacity, test_priority_rules,
test_request_record, test_parent_explanations, test_monitoring_unmet_demand,
test_work_list_search).
"""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from plugins.loket.models import (
    ChildcareRequest,
    FreePlace,
    Location,
    LocationCapacity,
    LocationImport,
    Proposal,
)
from tests.plugins.loket.conftest import LOKET_TENANTS, TODAY, make_request, tenant_db
from tests.plugins.loket.test_notifications import link_in, mails_to
from tests.plugins.loket.test_views import parent, provider, staff
from tests.support.apps import probe_app

LOCATIONS_CSV = (
    "naam;adres;postcode;gemeente;type;capaciteit;organisatie\n"
    "Kinderdagverblijf Zonnestraal;Molenstraat 4;3550;Heusden-Zolder;Groepsopvang;19;de-speelboom\n"
    "IBO De Vlieger;Schoolstraat 1;3550;Heusden-Zolder;Buitenschoolse opvang;40;de-speelboom\n"
)
BIRTH = TODAY - timedelta(days=120)


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def _location(db, name: str) -> Location:
    return db.exec(select(Location).where(Location.name == name)).one()


def _family(db, name, location, *, days_ago, email, situation=(), care_needs=(), user=None):
    request = make_request(
        db,
        name,
        [location],
        situation=list(situation),
        email=email,
        parent_user_id=user,
        submitted=datetime.now(UTC) - timedelta(days=days_ago),
    )
    request.birth_date = BIRTH
    request.care_needs = list(care_needs)
    db.add(request)
    return request.id


def _report(client, location_id, places, *, age_group="baby", free_from=TODAY):
    form = {"places": str(places), "age_group": age_group, "available_from": free_from.isoformat()}
    return client.post(f"/t/aalst/loket/plaatsen/{location_id}/vrij", data=form)


def test_the_reviewed_cases_replayed_in_one_municipality(app, mail_sink):
    staff_client, provider_client, parent_client = (app.test_client() for _ in range(3))
    staff(app, staff_client)
    organisation = provider(app, provider_client)
    mila_parent = parent(app, parent_client)

    # 1. "Providers cannot be onboarded": the CSV links each location to its provider.
    upload = {"action": "preview", "csv_file": (io.BytesIO(LOCATIONS_CSV.encode()), "lijst.csv")}
    assert (
        staff_client.post(
            "/t/aalst/loket/locaties", data=upload, content_type="multipart/form-data"
        ).status_code
        == 200
    )
    with tenant_db(app) as db:
        record_id = db.exec(select(LocationImport.id)).one()
    assert staff_client.post(f"/t/aalst/loket/locaties/import/{record_id}").status_code == 302
    with tenant_db(app) as db:
        zonnestraal = _location(db, "Kinderdagverblijf Zonnestraal")
        vlieger = _location(db, "IBO De Vlieger")
        assert zonnestraal.provider_organisation_id == organisation
        zonnestraal_id, vlieger_id = zonnestraal.id, vlieger.id
        # The licensed places per age group, as Opgroeien's licence states them.
        for capacity in db.exec(
            select(LocationCapacity).where(LocationCapacity.location_id == zonnestraal_id)
        ):
            capacity.places = 19 if capacity.age_group == "baby" else 0
            db.add(capacity)
        families = {
            name: _family(db, name, zonnestraal, days_ago=days_ago, email=f"{name}@ouders.test")
            for name, days_ago in (("An", 50), ("Bo", 49), ("Cas", 48), ("Daan", 47), ("Eva", 46))
        }
        # 3. Mila needs a special diet the location does not list.
        families["Mila"] = _family(
            db,
            "Mila",
            zonnestraal,
            days_ago=45,
            email="mila@ouders.test",
            care_needs=["dietary"],
            user=mila_parent.id,
        )

    # 2. "1 place reported three times showed '1 vrijgehouden' each time; 4 of 6 never offered":
    # the first report fills the standing reserve once, the next three are all offered.
    for _ in range(4):
        assert _report(provider_client, zonnestraal_id, 1).status_code == 302
    with tenant_db(app) as db:
        held_back = sum(p.held_back for p in db.exec(select(FreePlace)))
    assert held_back == 1
    assert staff_client.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    with tenant_db(app) as db:
        proposals = db.exec(select(Proposal)).all()
    assert len(proposals) == 3

    # 3. "A care need silently excludes a child": Mila is not skipped; the proposal asks the
    # provider to confirm the diet and the parent's page says so.
    with tenant_db(app) as db:
        waiting = {
            r.child_first_name: r.status
            for r in db.exec(select(ChildcareRequest).where(ChildcareRequest.status == "open"))
        }
    assert sorted(waiting) == ["Daan", "Eva", "Mila"]  # registered last, no place left
    staff_page = staff_client.get(f"/t/aalst/loket/aanvragen/{families['Mila']}").get_data(
        as_text=True
    )
    assert "dieet" in staff_page.lower()

    # 4. "Emergency placement checks nothing and tells no one": an unborn baby is refused for
    # the after-school place; a baby placed in the reserve sees the place, the provider counts it.
    with tenant_db(app) as db:
        unborn = make_request(db, "Ongeboren", [], email="ongeboren@ouders.test")
        unborn.birth_date, unborn.expected_birth_date = None, TODAY + timedelta(days=60)
        db.add(unborn)
        unborn_id = unborn.id
    assert _report(provider_client, vlieger_id, 1, age_group="schoolchild").status_code == 302
    with tenant_db(app) as db:
        after_school = db.exec(select(FreePlace).where(FreePlace.location_id == vlieger_id)).one()
        reserved_baby_place = db.exec(
            select(FreePlace).where(
                FreePlace.location_id == zonnestraal_id, FreePlace.held_back > 0
            )
        ).one()
    refused = staff_client.post(
        f"/t/aalst/loket/aanvragen/{unborn_id}/noodopvang",
        data={"free_place_id": str(after_school.id)},
    )
    assert refused.status_code == 422 and "nog niet geboren" in refused.get_data(as_text=True)
    placed = staff_client.post(
        f"/t/aalst/loket/aanvragen/{families['Mila']}/noodopvang",
        data={"free_place_id": str(reserved_baby_place.id)},
    )
    assert placed.status_code == 302
    own = parent_client.get("/t/aalst/loket/mijn-aanvragen").get_data(as_text=True)
    assert "Geplaatst bij Kinderdagverblijf Zonnestraal, Molenstraat 4" in own
    [emergency_mail] = [
        m for m in mails_to(mail_sink, "mila@ouders.test") if "nood" in m["Subject"]
    ]
    assert parent_client.get(link_in(emergency_mail)).status_code == 200
    places_page = provider_client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert "1 in de reserve, 1 ingenomen" in places_page

    # 5. "A place free from 4 January went to a child wanted for 8 July" and "a childminder
    # licensed for 4 toddlers accepted 23 reported places".
    four_january = TODAY + timedelta(days=30)
    with tenant_db(app) as db:
        july = db.get(ChildcareRequest, families["Eva"])
        july.desired_start = four_january + timedelta(days=185)
        january = db.get(ChildcareRequest, families["Daan"])
        january.desired_start = four_january
        db.add_all([july, january])
    # Two places: Mila's emergency used the reserve, so the first refills it.
    assert _report(provider_client, zonnestraal_id, 2, free_from=four_january).status_code == 302
    assert staff_client.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    with tenant_db(app) as db:
        newest = db.exec(
            select(Proposal).where(Proposal.request_id.in_([families["Daan"], families["Eva"]]))
        ).all()
    assert [p.request_id for p in newest] == [families["Daan"]]
    too_many = _report(provider_client, zonnestraal_id, 23)
    assert too_many.status_code == 422 and "vergunning voor 19 plaatsen" in too_many.get_data(
        as_text=True
    )

    # 6. "Working parents rank last; self-declared urgency puts a family on top unchecked":
    # a family working 4/5 on average (1 and 0.6) registered yesterday goes before a family
    # that declared an urgency three months ago, until staff verify that urgency.
    with tenant_db(app) as db:
        zonnestraal = db.get(Location, zonnestraal_id)
        urgent = _family(
            db, "Urgent", zonnestraal, days_ago=90, email="u@ouders.test", situation=["urgency"]
        )
        working = _family(
            db,
            "Werkend",
            zonnestraal,
            days_ago=1,
            email="w@ouders.test",
            situation=["work_or_training", "work_fraction:1=1", "work_fraction:2=0.6"],
        )
    assert _report(provider_client, zonnestraal_id, 1).status_code == 302
    assert staff_client.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    with tenant_db(app) as db:
        offered = set(
            db.exec(select(Proposal.request_id).where(Proposal.request_id.in_([urgent, working])))
        )
        [proposal] = db.exec(select(Proposal).where(Proposal.request_id == working)).all()
    assert offered == {working}
    assert proposal.explanation["priority_grounds"] == ["work_or_training"]
    assert proposal.explanation["rule_pack_version"] is not None
    urgent_page = staff_client.get(f"/t/aalst/loket/aanvragen/{urgent}").get_data(as_text=True)
    assert "te controleren" in urgent_page

    # 7. "Every online request is stored as a phone request; the edit page is a 404".
    with tenant_db(app) as db:
        lotte_choice = str(zonnestraal_id)
    form = {
        "child_first_name": "Lotte",
        "child_last_name": "Claes",
        "birth_date": BIRTH.isoformat(),
        "desired_start": (TODAY + timedelta(days=60)).isoformat(),
        "days": ["mon-morning"],
        "preference_1": lotte_choice,
        "language": "nl",
        "situation": ["work_or_training"],
        "action": "submit",
    }
    assert parent_client.post("/t/aalst/loket/aanvraag/nieuw", data=form).status_code == 302
    with tenant_db(app) as db:
        lotte = db.exec(
            select(ChildcareRequest).where(ChildcareRequest.child_first_name == "Lotte")
        ).one()
    assert lotte.origin == "online"
    edit = f"/t/aalst/loket/aanvraag/{lotte.id}/bewerken"
    assert parent_client.get(edit).status_code == 200
    changed = {**form, "days": ["mon-morning", "tue-morning"]}
    assert parent_client.post(edit, data=changed).status_code == 302
    with tenant_db(app) as db:
        again = db.get(ChildcareRequest, lotte.id)
    assert again.submitted_at == lotte.submitted_at and again.days == ["mon-morning", "tue-morning"]

    # 8. "The parent never learns why": Eva, without a place, reads why on her page's record.
    with tenant_db(app) as db:
        eva = db.get(ChildcareRequest, families["Eva"])
    assert eva.round_explanation and eva.round_explanation["choices"]

    # 9. "Monitoring cannot say how many children lack a place"; "search finds nothing for a
    # full name, e-mail or phone".
    dashboard = staff_client.get("/t/aalst/loket/monitoring").get_data(as_text=True)
    assert "Wachttijd" in dashboard or "wachttijd" in dashboard
    for term in ("Eva Peeters", "Eva@ouders.test"):
        found = staff_client.get("/t/aalst/loket/werklijst", query_string={"q": term})
        assert ">Eva " in found.get_data(as_text=True).replace("> Eva", ">Eva")
