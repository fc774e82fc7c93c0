"""Titles say the page, then the municipality (WCAG 2.4.2), and "Fout:" first when a form came
back with errors (WCAG 3.3.1), whichever way the errors were found."""

from __future__ import annotations

import re

from tests.support.apps import probe_app
from tests.support.auth import signed_in_as


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1)


def test_a_page_title_names_the_page_and_the_municipality(sqlite_settings):
    app = probe_app(sqlite_settings)
    client = app.test_client()
    assert title_of(client.get("/t/aalst/")) == "Aalst · Opvangplein"
    assert title_of(client.get("/t/aalst/privacy")).endswith(" · Aalst · Opvangplein")
    assert title_of(client.get("/")) == "Gemeenten · Opvangplein"


def test_a_form_answered_with_errors_says_fout_first_in_the_title(sqlite_settings):
    app = probe_app(sqlite_settings)
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    page = client.post("/t/aalst/beheer/thema", data={"primary_colour": "geel"})
    assert page.status_code == 422
    assert title_of(page).startswith("Fout: ")
    assert title_of(page).count("Fout:") == 1
    assert not title_of(client.get("/t/aalst/beheer/")).startswith("Fout")
