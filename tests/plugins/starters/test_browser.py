"""In Chromium: a starter applies with a document, staff ask for more information, the starter
answers, staff approve the premium — with real CSRF protection, the strict CSP and axe-core."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.identity.sessions import open_session
from core.identity.web import AUTH_KEY
from tests.plugins.starters.conftest import PDF, add_measure, make_app
from tests.support.apps import tenant_id
from tests.support.auth import grant_roles, make_user
from tests.support.browser import BROWSER_TIMEOUT_MS, serve

pytestmark = pytest.mark.browser


def session_cookie(server, slug: str, subject: str, roles: list[str]) -> dict:
    """The cookie a completed sign-in leaves (the OIDC round trip is tested in the core)."""
    app = server.app
    user = make_user(app, subject)
    grant_roles(app, slug, user, roles)
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, slug)) as db:
        token = open_session(db, user_id=user.id, provider="browser-test", id_token="")
    serializer = app.session_interface.get_signing_serializer(app)
    return {
        "name": app.config["SESSION_COOKIE_NAME"],
        "value": serializer.dumps({AUTH_KEY: {str(tenant_id(app, slug)): token}}),
        "url": server.url,
        "httpOnly": True,
        "sameSite": "Lax",
    }


@pytest.fixture
def server(sqlite_settings, migrated_sqlite_file, tmp_path):
    shutil.copyfile(migrated_sqlite_file, sqlite_settings.database_url.removeprefix("sqlite:///"))
    app = make_app(
        sqlite_settings, WTF_CSRF_ENABLED=True, STARTERS_UPLOAD_DIR=str(tmp_path / "uploads")
    )
    add_measure(app, area_places=["Zolder", "Heusden"])
    add_measure(app, title="Premie voor Koersel", area_postcodes=["3582"], required_documents=[])
    with serve(app) as live:
        yield live


def person(browser, server, browser_log, subject: str, roles: list[str]) -> Page:
    context = browser.new_context(base_url=server.url, locale="nl-BE")
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    context.add_cookies([session_cookie(server, "aalst", subject, roles)])
    page = context.new_page()
    browser_log.watch(page)
    return page


def assert_accessible(page: Page, axe_violations) -> None:
    serious = [
        f"{violation['id']}: {violation['help']}"
        for violation in axe_violations(page)
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == [], page.url


def test_a_starter_applies_answers_a_question_and_gets_the_premium(
    browser, server, browser_log, axe_violations, tmp_path
):
    starter = person(browser, server, browser_log, "sofie", ["starter"])
    starter.goto("/t/aalst/starters/")
    assert_accessible(starter, axe_violations)
    starter.get_by_role("button", name="Ondersteuning aanvragen").click()

    # Step 1: a wrong number of places is explained at the top, the rest is kept.
    starter.get_by_label("Je naam").fill("Sofie Starter")
    starter.get_by_label("Je e-mailadres").fill("sofie@example.be")
    starter.get_by_label("Gezinsopvang").check()
    starter.get_by_label("Gepland aantal plaatsen").fill("12")
    starter.get_by_label("Geplande openingsdatum").fill("2030-09-01")
    starter.get_by_label("Postcode van de opvang").fill("3550")
    starter.get_by_label("Deelgemeente of dorp").fill("Zolder")
    starter.get_by_role("button", name="Bewaren en verder").click()
    expect(starter.locator("#error-summary")).to_contain_text("van 1 tot 8 plaatsen")
    expect(starter.get_by_label("Je naam")).to_have_value("Sofie Starter")
    assert_accessible(starter, axe_violations)
    starter.get_by_label("Groepsopvang").check()
    starter.get_by_role("button", name="Bewaren en verder").click()

    # Step 2: the premium.
    expect(starter.locator("[aria-current=step]")).to_contain_text("Gevraagde ondersteuning")
    expect(starter.locator("#step-progress")).to_contain_text("1 van de 4 stappen gezet")
    # The premium for another postcode is shown with the reason, not offered.
    expect(starter.get_by_label("Premie voor Koersel")).to_have_count(0)
    expect(starter.locator("#unfit-heading + ul")).to_contain_text(
        "Enkel voor projecten in postcode 3582; dit project ligt in 3550 Zolder."
    )
    starter.get_by_label("Opstartpremie kinderopvang").check()
    assert_accessible(starter, axe_violations)
    starter.get_by_role("button", name="Bewaren en verder").click()

    # Step 3: the business plan the premium requires.
    plan = tmp_path / "ondernemingsplan.pdf"
    plan.write_bytes(PDF)
    starter.get_by_label("Soort document").select_option("business_plan")
    starter.get_by_label("Bestand").set_input_files(str(plan))
    starter.get_by_role("button", name="Document opladen").click()
    expect(starter.get_by_role("link", name="ondernemingsplan.pdf")).to_be_visible()
    assert_accessible(starter, axe_violations)
    starter.get_by_role("button", name="Bewaren en verder").click()

    # Step 4: declaration and submission.
    starter.get_by_label("Ik verklaar").check()
    starter.get_by_role("button", name="Aanvraag indienen").click()
    expect(starter.get_by_role("status")).to_contain_text("Je aanvraag is ingediend")
    application_url = starter.url

    staff = person(browser, server, browser_log, "els", ["staff:starters"])
    staff.goto("/t/aalst/starters/behandelen")
    staff.get_by_role("link", name="Sofie Starter").click()
    staff.get_by_label("De starter om meer informatie vragen").fill(
        "Hoeveel kinderbegeleiders voorzie je?"
    )
    staff.get_by_role("button", name="Vraag versturen").click()
    expect(staff.get_by_role("status")).to_contain_text("De vraag is naar de starter verstuurd")
    assert_accessible(staff, axe_violations)

    starter.goto(application_url)
    expect(starter.get_by_text("Hoeveel kinderbegeleiders voorzie je?").first).to_be_visible()
    starter.get_by_label("Je antwoord").fill("Drie, allemaal gekwalificeerd.")
    starter.get_by_role("button", name="Antwoord versturen").click()
    expect(starter.get_by_role("status")).to_contain_text("Bedankt")
    assert_accessible(starter, axe_violations)

    staff.reload()
    expect(staff.get_by_text("Drie, allemaal gekwalificeerd.")).to_be_visible()
    expect(staff.locator(".eligibility")).to_contain_text("het project voldoet aan elke voorwaarde")
    staff.get_by_label("Goedgekeurd").check()
    staff.get_by_label("Toegekend bedrag in euro").fill("5000")
    staff.get_by_role("button", name="Beslissing vastleggen").click()
    expect(staff.get_by_role("status")).to_contain_text("De beslissing is vastgelegd")
    expect(staff.get_by_text("€ 5000 toegekend")).to_be_visible()
    assert_accessible(staff, axe_violations)

    starter.reload()
    expect(starter.get_by_text("€ 5000 toegekend")).to_be_visible()
    # The decision letter, as a PDF the starter keeps.
    with starter.expect_download() as download_info:
        starter.get_by_role("link", name="Beslissingsbrief van").click()
    letter = download_info.value
    assert letter.suggested_filename.endswith(".pdf")
    assert Path(letter.path()).read_bytes().startswith(b"%PDF-")
    browser_log.assert_clean()


def tiny_png() -> bytes:
    """A real 2×2 PNG, so the browser can draw it."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xcc\x33\x33" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_staff_show_a_building_with_a_photo_and_record_the_match_the_starter_reads_it(
    browser, server, browser_log, axe_violations, tmp_path
):
    from plugins.starters.models import Application, Building
    from tests.plugins.starters.conftest import tenant_db

    app = server.app
    with tenant_db(app) as db:
        building = Building(address="Dorpsstraat 12, 3550 Heusden", area_m2=180, suitable_places=18)
        db.add(building)
        db.add(
            Application(
                applicant_user_id=make_user(app, "sofie").id,
                applicant_name="Sofie Starter",
                planned_places=14,
            )
        )
    staff = person(browser, server, browser_log, "els", ["staff:starters"])
    staff.goto("/t/aalst/starters/panden")
    staff.get_by_role("link", name="Dorpsstraat 12, 3550 Heusden bewerken").click()
    photo = tmp_path / "speelzaal.png"
    photo.write_bytes(tiny_png())
    staff.get_by_label("Foto (PNG of JPEG, hoogstens 5 MB)").set_input_files(str(photo))
    staff.get_by_label("Wat de foto toont").fill("De lichte speelzaal")
    staff.get_by_role("button", name="Voeg de foto toe").click()
    expect(staff.get_by_role("status")).to_contain_text("De foto is toegevoegd")
    assert_accessible(staff, axe_violations)

    starter = person(browser, server, browser_log, "sofie", ["starter"])
    starter.goto("/t/aalst/starters/panden")
    image = starter.get_by_role("img", name="De lichte speelzaal")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 2
    map_link = starter.get_by_role("link", name="op de kaart (OpenStreetMap)")
    assert map_link.get_attribute("href").startswith("https://www.openstreetmap.org/search?query=")
    starter.get_by_role("button", name="Ik heb interesse in Dorpsstraat 12, 3550 Heusden").click()
    expect(starter.get_by_role("status")).to_contain_text("doorgegeven")
    assert_accessible(starter, axe_violations)

    # The form as Chromium sends it, CSRF token and all: each outcome can be saved.
    staff.goto("/t/aalst/starters/panden")
    staff.get_by_label("Gekoppeld", exact=True).check()
    staff.get_by_label("Notitie").fill("Sleutel op 1 maart.")
    staff.get_by_role("button", name="Uitkomst vastleggen").click()
    expect(staff.get_by_role("status")).to_contain_text("De uitkomst is vastgelegd")
    assert_accessible(staff, axe_violations)

    starter.reload()
    expect(starter.get_by_text("Dorpsstraat 12, 3550 Heusden: Gekoppeld")).to_be_visible()
    browser_log.assert_clean()


