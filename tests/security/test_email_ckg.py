"""Issue 12, point 3: a referrer's typed family address grants the family nothing until the
family confirms it, and an unverified e-mail claim of that address grants nothing at all.

Attack reproduced: an account whose (unverified) e-mail claim equals the address a referrer
typed reads the family's CKG referral — names, children's birth dates, the referrer's worry.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from core.mail import OutboxMessage
from tests.plugins.ckg.conftest import CKG_TENANTS, build_world, users
from tests.plugins.ckg.helpers import stored, submit
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import make_user

FAMILY = "sofie@example.be"


@pytest.fixture
def world(sqlite_settings):
    return build_world(probe_app(sqlite_settings, tenants=CKG_TENANTS))


def mailed_link(app, address: str) -> str:
    with app.extensions["opvangplein.db"].session(tenant_id(app, "aalst")) as db:
        message = db.exec(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.created_at.desc())
        ).first()
    assert message is not None, f"nothing mailed to {address}"
    return urlsplit(re.findall(r"https?://\S+", message.body)[-1]).path


def referral_page(client, referral_id):
    return client.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}")


def test_an_unverified_claim_of_the_typed_family_address_reads_nothing(world):
    referral_id = submit(world.client_for(users(world)["sara"]))
    attacker = make_user(world.app, "vera", email=FAMILY, email_verified=False)
    world.user("vera", "aalst", ["parent"])
    client = world.client_for(attacker)
    assert referral_page(client, referral_id).status_code == 404
    assert str(referral_id) not in client.get("/t/aalst/ckg/").get_data(as_text=True)
    # Even after the real family confirmed the address, a mere claim of it is not enough.
    anonymous = world.app.test_client()
    assert anonymous.post(mailed_link(world.app, FAMILY)).status_code == 200
    assert referral_page(client, referral_id).status_code == 404


def test_a_proven_address_reads_only_once_the_family_confirmed_the_typed_one(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    sofie = world.user("sofie", "aalst", ["parent"])  # sofie@example.be, proven by her provider
    client = world.client_for(sofie)
    assert referral_page(client, referral_id).status_code == 404
    worker = world.client_for(people["karim"])
    status = 'id="family-email-status"'
    assert status in referral_page(worker, referral_id).get_data(as_text=True)
    assert stored(world.app, referral_id).family_email_confirmed_at is None

    link = mailed_link(world.app, FAMILY)
    assert world.app.test_client().get(link).status_code == 200  # opening confirms nothing
    assert stored(world.app, referral_id).family_email_confirmed_at is None
    assert client.post(link).status_code == 200
    assert client.post(link).status_code == 404  # once
    assert referral_page(client, referral_id).status_code == 200
    page = referral_page(worker, referral_id).get_data(as_text=True)
    assert stored(world.app, referral_id).family_email_confirmed_at is not None
    assert "bevestigde" in page.split(status)[1][:300]  # "Het gezin bevestigde …"
