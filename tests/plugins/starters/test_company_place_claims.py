"""Company places claimed by employees (issue 21): a company reserves places at a facility; a
parent who proved an address on the company's domain asks for one through the loket, the next
round offers it to that family before others, and the company and the starter see the claim.

From the attacker's side: an unproven or look-alike address, a public mail domain, another
municipality's agreement, a guessed reference or someone else's request get nothing.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from core.mail import OutboxMessage
from plugins.loket.models import ChildcareRequest, Preference, Proposal
from plugins.starters.models import Application, CompanyAgreement, CompanyPlaceClaim
from tests.plugins.loket.conftest import make_location, make_request
from tests.plugins.starters.conftest import client_as, tenant_db
from tests.support.auth import grant_roles, make_user, sign_in

MY_REQUESTS = "/t/aalst/loket/mijn-aanvragen"
REFUSED = "Met je account kan je deze plaatsen niet vragen"


def _claim_url(request_id) -> str:
    return f"/t/aalst/loket/aanvraag/{request_id}/bedrijfsplaats"


def _parent(app, subject: str, email: str, *, verified: bool = True, slug: str = "aalst"):
    user = make_user(app, subject, email=email, email_verified=verified)
    grant_roles(app, slug, user, ["parent"])
    client = app.test_client()
    sign_in(client, app, slug, user)
    return client, user


def _company_facility(app, *, places_free: int = 1, reserved: int = 1, slug: str = "aalst"):
    """A location with ``places_free`` free places, ``reserved`` of them kept by Brouwerij De
    Kroon for staff with a brouwerijdekroon.be address; and another location elsewhere."""
    with tenant_db(app, slug) as db:
        hopveld = make_location(db, "Het Hopveld", places=places_free)
        elsewhere = make_location(db, "De Speelboom", places=1)
        agreement = CompanyAgreement(
            company="Brouwerij De Kroon",
            facility_name="Het Hopveld",
            location_id=hopveld.id,
            places=reserved,
            starts_on=date.today() - timedelta(days=30),
            email_domains=["brouwerijdekroon.be"],
            contact_email="hr@brouwerijdekroon.be",
        )
        db.add(agreement)
    return hopveld.id, elsewhere.id, agreement.id


def _request(app, user, name, location_ids, *, submitted=None, slug: str = "aalst") -> uuid.UUID:
    from plugins.loket.models import Location

    with tenant_db(app, slug) as db:
        locations = [db.get(Location, location_id) for location_id in location_ids]
        row = make_request(
            db,
            name,
            locations,
            parent_user_id=user.id if user else None,
            submitted=submitted or datetime.now(UTC),
        )
    return row.id


def test_an_employee_claims_a_company_place_and_the_round_offers_it_to_her_first(app):
    hopveld, elsewhere, agreement_id = _company_facility(app, places_free=1, reserved=1)
    # A family that registered a year earlier wants the same facility: the company place is
    # not theirs, and it is the only free place there.
    _request(app, None, "Vroeger", [hopveld], submitted=datetime.now(UTC) - timedelta(days=365))
    employee, user = _parent(app, "an", "an.peeters@brouwerijdekroon.be")
    request_id = _request(app, user, "Lies", [elsewhere])

    page = employee.get(MY_REQUESTS).get_data(as_text=True)
    assert "Je werkgever Brouwerij De Kroon reserveerde plaatsen in Het Hopveld" in page
    response = employee.post(_claim_url(request_id), data={"reference": str(agreement_id)})
    assert response.status_code == 303
    page = employee.get(MY_REQUESTS).get_data(as_text=True)
    assert "Je vroeg een plaats die Brouwerij De Kroon reserveerde in Het Hopveld" in page
    with tenant_db(app) as db:
        [claim] = db.exec(select(CompanyPlaceClaim)).all()
        assert claim.request_id == request_id
        assert claim.employee_email == "an.peeters@brouwerijdekroon.be"
        # The facility joined the family's choices, after the one it had.
        ranks = {
            p.location_id: p.rank
            for p in db.exec(select(Preference).where(Preference.request_id == request_id))
        }
        assert ranks == {elsewhere: 1, hopveld: 2}
        [mail] = db.exec(
            select(OutboxMessage).where(OutboxMessage.purpose == "starters.company_place_claimed")
        )
    # The company hears who asked.
    assert mail.to_address == "hr@brouwerijdekroon.be"
    assert "an.peeters@brouwerijdekroon.be" in mail.body and "Het Hopveld" in mail.subject

    # Staff see the claim with the agreement.
    staff = client_as(app, "greet", ["staff:starters", "staff:loket"])
    agreements = staff.get("/t/aalst/starters/bedrijven").get_data(as_text=True)
    assert "an.peeters@brouwerijdekroon.be" in agreements

    assert staff.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    with tenant_db(app) as db:
        proposals = {p.request_id: p for p in db.exec(select(Proposal))}
    assert proposals[request_id].location_id == hopveld
    assert proposals[request_id].explanation["company_place"] == "Brouwerij De Kroon"
    # The family registered earlier got the place elsewhere? No: it only wanted Het Hopveld,
    # whose only place was the company's.
    assert all(p.location_id != hopveld for r, p in proposals.items() if r != request_id)

    # A second claim is recorded once, and a second round does not hand out the place again.
    again = employee.post(_claim_url(request_id), data={"reference": str(agreement_id)})
    assert again.status_code == 303
    with tenant_db(app) as db:
        assert len(db.exec(select(CompanyPlaceClaim)).all()) == 1


def test_unused_company_places_stay_out_of_reach_and_a_claim_beyond_them_waits(app):
    hopveld, _elsewhere, agreement_id = _company_facility(app, places_free=2, reserved=1)
    first, first_user = _parent(app, "an", "an@brouwerijdekroon.be")
    second, second_user = _parent(app, "bert", "bert@brouwerijdekroon.be")
    first_request = _request(app, first_user, "Lies", [hopveld])
    second_request = _request(app, second_user, "Mats", [hopveld])
    assert (
        first.post(_claim_url(first_request), data={"reference": str(agreement_id)}).status_code
        == 303
    )
    assert (
        second.post(_claim_url(second_request), data={"reference": str(agreement_id)}).status_code
        == 303
    )
    staff = client_as(app, "greet", ["staff:starters", "staff:loket"])
    staff.post("/t/aalst/loket/rondes", data={"confirm": "yes"})
    with tenant_db(app) as db:
        proposals = {p.request_id: p for p in db.exec(select(Proposal))}
    # One company place: the first claimant has it; the second claimant competes for the one
    # other place like anyone (and gets it, being the only other family).
    assert proposals[first_request].explanation.get("company_place") == "Brouwerij De Kroon"
    assert "company_place" not in proposals[second_request].explanation


def test_the_starter_of_the_facility_sees_the_claims(app):
    hopveld, _elsewhere, agreement_id = _company_facility(app)
    employee, user = _parent(app, "an", "an@brouwerijdekroon.be")
    request_id = _request(app, user, "Lies", [hopveld])
    employee.post(_claim_url(request_id), data={"reference": str(agreement_id)})
    starter = client_as(app, "sofie", ["starter"])
    from tests.plugins.starters.conftest import add_measure, submitted_application

    application_id = submitted_application(app, starter, [add_measure(app)])
    with tenant_db(app) as db:
        application = db.get(Application, application_id)
        application.location_id = hopveld
        db.add(application)
    page = starter.get(f"/t/aalst/starters/aanvragen/{application_id}").get_data(as_text=True)
    assert "Bedrijfsplaatsen in deze opvang" in page
    assert "Brouwerij De Kroon reserveerde 1 plaatsen; 1 werknemers vroegen er een" in page
    # The starter sees how many asked, not who.
    assert "an@brouwerijdekroon.be" not in page


def test_an_unproven_address_on_the_company_domain_is_offered_nothing(app):
    hopveld, _elsewhere, agreement_id = _company_facility(app)
    typed, user = _parent(app, "mallory", "mallory@brouwerijdekroon.be", verified=False)
    request_id = _request(app, user, "Kim", [hopveld])
    assert "Brouwerij De Kroon" not in typed.get(MY_REQUESTS).get_data(as_text=True)
    response = typed.post(_claim_url(request_id), data={"reference": str(agreement_id)})
    assert response.status_code == 303
    assert REFUSED in typed.get(MY_REQUESTS).get_data(as_text=True)
    with tenant_db(app) as db:
        assert db.exec(select(CompanyPlaceClaim)).all() == []


def test_look_alike_domains_prove_nothing(app):
    hopveld, _elsewhere, agreement_id = _company_facility(app)
    for number, address in enumerate(
        [
            "x@hr.brouwerijdekroon.be",
            "x@brouwerijdekroon.be.example",
            "x@nep-brouwerijdekroon.be",
            "brouwerijdekroon.be@example.be",
        ]
    ):
        client, user = _parent(app, f"mallory{number}", address)
        request_id = _request(app, user, f"Kind{number}", [hopveld])
        assert "Brouwerij De Kroon" not in client.get(MY_REQUESTS).get_data(as_text=True)
        client.post(_claim_url(request_id), data={"reference": str(agreement_id)})
        assert REFUSED in client.get(MY_REQUESTS).get_data(as_text=True), address
    with tenant_db(app) as db:
        assert db.exec(select(CompanyPlaceClaim)).all() == []


def test_guessed_references_and_another_municipalitys_agreement_are_refused_alike(app):
    hopveld, _elsewhere, _agreement_id = _company_facility(app)
    with tenant_db(app, "brugge") as db:
        other = CompanyAgreement(
            company="Brouwerij De Kroon",
            facility_name="Elders",
            location_id=uuid.uuid4(),
            places=3,
            starts_on=date.today() - timedelta(days=5),
            email_domains=["brouwerijdekroon.be"],
        )
        db.add(other)
    employee, user = _parent(app, "an", "an@brouwerijdekroon.be")
    request_id = _request(app, user, "Lies", [hopveld])
    for reference in (str(other.id), str(uuid.uuid4()), "1 OR 1=1", "", "x" * 500):
        response = employee.post(_claim_url(request_id), data={"reference": reference})
        assert response.status_code == 303
        assert REFUSED in employee.get(MY_REQUESTS).get_data(as_text=True), reference
    with tenant_db(app) as db:
        assert db.exec(select(CompanyPlaceClaim)).all() == []


def test_nobody_claims_for_someone_elses_request(app):
    hopveld, _elsewhere, agreement_id = _company_facility(app)
    _owner, owner_user = _parent(app, "an", "an@brouwerijdekroon.be")
    colleague, _user = _parent(app, "bert", "bert@brouwerijdekroon.be")
    others_request = _request(app, owner_user, "Lies", [hopveld])
    response = colleague.post(_claim_url(others_request), data={"reference": str(agreement_id)})
    assert response.status_code == 404
    assert (
        colleague.post(_claim_url(uuid.uuid4()), data={"reference": str(agreement_id)}).status_code
        == 404
    )
    with tenant_db(app) as db:
        assert db.exec(select(CompanyPlaceClaim)).all() == []


def test_an_ended_agreement_cannot_be_claimed(app):
    hopveld, _elsewhere, agreement_id = _company_facility(app)
    with tenant_db(app) as db:
        agreement = db.get(CompanyAgreement, agreement_id)
        agreement.ends_on = date.today() - timedelta(days=1)
        db.add(agreement)
    employee, user = _parent(app, "an", "an@brouwerijdekroon.be")
    request_id = _request(app, user, "Lies", [hopveld])
    assert "Brouwerij De Kroon" not in employee.get(MY_REQUESTS).get_data(as_text=True)
    employee.post(_claim_url(request_id), data={"reference": str(agreement_id)})
    assert REFUSED in employee.get(MY_REQUESTS).get_data(as_text=True)


def test_a_public_mail_domain_cannot_prove_employment(app):
    with tenant_db(app) as db:
        location = make_location(db, "Het Hopveld", places=1)
    staff = client_as(app, "greet", ["staff:starters", "staff:loket"])
    form = {
        "company": "Brouwerij De Kroon",
        "facility_name": "Het Hopveld",
        "location_id": str(location.id),
        "places": "2",
        "starts_on": date.today().isoformat(),
        "email_domains": "brouwerijdekroon.be, gmail.com",
        "contact_email": "hr@brouwerijdekroon.be",
    }
    response = staff.post("/t/aalst/starters/bedrijven", data=form)
    assert response.status_code == 422
    assert "gmail.com" in response.get_data(as_text=True)
    form["email_domains"] = "@BrouwerijDeKroon.be"
    assert staff.post("/t/aalst/starters/bedrijven", data=form).status_code == 303
    with tenant_db(app) as db:
        [agreement] = db.exec(select(CompanyAgreement)).all()
    assert agreement.email_domains == ["brouwerijdekroon.be"]


def test_an_employee_exports_and_erases_her_claims(app):
    from flask import g

    from core.plugin_types import DataSubject
    from core.subjects import erase_subject, export_subject
    from core.web import db_session
    from tests.plugins.starters.test_hooks import at_tenant

    hopveld, _elsewhere, agreement_id = _company_facility(app)
    employee, user = _parent(app, "an", "an@brouwerijdekroon.be")
    request_id = _request(app, user, "Lies", [hopveld])
    employee.post(_claim_url(request_id), data={"reference": str(agreement_id)})
    subject = DataSubject(user_id=user.id, email="an@brouwerijdekroon.be")
    with at_tenant(app):
        parts = export_subject(db_session(), g.tenant, subject)
        db_session().commit()
    [exported] = [part for part in parts if part.get("plugin") == "starters"]
    [claim] = exported["company_place_claims"]
    assert claim["company"] == "Brouwerij De Kroon"
    assert claim["loket_request_id"] == str(request_id)
    with at_tenant(app):
        erase_subject(db_session(), g.tenant, subject)
        db_session().commit()
    with tenant_db(app) as db:
        assert db.exec(select(CompanyPlaceClaim)).all() == []


def test_a_company_place_an_employee_holds_is_not_also_kept_reserved(app):
    hopveld, _elsewhere, agreement_id = _company_facility(app, places_free=4, reserved=2)
    employee, user = _parent(app, "an", "an@brouwerijdekroon.be")
    request_id = _request(app, user, "Lies", [hopveld])
    employee.post(_claim_url(request_id), data={"reference": str(agreement_id)})
    _request(app, None, "Eerste", [hopveld])
    staff = client_as(app, "greet", ["staff:starters", "staff:loket"])
    staff.post("/t/aalst/loket/rondes", data={"confirm": "yes"})
    with tenant_db(app) as db:
        assert len(db.exec(select(Proposal)).all()) == 2
    # Four places: the employee holds one company place, one is still the company's, one went
    # to the first family; one is left for the two families who come now.
    _request(app, None, "Tweede", [hopveld])
    _request(app, None, "Derde", [hopveld])
    staff.post("/t/aalst/loket/rondes", data={"confirm": "yes"})
    with tenant_db(app) as db:
        assert len(db.exec(select(Proposal)).all()) == 3


def test_an_area_request_is_offered_the_company_place_too(app):
    hopveld, _elsewhere, agreement_id = _company_facility(app, places_free=1, reserved=1)
    employee, user = _parent(app, "an", "an@brouwerijdekroon.be")
    request_id = _request(app, user, "Lies", [])
    with tenant_db(app) as db:
        row = db.get(ChildcareRequest, request_id)
        row.area = "Elders"  # an area without the facility
        db.add(row)
    assert (
        employee.post(_claim_url(request_id), data={"reference": str(agreement_id)}).status_code
        == 303
    )
    with tenant_db(app) as db:
        # An area request keeps its area: no choices are added to it.
        assert db.exec(select(Preference).where(Preference.request_id == request_id)).all() == []
    staff = client_as(app, "greet", ["staff:starters", "staff:loket"])
    assert staff.post("/t/aalst/loket/rondes", data={"confirm": "yes"}).status_code == 302
    with tenant_db(app) as db:
        [proposal] = db.exec(select(Proposal)).all()
    assert (proposal.request_id, proposal.location_id) == (request_id, hopveld)
    assert proposal.explanation["company_place"] == "Brouwerij De Kroon"


def test_in_continuous_mode_a_freed_company_place_goes_to_the_claimant(app):
    from core.models import Tenant
    from plugins.loket import continuous
    from plugins.loket.models import Location
    from plugins.loket.services import report_free_place
    from tests.plugins.loket.test_continuous import set_mode
    from tests.support.apps import tenant_id

    set_mode(app, "continuous")
    hopveld, _elsewhere, agreement_id = _company_facility(app, places_free=0, reserved=1)
    _request(app, None, "Vroeger", [hopveld], submitted=datetime.now(UTC) - timedelta(days=365))
    employee, user = _parent(app, "an", "an@brouwerijdekroon.be")
    request_id = _request(app, user, "Lies", [hopveld])
    employee.post(_claim_url(request_id), data={"reference": str(agreement_id)})
    with app.app_context(), tenant_db(app) as db:
        location = db.get(Location, hopveld)
        report_free_place(
            db,
            location,
            age_group="baby",
            available_from=date.today(),
            places=1,
            days=[],
            quota_percent=0,
            actor="test",
        )
        tenant = db.get(Tenant, tenant_id(app, "aalst"))
        offered = continuous.place_freed(db, tenant, [hopveld], trigger="free_places_reported")
    assert [(p.request_id, p.explanation.get("company_place")) for p in offered] == [
        (request_id, "Brouwerij De Kroon")
    ]


def test_staff_open_an_older_agreement_to_claims_by_adding_the_company_domain(app):
    with tenant_db(app) as db:
        location = make_location(db, "Het Hopveld", places=1)
        agreement = CompanyAgreement(
            company="Brouwerij De Kroon",
            facility_name="Het Hopveld",
            places=2,
            starts_on=date.today() - timedelta(days=10),
        )
        db.add(agreement)
    edit = f"/t/aalst/starters/bedrijven/{agreement.id}/bewerken"
    # Nobody but the municipality's staff changes an agreement.
    parent, _user = _parent(app, "mallory", "mallory@brouwerijdekroon.be")
    assert parent.get(edit).status_code == 403
    assert parent.post(edit, data={"email_domains": "brouwerijdekroon.be"}).status_code == 403
    brugge = client_as(app, "pieter", ["staff:starters"], "brugge")
    assert brugge.get(f"/t/brugge/starters/bedrijven/{agreement.id}/bewerken").status_code == 404

    staff = client_as(app, "greet", ["staff:starters", "staff:loket"])
    page = staff.get(edit).get_data(as_text=True)
    assert 'value="Brouwerij De Kroon"' in page
    form = {
        "company": "Brouwerij De Kroon",
        "facility_name": "Het Hopveld",
        "location_id": "",
        "places": "2",
        "starts_on": (date.today() - timedelta(days=10)).isoformat(),
        "email_domains": "brouwerijdekroon.be",
        "contact_email": "hr@brouwerijdekroon.be",
    }
    # Domains without the facility's loket location would promise a place nobody can offer.
    refused = staff.post(edit, data=form)
    assert refused.status_code == 422
    assert "Kies de locatie van de opvang in het loket" in refused.get_data(as_text=True)
    form["location_id"] = str(location.id)
    assert staff.post(edit, data=form).status_code == 303
    with tenant_db(app) as db:
        saved = db.get(CompanyAgreement, agreement.id)
    assert (saved.email_domains, saved.location_id) == (["brouwerijdekroon.be"], location.id)

    employee, user = _parent(app, "an", "an@brouwerijdekroon.be")
    request_id = _request(app, user, "Lies", [location.id])
    assert "Je werkgever Brouwerij De Kroon" in employee.get(MY_REQUESTS).get_data(as_text=True)
    employee.post(_claim_url(request_id), data={"reference": str(agreement.id)})
    with tenant_db(app) as db:
        assert len(db.exec(select(CompanyPlaceClaim)).all()) == 1