def test_a_starter_sees_where_children_wait_applies_there_and_reads_the_decision_letter(
    browser, server, browser_log, axe_violations, tmp_path
):
    from datetime import UTC, datetime, timedelta

    from tests.plugins.loket.conftest import make_location, make_request
    from tests.plugins.starters.conftest import tenant_db

    # Six children wait for a place in Zolder at the local loket, registered 10 … 60 days ago.
    with tenant_db(server.app) as db:
        location = make_location(db, "De Vlinder")
        location.area = "Zolder"
        db.add(location)
        for number in range(6):
            make_request(
                db,
                f"Kind{number}",
                [location],
                submitted=datetime.now(UTC) - timedelta(days=10 * (number + 1)),
            )

    starter = person(browser, server, browser_log, "sofie", ["starter"])
    starter.goto("/t/aalst/starters/")
    demand = starter.locator("#unmet-demand")
    expect(demand.get_by_role("row", name="Zolder")).to_contain_text("6")
    expect(demand.get_by_role("row", name="Zolder")).to_contain_text("35 dagen")
    assert_accessible(starter, axe_violations)
    starter.get_by_role("button", name="Ondersteuning aanvragen").click()

    # The project step shows the same figures while the starter chooses the place.
    expect(starter.locator("#unmet-demand").get_by_role("row", name="Zolder")).to_contain_text("6")
    assert_accessible(starter, axe_violations)
    starter.get_by_label("Je naam").fill("Sofie Starter")
    starter.get_by_label("Je e-mailadres").fill("sofie@example.be")
    starter.get_by_label("Groepsopvang").check()
    starter.get_by_label("Gepland aantal plaatsen").fill("14")
    starter.get_by_label("Geplande openingsdatum").fill("2030-09-01")
    starter.get_by_label("Postcode van de opvang").fill("3550")
    starter.get_by_label("Deelgemeente of dorp").fill("Zolder")
    starter.get_by_role("button", name="Bewaren en verder").click()
    starter.get_by_label("Opstartpremie kinderopvang").check()
    starter.get_by_role("button", name="Bewaren en verder").click()
    plan = tmp_path / "ondernemingsplan.pdf"
    plan.write_bytes(PDF)
    starter.get_by_label("Soort document").select_option("business_plan")
    starter.get_by_label("Bestand").set_input_files(str(plan))
    starter.get_by_role("button", name="Document opladen").click()
    expect(starter.get_by_role("link", name="ondernemingsplan.pdf")).to_be_visible()
    starter.get_by_role("button", name="Bewaren en verder").click()
    starter.get_by_label("Ik verklaar").check()
    starter.get_by_role("button", name="Aanvraag indienen").click()
    expect(starter.get_by_role("status")).to_contain_text("Je aanvraag is ingediend")
    application_url = starter.url

    staff = person(browser, server, browser_log, "els", ["staff:starters"])
    staff.goto("/t/aalst/starters/behandelen")
    staff.get_by_role("link", name="Sofie Starter").click()
    staff.get_by_label("Goedgekeurd").check()
    staff.get_by_label("Toegekend bedrag in euro").fill("5000")
    staff.get_by_label("Reden (verplicht bij een weigering)").fill(
        "Nieuwe plaatsen in Zolder, waar kinderen wachten."
    )
    staff.get_by_role("button", name="Beslissing vastleggen").click()
    expect(staff.get_by_role("status")).to_contain_text("De beslissing is vastgelegd")
    assert_accessible(staff, axe_violations)

    starter.goto(application_url)
    expect(starter.get_by_text("Nieuwe plaatsen in Zolder, waar kinderen wachten.")).to_be_visible()
    expect(starter.get_by_role("heading", name="Beslissingsbrief")).to_be_visible()
    with starter.expect_download() as download_info:
        starter.get_by_role("link", name="Beslissingsbrief van").click()
    letter = download_info.value
    assert letter.suggested_filename.endswith(".pdf")
    assert Path(letter.path()).read_bytes().startswith(b"%PDF-")
    assert_accessible(starter, axe_violations)
    browser_log.assert_clean()


