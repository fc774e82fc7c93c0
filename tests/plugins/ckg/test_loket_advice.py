"""A CKG advises the loket to deviate for a family, on the family's consent (issue 16).

Both plugins enabled: the advice goes through the ``childcare_deviation_advice`` hook, the
withdrawal through the event ``ckg.deviation_advice_withdrawn``; neither plugin imports the
other. The loket records the deviation with the CKG as adviser (audited, within the 10 % cap),
staff see who advised, the CKG hears only the outcome, and another municipality's requests are
never matched."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from core.models import AuditEntry
from plugins.loket import priority
from plugins.loket.models import ChildcareRequest
from tests.plugins.ckg.conftest import build_world, users
from tests.plugins.ckg.helpers import family_confirms, submit
from tests.plugins.loket.conftest import make_location, make_request
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import signed_in_as

TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "ckg", "loket"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe", "ckg", "loket"]\n',
    "gent": 'name = "Gent"\nhosts = ["gent.test"]\nplugins = ["probe", "ckg"]\n',
}
BIRTH = date.today() - timedelta(days=150)
SECRET_NOTE = "Papa werkt 's nachts in de haven"


@pytest.fixture
def world(sqlite_settings):
    return build_world(probe_app(sqlite_settings, tenants=TENANTS))


def _db(world, tenant="aalst"):
    return world.app.extensions["opvangplein.db"].tenant_session(tenant_id(world.app, tenant))


def _loket_request(world, location_name, *, tenant="aalst", capacity=20, email="sofie@example.be"):
    """Sofie's request for Lotte at the loket of ``tenant``, listing ``location_name``."""
    with _db(world, tenant) as db:
        location = make_location(db, location_name, capacity=capacity)
        row = make_request(db, "Lotte", [location], email=email)
        row.birth_date = BIRTH
        row.note = SECRET_NOTE
        row.parent_phone = "0499 99 99 99"
        db.add(row)
        return row.id, location.id


def _request(world, request_id, tenant="aalst") -> ChildcareRequest:
    with _db(world, tenant) as db:
        return db.get(ChildcareRequest, request_id)


def _case(world, people, *, consent_to_advice=True):
    """A school refers Sofie's family; Sofie confirms her address and (maybe) consents."""
    referral_id = submit(
        world.client_for(people["sara"]), **{"child-1-birth_date": BIRTH.isoformat()}
    )
    family_confirms(world.app)
    sofie = world.client_for(world.user("sofie", "aalst", ["parent"]))
    page = sofie.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert "Toestemming voor advies aan het lokaal loket" in page
    assert "Ik stem in met advies aan het loket" in page
    if consent_to_advice:
        given = sofie.post(
            f"/t/aalst/ckg/doorverwijzingen/{referral_id}/toestemming",
            data={"action": "give_loket_advice"},
        )
        assert given.status_code == 303
    return referral_id, sofie


def _advise(karim, referral_id, location_id):
    return karim.post(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}/loket-advies",
        data={"location_id": str(location_id)},
    )


def _staff_page(world, request_id):
    staff = world.app.test_client()
    signed_in_as(staff, world.app, "aalst", "loket-medewerker", ["staff:loket"])
    return staff.get(f"/t/aalst/loket/aanvragen/{request_id}").get_data(as_text=True)


def _actions(world, tenant="aalst"):
    with _db(world, tenant) as db:
        return [row.action for row in db.exec(select(AuditEntry))]


def test_with_consent_the_loket_records_the_ckgs_advice_and_staff_see_who_advised(world):
    people = users(world)
    request_id, speelboom = _loket_request(world, "De Speelboom")
    referral_id, _sofie = _case(world, people)
    karim = world.client_for(people["karim"])
    case = karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert "Advies aan het lokaal loket" in case and "De Speelboom" in case
    response = _advise(karim, referral_id, speelboom)
    assert response.status_code == 303
    flags = _request(world, request_id).situation
    assert f"deviation:{speelboom}:ckg" in flags
    assert priority.deviation_location_ids(flags) == {speelboom}
    assert "loket.priority_deviation" in _actions(world)
    assert "ckg.loket_advice_given" in _actions(world)
    staff = _staff_page(world, request_id)
    advice = staff.split('id="ckg-advice-1"')[1].split("</p>")[0]
    assert "De Speelboom" in advice and "Ckg Limburg" in advice and "Karim" in advice
    assert "met toestemming van het gezin" in advice
    # The CKG reads only that the loket recorded it, never the request itself.
    case = karim.get(response.headers["Location"]).get_data(as_text=True)
    assert "geregistreerd door het loket" in case
    assert SECRET_NOTE not in case and "0499" not in case and str(request_id) not in case


def test_without_the_familys_consent_the_advice_is_refused(world):
    people = users(world)
    request_id, speelboom = _loket_request(world, "De Speelboom")
    referral_id, _sofie = _case(world, people, consent_to_advice=False)
    karim = world.client_for(people["karim"])
    refused = _advise(karim, referral_id, speelboom)
    assert refused.status_code == 422
    assert "Het gezin gaf geen toestemming voor advies aan het loket." in refused.get_data(
        as_text=True
    )
    assert not priority.deviations(_request(world, request_id).situation)
    # Someone who does not work for the case's CKG cannot advise at all.
    tom = world.client_for(people["tom"])
    assert _advise(tom, referral_id, speelboom).status_code in (403, 404)


