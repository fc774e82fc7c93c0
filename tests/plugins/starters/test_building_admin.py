"""Buildings kept up to date by staff (issue 21): edited, withdrawn and offered again, photos
through the upload store (images only, size limit, content type checked) and a map link."""

from __future__ import annotations

from io import BytesIO

from sqlmodel import select

from core.audit import AuditEntry
from plugins.starters.models import Building, BuildingInterest, BuildingPhoto
from tests.plugins.starters.conftest import (
    PDF,
    PNG,
    client_as,
    project_form,
    start,
    step_url,
    tenant_db,
)

BUILDINGS = "/t/aalst/starters/panden"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def a_building(app, **fields) -> Building:
    values = {"address": "Dorpsstraat 12, 9300 Aalst", "area_m2": 180, "suitable_places": 18}
    values.update(fields)
    with tenant_db(app) as db:
        building = Building(**values)
        db.add(building)
    return building


def add_photo(client, building_id, data: bytes, name: str, mimetype: str, caption="Speelzaal"):
    return client.post(
        f"{BUILDINGS}/{building_id}/fotos",
        data={"photo": (BytesIO(data), name, mimetype), "caption": caption},
        content_type="multipart/form-data",
    )


def test_staff_edit_a_building_and_bad_input_is_explained(app):
    building = a_building(app)
    staff = client_as(app, "els", ["staff:starters"])
    page = staff.get(f"{BUILDINGS}/{building.id}/bewerken").get_data(as_text=True)
    assert 'value="Dorpsstraat 12, 9300 Aalst"' in page
    wrong = staff.post(
        f"{BUILDINGS}/{building.id}/bewerken",
        data={"address": "", "area_m2": "groot", "suitable_places": "18"},
    )
    assert wrong.status_code == 422
    assert 'href="#address"' in wrong.get_data(as_text=True)
    assert 'href="#area_m2"' in wrong.get_data(as_text=True)
    saved = staff.post(
        f"{BUILDINGS}/{building.id}/bewerken",
        data={
            "address": "Dorpsstraat 14, 9300 Aalst",
            "area_m2": "200",
            "suitable_places": "20",
            "accessibility": "Gelijkvloers, rolstoeltoegankelijk.",
        },
    )
    assert saved.status_code == 303
    with tenant_db(app) as db:
        stored = db.get(Building, building.id)
        assert (stored.address, stored.area_m2, stored.suitable_places) == (
            "Dorpsstraat 14, 9300 Aalst",
            200,
            20,
        )
        assert "starters.building_changed" in {e.action for e in db.exec(select(AuditEntry))}
    overview = staff.get(BUILDINGS).get_data(as_text=True)
    assert "Gelijkvloers, rolstoeltoegankelijk." in overview
    # The map is a plain link to OpenStreetMap: no embed, no script from elsewhere.
    assert (
        'href="https://www.openstreetmap.org/search?query=Dorpsstraat%2014%2C%209300%20Aalst"'
        in overview
    )
    assert "<iframe" not in overview and '<script src="http' not in overview


def test_a_withdrawn_building_is_gone_for_starters_and_back_when_offered_again(app):
    building = a_building(app)
    sofie = client_as(app, "sofie", ["starter"])
    application_id = start(sofie)
    sofie.post(step_url(application_id, "project"), data=project_form(planned_places="14"))
    assert "Dorpsstraat 12" in sofie.get(BUILDINGS).get_data(as_text=True)
    staff = client_as(app, "els", ["staff:starters"])
    assert staff.post(f"{BUILDINGS}/{building.id}/intrekken").status_code == 303
    assert "Dorpsstraat 12" not in sofie.get(BUILDINGS).get_data(as_text=True)
    refused = sofie.post(
        f"{BUILDINGS}/{building.id}/interesse", data={"application_id": str(application_id)}
    )
    assert refused.status_code == 404
    with tenant_db(app) as db:
        assert db.exec(select(BuildingInterest)).all() == []
    overview = staff.get(BUILDINGS).get_data(as_text=True)
    assert "Dorpsstraat 12" in overview and "ingetrokken" in overview
    assert staff.post(f"{BUILDINGS}/{building.id}/opnieuw-aanbieden").status_code == 303
    assert "Dorpsstraat 12" in sofie.get(BUILDINGS).get_data(as_text=True)
    with tenant_db(app) as db:
        actions = {entry.action for entry in db.exec(select(AuditEntry))}
    assert {"starters.building_withdrawn", "starters.building_offered"} <= actions


