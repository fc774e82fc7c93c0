"""Issue 12, point 3: the loket's public info-session form tells nobody whether an address is
registered already (today it answers 422 "already registered" for a known address)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plugins.loket.models import InfoSession
from tests.plugins.loket.conftest import LOKET_TENANTS, tenant_db
from tests.support.apps import probe_app


@pytest.fixture
def app(sqlite_settings):
    return probe_app(sqlite_settings, tenants=LOKET_TENANTS)


def test_the_info_session_form_answers_the_same_for_a_registered_and_a_new_address(app):
    with tenant_db(app) as db:
        info = InfoSession(
            title="Infosessie", starts_at=datetime.now(UTC) + timedelta(days=5), capacity=5
        )
        db.add(info)
    url = f"/t/aalst/loket/infosessies/{info.id}/inschrijven"
    app.test_client().post(url, data={"name": "Noor", "email": "noor@example.be"})

    def answer(address: str):
        client = app.test_client()
        response = client.post(url, data={"name": "Vera", "email": address})
        page = client.get(response.headers.get("Location", "/")).get_data(as_text=True)
        told = "We hebben je een e-mail gestuurd" in page and "al ingeschreven" not in page
        return response.status_code, response.headers.get("Location"), told

    # (The seats taken differ, as they would after anyone's registration: that count is public.)
    expected = (302, "/t/aalst/loket/infosessies", True)
    assert answer("noor@example.be") == answer("nieuw@example.be") == expected
