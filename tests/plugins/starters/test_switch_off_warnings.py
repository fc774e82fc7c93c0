"""Before starters is switched off, its admin reads what stops working, with live counts."""

from __future__ import annotations

from plugins.starters.models import Application, Building, RequestedMeasure
from tests.plugins.starters.conftest import add_measure, tenant_db
from tests.support.switch_off import switch_off_warning


def test_the_warning_counts_applications_under_review_payments_and_buildings_on_offer(app):
    measure_id = add_measure(app)
    with tenant_db(app) as db:
        for status in ("submitted", "information_requested", "decided", "draft"):
            db.add(Application(status=status, applicant_email="starter@example.be"))
        decided = Application(status="decided")
        db.add(decided)
        db.flush()
        db.add(
            RequestedMeasure(
                application_id=decided.id, measure_id=measure_id, payment_status="requested"
            )
        )
        db.add(Building(address="Markt 1", area_m2=120, suitable_places=14))
        db.add(Building(address="Markt 2", area_m2=90, suitable_places=9, status="withdrawn"))
    with tenant_db(app, "brugge") as db:  # another municipality's
        db.add(Application(status="submitted"))

    warning = switch_off_warning(app, "starters")
    assert "404" in warning
    assert "2 aanvragen in behandeling kunnen niet meer beslist worden" in warning
    assert "1 premie waarvan de uitbetaling gevraagd is" in warning
    assert "1 beschikbaar pand verdwijnt uit de catalogus" in warning
    assert "starter@example.be" not in warning  # never a person


def test_without_open_work_only_the_pages_are_mentioned(app):
    warning = switch_off_warning(app, "starters")
    assert "404" in warning and "aanvra" not in warning and "pand" not in warning
