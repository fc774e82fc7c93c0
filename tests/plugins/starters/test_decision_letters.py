"""Decision letters (issue 21): a PDF with the motivation per measure, the amount, the conditions
and the appeal route and term, mailed to the starter, kept in the file and downloadable only by
the starter and the tenant's staff."""

from __future__ import annotations

import base64
import shutil
from datetime import date

from sqlmodel import select

from core.mail import OutboxMessage
from core.models import TenantPlugin
from plugins.starters import letters
from plugins.starters.models import Application, DecisionLetter, RequestedMeasure
from plugins.starters.views.letters import letter_texts
from tests.plugins.starters.conftest import (
    add_measure,
    client_as,
    make_app,
    submitted_application,
    tenant_db,
)
from tests.support.apps import tenant_id


def detail(application_id, slug="aalst") -> str:
    return f"/t/{slug}/starters/aanvragen/{application_id}"


def decided_application(app, *, coaching_reason="Geen coaches vrij dit jaar."):
    premium = add_measure(app, conditions="Sluit binnen een jaar aan bij het loket.")
    coaching = add_measure(app, title="Coaching", kind="coaching", required_documents=[])
    sofie = client_as(app, "sofie", ["starter"])
    application_id = submitted_application(app, sofie, [premium, coaching])
    staff = client_as(app, "els", ["staff:starters"])
    with tenant_db(app) as db:
        rows = {
            row.measure_id: row.id
            for row in db.exec(
                select(RequestedMeasure).where(RequestedMeasure.application_id == application_id)
            )
        }
    decide = detail(application_id) + "/maatregelen/{}/beslissing"
    response = staff.post(
        decide.format(rows[premium]),
        data={"decision": "approved", "amount": "4000", "reason": "Nieuwe plaatsen in Centrum."},
    )
    assert response.status_code == 303
    response = staff.post(
        decide.format(rows[coaching]), data={"decision": "refused", "reason": coaching_reason}
    )
    assert response.status_code == 303
    return sofie, staff, application_id


def the_letter(app, application_id) -> DecisionLetter:
    with tenant_db(app) as db:
        return db.exec(
            select(DecisionLetter).where(DecisionLetter.application_id == application_id)
        ).one()


def test_the_decided_application_gets_a_pdf_letter_mailed_and_downloadable_by_the_starter(app):
    sofie, staff, application_id = decided_application(app)
    letter = the_letter(app, application_id)
    page = sofie.get(detail(application_id)).get_data(as_text=True)
    link = f"/t/aalst/starters/beslissingsbrieven/{letter.id}"
    assert link in page and "Beslissingsbrief" in page
    download = sofie.get(link)
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    pdf = download.get_data()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and len(pdf) > 2000
    # The same file is attached to the decision mail, and the file kept is that file.
    with tenant_db(app) as db:
        [mail] = db.exec(select(OutboxMessage).where(OutboxMessage.purpose == "starters.decided"))
    [attachment] = mail.attachments
    assert attachment["content_type"] == "application/pdf"
    assert base64.b64decode(attachment["data"]) == pdf
    assert "bezwaar" in mail.body
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == letter.sha256
    assert staff.get(link).status_code == 200


def test_the_letter_states_motivation_amount_conditions_and_the_appeal_route_and_term(app):
    _sofie, _staff, application_id = decided_application(app)
    with app.test_request_context("/t/aalst/starters/"):
        from flask import g

        with tenant_db(app) as db:
            from core.models import Tenant

            tenant = db.get(Tenant, tenant_id(app, "aalst"))
            application = db.get(Application, application_id)
            g.tenant = tenant
            texts = letters.LetterTexts.from_settings({}, "starters@aalst.be")
            html = letters.letter_html(db, tenant, application, texts, date(2026, 12, 3))
    assert "Beslissing over uw aanvraag tot ondersteuning" not in html  # one tone: je
    assert "Beslissing over je aanvraag tot ondersteuning" in html
    assert "Nieuwe plaatsen in Centrum." in html and "Geen coaches vrij dit jaar." in html
    assert "€ 4000" in html
    assert "Sluit binnen een jaar aan bij het loket." in html
    assert "Bezwaar en beroep" in html and "binnen 30 dagen" in html
    assert "Raad van State" in html
    assert "03/12/2026" in html


