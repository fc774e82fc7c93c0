"""Attack 2: a tenant admin tries to become a partner organisation (a CKG) in other municipalities.

Only the providers the platform bound to an organisation may say who works for it; a tenant's
own sign-in services cannot, membership follows the provider's current word at every sign-in,
and changes to an organisation's shared settings are audited wherever it works.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from sqlmodel import select

from core.identity.models import OrganisationMember, User
from core.models import AuditEntry
from core.tenant_files import TenantFile, TenantFileError
from tests.plugins.ckg.conftest import CKG_TENANTS, build_world
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import make_user, signed_in_as
from tests.support.identity_providers import HostileProvider


@pytest.fixture
def ckg_provider():
    """CKG Limburg's own provider: its accounts carry ``org = ckg-limburg``."""
    provider = HostileProvider(
        claims={"sub": "karim", "name": "Karim", "email": "k@ckg.test", "org": "ckg-limburg"}
    )
    yield provider
    provider.stop()


@pytest.fixture
def attacker_provider():
    """A provider the admin of Aalst runs; its 'citizen' has the CKG's slug as subject."""
    provider = HostileProvider(
        claims={
            "sub": "ckg-limburg",
            "name": "Mallory",
            "email": "m@evil.test",
            "org": "ckg-limburg",
        }
    )
    yield provider
    provider.stop()


@pytest.fixture
def app(sqlite_settings, ckg_provider):
    (sqlite_settings.tenants_dir / "organisations.toml").write_text(
        '[[organisations]]\nslug = "ckg-limburg"\nname = "CKG Limburg"\nkind = "ckg"\n'
        f'[[organisations.identity_providers]]\nissuer = "{ckg_provider.issuer}"\n'
        'claim = "org"\nvalue = "ckg-limburg"\n',
        encoding="utf-8",
    )
    tenants = {
        slug: body + '[organisations]\n"ckg-limburg" = ["ckg"]\n'
        for slug, body in CKG_TENANTS.items()
    }
    tenants["aalst"] += (
        '[[identity_providers]]\nkey = "ckg"\nissuer = "' + ckg_provider.issuer + '"\n'
        'client_id = "opvangplein-aalst"\n'
    )
    return probe_app(sqlite_settings, tenants=tenants)


def sign_in_through(app, slug: str, key: str):
    client = app.test_client()
    authorize = client.get(f"/t/{slug}/aanmelden/{key}")
    assert authorize.status_code == 302, authorize.text
    callback = requests.get(authorize.headers["Location"], allow_redirects=False, timeout=10)
    parts = urlsplit(callback.headers["Location"])
    client.get(f"{parts.path}?{parts.query}")
    return client


def memberships_of(app, subject: str) -> list:
    with app.extensions["opvangplein.db"].session(None) as db:
        user = db.exec(select(User).where(User.subject == subject)).first()
        if user is None:
            return []
        return db.exec(
            select(OrganisationMember).where(OrganisationMember.user_id == user.id)
        ).all()


def test_a_tenant_admins_own_provider_cannot_make_anyone_a_partner(app, attacker_provider):
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    saved = admin.post(
        "/t/aalst/beheer/aanmelden",
        data={
            "key": "eigen",
            "issuer": attacker_provider.issuer,
            "client_id": "x",
            "scopes": "openid",
            "default_roles": "parent",
            # The fields that used to let a tenant admin name what its provider may assert:
            "organisation_claim": "sub",
            "organisations": "ckg-limburg",
        },
    )
    assert saved.status_code == 302
    mallory = sign_in_through(app, "aalst", "eigen")
    assert memberships_of(app, "ckg-limburg") == []
    # Brugge grants CKG Limburg the ckg module: Mallory is nobody there, and no CKG in Aalst.
    assert mallory.get("/t/aalst/ckg/wachtrij").status_code in (401, 403)
    assert mallory.get("/t/brugge/ckg/wachtrij").status_code == 401


def test_the_organisations_own_provider_makes_a_member_and_the_next_sign_in_can_unmake_it(
    app, ckg_provider
):
    karim = sign_in_through(app, "aalst", "ckg")
    assert len(memberships_of(app, "karim")) == 1
    assert karim.get("/t/aalst/ckg/wachtrij").status_code == 200
    ckg_provider.claims = {**ckg_provider.claims, "org": "ckg-elders"}  # Karim left the CKG
    again = sign_in_through(app, "aalst", "ckg")
    assert memberships_of(app, "karim") == []
    assert again.get("/t/aalst/ckg/wachtrij").status_code == 401  # no role left: not admitted
    # The session opened while he was a member loses the CKG's work at once, everywhere.
    assert karim.get("/t/aalst/ckg/wachtrij").status_code == 403


def test_a_membership_asserted_by_a_list_claim_or_nested_path_counts(app, ckg_provider):
    ckg_provider.claims = {"sub": "karim", "org": ["andere", "ckg-limburg"]}
    sign_in_through(app, "aalst", "ckg")
    assert len(memberships_of(app, "karim")) == 1


def test_a_tenant_file_cannot_let_its_provider_assert_organisations(tmp_path):
    path = tmp_path / "aalst.toml"
    path.write_text(
        'name = "Aalst"\n[[identity_providers]]\nkey = "x"\nissuer = "https://idp.example"\n'
        'client_id = "c"\norganisation_claim = "org"\norganisations = ["ckg-limburg"]\n',
        encoding="utf-8",
    )
    with pytest.raises(TenantFileError, match="organisations.toml"):
        TenantFile.read(path, set())


def test_a_change_to_a_ckgs_on_call_contact_is_audited_in_every_tenant_that_grants_it(
    database_settings,
):
    world = build_world(probe_app(database_settings, tenants=CKG_TENANTS))
    app = world.app
    from tests.plugins.ckg.helpers import antenna_named

    genk = antenna_named(app, "Antenne Genk")
    karim = world.client_for(make_user(app, "karim"), "brugge")
    answer = karim.post(
        "/t/brugge/ckg/capaciteit",
        data={
            "antenna_id": str(genk.id),
            "home_guidance_slots": "4",
            "short_stay_beds": "2",
            "long_stay_beds": "1",
            "on_call_email": "nieuw-piket@ckg-limburg.be",
        },
    )
    assert answer.status_code == 303
    database = app.extensions["opvangplein.db"]
    for tenant, expected in (("aalst", 1), ("brugge", 1), ("gent", 0)):
        with database.session(tenant_id(app, tenant)) as db:
            entries = db.exec(
                select(AuditEntry).where(AuditEntry.action == "ckg.antenna_saved")
            ).all()
        assert len(entries) == expected, tenant
        if expected:
            change = entries[0].detail["changes"]["on_call_email"]
            assert change == ["piket@ckg-limburg.be", "nieuw-piket@ckg-limburg.be"]
            assert entries[0].detail["changed_at"] == "brugge"


def test_a_tenant_admin_who_is_no_member_cannot_change_a_ckgs_antenna(sqlite_settings):
    world = build_world(probe_app(sqlite_settings, tenants=CKG_TENANTS))
    app = world.app
    from tests.plugins.ckg.helpers import antenna_named

    genk = antenna_named(app, "Antenne Genk")
    admin = app.test_client()
    signed_in_as(admin, app, "brugge", "beheerder", ["tenant_admin"])
    answer = admin.post(
        "/t/brugge/ckg/capaciteit",
        data={"antenna_id": str(genk.id), "on_call_email": "mallory@evil.test"},
    )
    assert answer.status_code in (403, 404)
    assert antenna_named(app, "Antenne Genk").on_call_email == "piket@ckg-limburg.be"
