"""Consent the family controls: withdrawn from the family's own view (after confirming), seen
by the CKG, recorded and audited; a network case consultation may use only the consent given
for that purpose, and only where the referral's own CKG takes part — anything else answers
exactly like a made-up reference."""

from __future__ import annotations

from sqlmodel import select

from core.mail import OutboxMessage
from core.models import AuditEntry
from plugins.ckg.models import CaseNote, Referral
from tests.plugins.ckg.conftest import organisation, users
from tests.plugins.ckg.helpers import family_confirms, stored, submit
from tests.support.apps import tenant_id


def _family_client(world):
    """Sofie, a parent signed in with the (proven) address the school typed and she confirmed."""
    family_confirms(world.app)
    return world.client_for(world.user("sofie", "aalst", ["parent"]))


def _consent(client, referral_id, **data):
    return client.post(f"/t/aalst/ckg/doorverwijzingen/{referral_id}/toestemming", data=data)


def _rows(world, model, tenant="aalst"):
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, tenant)) as db:
        return list(db.exec(select(model)).all())


def test_the_family_withdraws_its_consent_after_confirming_and_the_ckg_sees_it(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    family = _family_client(world)
    page = family.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert "Mijn toestemming intrekken" in page
    asked = _consent(family, referral_id, action="withdraw")
    assert asked.status_code == 200 and "Ja, mijn toestemming intrekken" in asked.get_data(
        as_text=True
    )
    assert stored(world.app, referral_id).consent_withdrawn_at is None  # not yet: confirm first
    done = _consent(family, referral_id, action="withdraw", confirmed="y")
    assert done.status_code == 303
    saved = stored(world.app, referral_id)
    assert saved.consent_withdrawn_at is not None and saved.network_consent_at is None
    assert "ckg.consent_withdrawn" in {row.action for row in _rows(world, AuditEntry)}
    assert any("trok zijn toestemming" in note.body for note in _rows(world, CaseNote))
    assert any(m.purpose == "ckg.consent_changed" for m in _rows(world, OutboxMessage))
    karim = world.client_for(people["karim"])
    case = karim.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert "Het gezin trok zijn toestemming in op" in case
    assert "toestemming ingetrokken" in karim.get("/t/aalst/ckg/wachtrij").get_data(as_text=True)
    again = family.get(f"/t/aalst/ckg/doorverwijzingen/{referral_id}").get_data(as_text=True)
    assert "Je trok je toestemming in op" in again


def test_only_the_family_changes_its_consent(world):
    people = users(world)
    sara = world.client_for(people["sara"])
    referral_id = submit(sara)
    for client in (sara, world.client_for(people["karim"]), world.client_for(people["tom"])):
        response = _consent(client, referral_id, action="withdraw", confirmed="y")
        assert response.status_code == 404
    assert stored(world.app, referral_id).consent_withdrawn_at is None


def test_an_unknown_choice_or_an_override_gets_a_message_not_a_500(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    family = _family_client(world)
    response = _consent(family, referral_id, action="alles", confirmed="y")
    assert response.status_code == 422
    assert "Kies wat je met je toestemming wilt doen" in response.get_data(as_text=True)
    _consent(family, referral_id, action="withdraw", confirmed="y")
    twice = _consent(family, referral_id, action="withdraw", confirmed="y")
    assert twice.status_code == 422
    assert "Er is hier geen toestemming van jou om in te trekken" in twice.get_data(as_text=True)


def _ask_hook(world, reference, taking_part, tenant="aalst"):
    from core.models import Tenant

    database = world.app.extensions["opvangplein.db"]
    with database.session() as db:
        row = db.exec(select(Tenant).where(Tenant.slug == tenant)).one()
    hooks = world.app.extensions["opvangplein.plugins"].for_plugins({"ckg"})
    with world.app.app_context(), database.tenant_session(row.id) as session:
        return hooks.consent_for_case(
            tenant=row,
            session=session,
            case_reference=reference,
            participant_organisation_ids=set(taking_part),
        )


def test_a_case_consultation_uses_only_the_consent_given_for_it(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    reference = f"CKG-{referral_id.hex[:8].upper()}"
    limburg = organisation(world.app, "ckg-limburg", "ckg").id
    # Consent to the referral is not consent to be discussed in a network.
    assert _ask_hook(world, reference, {limburg}).given is False
    family = _family_client(world)
    assert _consent(family, referral_id, action="give_network").status_code == 303
    answer = _ask_hook(world, reference, {limburg})
    assert (answer.given, answer.basis) == (True, "consent")
    karim = world.client_for(people["karim"])
    assert "Het gezin stemde op" in karim.get(
        f"/t/aalst/ckg/doorverwijzingen/{referral_id}"
    ).get_data(as_text=True)
    # Withdrawn: at once, everywhere.
    assert (
        _consent(family, referral_id, action="withdraw_network", confirmed="y").status_code == 303
    )
    assert _ask_hook(world, reference, {limburg}).given is False


def test_an_unrelated_party_learns_nothing_from_a_real_reference(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    family = _family_client(world)
    _consent(family, referral_id, action="give_network")
    reference = f"CKG-{referral_id.hex[:8].upper()}"
    school = organisation(world.app, "school-het-anker", "school").id
    gent_ckg = organisation(world.app, "ckg-gent", "ckg").id
    # Without the referral's CKG taking part: the same answer as for a made-up reference.
    assert _ask_hook(world, reference, {school}) is None
    assert _ask_hook(world, reference, {gent_ckg}) is None
    assert _ask_hook(world, reference, set()) is None
    assert _ask_hook(world, "CKG-0BADF00D", {school}) is None
    # Another municipality's consultation does not even find it.
    limburg = organisation(world.app, "ckg-limburg", "ckg").id
    assert _ask_hook(world, reference, {limburg}, tenant="brugge") is None


def test_a_withdrawn_referral_consent_also_ends_the_network_consent(world):
    people = users(world)
    referral_id = submit(world.client_for(people["sara"]))
    family = _family_client(world)
    _consent(family, referral_id, action="give_network")
    _consent(family, referral_id, action="withdraw", confirmed="y")
    limburg = organisation(world.app, "ckg-limburg", "ckg").id
    answer = _ask_hook(world, f"CKG-{referral_id.hex[:8].upper()}", {limburg})
    assert (answer.given, answer.basis) == (False, "withdrawn")
    with world.app.extensions["opvangplein.db"].session(tenant_id(world.app, "aalst")) as db:
        assert db.get(Referral, referral_id).network_consent_at is None
