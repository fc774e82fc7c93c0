"""Importing locations from a CSV file like Opgroeien's list: preview, line errors, re-import."""

from __future__ import annotations

import io

from sqlmodel import select

from plugins.loket.location_import import apply_import, read_locations
from plugins.loket.models import Location, LocationCapacity, LocationImport
from tests.plugins.loket.conftest import tenant_db
from tests.support.auth import signed_in_as

OPGROEIEN_CSV = (
    "naam;adres;postcode;gemeente;type;capaciteit\n"
    "Kinderdagverblijf Zonnestraal;Molenstraat 4;9300;Aalst;Groepsopvang baby's en peuters;18\n"
    "Onthaalouder Els Vermeulen;Leopoldlaan 9;9320;Erembodegem;Gezinsopvang baby's en peuters;8\n"
    "IBO De Vlieger;Schoolstraat 1;93OO;Aalst;Buitenschoolse opvang;40\n"
    "Zonder type;Kerkstraat 2;9300;Aalst;;veel\n"
)


def test_the_preview_checks_every_row_and_names_the_line_of_each_error(app):
    with tenant_db(app) as db:
        report = read_locations(db, OPGROEIEN_CSV)
        assert db.exec(select(Location)).all() == []
    assert [row.line for row in report.valid_rows] == [2, 3]
    assert {row.line: row.errors for row in report.invalid_rows} == {
        4: ["postcode_invalid"],
        5: ["kind_unknown", "capacity_invalid"],
    }
    assert [row.kind for row in report.valid_rows] == ["groepsopvang", "gezinsopvang"]


def test_a_second_import_updates_instead_of_duplicating(app):
    with tenant_db(app) as db:
        assert apply_import(db, read_locations(db, OPGROEIEN_CSV)) == (2, 0)
    changed = OPGROEIEN_CSV.replace(
        "Molenstraat 4;9300;Aalst;Groepsopvang baby's en peuters;18",
        "Molenstraat 6;9300;Aalst;Groepsopvang baby's en peuters;24",
    )
    with tenant_db(app) as db:
        report = read_locations(db, changed)
        assert [row.action for row in report.valid_rows] == ["update", "update"]
        assert apply_import(db, report) == (0, 2)
    with tenant_db(app) as db:
        locations = db.exec(select(Location).order_by(Location.name)).all()
        assert len(locations) == 2
        sunbeam = [loc for loc in locations if loc.name == "Kinderdagverblijf Zonnestraal"][0]
        assert sunbeam.address == "Molenstraat 6"
        capacity = db.exec(
            select(LocationCapacity).where(LocationCapacity.location_id == sunbeam.id)
        ).all()
        assert sum(row.places for row in capacity) == 24


def test_a_file_without_the_needed_columns_is_refused_with_a_message(app):
    with tenant_db(app) as db:
        report = read_locations(db, "naam,adres\nA,B\n")
    assert report.file_errors == ["missing_columns:postcode,kind,capacity"]


def test_staff_preview_then_import_through_the_page(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    upload = {"action": "preview", "csv_file": (io.BytesIO(OPGROEIEN_CSV.encode()), "lijst.csv")}
    preview = client.post(
        "/t/aalst/loket/locaties", data=upload, content_type="multipart/form-data"
    )
    page = preview.get_data(as_text=True)
    assert "Lijn 4: De postcode moet vier cijfers hebben." in page
    assert "Wordt toegevoegd" in page
    [record] = _imports(app)
    assert (record.total, record.applied, record.skipped) == (2, 0, 2)
    done = client.post(f"/t/aalst/loket/locaties/import/{record.id}")
    assert done.status_code == 302
    progress = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "2 van 2 rijen ingelezen." in progress
    assert "2 locaties toegevoegd, 0 bijgewerkt, 2 rijen overgeslagen." in progress
    listing = client.get("/t/aalst/loket/locaties").get_data(as_text=True)
    assert "Onthaalouder Els Vermeulen" in listing
    assert "9320 Erembodegem" in listing  # the postcode area, as no area column was given


def _imports(app) -> list[LocationImport]:
    with tenant_db(app) as db:
        return list(db.exec(select(LocationImport)))


def test_a_broken_upload_is_a_message_not_an_error(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    upload = {"action": "preview", "csv_file": (io.BytesIO(b"\xff\xfe\x00garbage"), "x.csv")}
    response = client.post(
        "/t/aalst/loket/locaties", data=upload, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "error-summary" in response.get_data(as_text=True)
