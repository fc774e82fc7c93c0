"""The referrer and the family see the case's offers in plain Dutch — kind, status and dates in
Belgian time — and nothing the CKG keeps for itself; each only for their own case."""

from __future__ import annotations

import re
from datetime import timedelta

from core.db import utcnow
from core.local_time import to_local
from tests.plugins.ckg.conftest import users
from tests.plugins.ckg.helpers import antenna_named, family_confirms, step, submit

BASE = "/t/aalst/ckg/doorverwijzingen"


def _offer_rows(html: str) -> list[str]:
    """The rows of the read-only offer list, as plain text."""
    start = html.index('id="case-offers"')
    table = html[start : html.index("</table>", start)]
    rows = re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", table, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows[1:]]


def _day(offset: int):
    """A day counted from today in Belgium."""
    return (to_local(utcnow()) + timedelta(days=offset)).date()


def _case_with_offers(world):
    """Home guidance since ten days, a short stay planned and ended yesterday, day guidance that
    starts in forty days; a case note and a step reason only the CKG may read."""
    people = users(world)
    sara = world.client_for(people["sara"])
    referral_id = submit(sara, urgency="crisis")
    karim = world.client_for(people["karim"])
    genk = antenna_named(world.app, "Antenne Genk")
    hasselt = antenna_named(world.app, "Antenne Hasselt")
    step(karim, referral_id, "received")
    step(
        karim,
        referral_id,
        "accepted",
        offer="home",
        antenna=str(genk.id),
        starts_on=_day(-10).isoformat(),
        reason="Vader mag het niet weten.",
    )
    karim.post(
        f"{BASE}/{referral_id}/aanbod",
        data={
            "offer": "short_stay",
            "antenna": str(genk.id),
            "starts_on": _day(-9).isoformat(),
            "planned_end": _day(5).isoformat(),
        },
    )
    later = _day(40)
    karim.post(
        f"{BASE}/{referral_id}/aanbod",
        data={"offer": "day", "antenna": str(hasselt.id), "starts_on": later.isoformat()},
    )
    page = karim.get(f"{BASE}/{referral_id}").get_data(as_text=True)
    stay_id = re.search(r"/aanbod/([0-9a-f-]{36})/einde", page.split("Kortdurend verblijf")[1])
    karim.post(
        f"{BASE}/{referral_id}/aanbod/{stay_id.group(1)}/einde",
        data={"ended_on": _day(-1).isoformat()},
    )
    karim.post(f"{BASE}/{referral_id}/notities", data={"body": "Buurvrouw helpt met de kinderen."})
    return referral_id, sara, people, later


def test_the_referrer_sees_each_offer_with_its_status_and_dates(world):
    referral_id, sara, _, later = _case_with_offers(world)
    html = sara.get(f"{BASE}/{referral_id}").get_data(as_text=True)
    rows = _offer_rows(html)
    assert rows[0].startswith("Begeleiding aan huis") and "loopt" in rows[0]
    assert _day(-10).strftime("%d/%m/%Y") in rows[0]
    assert rows[1].startswith("Kortdurend verblijf") and "afgelopen" in rows[1]
    for day in (_day(-9), _day(5), _day(-1)):
        assert day.strftime("%d/%m/%Y") in rows[1]
    assert rows[2].startswith("Dagbegeleiding") and "gepland" in rows[2]
    assert later.strftime("%d/%m/%Y") in rows[2]
    # Nothing the CKG keeps for itself, and no forms to change the offers.
    assert "Buurvrouw helpt" not in html and "Vader mag het niet weten" not in html
    assert "/einde" not in html and '/aanbod"' not in html


def test_the_family_sees_the_same_offers_of_its_own_case(world):
    referral_id, _, _, _ = _case_with_offers(world)
    family_confirms(world.app)
    family = world.client_for(world.user("sofie", "aalst", ["parent"]))
    html = family.get(f"{BASE}/{referral_id}").get_data(as_text=True)
    rows = _offer_rows(html)
    assert [row.split(" ")[0] for row in rows] == ["Begeleiding", "Kortdurend", "Dagbegeleiding"]
    assert "Buurvrouw helpt" not in html and "Vader mag het niet weten" not in html
    assert "/einde" not in html


def test_a_case_without_offers_says_so(world):
    people = users(world)
    sara = world.client_for(people["sara"])
    referral_id = submit(sara)
    html = sara.get(f"{BASE}/{referral_id}").get_data(as_text=True)
    assert "Er is nog geen aanbod gestart." in html


def test_another_family_and_another_referrer_do_not_see_the_offers(world):
    referral_id, _, people, _ = _case_with_offers(world)
    # Another parent (never confirmed the address) and another school: as if it did not exist.
    stranger = world.client_for(world.user("marie", "aalst", ["parent"]))
    tom = world.client_for(people["tom"])
    for client in (stranger, tom):
        assert client.get(f"{BASE}/{referral_id}").status_code == 404
    # The referrer's own other referral shows only its own (no) offers.
    sara = world.client_for(people["sara"])
    other = submit(sara, **{"parent-1-name": "Jan Peeters"})
    html = sara.get(f"{BASE}/{other}").get_data(as_text=True)
    assert "Er is nog geen aanbod gestart." in html and 'id="case-offers"' not in html
