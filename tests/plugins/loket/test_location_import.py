"""Importing locations from a CSV file like Opgroeien's list: preview, line errors, re-import."""

from __future__ import annotations

import io
import threading

import pytest
from sqlmodel import select

from plugins.loket.location_import import (
    apply_import,
    apply_next_chunk,
    read_locations,
    start_import,
)
from plugins.loket.models import Location, LocationCapacity, LocationImport
from tests.plugins.loket.conftest import LOKET_TENANTS, tenant_db
from tests.support.apps import probe_app
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


def large_csv(rows: int = 5000, broken: tuple[int, ...] = (10, 4000)) -> str:
    """Opgroeien-like rows; the rows numbered in ``broken`` have a bad postcode."""
    lines = ["naam;adres;postcode;gemeente;deelgemeente;type;capaciteit"]
    for number in range(1, rows + len(broken) + 1):
        postcode = "93X0" if number in broken else f"9{300 + number % 90}"
        kind = "Gezinsopvang" if number % 3 == 0 else "Groepsopvang baby's en peuters"
        lines.append(
            f"Opvang {number:05d};Straat {number};{postcode};Aalst;Wijk {number % 7};{kind};14"
        )
    return "\n".join(lines) + "\n"


def upload(client, text: str):
    data = {"action": "preview", "csv_file": (io.BytesIO(text.encode()), "opgroeien.csv")}
    return client.post("/t/aalst/loket/locaties", data=data, content_type="multipart/form-data")


