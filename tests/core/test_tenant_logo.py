"""A municipality's admin uploads its logo: only a real image, re-drawn by the platform so no
file of the uploader's ever reaches a visitor, shown in the header of every page and served
under an address that changes with the logo (so browsers may keep it)."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlmodel import select

from core.models import AuditEntry
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import signed_in_as

UPLOAD = "/t/aalst/beheer/logo"
REMOVE = "/t/aalst/beheer/logo/verwijderen"


def image_bytes(size=(400, 100), kind="PNG", colour=(200, 30, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


def upload(client, data: bytes, name="logo.png", path=UPLOAD):
    return client.post(
        path, data={"logo": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def header_logo(client, slug="aalst") -> str | None:
    html = client.get(f"/t/{slug}/").get_data(as_text=True)
    found = re.search(r'<img src="([^"]+)" alt="" class="site-header__logo">', html)
    return found.group(1) if found else None


def admin_client(settings):
    app = probe_app(settings)
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    return app, client


def test_an_uploaded_logo_is_redrawn_shown_in_the_header_and_kept_by_browsers(sqlite_settings):
    app, client = admin_client(sqlite_settings)
    saved = upload(client, image_bytes((1600, 400), "JPEG"), "logo.jpg")
    assert saved.status_code == 302
    address = header_logo(client)
    assert address and address.startswith("/t/aalst/logo/")
    anonymous = app.test_client()
    served = anonymous.get(address)
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert "immutable" in served.headers["Cache-Control"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    drawn = Image.open(io.BytesIO(served.data))
    assert drawn.format == "PNG" and drawn.width <= 600 and drawn.height <= 160
    red, green, blue = drawn.getpixel((10, 10))[:3]
    assert abs(red - 200) + abs(green - 30) + abs(blue - 40) < 12  # JPEG rounds a little
    front_door = anonymous.get("/").get_data(as_text=True)
    assert f'class="municipality-list__logo" src="{address}"' in front_door
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "aalst")) as db:
        assert "theme.logo_updated" in db.exec(select(AuditEntry.action)).all()


def test_a_new_logo_gets_a_new_address_and_the_old_one_is_gone(sqlite_settings):
    _, client = admin_client(sqlite_settings)
    upload(client, image_bytes(colour=(0, 0, 255)))
    first = header_logo(client)
    upload(client, image_bytes(colour=(0, 255, 0)))
    second = header_logo(client)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_what_is_not_an_image_is_refused_in_the_page_and_the_logo_stays(sqlite_settings):
    _, client = admin_client(sqlite_settings)
    upload(client, image_bytes())
    kept = header_logo(client)
    for data, name in [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.svg"),
        (b"<html><script>alert(1)</script></html>", "logo.png"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "logo.png"),  # a PNG header and nothing behind it
        (b"", "logo.png"),
    ]:
        refused = upload(client, data, name)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 422, name
        assert 'id="error-summary"' in html and 'href="#theme-logo"' in html
        assert "PNG, JPEG of WebP" in html
        assert "Traceback" not in html
    assert header_logo(client) == kept


def test_an_image_that_would_unpack_to_a_huge_picture_is_refused(sqlite_settings):
    _, client = admin_client(sqlite_settings)
    # 12 000 × 12 000 pixels of one colour compress to a small file: a decompression bomb.
    bomb = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(bomb, "PNG")
    refused = upload(client, bomb.getvalue())
    assert refused.status_code == 422
    assert "te groot" in refused.get_data(as_text=True)
    assert header_logo(client) is None


def test_the_admin_removes_the_logo(sqlite_settings):
    _, client = admin_client(sqlite_settings)
    upload(client, image_bytes())
    address = header_logo(client)
    assert client.post(REMOVE).status_code == 302
    assert header_logo(client) is None
    assert client.get(address).status_code == 404


def test_only_this_municipalitys_admin_changes_its_logo_and_logos_do_not_cross(sqlite_settings):
    app, client = admin_client(sqlite_settings)
    upload(client, image_bytes())
    address = header_logo(client)
    assert client.get(address.replace("/t/aalst/", "/t/brugge/")).status_code == 404
    assert upload(client, image_bytes(), path="/t/brugge/beheer/logo").status_code in (401, 403)
    assert header_logo(client, "brugge") is None
    parent = app.test_client()
    signed_in_as(parent, app, "aalst", "ouder", ["parent"])
    assert upload(parent, image_bytes(colour=(1, 2, 3))).status_code == 403
    assert parent.post(REMOVE).status_code == 403
    assert header_logo(client) == address
    assert client.get(UPLOAD).status_code == 405
    assert client.head(REMOVE).status_code == 405


def test_a_made_up_logo_address_answers_404(sqlite_settings):
    client = probe_app(sqlite_settings).test_client()
    for version in ("0" * 32, "../../etc/passwd", "x" * 400):
        assert client.get(f"/t/aalst/logo/{version}.png").status_code == 404
