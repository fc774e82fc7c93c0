"""Issue 16, onboarding: the CSV import reads the price type, the subsidy for vulnerable
families and the contact for families, as spreadsheets write them, with a message per row."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from plugins.loket.location_import import price_type, read_locations, subsidy_flag
from plugins.loket.models import Location, LocationImport
from tests.plugins.loket.conftest import LOKET_TENANTS, tenant_db
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as

HEADER = "naam;adres;postcode;gemeente;type;capaciteit;prijs;plussubsidie;telefoon;e-mail\n"
LIST = HEADER + (
    "Zonnestraal;Molenstraat 4;3550;Heusden-Zolder;Groepsopvang;18;Inkomensgerelateerd;ja;"
    "011 42 12 34;info@zonnestraal.be\n"
    "Onthaal Els;Leopoldlaan 9;3550;Heusden-Zolder;Gezinsopvang;4;Vrije Prijs;nee;;\n"
    "De Vlieger;Schoolstraat 1;3550;Heusden-Zolder;Buitenschoolse opvang;40;IKT;x;"
    "+32 (0)11/43.00.00;\n"
    "Duur;Markt 1;3550;Heusden-Zolder;Groepsopvang;9;duur;misschien;bel ons;info@\n"
)


@pytest.fixture
def app(sqlite_settings):
    return probe_app(sqlite_settings, tenants=LOKET_TENANTS)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Inkomensgerelateerd", "income_related"),
        ("inkomensgerelateerde prijs", "income_related"),
        ("Inkomens-gerelateerd", "income_related"),
        ("IKT", "income_related"),
        ("income related", "income_related"),
        ("Vrije prijs", "free_price"),
        ("VRIJE PRIJS", "free_price"),
        ("vrij", "free_price"),
        ("free price", "free_price"),
        ("duur", None),
        ("€ 30", None),
    ],
)
def test_the_price_type_in_the_ways_spreadsheets_write_it(cell, expected):
    assert price_type(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("ja", True), ("Ja", True), ("X", True), ("1", True), ("trap 3", True), ("nee", False)],
    ids=["ja", "Ja", "X", "1", "trap-3", "nee"],
)
def test_the_subsidy_cell_says_yes_or_no(cell, expected):
    assert subsidy_flag(cell) is expected


def test_unknown_subsidy_words_are_refused():
    assert subsidy_flag("misschien") is None and subsidy_flag("trap 7") is None


def test_the_preview_names_each_wrong_cell_on_its_line(app):
    with tenant_db(app) as db:
        report = read_locations(db, LIST)
    assert [row.line for row in report.valid_rows] == [2, 3, 4]
    [bad] = report.invalid_rows
    assert bad.errors == [
        "tariff_unknown:duur",
        "subsidy_unknown:misschien",
        "phone_invalid:bel ons",
        "email_invalid:info@",
    ]


def _upload(client, text: str):
    data = {"action": "preview", "csv_file": (io.BytesIO(text.encode()), "lijst.csv")}
    return client.post("/t/aalst/loket/locaties", data=data, content_type="multipart/form-data")


def _apply_pending(app, client):
    with tenant_db(app) as db:
        pending = [record for record in db.exec(select(LocationImport)) if not record.done]
    assert client.post(f"/t/aalst/loket/locaties/import/{pending[0].id}").status_code == 302


def _imported(app) -> dict:
    with tenant_db(app) as db:
        return {
            loc.name: (loc.tariff, loc.vulnerable_subsidy, loc.contact_phone, loc.contact_email)
            for loc in db.exec(select(Location))
        }


def test_staff_import_price_type_subsidy_and_contact_through_the_page(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    page = _upload(client, LIST).get_data(as_text=True)
    assert "Lijn 5: De prijssoort „duur” is onbekend" in page
    assert "De subsidie voor kwetsbare gezinnen „misschien” is onbekend" in page
    assert "Het telefoonnummer „bel ons” is ongeldig" in page
    assert "Het e-mailadres „info@” is ongeldig" in page
    _apply_pending(app, client)
    assert _imported(app) == {
        "Zonnestraal": ("income_related", True, "011 42 12 34", "info@zonnestraal.be"),
        "Onthaal Els": ("free_price", False, "", ""),
        "De Vlieger": ("income_related", True, "+32 (0)11/43.00.00", ""),
    }


def test_a_reimport_with_empty_cells_keeps_what_the_location_has(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    _upload(client, LIST)
    _apply_pending(app, client)
    before = _imported(app)
    again = HEADER + "Zonnestraal;Molenstraat 4;3550;Heusden-Zolder;Groepsopvang;18;;;;\n"
    _upload(client, again)
    _apply_pending(app, client)
    assert _imported(app)["Zonnestraal"] == before["Zonnestraal"]
    changed = HEADER + "Zonnestraal;Molenstraat 4;3550;Heusden-Zolder;Groepsopvang;18;vrij;nee;;\n"
    _upload(client, changed)
    _apply_pending(app, client)
    assert _imported(app)["Zonnestraal"][:2] == ("free_price", False)


def test_a_file_without_the_new_columns_still_imports_with_the_defaults(app):
    with tenant_db(app) as db:
        report = read_locations(db, "naam;postcode;type;capaciteit\nKDV;3550;Groepsopvang;8\n")
    assert report.file_errors == [] and [row.tariff for row in report.valid_rows] == [""]
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    _upload(client, "naam;postcode;type;capaciteit\nKDV;3550;Groepsopvang;8\n")
    _apply_pending(app, client)
    assert _imported(app) == {"KDV": ("income_related", False, "", "")}
