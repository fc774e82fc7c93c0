"""The administration speaks in words: roles by name, the audit log as sentences with people's
names, details as a list and times in Belgian time — never codes, UUIDs or JSON."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from core import audit
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import make_user, signed_in_as

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def main_of(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def test_role_codes_are_shown_as_words_on_the_members_page(sqlite_settings):
    app = probe_app(sqlite_settings)
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin", "staff:loket"])
    main = main_of(client.get("/t/aalst/beheer/leden"))
    assert "Beheerder van de gemeente" in main
    assert "Medewerker van Lokaal Loket Kinderopvang" in main
    assert ">staff:loket<" not in main and ">tenant_admin<" not in main
    client.get("/taal/en")
    english = main_of(client.get("/t/aalst/beheer/leden"))
    assert "Administrator of the municipality" in english


def test_the_audit_log_reads_as_sentences_with_names_details_and_belgian_time(sqlite_settings):
    app = probe_app(sqlite_settings)
    client = app.test_client()
    admin = signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    colleague = make_user(app, "an")
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        audit.record(db, action="signin.succeeded", actor=f"user:{admin.id}")
        entry = audit.record(
            db,
            action="member.roles_changed",
            actor=f"user:{admin.id}",
            object_type="user",
            object_id=colleague.id,
            detail={"before": ["parent"], "after": ["staff:loket"], "overwrite": False},
        )
        entry.at = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # 00:30 on 2 July in Brussels
        audit.record(db, action="loket.request_submitted", actor="cli")
    main = main_of(client.get("/t/aalst/beheer/audit"))
    assert "signin.succeeded" not in main and "member.roles_changed" not in main
    assert "Aangemeld" in main
    assert "Wijzigde de rollen van een lid" in main
    assert "Beheerder" in main and "An" in main  # actor and object by name
    assert not UUID.search(main), UUID.search(main)
    assert "<dt>Voor</dt><dd>Ouder</dd>" in main
    assert "<dt>Na</dt><dd>Medewerker van" in main
    assert "<dt>Overschrijven</dt><dd>Nee</dd>" in main
    assert "{&#34;" not in main and '{"' not in main  # no JSON
    assert "02/07/2026 00:30:00" in main
    assert "Lokaal Loket Kinderopvang: request submitted" in main
    assert "Opdrachtregel (beheerder van het platform)" in main


def test_the_audit_filter_offers_words_and_still_filters(sqlite_settings):
    app = probe_app(sqlite_settings)
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        audit.record(db, action="signin.failed", actor="anonymous:10.0.0.1")
        audit.record(db, action="theme.updated", actor="cli", detail={"primary": "#1d4f91"})
    page = main_of(client.get("/t/aalst/beheer/audit?soort=signin"))
    assert '<option value="signin" selected>Aanmeldingen</option>' in page
    assert "Aanmelden mislukt" in page and "Bezoeker zonder aanmelding (10.0.0.1)" in page
    assert "Wijzigde de kleuren" not in page
    everything = main_of(client.get("/t/aalst/beheer/audit"))
    assert (
        "Wijzigde de kleuren" in everything and "<dt>Hoofdkleur</dt><dd>#1d4f91</dd>" in everything
    )
