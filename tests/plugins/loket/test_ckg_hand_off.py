"""With the parent's consent, loket staff hand a family on to a CKG (the real ckg plugin)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.models import AuditEntry
from plugins.ckg.models import Referral
from tests.plugins.ckg.conftest import grant, organisation
from tests.plugins.loket.conftest import make_request, tenant_db
from tests.plugins.loket.test_views import staff
from tests.support.apps import probe_app

TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "loket", "ckg"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe", "loket"]\n',
}
FORM = {"ckg_consent": "yes", "concern_summary": "Mama zoekt steun.", "urgency": "soon"}


@pytest.fixture
def app(sqlite_settings):
    return probe_app(sqlite_settings, tenants=TENANTS)


def noor(app, slug: str = "aalst"):
    with tenant_db(app, slug) as db:
        request = make_request(db, "Noor", [], situation=["low_income"])
        request.note = "niet gedeeld"
        db.add(request)
        return request.id


def test_the_family_becomes_a_draft_referral_with_only_the_consented_fields(app):
    organisation(app, "ckg-limburg", "ckg")
    grant(app, "aalst", "ckg-limburg")
    request_id = noor(app)
    client = app.test_client()
    staff(app, client)
    page = client.get(f"/t/aalst/loket/aanvragen/{request_id}").get_data(as_text=True)
    assert "Ckg Limburg" in page
    response = client.post(f"/t/aalst/loket/aanvragen/{request_id}/ckg", data=FORM)
    assert response.status_code == 302
    with tenant_db(app) as db:
        referral = db.exec(select(Referral)).one()
        actions = db.exec(select(AuditEntry.action)).all()
    assert (referral.status, referral.loket_request_id) == ("draft", str(request_id))
    assert referral.urgency == "soon" and "niet gedeeld" not in str(referral.model_dump())
    assert {"loket.handed_to_ckg", "loket.ckg_referral_received"} <= set(actions)


def test_without_consent_nothing_is_handed_on(app):
    organisation(app, "ckg-limburg", "ckg")
    grant(app, "aalst", "ckg-limburg")
    request_id = noor(app)
    client = app.test_client()
    staff(app, client)
    response = client.post(
        f"/t/aalst/loket/aanvragen/{request_id}/ckg", data={**FORM, "ckg_consent": ""}
    )
    assert response.status_code == 422
    assert "enkel met de toestemming van de ouder" in response.get_data(as_text=True)
    with tenant_db(app) as db:
        assert db.exec(select(Referral)).all() == []


def test_a_refusal_by_the_ckg_side_is_shown_and_nothing_is_kept(app):
    request_id = noor(app)  # the municipality granted no CKG
    client = app.test_client()
    staff(app, client)
    response = client.post(f"/t/aalst/loket/aanvragen/{request_id}/ckg", data=FORM)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Het CKG kon het gezin niet overnemen" in page and 'value="yes" checked' in page
    with tenant_db(app) as db:
        assert db.exec(select(Referral)).all() == []
        assert "loket.handed_to_ckg" not in db.exec(select(AuditEntry.action)).all()


def test_where_the_ckg_module_is_off_there_is_no_hand_off(app):
    request_id = noor(app, "brugge")
    client = app.test_client()
    from tests.support.auth import signed_in_as

    signed_in_as(client, app, "brugge", "loket-brugge", ["staff:loket"])
    page = client.get(f"/t/brugge/loket/aanvragen/{request_id}").get_data(as_text=True)
    # No hand-off section or form (a CKG can still be named as the advisor of a deviation).
    assert 'id="ckg-heading"' not in page and f"{request_id}/ckg" not in page
    assert client.post(f"/t/brugge/loket/aanvragen/{request_id}/ckg", data=FORM).status_code == 404