def test_an_employee_claims_the_place_her_company_reserved_and_is_offered_it_first(
    browser, server, browser_log, axe_violations
):
    from datetime import UTC, datetime, timedelta

    from plugins.loket.models import Location
    from tests.plugins.loket.conftest import make_location, make_request
    from tests.plugins.starters.conftest import tenant_db

    app = server.app
    with tenant_db(app) as db:
        hopveld = make_location(db, "Het Hopveld", places=1)
        elsewhere = make_location(db, "De Speelboom")
        # A family registered long ago also wants Het Hopveld's only place.
        make_request(db, "Bram", [hopveld], submitted=datetime.now(UTC) - timedelta(days=300))

    staff = person(browser, server, browser_log, "els", ["staff:starters", "staff:loket"])
    staff.goto("/t/aalst/starters/bedrijven")
    staff.get_by_label("Bedrijf", exact=True).fill("Brouwerij De Kroon")
    staff.get_by_label("Opvang", exact=True).fill("Het Hopveld")
    staff.get_by_label("Locatie in het loket").select_option(label="Het Hopveld")
    staff.get_by_label("Voorbehouden plaatsen").fill("1")
    staff.get_by_label("Van", exact=True).fill((datetime.now(UTC).date()).isoformat())
    staff.get_by_label("E-maildomeinen van het bedrijf").fill("brouwerijdekroon.be")
    staff.get_by_label("Contactpersoon van het bedrijf").fill("hr@brouwerijdekroon.be")
    staff.get_by_role("button", name="Afspraak bewaren").click()
    expect(staff.get_by_role("status")).to_be_visible()
    assert_accessible(staff, axe_violations)

    # An employee whose sign-in proved her address at the brewery.
    employee = make_user(app, "an", email="an@brouwerijdekroon.be", email_verified=True)
    with tenant_db(app) as db:
        make_request(db, "Lies", [db.get(Location, elsewhere.id)], parent_user_id=employee.id)
    parent = person(browser, server, browser_log, "an", ["parent"])
    parent.goto("/t/aalst/loket/mijn-aanvragen")
    expect(
        parent.get_by_text("Je werkgever Brouwerij De Kroon reserveerde plaatsen")
    ).to_be_visible()
    assert_accessible(parent, axe_violations)
    parent.get_by_role("button", name="Vraag een bedrijfsplaats voor Lies").click()
    expect(parent.get_by_role("status")).to_contain_text("Je vroeg een plaats die je werkgever")
    expect(
        parent.get_by_text("Je vroeg een plaats die Brouwerij De Kroon reserveerde")
    ).to_be_visible()

    # Staff see who asked; the round offers the company's place to her, not to Bram.
    staff.goto("/t/aalst/starters/bedrijven")
    expect(staff.get_by_role("cell", name="an@brouwerijdekroon.be")).to_be_visible()
    staff.goto("/t/aalst/loket/rondes")
    staff.get_by_role("button", name="Een ronde starten").click()
    staff.get_by_role("button", name="Ja, start de ronde").click()  # the confirmation step
    expect(staff.get_by_role("status")).to_contain_text("1")

    # The round explains the proposal; the provider confirms it next, as every proposal.
    expect(
        staff.get_by_text("Een plaats die Brouwerij De Kroon reserveerde voor zijn werknemers")
    ).to_be_visible()
    assert_accessible(staff, axe_violations)
    parent.reload()
    expect(parent.get_by_role("row", name="2 Het Hopveld Plaats voorgesteld")).to_be_visible()
    assert_accessible(parent, axe_violations)
    browser_log.assert_clean()
