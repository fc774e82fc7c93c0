"""Starters' documents in an S3-compatible bucket (moto's standalone S3 server, never skipped):
the upload, download and erase journey, the settling job, ``/readyz`` and production start-up."""

from __future__ import annotations

import shutil
import time
import uuid

import pytest
from flask import Flask, g
from sqlmodel import select

from core.file_store import S3FileStore
from core.plugin_types import DataSubject
from core.web import db_session
from plugins.starters import uploads
from plugins.starters.jobs import PENDING_GRACE_SECONDS, settle_pending
from plugins.starters.models import ApplicationDocument
from tests.plugins.starters.conftest import (
    PDF,
    add_measure,
    client_as,
    make_app,
    start,
    submitted_application,
    tenant_db,
)
from tests.plugins.starters.test_hooks import at_tenant
from tests.support.apps import tenant_id
from tests.support.auth import make_user
from tests.support.moto_s3 import running_s3_server


@pytest.fixture(scope="module")
def s3_server():
    with running_s3_server() as server:
        yield server


@pytest.fixture
def bucket(s3_server) -> str:
    return s3_server.new_bucket()


@pytest.fixture
def s3_app(sqlite_settings, migrated_sqlite_file, s3_server, bucket, monkeypatch) -> Flask:
    # No local upload directory at all: with S3 chosen, nothing may need one.
    monkeypatch.delenv("OPVANGPLEIN_STARTERS_UPLOAD_DIR", raising=False)
    shutil.copyfile(migrated_sqlite_file, sqlite_settings.database_url.removeprefix("sqlite:///"))
    return make_app(sqlite_settings, **s3_server.settings(bucket, prefix="opvangplein"))


def object_keys(s3_server, bucket: str) -> list[str]:
    listed = s3_server.client().list_objects_v2(Bucket=bucket)
    return sorted(entry["Key"] for entry in listed.get("Contents", []))


def test_a_starters_document_is_uploaded_downloaded_and_erased_in_the_bucket(
    s3_app, s3_server, bucket
):
    measure = add_measure(s3_app)
    sofie = client_as(s3_app, "sofie", ["starter"])
    application_id = submitted_application(s3_app, sofie, [measure])
    with tenant_db(s3_app) as db:
        [document] = db.exec(select(ApplicationDocument)).all()
    aalst = tenant_id(s3_app, "aalst")
    # Published (no pending object left) at <prefix>/<tenant id>/<application id>/<random name>.
    assert object_keys(s3_server, bucket) == [
        f"opvangplein/{aalst}/{application_id}/{document.stored_name}"
    ]

    download = sofie.get(f"/t/aalst/starters/documenten/{document.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Cache-Control"] == "no-store"
    reviewer = client_as(s3_app, "staff-aalst", ["staff:starters"])
    assert reviewer.get(f"/t/aalst/starters/documenten/{document.id}").data == PDF
    brugge_staff = client_as(s3_app, "staff-brugge", ["staff:starters"], "brugge")
    assert brugge_staff.get(f"/t/brugge/starters/documenten/{document.id}").status_code == 404

    from core.subjects import erase_subject

    user = make_user(s3_app, "sofie")
    with at_tenant(s3_app):
        erase_subject(db_session(), g.tenant, DataSubject(user_id=user.id, email="sofie@x.be"))
        db_session().commit()
    assert object_keys(s3_server, bucket) == []


def test_a_document_whose_object_is_gone_answers_404_not_500(s3_app, s3_server, bucket):
    sofie = client_as(s3_app, "sofie", ["starter"])
    submitted_application(s3_app, sofie, [add_measure(s3_app)])
    with tenant_db(s3_app) as db:
        [document] = db.exec(select(ApplicationDocument)).all()
    for key in object_keys(s3_server, bucket):
        s3_server.client().delete_object(Bucket=bucket, Key=key)
    assert sofie.get(f"/t/aalst/starters/documenten/{document.id}").status_code == 404


def test_the_settling_job_removes_a_stray_pending_object_from_the_bucket(s3_app, s3_server, bucket):
    sofie = client_as(s3_app, "sofie", ["starter"])
    application_id = start(sofie)
    files = uploads.configure(s3_app).files
    uploads.store(
        files, tenant_id(s3_app, "aalst"), application_id, PDF, "p.pdf", "application/pdf"
    )
    assert len(object_keys(s3_server, bucket)) == 1
    database = s3_app.extensions["opvangplein.db"]
    later = time.time() + PENDING_GRACE_SECONDS + 60
    assert settle_pending(database, files, now=later) == (0, 1)
    assert object_keys(s3_server, bucket) == []


def test_readyz_reports_the_bucket_writable(s3_app, s3_server, bucket):
    response = s3_app.test_client().get("/readyz")
    check = response.json["checks"]["starters.uploads"]
    assert check["ok"] is True and check["backend"] == "s3" and check["bucket"] == bucket
    assert object_keys(s3_server, bucket) == []  # the probe is removed again


def test_readyz_is_503_when_the_bucket_does_not_exist(
    sqlite_settings, migrated_sqlite_file, s3_server
):
    shutil.copyfile(migrated_sqlite_file, sqlite_settings.database_url.removeprefix("sqlite:///"))
    app = make_app(sqlite_settings, **s3_server.settings(f"missing-{uuid.uuid4().hex[:8]}"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["starters.uploads"]["ok"] is False


def test_production_with_an_s3_store_needs_no_upload_directory(s3_server, bucket):
    app = Flask("s3-production")
    app.config.update(OPVANGPLEIN_ENV="production")
    environ = {f"OPVANGPLEIN_{key}": value for key, value in s3_server.settings(bucket).items()}
    settings = uploads.configure(app, environ=environ)
    assert isinstance(settings.files, S3FileStore) and settings.files.bucket == bucket
