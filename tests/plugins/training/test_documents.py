"""Documents with expiry: the candidate and training staff upload and download the
criminal-record extract (model 2) and the diploma; others get 404; without a valid extract the
internship and employment steps are refused with a clear message."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlmodel import select

from core.audit import AuditEntry
from plugins.training.models import CandidateDocument
from plugins.training.services import Stage
from tests.plugins.training.conftest import TRAINING_TENANTS, build_world, member, people
from tests.plugins.training.helpers import make_candidate, step, stored, valid_extract
from tests.support.apps import probe_app

PDF = b"%PDF-1.4\n% uittreksel\n"
TODAY = date.today()


@pytest.fixture
def doc_world(sqlite_settings, tmp_path):
    app = probe_app(
        sqlite_settings, config={"TRAINING_UPLOAD_DIR": str(tmp_path)}, tenants=TRAINING_TENANTS
    )
    return build_world(app)


def in_training(world, **kwargs):
    cohort = world.programme_and_cohort("cvo-limburg")
    candidate_id = make_candidate(world, "cvo-limburg", stage=Stage.IN_TRAINING, cohort=cohort)
    with world.session() as db:
        from plugins.training.models import Candidate

        db.get(Candidate, candidate_id).user_id = people(world)["an"].id
    return candidate_id


def upload(client, candidate_id, *, data=PDF, name="uittreksel.pdf", **fields):
    form = {
        "kind": "criminal_record",
        "issued_on": (TODAY - timedelta(days=10)).isoformat(),
        "expires_on": (TODAY + timedelta(days=355)).isoformat(),
        "document": (io.BytesIO(data), name),
    }
    form.update(fields)
    return client.post(
        f"/t/aalst/opleiding/kandidaten/{candidate_id}/documenten",
        data=form,
        content_type="multipart/form-data",
    )


def documents(world, candidate_id):
    with world.session() as db:
        return list(
            db.exec(select(CandidateDocument).where(CandidateDocument.candidate_id == candidate_id))
        )


def test_without_a_valid_extract_the_internship_is_refused_with_a_clear_message(doc_world):
    candidate_id = in_training(doc_world)
    sara = doc_world.client_for(people(doc_world)["sara"])
    listing = sara.get("/t/aalst/opleiding/kandidaten").get_data(as_text=True)
    assert "Geen geldig uittreksel uit het strafregister" in listing
    refused = step(sara, candidate_id, "internship", placement_name="KDV Zonnetje")
    assert refused.status_code == 422
    assert "geldig uittreksel uit het strafregister (model 2) nodig" in refused.get_data(
        as_text=True
    )
    # An expired extract does not count either.
    with doc_world.session() as db:
        db.add(valid_extract(candidate_id, expires_on=TODAY - timedelta(days=1)))
    assert step(sara, candidate_id, "internship", placement_name="KDV Zonnetje").status_code == 422
    assert upload(sara, candidate_id).status_code == 303
    assert step(sara, candidate_id, "internship", placement_name="KDV Zonnetje").status_code == 303
    assert stored(doc_world.app, candidate_id).stage == "internship"
    listing = sara.get("/t/aalst/opleiding/kandidaten").get_data(as_text=True)
    assert "Geen geldig uittreksel" not in listing


def test_the_candidate_uploads_and_downloads_their_own_extract(doc_world):
    candidate_id = in_training(doc_world)
    an = doc_world.client_for(people(doc_world)["an"])
    assert upload(an, candidate_id, kind="diploma", expires_on="").status_code == 303
    [document] = documents(doc_world, candidate_id)
    assert (document.kind, document.expires_on, document.content_type) == (
        "diploma",
        None,
        "application/pdf",
    )
    download = an.get(f"/t/aalst/opleiding/documenten/{document.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Cache-Control"] == "no-store"
    sara = doc_world.client_for(people(doc_world)["sara"])  # the school running the cohort
    assert sara.get(f"/t/aalst/opleiding/documenten/{document.id}").data == PDF
    with doc_world.session() as db:
        actions = [a.action for a in db.exec(select(AuditEntry))]
    assert "training.document_added" in actions and "training.document_downloaded" in actions


def test_others_get_404_for_the_page_and_the_file(doc_world):
    candidate_id = in_training(doc_world)
    upload(doc_world.client_for(people(doc_world)["sara"]), candidate_id)
    [document] = documents(doc_world, candidate_id)
    tom = doc_world.client_for(people(doc_world)["tom"])  # another school
    karel = doc_world.client_for(doc_world.user("karel", "aalst", ["parent"]))
    mia = doc_world.client_for(member(doc_world.app, "mia", "kdv-zonnetje"))
    for client in (tom, karel, mia):
        assert client.get(f"/t/aalst/opleiding/documenten/{document.id}").status_code == 404
        assert (
            client.get(f"/t/aalst/opleiding/kandidaten/{candidate_id}/documenten").status_code
            == 404
        )
        assert upload(client, candidate_id).status_code == 404
    brugge = doc_world.client_for(people(doc_world)["sara"], "brugge")
    assert brugge.get(f"/t/brugge/opleiding/documenten/{document.id}").status_code == 404
    assert (
        doc_world.app.test_client().get(f"/t/aalst/opleiding/documenten/{document.id}").status_code
        == 401
    )
    assert len(documents(doc_world, candidate_id)) == 1


@pytest.mark.parametrize(
    ("data", "name", "fields", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "uittreksel.pdf", {}, "past niet bij het type"),
        (PDF, "uittreksel.exe", {}, "Kies een bestand van het type"),
        (PDF, "uit\x00treksel.pdf", {}, "bestandsnaam"),
        (b"%PDF-" + b"0" * (5 * 1024 * 1024), "groot.pdf", {}, "hoogstens 5 MB"),
        (
            PDF,
            "uittreksel.pdf",
            {"issued_on": (TODAY + timedelta(days=2)).isoformat()},
            "al begonnen",
        ),
        (
            PDF,
            "uittreksel.pdf",
            {"expires_on": (TODAY - timedelta(days=20)).isoformat()},
            "na de uitreikingsdatum",
        ),
    ],
)
def test_wrong_content_type_size_name_and_dates_are_refused_in_the_page(
    doc_world, data, name, fields, message
):
    candidate_id = in_training(doc_world)
    sara = doc_world.client_for(people(doc_world)["sara"])
    refused = upload(sara, candidate_id, data=data, name=name, **fields)
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert documents(doc_world, candidate_id) == []


def test_head_does_not_upload(doc_world):
    candidate_id = in_training(doc_world)
    sara = doc_world.client_for(people(doc_world)["sara"])
    assert sara.head(f"/t/aalst/opleiding/kandidaten/{candidate_id}/documenten").status_code == 200
    assert documents(doc_world, candidate_id) == []
