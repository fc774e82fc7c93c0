"""An upload is the document's file only once its row is committed; what a dying worker leaves
is settled by a scheduled job, so GDPR export and erasure never miss a file."""

from __future__ import annotations

import time

from core.file_store import PENDING_PREFIX, LocalDiskFileStore
from plugins.starters import uploads
from plugins.starters.jobs import PENDING_GRACE_SECONDS, settle_pending
from plugins.starters.models import ApplicationDocument
from tests.plugins.starters.conftest import PDF, client_as, start, tenant_db, upload
from tests.support.apps import tenant_id


def _later() -> float:
    """A moment after the grace period of a file written now."""
    return time.time() + PENDING_GRACE_SECONDS + 60


def _files(upload_dir):
    return sorted(path.name for path in upload_dir.rglob("*") if path.is_file())


def test_an_uploaded_document_is_published_and_nothing_stays_pending(app, upload_dir):
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    assert upload(client, application_id, PDF, "plan.pdf").status_code == 303
    [name] = _files(upload_dir)
    assert not name.startswith(PENDING_PREFIX)


def test_a_file_whose_request_died_before_the_commit_is_removed(app, upload_dir):
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    aalst = tenant_id(app, "aalst")
    uploads.store(
        LocalDiskFileStore(upload_dir), aalst, application_id, PDF, "plan.pdf", "application/pdf"
    )
    database = app.extensions["opvangplein.db"]
    assert settle_pending(database, LocalDiskFileStore(upload_dir), now=time.time()) == (
        0,
        0,
    )  # still in flight
    assert settle_pending(database, LocalDiskFileStore(upload_dir), now=_later()) == (0, 1)
    assert _files(upload_dir) == []


def test_a_file_whose_row_was_committed_before_the_worker_died_is_published(app, upload_dir):
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    aalst = tenant_id(app, "aalst")
    stored = uploads.store(
        LocalDiskFileStore(upload_dir), aalst, application_id, PDF, "plan.pdf", "application/pdf"
    )
    with tenant_db(app) as db:
        db.add(
            ApplicationDocument(
                application_id=application_id,
                kind="business_plan",
                original_name="plan.pdf",
                stored_name=stored.stored_name,
                content_type="application/pdf",
                size_bytes=len(PDF),
                sha256=stored.sha256,
                uploaded_by="Sofie",
            )
        )
    database = app.extensions["opvangplein.db"]
    assert settle_pending(database, LocalDiskFileStore(upload_dir), now=_later()) == (1, 0)
    assert _files(upload_dir) == [stored.stored_name]
    assert settle_pending(database, LocalDiskFileStore(upload_dir), now=_later()) == (0, 0)


def test_settling_is_the_scheduled_job_starters_settle_uploads_and_its_command_runs_it(
    app, upload_dir
):
    from datetime import UTC, datetime

    from core.jobs.runner import registered_jobs, run_job

    job = registered_jobs(app)["starters.settle-uploads"].job
    assert job.per_tenant is False
    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    aalst = tenant_id(app, "aalst")
    uploads.store(
        LocalDiskFileStore(upload_dir), aalst, application_id, PDF, "plan.pdf", "application/pdf"
    )
    later = datetime.fromtimestamp(_later(), UTC)
    report = run_job(app, "starters.settle-uploads", now=later)
    assert report.reports == [("-", "0 uploads published, 1 stray uploads removed")]
    assert _files(upload_dir) == []
    result = app.test_cli_runner().invoke(args=["starters", "settle-uploads"])
    assert (
        result.exit_code == 0 and "-: 0 uploads published, 0 stray uploads removed" in result.output
    )


def test_a_committed_letter_or_photo_is_published_a_stray_photo_removed(app, upload_dir):
    from plugins.starters.models import Building, BuildingPhoto, DecisionLetter
    from tests.plugins.starters.conftest import PNG

    client = client_as(app, "sofie", ["starter"])
    application_id = start(client)
    aalst = tenant_id(app, "aalst")
    files = LocalDiskFileStore(upload_dir)
    with tenant_db(app) as db:
        building = Building(address="Markt 1", area_m2=100, suitable_places=10)
        db.add(building)
    letter_name = files.put_pending(aalst, application_id, PDF)
    photo_name = files.put_pending(aalst, building.id, PNG)
    files.put_pending(aalst, building.id, PNG)  # its request died before the commit
    with tenant_db(app) as db:
        db.add(
            DecisionLetter(
                application_id=application_id, stored_name=letter_name, size_bytes=1, sha256="0"
            )
        )
        db.add(
            BuildingPhoto(
                building_id=building.id,
                original_name="pand.png",
                stored_name=photo_name,
                content_type="image/png",
                size_bytes=len(PNG),
            )
        )
    database = app.extensions["opvangplein.db"]
    assert settle_pending(database, files, now=_later()) == (2, 1)
    assert sorted(_files(upload_dir)) == sorted([letter_name, photo_name])