def test_a_municipality_words_its_own_appeal_route_and_term(app):
    with tenant_db(app) as db:
        row = db.exec(select(TenantPlugin).where(TenantPlugin.plugin == "starters")).one()
        row.settings = {
            "appeal_route": "Bezwaar per aangetekende brief aan het college, Grote Markt 3.",
            "appeal_days": 45,
            "letter_signatory": "Namens het college, de algemeen directeur",
        }
        db.add(row)
    with app.test_request_context("/t/aalst/starters/"):
        from flask import g

        from core.models import Tenant

        with tenant_db(app) as db:
            g.tenant = db.get(Tenant, tenant_id(app, "aalst"))
            g.db_session = db
            texts = letter_texts()
    assert texts.appeal_route.startswith("Bezwaar per aangetekende brief")
    assert texts.appeal_days == 45
    assert texts.signatory == "Namens het college, de algemeen directeur"
    # What is not set keeps the plugin's default.
    assert texts.opening == letters.DEFAULT_OPENING


def test_another_starter_or_tenant_cannot_download_the_letter(app):
    _sofie, _staff, application_id = decided_application(app)
    letter = the_letter(app, application_id)
    jan = client_as(app, "jan", ["starter"])
    assert jan.get(f"/t/aalst/starters/beslissingsbrieven/{letter.id}").status_code == 404
    brugge = client_as(app, "bea", ["staff:starters"], slug="brugge")
    assert brugge.get(f"/t/brugge/starters/beslissingsbrieven/{letter.id}").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/t/aalst/starters/beslissingsbrieven/{letter.id}").status_code == 401
    assert jan.get("/t/aalst/starters/beslissingsbrieven/not-a-uuid%00").status_code == 404


def test_staff_make_the_letter_again_the_starter_cannot(app):
    sofie, staff, application_id = decided_application(app)
    url = detail(application_id) + "/beslissingsbrief"
    assert sofie.post(url).status_code == 403
    assert staff.head(url).status_code in (404, 405)
    response = staff.post(url)
    assert response.status_code == 303
    with tenant_db(app) as db:
        assert len(db.exec(select(DecisionLetter)).all()) == 2
        mails = db.exec(select(OutboxMessage).where(OutboxMessage.purpose == "starters.decided"))
        assert len(mails.all()) == 2


def test_reissuing_needs_the_csrf_token(sqlite_settings, migrated_sqlite_file, tmp_path):
    shutil.copyfile(migrated_sqlite_file, sqlite_settings.database_url.removeprefix("sqlite:///"))
    app = make_app(sqlite_settings, WTF_CSRF_ENABLED=True, STARTERS_UPLOAD_DIR=str(tmp_path))
    staff = client_as(app, "els", ["staff:starters"])
    with tenant_db(app) as db:
        application = Application(status="decided", applicant_name="Sofie")
        db.add(application)
    response = staff.post(detail(application.id) + "/beslissingsbrief")
    assert response.status_code == 400
    with tenant_db(app) as db:
        assert db.exec(select(DecisionLetter)).all() == []


def test_a_broken_renderer_keeps_the_decision_and_says_so(app, monkeypatch):
    def broken(html):
        raise OSError("pango missing")

    monkeypatch.setattr(letters, "html_to_pdf", broken)
    sofie, staff, application_id = decided_application(app)
    with tenant_db(app) as db:
        assert db.get(Application, application_id).status == "decided"
        assert db.exec(select(DecisionLetter)).all() == []
    page = staff.get(detail(application_id)).get_data(as_text=True)
    assert "Nog geen beslissingsbrief." in page


def test_erasing_the_starter_removes_their_letters_the_decisions_stay(app, upload_dir):
    from flask import g

    from core.plugin_types import DataSubject
    from core.subjects import erase_subject, export_subject
    from core.web import db_session
    from tests.plugins.starters.test_hooks import at_tenant
    from tests.support.auth import make_user

    _sofie, _staff, application_id = decided_application(app)
    letter = the_letter(app, application_id)
    subject = DataSubject(user_id=make_user(app, "sofie").id, email="sofie@example.be")
    with at_tenant(app):
        parts = export_subject(db_session(), g.tenant, subject)
        db_session().commit()
    [exported] = [part for part in parts if part.get("plugin") == "starters"]
    assert exported["applications"][0]["decision_letters"][0]["size"] == letter.size_bytes
    with at_tenant(app):
        erase_subject(db_session(), g.tenant, subject)
        db_session().commit()
    with tenant_db(app) as db:
        assert db.exec(select(DecisionLetter)).all() == []
        decisions = db.exec(select(RequestedMeasure)).all()
    assert {row.decision for row in decisions} == {"approved", "refused"}
    assert not any(path.is_file() for path in upload_dir.rglob("*"))
