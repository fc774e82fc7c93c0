"""Issue 16, point 1: staff link locations to provider organisations (page and CSV import),
so the provider's own staff can report free places afterwards."""

from __future__ import annotations

import dataclasses
import io

import pytest
from sqlmodel import select

from plugins.loket.models import FreePlace, Location, LocationImport
from tests.plugins.loket.conftest import LOKET_TENANTS, TODAY, make_location, tenant_db
from tests.plugins.loket.test_views import provider, staff
from tests.support.apps import probe_app

IMPORT = (
    "naam;adres;postcode;gemeente;type;capaciteit;organisatie\n"
    "Kinderdagverblijf Zonnestraal;Molenstraat 4;3550;Heusden-Zolder;Groepsopvang;18;de-speelboom\n"
    "Onthaalouder Els;Leopoldlaan 9;3550;Heusden-Zolder;Gezinsopvang;4;Onbekend VZW\n"
    "IBO De Vlieger;Schoolstraat 1;3550;Heusden-Zolder;Buitenschoolse opvang;40;\n"
)
REPORT = {"places": "2", "age_group": "baby", "available_from": TODAY.isoformat()}


@pytest.fixture
def app(sqlite_settings, mail_sink):
    settings = dataclasses.replace(sqlite_settings, smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    return probe_app(settings, tenants=LOKET_TENANTS)


def _upload(client, text: str):
    data = {"action": "preview", "csv_file": (io.BytesIO(text.encode()), "lijst.csv")}
    return client.post("/t/aalst/loket/locaties", data=data, content_type="multipart/form-data")


def test_staff_import_a_csv_with_the_organisation_then_the_provider_reports_a_place(app):
    provider_client, staff_client = app.test_client(), app.test_client()
    organisation = provider(app, provider_client)
    staff(app, staff_client)
    preview = _upload(staff_client, IMPORT).get_data(as_text=True)
    assert "Lijn 3: Geen aanbieder „Onbekend VZW” werkt hier mee in het loket" in preview
    with tenant_db(app) as db:
        record = db.exec(select(LocationImport)).one()
    assert staff_client.post(f"/t/aalst/loket/locaties/import/{record.id}").status_code == 302
    with tenant_db(app) as db:
        linked = {loc.name: loc.provider_organisation_id for loc in db.exec(select(Location))}
    assert linked == {"Kinderdagverblijf Zonnestraal": organisation, "IBO De Vlieger": None}
    listing = staff_client.get("/t/aalst/loket/locaties").get_data(as_text=True)
    assert "aanbieder DE-SPEELBOOM" in listing and "nog geen aanbieder" in listing

    places_page = provider_client.get("/t/aalst/loket/plaatsen").get_data(as_text=True)
    assert "Kinderdagverblijf Zonnestraal" in places_page and "IBO De Vlieger" not in places_page
    with tenant_db(app) as db:
        location_id = db.exec(
            select(Location.id).where(Location.name == "Kinderdagverblijf Zonnestraal")
        ).one()
    reported = provider_client.post(f"/t/aalst/loket/plaatsen/{location_id}/vrij", data=REPORT)
    assert reported.status_code == 302
    with tenant_db(app) as db:
        assert db.exec(select(FreePlace.places)).all() == [2]


def test_a_reimport_without_the_organisation_keeps_the_link(app):
    organisation = provider(app, app.test_client())
    client = app.test_client()
    staff(app, client)
    for text in (IMPORT, IMPORT.replace("de-speelboom", "")):
        _upload(client, text)
        with tenant_db(app) as db:
            pending = [r for r in db.exec(select(LocationImport)) if not r.done]
        client.post(f"/t/aalst/loket/locaties/import/{pending[0].id}")
    with tenant_db(app) as db:
        sunbeam = db.exec(select(Location).where(Location.name.startswith("Kinderdag"))).one()
    assert sunbeam.provider_organisation_id == organisation


def test_staff_add_a_location_for_a_provider_who_then_reports_free_places(app):
    provider_client, staff_client = app.test_client(), app.test_client()
    organisation = provider(app, provider_client)
    staff(app, staff_client)
    form = staff_client.get("/t/aalst/loket/locaties/nieuw").get_data(as_text=True)
    assert f'<option value="{organisation}"' in form and "Nog geen aanbieder" in form
    bad = staff_client.post(
        "/t/aalst/loket/locaties/nieuw",
        data={"name": "", "postcode": "35X0", "kind": "kast", "provider_organisation_id": "x"},
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "De postcode moet vier cijfers hebben." in page and "Kies een soort opvang." in page
    created = staff_client.post(
        "/t/aalst/loket/locaties/nieuw",
        data={
            "name": "De Kleine Reus",
            "address": "Markt 1",
            "postcode": "3550",
            "municipality": "Heusden-Zolder",
            "kind": "groepsopvang",
            "capacity": "14",
            "provider_organisation_id": str(organisation),
        },
    )
    assert created.status_code == 302
    again = staff_client.post(
        "/t/aalst/loket/locaties/nieuw",
        data={
            "name": "De  kleine reus",
            "postcode": "3550",
            "kind": "groepsopvang",
            "capacity": "9",
        },
    )
    assert again.status_code == 422
    assert "Er bestaat al een locatie met deze naam en postcode." in again.get_data(as_text=True)
    with tenant_db(app) as db:
        location = db.exec(select(Location)).one()
    assert location.provider_organisation_id == organisation
    reported = provider_client.post(f"/t/aalst/loket/plaatsen/{location.id}/vrij", data=REPORT)
    assert reported.status_code == 302


def test_staff_relink_a_location_on_its_page_but_its_provider_cannot(app):
    provider_client, staff_client = app.test_client(), app.test_client()
    organisation = provider(app, provider_client)
    staff(app, staff_client)
    with tenant_db(app) as db:
        location_id = make_location(db, "De Speelboom").id
    details = {"tariff": "income_related", "opening_days": ["mon"], "day_parts": ["morning"]}
    page = staff_client.get(f"/t/aalst/loket/locaties/{location_id}").get_data(as_text=True)
    assert 'name="provider_organisation_id"' in page
    saved = staff_client.post(
        f"/t/aalst/loket/locaties/{location_id}",
        data={**details, "provider_organisation_id": str(organisation)},
    )
    assert saved.status_code == 302
    own_page = provider_client.get(f"/t/aalst/loket/locaties/{location_id}").get_data(as_text=True)
    assert 'name="provider_organisation_id"' not in own_page
    provider_client.post(
        f"/t/aalst/loket/locaties/{location_id}",
        data={**details, "provider_organisation_id": ""},
    )
    with tenant_db(app) as db:
        assert db.get(Location, location_id).provider_organisation_id == organisation
    unknown = staff_client.post(
        f"/t/aalst/loket/locaties/{location_id}",
        data={**details, "provider_organisation_id": "00000000-0000-0000-0000-000000000000"},
    )
    assert unknown.status_code == 422
