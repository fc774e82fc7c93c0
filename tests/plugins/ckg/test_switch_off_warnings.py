"""Before the CKG module is switched off, its admin reads what stops working, with live counts."""

from __future__ import annotations

from plugins.ckg.models import Referral
from tests.plugins.ckg.conftest import organisation
from tests.support.apps import tenant_id
from tests.support.switch_off import switch_off_warning


def add_referral(world, status: str, urgency: str = "regular", tenant: str = "aalst") -> None:
    ckg = organisation(world.app, "ckg-limburg", "ckg")
    with world.app.extensions["opvangplein.db"].tenant_session(tenant_id(world.app, tenant)) as db:
        db.add(
            Referral(
                organisation_id=ckg.id,
                status=status,
                urgency=urgency,
                requested_offer="home",
                consent="given",
                family_email="gezin@example.be",
            )
        )


def test_the_warning_counts_open_referrals_and_crises_not_yet_received(world):
    add_referral(world, "submitted", urgency="crisis")
    add_referral(world, "in_progress")
    add_referral(world, "waitlisted")
    add_referral(world, "closed")  # done: nothing is lost
    add_referral(world, "draft")  # never sent
    add_referral(world, "submitted", tenant="brugge")  # another municipality's

    warning = switch_off_warning(world.app, "ckg")
    assert "404" in warning
    assert "3 open doorverwijzingen kunnen niet meer ontvangen of opgevolgd worden" in warning
    assert "1 crisisdoorverwijzing die nog niet ontvangen is" in warning
    assert "gezin@example.be" not in warning  # never a person


def test_without_open_referrals_only_the_pages_are_mentioned(world):
    add_referral(world, "closed")
    warning = switch_off_warning(world.app, "ckg")
    assert "404" in warning and "doorverwijzing" not in warning
