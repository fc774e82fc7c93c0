"""Walk every registered route as tenant B with tenant A's identifiers: nothing of A comes back."""

from __future__ import annotations

import uuid

import pytest

from core.config import Settings
from core.identity.models import Membership
from core.plugins import build_registry
from tests.core.probe_plugin import ProbeChild, ProbeFamily
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import make_partner, make_user, sign_in, signed_in_as
from tests.support.route_probe import candidate_urls, footprint, leaks

# Partners that both tenants grant every module, so the plugins' demo data holds partner-owned
# objects too (referrals to a CKG, a school's cohorts, a provider's locations).
DEMO_PARTNERS = {"ckg-demo-proef": "ckg", "school-proef": "school", "opvang-proef": "provider"}


def _organisations_file() -> str:
    return "".join(
        f'[[organisations]]\nslug = "{slug}"\nname = "{slug.title()}"\nkind = "{kind}"\n'
        for slug, kind in DEMO_PARTNERS.items()
    )


def _all_plugins_tenants() -> dict[str, str]:
    names = ["probe", *build_registry().names]
    plugins = ", ".join(f'"{name}"' for name in names)
    grants = "[organisations]\n" + "".join(f'"{slug}" = [{plugins}]\n' for slug in DEMO_PARTNERS)
    return {
        "aalst": f'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = [{plugins}]\n{grants}',
        "brugge": f'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = [{plugins}]\n{grants}',
    }


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def probed(request, tmp_path_factory):
    """Both tenants with every plugin's demo data, built once per database kind: the walk only
    reads, and loading the demo data is the slow part."""
    directory = tmp_path_factory.mktemp("probe")
    if request.param == "sqlite":
        url = f"sqlite:///{directory / 'probe.sqlite3'}"
        settings = Settings(database_url=url, migration_database_url=url, tenants_dir=directory)
    else:
        server = request.getfixturevalue("postgres_server")
        owner_url, app_url = server.create_database(f"opvangplein_probe_{uuid.uuid4().hex[:10]}")
        settings = Settings(
            database_url=app_url, migration_database_url=owner_url, tenants_dir=directory
        )
    (directory / "organisations.toml").write_text(_organisations_file(), encoding="utf-8")
    app = probe_app(settings, tenants=_all_plugins_tenants())
    db = app.extensions["opvangplein.db"]
    registry = app.extensions["opvangplein.plugins"]
    for slug in ("aalst", "brugge"):
        with db.tenant_session(tenant_id(app, slug)) as session:
            from core.models import Tenant

            tenant = session.get(Tenant, tenant_id(app, slug))
            registry.for_plugins(registry.names).demo_data(tenant=tenant, session=session)
    member_of_aalst = make_user(app, "lid-van-aalst")
    with db.tenant_session(tenant_id(app, "aalst")) as session:
        # A member of A, so routes about memberships have an object of A to be asked for.
        session.add(Membership(user_id=member_of_aalst.id, roles=["tenant_admin"], claim_roles=[]))
        family = ProbeFamily(name="Familie Vertrouwelijk Aalst")
        session.add(family)
        session.flush()
        session.add(ProbeChild(name="Kind Vertrouwelijk Aalst", family_id=family.id))
    return app


def test_tenant_b_never_receives_tenant_a_objects_on_any_route(probed):
    victim = footprint(probed, tenant_id(probed, "aalst"))
    assert victim.ids and victim.texts
    client = probed.test_client()
    urls = candidate_urls(probed, victim)
    assert any(endpoint == "probe.family_detail" for _, endpoint, _ in urls)
    problems = []
    for method, endpoint, path in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.open(f"/t/brugge{path}", method=method, headers=headers)
            found = leaks(response.get_data(as_text=True), victim, path)
            if response.status_code >= 500 or found:
                problems.append(
                    f"{method} {path} [{endpoint}] {response.status_code} leaks={found}"
                )
    assert problems == []
    assert footprint(probed, tenant_id(probed, "aalst")) == victim, "tenant A's data changed"


ROLES_OF_B = {
    "anonymous": None,
    "tenant_admin": ["tenant_admin"],
    "staff": [f"staff:{name}" for name in ["probe", *build_registry().names]],
    "parent": ["parent"],
    "starter": ["starter"],
    "partner": "partner",
}


@pytest.mark.parametrize("role", sorted(ROLES_OF_B))
def test_every_role_of_tenant_b_is_refused_tenant_a_objects(probed, role):
    aalst = tenant_id(probed, "aalst")
    victim = footprint(probed, aalst)
    client = probed.test_client()
    roles = ROLES_OF_B[role]
    if roles == "partner":
        user = make_user(probed, "partner-van-brugge")
        make_partner(probed, "brugge", user, "ckg-proef", ["probe", *build_registry().names])
        sign_in(client, probed, "brugge", user)
    elif roles is not None:
        signed_in_as(client, probed, "brugge", f"{role}-van-brugge", roles)
    problems = []
    for method, endpoint, path in candidate_urls(probed, victim):
        names_a_victim = any(secret in path for secret in victim.ids)
        response = client.open(f"/t/brugge{path}", method=method, headers={"HX-Request": "true"})
        found = leaks(response.get_data(as_text=True), victim, path)
        refused = response.status_code in (401, 403, 404, 405, 429)
        if found or response.status_code >= 500 or (names_a_victim and not refused):
            problems.append(
                f"{role}: {method} {path} [{endpoint}] {response.status_code} leaks={found}"
            )
    assert problems == []
    assert footprint(probed, aalst) == victim, "tenant A's data changed"


def test_the_probe_sees_a_leak_when_there_is_one(probed):
    """The probe itself is tested: tenant A asking for its own family does show it."""
    victim = footprint(probed, tenant_id(probed, "aalst"))
    client = probed.test_client()
    shown = [
        path
        for method, endpoint, path in candidate_urls(probed, victim)
        if endpoint == "probe.family_detail"
        and leaks(client.get(f"/t/aalst{path}").get_data(as_text=True), victim, path)
    ]
    assert shown
