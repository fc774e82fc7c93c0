"""An app with the starters plugin in two municipalities, and helpers to fill it."""

from __future__ import annotations

import shutil
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask

from plugins.starters.models import Application, SupportMeasure
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import signed_in_as

STARTERS_TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe", "starters", "loket"]\n',
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe", "starters"]\n',
}
NEXT_YEAR = date.today() + timedelta(days=365)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def make_app(settings, **config) -> Flask:
    return probe_app(settings, config=config, tenants=STARTERS_TENANTS)


@pytest.fixture
def upload_dir(tmp_path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def app(sqlite_settings, upload_dir, migrated_sqlite_file) -> Flask:
    # Start from the database migrated once per run; the migrations then only confirm it.
    shutil.copyfile(migrated_sqlite_file, sqlite_settings.database_url.removeprefix("sqlite:///"))
    return make_app(sqlite_settings, STARTERS_UPLOAD_DIR=str(upload_dir))


def tenant_db(app: Flask, slug: str = "aalst"):
    return app.extensions["opvangplein.db"].tenant_session(tenant_id(app, slug))


def add_measure(app: Flask, slug: str = "aalst", **fields) -> uuid.UUID:
    values = {
        "title": "Opstartpremie kinderopvang",
        "kind": "premium",
        "amount_eur": 5000,
        "description": "Een **premie** voor nieuwe plaatsen.",
        "conditions": "Sluit aan bij het loket.",
        "required_documents": ["business_plan"],
    }
    values.update(fields)
    with tenant_db(app, slug) as db:
        measure = SupportMeasure(**values)
        db.add(measure)
    return measure.id


def client_as(app: Flask, subject: str, roles: list[str], slug: str = "aalst"):
    client = app.test_client()
    signed_in_as(client, app, slug, subject, roles)
    return client


def project_form(**changes) -> dict:
    form = {
        "applicant_kind": "person",
        "applicant_name": "Sofie Starter",
        "applicant_email": "sofie@example.be",
        "facility_type": "groepsopvang",
        "planned_places": "14",
        "target_opening": NEXT_YEAR.isoformat(),
        "postcode": "3550",
        "area": "Centrum",
        "address": "Kerkstraat 1",
        "action": "next",
    }
    form.update(changes)
    return form


def start(client, slug: str = "aalst") -> uuid.UUID:
    response = client.post(f"/t/{slug}/starters/aanvragen")
    assert response.status_code == 303, response.get_data(as_text=True)
    return uuid.UUID(response.headers["Location"].split("/aanvragen/")[1].split("/")[0])


def step_url(application_id, step: str, slug: str = "aalst") -> str:
    return f"/t/{slug}/starters/aanvragen/{application_id}/stap/{step}"


def upload(client, application_id, data: bytes, name: str, kind="business_plan", slug="aalst"):
    from io import BytesIO

    return client.post(
        f"/t/{slug}/starters/aanvragen/{application_id}/documenten",
        data={"kind": kind, "document": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def submitted_application(
    app: Flask, client, measure_ids: list[uuid.UUID], slug: str = "aalst"
) -> uuid.UUID:
    """A starter's application through every step, submitted."""
    application_id = start(client, slug)
    response = client.post(step_url(application_id, "project", slug), data=project_form())
    assert response.status_code == 303
    response = client.post(
        step_url(application_id, "measures", slug),
        data={"measures": [str(m) for m in measure_ids], "action": "next"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    response = upload(client, application_id, PDF, "ondernemingsplan.pdf", slug=slug)
    assert response.status_code == 303
    response = client.post(step_url(application_id, "documents", slug), data={"action": "next"})
    assert response.status_code == 303
    response = client.post(
        step_url(application_id, "declaration", slug),
        data={"declaration": "1", "action": "submit"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return application_id


def stored(app: Flask, application_id, slug: str = "aalst") -> Application | None:
    with app.extensions["opvangplein.db"].session(tenant_id(app, slug)) as db:
        return db.get(Application, application_id)