def test_withdrawing_the_consent_withdraws_the_advice_at_once(world):
    people = users(world)
    request_id, speelboom = _loket_request(world, "De Speelboom")
    referral_id, sofie = _case(world, people)
    karim = world.client_for(people["karim"])
    assert _advise(karim, referral_id, speelboom).status_code == 303
    assert priority.deviations(_request(world, request_id).situation)
    url = f"/t/aalst/ckg/doorverwijzingen/{referral_id}/toestemming"
    asked = sofie.post(url, data={"action": "withdraw_loket_advice"})
    assert asked.status_code == 200 and "advies aan het loket" in asked.get_data(as_text=True)
    assert priority.deviations(_request(world, request_id).situation)  # confirm first
    done = sofie.post(url, data={"action": "withdraw_loket_advice", "confirmed": "y"})
    assert done.status_code == 303
    flags = _request(world, request_id).situation
    assert not priority.deviations(flags) and not any(f.startswith("advice:") for f in flags)
    assert "loket.deviation_advice_withdrawn" in _actions(world)
    assert 'id="ckg-advice-1"' not in _staff_page(world, request_id)
    case = karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert "ingetrokken op" in case and 'id="loket-advice-no-consent"' in case
    # No consent any more: a new advice is refused.
    assert _advise(karim, referral_id, speelboom).status_code == 422


def test_withdrawing_the_consent_to_the_referral_withdraws_the_advice_too(world):
    people = users(world)
    request_id, speelboom = _loket_request(world, "De Speelboom")
    referral_id, sofie = _case(world, people)
    assert _advise(world.client_for(people["karim"]), referral_id, speelboom).status_code == 303
    url = f"/t/aalst/ckg/doorverwijzingen/{referral_id}/toestemming"
    assert sofie.post(url, data={"action": "withdraw", "confirmed": "y"}).status_code == 303
    assert not priority.deviations(_request(world, request_id).situation)


def test_another_municipalitys_request_is_never_matched(world):
    people = users(world)
    # The same parent and child have a request in Brugge only.
    brugge_request, klaverke = _loket_request(world, "Het Klaverke", tenant="brugge")
    with _db(world) as db:
        aalst_location = make_location(db, "De Speelboom", capacity=20).id
    referral_id, _sofie = _case(world, people)
    karim = world.client_for(people["karim"])
    none_here = _advise(karim, referral_id, aalst_location)
    assert none_here.status_code == 422
    page = none_here.get_data(as_text=True)
    assert "Het loket vond geen open aanvraag van dit gezin" in page
    assert SECRET_NOTE not in page and "Het Klaverke" not in page
    # A crafted id of the other municipality's location is not one of this municipality's.
    crafted = _advise(karim, referral_id, klaverke)
    assert crafted.status_code == 422
    assert "Kies een van de opvanglocaties van de gemeente." in crafted.get_data(as_text=True)
    assert not priority.deviations(_request(world, brugge_request, "brugge").situation)
    assert "loket.priority_deviation" not in _actions(world, "brugge")


def test_a_request_of_another_family_is_not_matched(world):
    people = users(world)
    other_request, speelboom = _loket_request(world, "De Speelboom", email="iemand@example.be")
    referral_id, _sofie = _case(world, people)
    response = _advise(world.client_for(people["karim"]), referral_id, speelboom)
    assert response.status_code == 422
    assert not priority.deviations(_request(world, other_request).situation)


def test_over_the_ten_percent_cap_the_ckg_reads_a_clear_message(world):
    people = users(world)
    request_id, speelboom = _loket_request(world, "De Speelboom", capacity=10)  # cap: 1
    with _db(world) as db:
        from plugins.loket.models import Location

        earlier = make_request(db, "Ada", [db.get(Location, speelboom)], email="ada@example.be")
        earlier.situation = [f"deviation:{speelboom}:caw"]
        db.add(earlier)
    referral_id, _sofie = _case(world, people)
    refused = _advise(world.client_for(people["karim"]), referral_id, speelboom)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "De Speelboom wijkt al af voor 10 % van zijn plaatsen" in page
    assert "het advies is niet geregistreerd" in page
    assert not priority.deviations(_request(world, request_id).situation)
    assert "loket.deviation_advice_refused" in _actions(world)


@pytest.mark.postgres
def test_on_postgres_the_advice_is_recorded_and_withdrawn_within_the_tenant(postgres_settings):
    """Row-level security on: the same flow, and Brugge's identical request stays untouched."""
    world = build_world(probe_app(postgres_settings, tenants=TENANTS))
    people = users(world)
    request_id, speelboom = _loket_request(world, "De Speelboom")
    brugge_request, _klaverke = _loket_request(world, "De Speelboom", tenant="brugge")
    referral_id, sofie = _case(world, people)
    assert _advise(world.client_for(people["karim"]), referral_id, speelboom).status_code == 303
    assert priority.deviations(_request(world, request_id).situation)
    assert not priority.deviations(_request(world, brugge_request, "brugge").situation)
    assert "Ckg Limburg" in _staff_page(world, request_id)
    database = world.app.extensions["opvangplein.db"]
    for tenant, expected in (("aalst", 1), ("brugge", 0)):
        with database.session(tenant_id(world.app, tenant)) as db:
            count = db.execute(sa.text("SELECT count(*) FROM ckg_loket_advice")).scalar_one()
            assert count == expected, tenant
    url = f"/t/aalst/ckg/doorverwijzingen/{referral_id}/toestemming"
    done = sofie.post(url, data={"action": "withdraw_loket_advice", "confirmed": "y"})
    assert done.status_code == 303
    assert not priority.deviations(_request(world, request_id).situation)
