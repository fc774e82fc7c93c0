"""Uploads through the pages: limits with clear messages, storage outside the web root,
downloads only for the starter and the tenant's reviewers."""

from __future__ import annotations

from sqlmodel import select

from plugins.starters.models import ApplicationDocument
from tests.plugins.starters.conftest import (
    PDF,
    PNG,
    add_measure,
    client_as,
    make_app,
    project_form,
    start,
    step_url,
    submitted_application,
    tenant_db,
    upload,
)


def draft_with_project(app, client):
    application_id = start(client)
    client.post(step_url(application_id, "project"), data=project_form())
    return application_id


def documents(app, slug="aalst") -> list[ApplicationDocument]:
    with tenant_db(app, slug) as db:
        return list(db.exec(select(ApplicationDocument)).all())


def test_an_accepted_document_is_stored_outside_the_web_root_under_tenant_and_application(
    app, upload_dir
):
    client = client_as(app, "sofie", ["starter"])
    application_id = draft_with_project(app, client)
    response = upload(client, application_id, PNG, "grondplan.png", "building_plans")
    assert response.status_code == 303
    [document] = documents(app)
    assert document.original_name == "grondplan.png" and document.content_type == "image/png"
    files = [path for path in upload_dir.rglob("*") if path.is_file()]
    assert len(files) == 1 and files[0].name == document.stored_name
    assert files[0].parent.name == str(application_id)
    assert files[0].read_bytes() == PNG
    download = client.get(f"/t/aalst/starters/documenten/{document.id}")
    assert download.status_code == 200 and download.data == PNG
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"


def test_refused_uploads_say_why_in_the_page_and_store_nothing(app, upload_dir):
    client = client_as(app, "sofie", ["starter"])
    application_id = draft_with_project(app, client)
    cases = [
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "groot.pdf", "hoogstens 10 MB"),
        (b"<html></html>", "pagina.html", "Kies een bestand van het type pdf, png, jpg, jpeg."),
        (b"MZ\x90\x00binary", "vermomd.pdf", 'id="document-file-error"'),
        (PDF, "../../../etc/cron.d/x.pdf", 'id="document-file-error"'),
    ]
    for data, name, expected in cases:
        response = upload(client, application_id, data, name)
        assert response.status_code == 422, name
        page = response.get_data(as_text=True)
        assert 'id="error-summary"' in page and expected in page, name
        assert 'href="#document-file"' in page
    assert documents(app) == []
    assert not upload_dir.exists() or not any(p.is_file() for p in upload_dir.rglob("*"))


def test_an_upload_without_a_kind_is_refused_with_the_choice_kept(app):
    client = client_as(app, "sofie", ["starter"])
    application_id = draft_with_project(app, client)
    response = upload(client, application_id, PDF, "plan.pdf", kind="")
    assert response.status_code == 422
    assert 'href="#document-kind"' in response.get_data(as_text=True)


def test_the_virus_scanner_refusal_is_shown_and_nothing_is_stored(sqlite_settings, tmp_path):
    scanned = []

    def refusing_scanner(data: bytes, name: str) -> str | None:
        scanned.append((name, len(data)))
        return "Eicar-Test-Signature"

    app = make_app(
        sqlite_settings,
        STARTERS_UPLOAD_DIR=str(tmp_path / "up"),
        STARTERS_VIRUS_SCANNER=refusing_scanner,
    )
    client = client_as(app, "sofie", ["starter"])
    application_id = draft_with_project(app, client)
    response = upload(client, application_id, PDF, "plan.pdf")
    assert response.status_code == 422
    assert "Eicar-Test-Signature" in response.get_data(as_text=True)
    assert scanned == [("plan.pdf", len(PDF))]
    assert documents(app) == [] and not (tmp_path / "up").exists()


def test_a_draft_document_can_be_removed_with_its_file(app, upload_dir):
    client = client_as(app, "sofie", ["starter"])
    application_id = draft_with_project(app, client)
    upload(client, application_id, PDF, "plan.pdf")
    [document] = documents(app)
    response = client.post(
        f"/t/aalst/starters/aanvragen/{application_id}/documenten/{document.id}/verwijderen"
    )
    assert response.status_code == 303
    assert documents(app) == []
    assert not any(p.is_file() for p in upload_dir.rglob("*"))


def test_only_the_starter_and_the_tenants_reviewers_can_download(app):
    measure = add_measure(app)
    sofie = client_as(app, "sofie", ["starter"])
    submitted_application(app, sofie, [measure])
    [document] = documents(app)
    url = f"/t/aalst/starters/documenten/{document.id}"
    assert sofie.get(url).status_code == 200
    assert client_as(app, "staff-aalst", ["staff:starters"]).get(url).status_code == 200
    assert client_as(app, "jan", ["starter"]).get(url).status_code == 404
    assert client_as(app, "ouder", ["parent"]).get(url).status_code == 404
    assert app.test_client().get(url).status_code == 401
    # Staff and starters of another municipality: the row does not exist for them.
    brugge_staff = client_as(app, "staff-brugge", ["staff:starters", "tenant_admin"], "brugge")
    assert brugge_staff.get(f"/t/brugge/starters/documenten/{document.id}").status_code == 404
    assert brugge_staff.get(f"/t/aalst/starters/documenten/{document.id}").status_code == 401


def test_an_upload_over_the_platform_request_limit_gets_the_same_clear_message(app):
    client = client_as(app, "sofie", ["starter"])
    application_id = draft_with_project(app, client)
    response = upload(client, application_id, b"%PDF-" + b"0" * (17 * 1024 * 1024), "enorm.pdf")
    assert response.status_code == 422
    assert "hoogstens 10 MB" in response.get_data(as_text=True)
    assert documents(app) == []
