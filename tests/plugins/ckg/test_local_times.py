"""CKG pages show the Belgian clock: a referral sent at 21:11 reads 21:11, not UTC's 20:11."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from core.local_time import local_datetime
from plugins.ckg.models import Referral
from tests.plugins.ckg.conftest import users
from tests.plugins.ckg.helpers import access_rows, step, submit
from tests.support.apps import tenant_id


def test_a_referral_sent_at_21_11_in_winter_reads_21_11_on_the_ckg_page(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    step(karim, referral_id, "received")
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        referral = db.exec(select(Referral).where(Referral.id == referral_id)).one()
        referral.submitted_at = datetime(2026, 12, 1, 20, 11, tzinfo=UTC)
        db.add(referral)
        db.commit()
    page = karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert "01/12/2026 21:11" in page
    assert "01/12/2026 20:11" not in page


def test_the_access_log_shows_each_read_in_belgian_time(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")
    log = karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}/toegangslog")
    assert log.status_code == 200
    text = log.get_data(as_text=True)
    entries = access_rows(world.app, referral_id)
    assert entries
    for entry in entries:
        assert local_datetime(entry.at, seconds=True) in text
        assert entry.at.strftime("%d/%m/%Y %H:%M:%S") not in text