def test_photos_are_images_only_small_and_checked_and_shown_to_starters(app, upload_dir):
    building = a_building(app)
    staff = client_as(app, "els", ["staff:starters"])
    edit = f"{BUILDINGS}/{building.id}/bewerken"
    for data, name, mimetype in (
        (PDF, "plan.pdf", "application/pdf"),  # not an image
        (PDF, "foto.png", "image/png"),  # a PDF renamed
        (PNG, "foto.png", "text/html"),  # declared as something else
        (b"<svg onload=alert(1)>", "foto.svg", "image/svg+xml"),  # SVG can carry script
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024), "groot.png", "image/png"),
        (PNG, "foto\x00.png", "image/png"),
    ):
        response = add_photo(staff, building.id, data, name, mimetype)
        assert response.status_code == 422, name
        page = response.get_data(as_text=True)
        assert 'href="#building-photo"' in page, name
        assert "Traceback" not in page
    assert not any(path.is_file() for path in upload_dir.rglob("*"))

    added = add_photo(staff, building.id, PNG, "speelzaal.png", "image/png")
    assert added.status_code == 303
    assert add_photo(staff, building.id, JPEG, "tuin.jpg", "image/jpeg").status_code == 303
    with tenant_db(app) as db:
        photos = db.exec(select(BuildingPhoto).order_by(BuildingPhoto.uploaded_at)).all()
    assert [photo.content_type for photo in photos] == ["image/png", "image/jpeg"]
    assert staff.get(edit).status_code == 200

    sofie = client_as(app, "sofie", ["starter"])
    page = sofie.get(BUILDINGS).get_data(as_text=True)
    photo_url = f"{BUILDINGS}/fotos/{photos[0].id}"
    assert f'src="{photo_url}"' in page and 'alt="Speelzaal"' in page
    shown = sofie.get(photo_url)
    assert shown.status_code == 200 and shown.get_data() == PNG
    assert shown.mimetype == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"

    removed = staff.post(f"{BUILDINGS}/fotos/{photos[0].id}/verwijderen")
    assert removed.status_code == 303
    assert sofie.get(photo_url).status_code == 404


def test_others_cannot_manage_buildings_or_see_other_tenants_photos(app):
    building = a_building(app)
    staff = client_as(app, "els", ["staff:starters"])
    assert add_photo(staff, building.id, PNG, "speelzaal.png", "image/png").status_code == 303
    with tenant_db(app) as db:
        photo = db.exec(select(BuildingPhoto)).one()
    sofie = client_as(app, "sofie", ["starter"])
    for url in (
        f"{BUILDINGS}/{building.id}/bewerken",
        f"{BUILDINGS}/{building.id}/intrekken",
        f"{BUILDINGS}/{building.id}/fotos",
        f"{BUILDINGS}/fotos/{photo.id}/verwijderen",
    ):
        assert sofie.post(url, data={"address": "Weg"}).status_code == 403, url
    assert sofie.get(f"{BUILDINGS}/{building.id}/bewerken").status_code == 403
    bea = client_as(app, "bea", ["staff:starters"], slug="brugge")
    assert bea.get(f"/t/brugge/starters/panden/fotos/{photo.id}").status_code == 404
    assert bea.get(f"/t/brugge/starters/panden/{building.id}/bewerken").status_code == 404
    assert bea.post(f"/t/brugge/starters/panden/{building.id}/intrekken").status_code == 404
    assert app.test_client().get(f"{BUILDINGS}/fotos/{photo.id}").status_code == 401
    assert staff.head(f"{BUILDINGS}/{building.id}/intrekken").status_code in (404, 405)
    # A withdrawn building's photos are for staff only.
    staff.post(f"{BUILDINGS}/{building.id}/intrekken")
    assert sofie.get(f"{BUILDINGS}/fotos/{photo.id}").status_code == 404
    assert staff.get(f"{BUILDINGS}/fotos/{photo.id}").status_code == 200
    with tenant_db(app) as db:
        assert db.get(Building, building.id).address == "Dorpsstraat 12, 9300 Aalst"