def test_a_5000_row_file_is_applied_in_chunks_with_progress_and_reimport_updates(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    preview = upload(client, large_csv())
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Lijn 11: De postcode moet vier cijfers hebben." in page
    assert "Lijn 4001: De postcode moet vier cijfers hebben." in page
    assert "En nog 4900 correcte rijen." in page  # the preview lists 100, not 5000
    [record] = _imports(app)
    assert (record.total, record.applied, record.skipped) == (5000, 0, 2)
    step_url = f"/t/aalst/loket/locaties/import/{record.id}"

    # Without JavaScript: each button press applies one chunk and shows the progress page.
    first = client.post(step_url)
    assert first.status_code == 302
    progress = client.get(first.headers["Location"]).get_data(as_text=True)
    assert '<progress id="import-bar" max="5000" value="200">' in progress
    assert "200 van 5000 rijen ingelezen." in progress
    assert "Ga verder met inlezen" in progress
    assert 'hx-trigger="load delay:1s"' in progress  # htmx continues by itself

    # With htmx: each poll applies the next chunk and swaps in the fragment only.
    seen = []
    for _ in range(30):
        fragment = client.post(step_url, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "<html" not in fragment
        seen.append(int(fragment.split('value="')[1].split('"')[0]))
        if "Klaar:" in fragment:
            break
    assert seen == list(range(400, 5001, 200))
    assert "Klaar: 5000 locaties toegevoegd, 0 bijgewerkt, 2 rijen overgeslagen." in fragment
    assert "hx-trigger" not in fragment  # done: the polling stops
    assert client.post(step_url).status_code == 302  # one more press changes nothing
    with tenant_db(app) as db:
        assert len(db.exec(select(Location.id)).all()) == 5000
        # Baby and toddler places per location: two capacity rows each, never duplicated.
        assert len(db.exec(select(LocationCapacity.id)).all()) == 2 * 5000
        assert db.exec(select(Location.area).where(Location.name == "Opvang 00008")).one() == (
            "Wijk 1"
        )
    [record] = _imports(app)
    assert (record.applied, record.created, record.updated) == (5000, 5000, 0)
    assert record.finished_at is not None

    # The same file again: every row updates, nothing is added.
    with tenant_db(app) as db:
        report = read_locations(db, large_csv())
        assert {row.action for row in report.valid_rows} == {"update"}
        again = start_import(db, report, file_name="opgroeien.csv", actor="test")
        while apply_next_chunk(db, again):
            pass
        assert (again.applied, again.created, again.updated) == (5000, 0, 5000)
        assert len(db.exec(select(Location.id)).all()) == 5000
        assert len(db.exec(select(LocationCapacity.id)).all()) == 2 * 5000


def test_an_interrupted_import_resumes_where_it_stopped(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "loket-medewerker", ["staff:loket"])
    upload(client, large_csv(rows=700, broken=()))
    [record] = _imports(app)
    step_url = f"/t/aalst/loket/locaties/import/{record.id}"
    client.post(step_url)
    client.post(step_url)  # then the browser is closed
    listing = client.get("/t/aalst/loket/locaties").get_data(as_text=True)
    assert "Onderbroken imports" in listing
    assert "opgroeien.csv: 400 van 700 rijen ingelezen — verdergaan" in listing
    client.post(step_url)
    client.post(step_url)
    [record] = _imports(app)
    assert (record.applied, record.created) == (700, 700)
    assert "Onderbroken imports" not in client.get("/t/aalst/loket/locaties").get_data(as_text=True)


def test_two_tabs_never_apply_the_same_chunk_twice(app):
    with tenant_db(app) as db:
        record_id = start_import(
            db, read_locations(db, large_csv(rows=450, broken=())), file_name="", actor="t"
        ).id
    with tenant_db(app) as first_tab, tenant_db(app) as second_tab:
        seen_by_first = first_tab.get(LocationImport, record_id)
        seen_by_second = second_tab.get(LocationImport, record_id)
        assert seen_by_first.applied == seen_by_second.applied == 0
        assert apply_next_chunk(first_tab, seen_by_first) == 200
        first_tab.commit()
        # The second tab read "0 applied" too, but the claim on that count no longer matches.
        assert apply_next_chunk(second_tab, seen_by_second) == 0
        assert seen_by_second.applied == 200
        assert apply_next_chunk(second_tab, seen_by_second) == 200
    with tenant_db(app) as db:
        record = db.get(LocationImport, record_id)
        assert (record.applied, record.created, record.updated) == (400, 400, 0)
        assert len(db.exec(select(Location.id)).all()) == 400


def test_another_tenant_cannot_step_an_import(app):
    with tenant_db(app) as db:
        record_id = start_import(db, read_locations(db, OPGROEIEN_CSV), file_name="", actor="t").id
    client = app.test_client()
    signed_in_as(client, app, "brugge", "loket-brugge", ["staff:loket"])
    assert client.post(f"/t/brugge/loket/locaties/import/{record_id}").status_code == 404
    assert client.get(f"/t/brugge/loket/locaties/import/{record_id}").status_code == 404


@pytest.mark.postgres
def test_two_tabs_stepping_at_the_same_moment_apply_one_chunk_on_postgres(postgres_settings):
    app = probe_app(postgres_settings, tenants=LOKET_TENANTS)
    with tenant_db(app) as db:
        record_id = start_import(
            db, read_locations(db, large_csv(rows=300, broken=())), file_name="", actor="t"
        ).id
    barrier = threading.Barrier(2)
    applied: list[int] = []

    def step():
        with tenant_db(app) as db:
            record = db.get(LocationImport, record_id)  # both tabs read "0 applied"
            barrier.wait(timeout=10)
            applied.append(apply_next_chunk(db, record))

    threads = [threading.Thread(target=step) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(applied) == [0, 200]
    with tenant_db(app) as db:
        record = db.get(LocationImport, record_id)
        assert (record.applied, record.created) == (200, 200)
        assert len(db.exec(select(Location.id)).all()) == 200


@pytest.mark.parametrize("line_end", ["\r\n", "\n", "\r"])
def test_every_line_ending_a_spreadsheet_writes_is_read(app, line_end):
    text = OPGROEIEN_CSV.replace("\n", line_end)
    with tenant_db(app) as db:
        report = read_locations(db, text)
    assert report.file_errors == [] and len(report.rows) == OPGROEIEN_CSV.count("\n") - 1


@pytest.mark.parametrize(
    "text",
    [
        "naam;postcode;type;capaciteit\nA;93\x0000;Groepsopvang;4\n",
        'naam;postcode;type;capaciteit\n"A;9300;Groepsopvang;4\n',
        "\x00\x00\x00",
    ],
    ids=["nul-byte", "unclosed-quote", "only-nul"],
)
def test_a_file_that_is_no_clean_list_gets_messages_not_a_crash(app, text):
    with tenant_db(app) as db:
        report = read_locations(db, text)
    assert report.file_errors or all(row.errors for row in report.rows)


def test_digits_of_other_scripts_are_no_postcode_or_capacity(app):
    text = "naam;postcode;type;capaciteit\nA;9³00;Groepsopvang;4\nB;9300;Groepsopvang;١٨\n"
    with tenant_db(app) as db:
        report = read_locations(db, text)
    assert [row.errors for row in report.rows] == [["postcode_invalid"], ["capacity_invalid"]]
