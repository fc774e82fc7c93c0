"""The demo data: a few antennas and referrals in different states, loaded once."""

from __future__ import annotations

from sqlmodel import func, select

from core.models import Tenant
from plugins.ckg.models import Antenna, Referral
from tests.support.apps import tenant_id


def _load(world, slug: str) -> None:
    registry = world.app.extensions["opvangplein.plugins"]
    with world.app.extensions["opvangplein.db"].tenant_session(tenant_id(world.app, slug)) as db:
        tenant = db.get(Tenant, tenant_id(world.app, slug))
        registry.for_plugins({"ckg"}).demo_data(tenant=tenant, session=db)


def test_demo_data_makes_referrals_in_several_states_and_is_idempotent(world):
    _load(world, "aalst")
    _load(world, "aalst")
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        states = db.exec(select(Referral.status)).all()
    with world.app.extensions["opvangplein.db"].session(None) as db:
        antennas = db.exec(select(func.count()).select_from(Antenna)).one()
    assert len(states) == 5
    assert {"submitted", "intake_planned", "accepted", "waitlisted", "closed"} <= set(states)
    assert antennas == 3 + 2  # the world's three, and two demo antennas for CKG Limburg


def test_the_demo_queue_shows_its_crisis_referral_first(world):
    from tests.plugins.ckg.conftest import users

    _load(world, "aalst")
    html = world.client_for(users(world)["karim"]).get("/t/aalst/ckg/wachtrij")
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    rows = text.split('class="utrecht-table__row queue-row')[1:]
    assert rows[0].startswith(" queue-row--crisis")


def test_a_fresh_demos_crisis_has_just_arrived_and_is_not_late(world):
    from datetime import timedelta

    from core.db import as_utc, utcnow
    from plugins.ckg.services import waiting_minutes

    _load(world, "aalst")
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        crisis = db.exec(select(Referral).where(Referral.urgency == "crisis")).one()
    assert crisis.status == "submitted"
    assert waiting_minutes(crisis, utcnow()) < 60, "the default time to pick a crisis up"
    assert as_utc(crisis.submitted_at) > utcnow() - timedelta(hours=1)


def test_the_demos_accepted_and_closed_cases_hold_their_offer_episodes(world):
    from plugins.ckg.models import OfferEpisode

    _load(world, "aalst")
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        rows = db.exec(
            select(Referral.status, OfferEpisode).join(
                OfferEpisode, OfferEpisode.referral_id == Referral.id
            )
        ).all()
    by_status = {status: episode for status, episode in rows}
    assert set(by_status) == {"accepted", "closed"}
    assert by_status["accepted"].ended_on is None
    assert by_status["closed"].ended_on is not None
