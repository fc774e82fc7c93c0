"""Before the loket is switched off, its admin reads what stops working, with live counts."""

from __future__ import annotations

from sqlmodel import select

from plugins.loket.models import FreePlace, Proposal
from tests.plugins.loket.conftest import make_location, make_request, tenant_db
from tests.support.switch_off import switch_off_warning


def test_the_warning_counts_open_requests_open_proposals_and_the_locations_others_read(app):
    with tenant_db(app) as db:
        zonnetje = make_location(db, "Zonnetje", places=1)
        vlinder = make_location(db, "Vlinder")
        first = make_request(db, "Noor", [zonnetje])
        make_request(db, "Lina", [vlinder])
        placed = make_request(db, "Jules", [vlinder])
        placed.status = "placed"
        db.add(placed)
        free_place = db.exec(select(FreePlace)).one()
        db.add(Proposal(request_id=first.id, location_id=zonnetje.id, free_place_id=free_place.id))
    with tenant_db(app, "brugge") as db:  # another municipality's requests are not counted
        make_request(db, "Brugse", [make_location(db, "Brugse opvang")])

    warning = switch_off_warning(app, "loket")
    assert "404" in warning
    assert "2 open opvangvragen kunnen niet meer opgevolgd worden" in warning
    assert "de links van de ouders ernaar geven 404" in warning
    assert "1 plaatsvoorstel dat wacht op een opvang of een ouder" in warning
    assert "de 2 opvanglocaties niet meer" in warning
    assert "Noor" not in warning  # never a person


def test_a_loket_without_open_work_warns_only_about_its_pages(app):
    warning = switch_off_warning(app, "loket")
    assert "404" in warning
    assert "opvangvra" not in warning and "plaatsvoorstel" not in warning
