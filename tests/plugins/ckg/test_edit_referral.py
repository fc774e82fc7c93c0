"""The CKG corrects the referral's data; the audit keeps the referrer's original."""

from __future__ import annotations

from sqlmodel import select

from core.models import AuditEntry
from tests.plugins.ckg.conftest import users
from tests.plugins.ckg.helpers import stored, submit
from tests.support.apps import tenant_id

CORRECTED = {
    "concern_summary": "Mama is uitgeput; de woning is te klein voor vier.",
    "domains": ["parenting", "housing", "stress"],
    "family_phone": "0470 99 88 77",
    "family_address": "Kerkstraat 1, 9300 Aalst",
    "family_language": "Arabisch",
    "interpreter_needed": "y",
    "referrer_name": "Sara Claes",
    "referrer_organisation_name": "Basisschool De Linde",
    "referrer_phone": "053 11 22 33",
}


def edit(client, referral_id, tenant: str = "aalst", **changes):
    return client.post(
        f"/t/{tenant}/ckg/doorverwijzingen/{referral_id}/gegevens", data={**CORRECTED, **changes}
    )


def edits(app, tenant: str = "aalst") -> list[AuditEntry]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        return list(
            db.exec(select(AuditEntry).where(AuditEntry.action == "ckg.referral_edited")).all()
        )


def test_the_ckg_corrects_the_data_and_the_referrers_original_is_audited(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    form = karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert "Gegevens van de doorverwijzing corrigeren" in form
    assert 'value="0470 12 34 56"' in form
    assert edit(karim, referral_id).status_code == 303
    saved = stored(world.app, referral_id)
    assert (saved.family_phone, saved.family_language, saved.interpreter_needed) == (
        "0470 99 88 77",
        "Arabisch",
        True,
    )
    assert saved.domains == ["parenting", "housing", "stress"]
    [entry] = edits(world.app)
    assert entry.actor == f"user:{people['karim'].id}"
    changes = entry.detail["changes"]
    assert set(changes) == {
        "concern_summary",
        "domains",
        "family_phone",
        "family_language",
        "interpreter_needed",
    }
    assert changes["family_phone"] == {"before": "0470 12 34 56", "after": "0470 99 88 77"}
    assert changes["concern_summary"]["before"] == "Mama raakt uitgeput en de woning is te klein."
    # The same data again changes nothing and writes no second entry.
    assert edit(karim, referral_id).status_code == 303
    assert len(edits(world.app)) == 1
    # The referrer reads status and messages; the correction form is the CKG's only.
    referrer_page = world.client_for(people["sara"]).get(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}"
    )
    assert "Gegevens van de doorverwijzing corrigeren" not in referrer_page.get_data(as_text=True)


def test_bad_corrections_are_refused_in_the_page_and_change_nothing(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    phone = edit(karim, referral_id, family_phone="bel maar")
    assert phone.status_code == 422
    assert "Geef een telefoonnummer van 8 tot 15 cijfers" in phone.get_data(as_text=True)
    no_domain = edit(karim, referral_id, domains=[])
    assert no_domain.status_code == 422
    assert "Vink minstens één zorgdomein aan." in no_domain.get_data(as_text=True)
    unknown = edit(karim, referral_id, domains=["astrology"])
    assert unknown.status_code == 422
    too_long = edit(karim, referral_id, concern_summary="x" * 1001)
    assert too_long.status_code == 422
    saved = stored(world.app, referral_id)
    assert (saved.family_phone, saved.domains) == ("0470 12 34 56", ["parenting", "housing"])
    assert edits(world.app) == []


def test_only_the_ckg_of_the_referral_may_correct_it(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    expected = {"sara": 404, "tom": 404, "ghislaine": 403}
    for who, status in expected.items():
        response = edit(world.client_for(people[who]), referral_id, family_phone="0499 00 00 00")
        assert response.status_code == status, who
    # CKG Gent at its own municipality does not find Aalst's referral.
    gent = world.client_for(people["ghislaine"], tenant="gent")
    assert edit(gent, referral_id, tenant="gent", family_phone="0499 00 00 00").status_code == 404
    assert stored(world.app, referral_id).family_phone == "0470 12 34 56"
    assert edits(world.app) == []


def test_the_correction_route_answers_only_post(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    karim = world.client_for(people["karim"])
    url = f"/t/aalst/ckg/doorverwijzingen/{referral_id}/gegevens"
    assert karim.get(url).status_code == 405
    assert karim.head(url).status_code == 405
