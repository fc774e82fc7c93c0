"""Input the database cannot store never becomes a 500, and the error page itself never fails.

PostgreSQL refuses a NUL byte in text; before, that was a 500 whose error page then failed too
(the session still held the failed transaction), so the visitor got bare text.
"""

from __future__ import annotations

import pytest
from flask import Blueprint, g, request

from core.web import db_session
from tests.core.probe_plugin import ProbeFamily
from tests.support.apps import probe_app

raw_form = Blueprint("raw_form", __name__, url_prefix="/raw")


@raw_form.post("/families")
def add_family():
    # A view that stores typed text without a form class: the backstop must still hold.
    db_session().add(ProbeFamily(name=request.form["name"], tenant_id=g.tenant.id))
    db_session().commit()
    return "saved", 201


@pytest.fixture
def client(database_settings):
    app = probe_app(database_settings)
    app.register_blueprint(raw_form)
    return app.test_client()


@pytest.mark.parametrize("query", ["q=a%00b", "q=a%1Bb", "a%00=1", "q=%ED%A0%80%00"])
def test_a_control_character_in_the_address_is_a_clear_400(client, query):
    response = client.get(f"/t/aalst/probe/search?{query}")
    assert response.status_code == 400
    assert "onzichtbare stuurtekens" in response.text
    assert '<html lang="nl-BE"' in response.text


def test_a_json_client_gets_the_same_refusal_as_a_json_body(client):
    response = client.get("/t/aalst/probe/search?q=a%00b", headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.json["error"]["status"] == 400


def test_a_nul_byte_the_database_refuses_is_a_422_page_and_the_site_keeps_working(client):
    response = client.post("/t/aalst/raw/families", data={"name": "No\x00or"})
    # SQLite stores the byte; PostgreSQL refuses it, and the visitor gets a page that says why.
    if response.status_code != 201:
        assert response.status_code == 422
        assert '<html lang="nl-BE"' in response.text
        assert "niet bewaard kan worden" in response.text
    assert client.post("/t/aalst/raw/families", data={"name": "Noor"}).status_code == 201
    assert ">Noor</a>" in client.get("/t/aalst/probe/").text


def test_a_failed_write_leaves_no_half_transaction_for_the_next_request(client):
    client.post("/t/aalst/raw/families", data={"name": "No\x00or"})
    page = client.get("/t/aalst/probe/")
    assert page.status_code == 200 and 'id="families"' in page.text
