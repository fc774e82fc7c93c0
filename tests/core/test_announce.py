"""The X-Announce convention: an htmx answer names its change for the page's live region."""

from __future__ import annotations

from urllib.parse import unquote

from tests.support.apps import probe_app
from tests.support.auth import signed_in_as


def test_an_htmx_module_switch_carries_its_announcement_and_a_full_page_has_the_region(
    sqlite_settings,
):
    app = probe_app(sqlite_settings)
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    page = client.get("/t/aalst/beheer/").get_data(as_text=True)
    assert '<div id="live-announcer" class="visually-hidden" aria-live="polite"' in page
    answer = client.post(
        "/t/aalst/beheer/modules/probe",
        data={"enabled": "0", "confirm": "1"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert unquote(answer.headers["X-Announce"]) == "Proefmodule is uitgeschakeld."
    plain = client.post("/t/aalst/beheer/modules/probe", data={"enabled": "1"})
    assert plain.status_code == 302 and "X-Announce" not in plain.headers
