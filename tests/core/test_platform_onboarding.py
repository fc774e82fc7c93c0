"""Onboarding a municipality and a partner organisation from the platform admin's screens
(issue 20, point 6): no tenant file, no command line, no restart.

The platform admin signs in at a municipality (Aalst) like anyone else and finds the platform
screens in its admin area; a tenant admin of Aalst does not.
"""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from core import create_app
from core.identity.models import (
    EmailConfirmation,
    Organisation,
    OrganisationGrant,
    OrganisationProvider,
)
from core.mail import OutboxMessage
from core.models import AuditEntry, PlatformAuditEntry, Tenant, TenantHost, TenantPlugin
from core.platform_onboarding import MunicipalityDetails, municipality_problems, parse_hosts
from core.tenant_files import sync_directory
from tests.support.apps import probe_app, tenant_id, write_tenant_files
from tests.support.auth import make_user, sign_in, signed_in_as

MUNICIPALITIES = "/t/aalst/beheer/platform/gemeenten"
ORGANISATIONS = "/t/aalst/beheer/platform/organisaties"
ISSUER = "http://127.0.0.1:9400"


def gent(**changes) -> dict:
    form = {
        "slug": "gent",
        "name": "Gent",
        "hosts": "gent.test\nwww.gent.test",
        "region": "Oost-Vlaanderen",
        "contact_email": "kinderopvang@gent.be",
        "modules": ["probe", "loket"],
        "first_admin_email": "Beheer@Gent.be",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


@pytest.fixture
def app(sqlite_settings):
    return probe_app(sqlite_settings)


@pytest.fixture
def platform_admin(app):
    client = app.test_client()
    sign_in(client, app, "aalst", make_user(app, "platform-beheer", platform_admin=True))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    return client


def rows(app, model, tenant=None, *where):
    with app.extensions["opvangplein.db"].session(tenant) as db:
        return db.exec(select(model).where(*where)).all()


def text(response) -> str:
    return response.get_data(as_text=True)


# -- the attacker: a tenant admin of Aalst --------------------------------------------------


def test_a_tenant_admin_of_aalst_can_neither_create_nor_edit_municipalities_nor_see_them(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "aalst-beheer", ["tenant_admin"])
    organisation = _organisation(app, "ckg-limburg")
    attempts = [
        ("get", MUNICIPALITIES, None),
        ("post", MUNICIPALITIES, gent()),
        ("get", f"{MUNICIPALITIES}/brugge", None),
        ("post", f"{MUNICIPALITIES}/brugge", gent(hosts="brugge.test\naalst-kaper.test")),
        ("post", f"{MUNICIPALITIES}/aalst", gent(name="Aalst", active="y")),
        ("get", ORGANISATIONS, None),
        (
            "post",
            ORGANISATIONS,
            {"slug": "kaper", "name": "Kaper", "kind": "ckg", "issuer": "https://idp.test"},
        ),
        (
            "post",
            f"{ORGANISATIONS}/{organisation}/toegang",
            {"municipality": "brugge", "modules": ["probe"]},
        ),
        ("post", f"{ORGANISATIONS}/{organisation}/toegang/brugge/intrekken", {}),
    ]
    before = (
        rows(app, Tenant),
        rows(app, TenantHost),
        rows(app, Organisation),
        rows(app, TenantPlugin, tenant_id(app, "brugge")),
    )
    for method, path, data in attempts:
        response = getattr(client, method)(path, data=data)
        assert response.status_code == 403, (method, path)
        assert "Brugge" not in text(response) and "brugge.test" not in text(response)
    after = (
        rows(app, Tenant),
        rows(app, TenantHost),
        rows(app, Organisation),
        rows(app, TenantPlugin, tenant_id(app, "brugge")),
    )
    assert after == before
    # No link to the platform screens in the tenant admin's navigation either.
    assert "/beheer/platform/" not in text(client.get("/t/aalst/beheer/leden"))


def test_anonymous_visitors_are_asked_to_sign_in_and_save_nothing(app):
    client = app.test_client()
    assert client.get(MUNICIPALITIES).status_code == 401
    assert client.post(MUNICIPALITIES, data=gent()).status_code == 401
    assert rows(app, Tenant, None, Tenant.slug == "gent") == []


def test_the_platform_screens_exist_only_inside_a_municipality(app):
    client = app.test_client()
    assert client.get("/beheer/platform/gemeenten").status_code == 404


def test_get_and_head_on_the_post_routes_answer_405(app, platform_admin):
    organisation = _organisation(app, "ckg-limburg")
    for path in (
        f"{ORGANISATIONS}/{organisation}/toegang",
        f"{ORGANISATIONS}/{organisation}/toegang/brugge/intrekken",
    ):
        assert platform_admin.get(path).status_code == 405
        assert platform_admin.head(path).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(sqlite_settings):
    app = probe_app(sqlite_settings, config={"WTF_CSRF_ENABLED": True})
    client = app.test_client()
    sign_in(client, app, "aalst", make_user(app, "platform-beheer", platform_admin=True))
    assert client.post(MUNICIPALITIES, data=gent()).status_code == 400
    assert rows(app, Tenant, None, Tenant.slug == "gent") == []


# -- creating a municipality ----------------------------------------------------------------


def test_the_platform_admin_lists_every_municipality_with_hosts_modules_and_status(
    app, platform_admin
):
    page = platform_admin.get(MUNICIPALITIES)
    assert page.status_code == 200
    html = text(page)
    assert "Gemeenten op het platform" in html
    for expected in ("Aalst", "aalst.test", "Brugge", "brugge.test", "ckg", "loket", "Actief"):
        assert expected in html
    # Modules by the names people know them, not their code names.
    assert '<td class="utrecht-table__cell">Lokaal Loket Kinderopvang' in html
    assert 'href="/t/aalst/beheer/platform/gemeenten"' in text(
        platform_admin.get("/t/aalst/beheer/leden")
    )
    # Listing every municipality crosses tenants: the platform audit log says who looked.
    assert any(
        entry.action == "cross_tenant.open" and "municipalities" in entry.detail["reason"]
        for entry in rows(app, PlatformAuditEntry)
    )


def test_creating_a_municipality_writes_it_invites_its_first_admin_and_audits(app, platform_admin):
    response = platform_admin.post(MUNICIPALITIES, data=gent())
    assert response.status_code == 303
    page = platform_admin.get(response.headers["Location"])
    assert "Gent is aangemaakt" in text(page) and "beheer@gent.be" in text(page)

    [tenant] = rows(app, Tenant, None, Tenant.slug == "gent")
    assert (tenant.name, tenant.region, tenant.contact_email, tenant.active) == (
        "Gent",
        "Oost-Vlaanderen",
        "kinderopvang@gent.be",
        True,
    )
    hosts = {row.host for row in rows(app, TenantHost, None, TenantHost.tenant_id == tenant.id)}
    assert hosts == {"gent.test", "www.gent.test"}
    enabled = {row.plugin for row in rows(app, TenantPlugin, tenant.id) if row.enabled}
    assert enabled == {"probe", "loket"}

    [invitation] = rows(app, EmailConfirmation, tenant.id)
    assert (invitation.purpose, invitation.email) == ("invitation", "beheer@gent.be")
    assert invitation.payload == {"roles": ["tenant_admin"]}
    [mail] = rows(app, OutboxMessage, tenant.id)
    assert mail.to_address == "beheer@gent.be"
    assert "/t/gent/uitnodiging/" in mail.body and "Gent" in mail.subject

    actions = {entry.action for entry in rows(app, AuditEntry, tenant.id)}
    assert {"tenant.created", "member.invited"} <= actions
    [platform_entry] = [
        entry for entry in rows(app, PlatformAuditEntry) if entry.action == "tenant.created"
    ]
    assert platform_entry.target_tenant_id == tenant.id
    assert platform_entry.actor.startswith("user:")
    assert platform_entry.detail["modules"] == ["loket", "probe"]

    # The new municipality answers at once, by path and by host, in this process.
    assert platform_admin.get("/t/gent/").status_code == 200
    assert app.test_client().get("/", headers={"Host": "www.gent.test"}).status_code == 200


def test_the_invited_first_admin_becomes_tenant_admin_of_the_new_municipality(app, platform_admin):
    platform_admin.post(MUNICIPALITIES, data=gent())
    [mail] = rows(app, OutboxMessage, tenant_id(app, "gent"))
    token = mail.body.split("/t/gent/uitnodiging/")[1].split()[0]
    newcomer = app.test_client()
    # The first admin's own account: its verified address is the invited one.
    sign_in(newcomer, app, "gent", make_user(app, "nieuwe-beheerder", email="beheer@gent.be"))
    assert newcomer.post(f"/t/gent/uitnodiging/{token}").status_code == 200
    assert newcomer.get("/t/gent/beheer/").status_code == 200
    # A tenant admin of Gent, not of the platform.
    assert newcomer.get("/t/gent/beheer/platform/gemeenten").status_code == 403


BAD_INPUT = [
    ("slug", {"slug": "aalst"}, "al gebruikt door een andere gemeente"),
    ("slug", {"slug": "Gent_Stad"}, "kleine letters, cijfers en koppeltekens"),
    ("slug", {"slug": "gent\x00"}, "onzichtbare"),
    ("hosts", {"hosts": "gent.test\naalst.test"}, "aalst.test hoort al bij Aalst"),
    ("hosts", {"hosts": "localhost"}, "het eigen adres van het platform"),
    ("hosts", {"hosts": "gent test/<script>"}, "is geen hostnaam"),
    ("hosts", {"hosts": "gent.test\x00"}, "onzichtbare"),
    ("name", {"name": "Gent\x00"}, "onzichtbare"),
    ("name", {"name": "  "}, "Vul dit veld in"),
    ("contact_email", {"contact_email": "a@x.test,b@y.test"}, "één e-mailadres"),
    ("first_admin_email", {"first_admin_email": "geen-adres"}, "één e-mailadres"),
    ("first_admin_email", {"first_admin_email": None}, "e-mailadres in"),
    ("modules", {"modules": ["probe", "kaper"]}, "Onbekende module: kaper"),
]


@pytest.mark.parametrize(("field", "change", "message"), BAD_INPUT)
def test_bad_input_is_refused_in_the_page_and_what_was_typed_stays(
    app, platform_admin, field, change, message
):
    response = platform_admin.post(MUNICIPALITIES, data=gent(**change))
    assert response.status_code == 422
    html = text(response)
    assert message in html
    assert 'id="error-summary"' in html
    # What was typed in the other fields is still there to correct.
    if field != "name":
        assert 'value="Gent"' in html
    if field != "contact_email":
        assert "kinderopvang@gent.be" in html
    assert rows(app, Tenant, None, Tenant.name == "Gent") == []
    assert {row.host for row in rows(app, TenantHost)} == {"aalst.test", "brugge.test"}


class _RegistryWithRequirement:
    """Two modules, one needing the other (no installed module needs another today)."""

    names = ["basis", "vervolg"]

    def missing_requirements(self, name, enabled):
        return ["basis"] if name == "vervolg" and "basis" not in enabled else []


def test_a_module_whose_requirement_is_off_is_refused(app):
    details = MunicipalityDetails(name="Gent", hosts=("gent.test",), modules=("vervolg",))
    with app.extensions["opvangplein.db"].session() as db:
        [problem] = municipality_problems(db, _RegistryWithRequirement(), details, slug="gent")
        assert (problem.field, problem.code, problem.values) == (
            "modules",
            "module_requires",
            {"modules": "basis"},
        )
        both = MunicipalityDetails(name="Gent", hosts=(), modules=("basis", "vervolg"))
        assert municipality_problems(db, _RegistryWithRequirement(), both, slug="gent") == []


def test_hosts_are_read_one_per_line_normalised_and_once():
    assert parse_hosts(" Gent.TEST:443\nwww.gent.test, gent.test\n\n") == (
        "gent.test",
        "www.gent.test",
    )


def test_the_same_slug_twice_creates_one_municipality(app, platform_admin):
    assert platform_admin.post(MUNICIPALITIES, data=gent()).status_code == 303
    again = platform_admin.post(MUNICIPALITIES, data=gent(hosts="ander.test"))
    assert again.status_code == 422
    assert "gent is al gebruikt door een andere gemeente" in text(again)
    assert len(rows(app, Tenant, None, Tenant.slug == "gent")) == 1


def test_the_pages_speak_english_second(app, platform_admin):
    platform_admin.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with platform_admin.session_transaction() as session:
        session["lang"] = "en"
    html = text(platform_admin.get(MUNICIPALITIES))
    assert "Municipalities on the platform" in html and "Add a municipality" in html
    refused = platform_admin.post(MUNICIPALITIES, data=gent(slug="aalst"))
    assert "already used by another municipality" in text(refused)


# -- editing a municipality -----------------------------------------------------------------


def test_editing_changes_hosts_modules_region_and_active_and_keeps_module_settings(
    app, platform_admin
):
    brugge = tenant_id(app, "brugge")
    with app.extensions["opvangplein.db"].tenant_session(brugge) as db:
        row = db.exec(select(TenantPlugin).where(TenantPlugin.plugin == "ckg")).one()
        row.settings = {"kept": "yes"}
        db.add(row)
    form = platform_admin.get(f"{MUNICIPALITIES}/brugge")
    assert form.status_code == 200 and "brugge.test" in text(form)
    response = platform_admin.post(
        f"{MUNICIPALITIES}/brugge",
        data={
            "name": "Brugge",
            "hosts": "brugge.test\nkinderopvang.brugge.test",
            "region": "West-Vlaanderen",
            "contact_email": "",
            "modules": ["probe", "loket"],
        },
    )
    assert response.status_code == 303
    [tenant] = rows(app, Tenant, None, Tenant.slug == "brugge")
    assert (tenant.region, tenant.active) == ("West-Vlaanderen", False)
    assert {row.host for row in rows(app, TenantHost, None, TenantHost.tenant_id == brugge)} == {
        "brugge.test",
        "kinderopvang.brugge.test",
    }
    plugins = {row.plugin: row for row in rows(app, TenantPlugin, brugge)}
    assert {name for name, row in plugins.items() if row.enabled} == {"probe", "loket"}
    assert plugins["ckg"].settings == {"kept": "yes"}
    # Inactive: Brugge answers nowhere, at once in this process.
    assert app.test_client().get("/t/brugge/").status_code == 404
    assert {entry.action for entry in rows(app, AuditEntry, brugge)} >= {"tenant.updated"}
    [entry] = [e for e in rows(app, PlatformAuditEntry) if e.action == "tenant.updated"]
    assert entry.detail["before"]["active"] is True and entry.detail["after"]["active"] is False
    # The platform admin can still find it, and switch it on again.
    assert "Inactief" in text(platform_admin.get(MUNICIPALITIES))
    platform_admin.post(
        f"{MUNICIPALITIES}/brugge",
        data={"name": "Brugge", "hosts": "brugge.test", "modules": ["ckg"], "active": "y"},
    )
    assert app.test_client().get("/t/brugge/").status_code == 200


def test_an_edit_that_takes_another_municipalitys_host_is_refused_and_changes_nothing(
    app, platform_admin
):
    response = platform_admin.post(
        f"{MUNICIPALITIES}/brugge",
        data={"name": "Brugge", "hosts": "aalst.test", "modules": ["probe"], "active": "y"},
    )
    assert response.status_code == 422
    assert "aalst.test hoort al bij Aalst" in text(response)
    assert {row.host for row in rows(app, TenantHost)} == {"aalst.test", "brugge.test"}
    assert platform_admin.get(f"{MUNICIPALITIES}/onbekend").status_code == 404


def test_the_platform_admin_cannot_switch_off_the_municipality_they_work_in(app, platform_admin):
    response = platform_admin.post(
        f"{MUNICIPALITIES}/aalst", data={"name": "Aalst", "hosts": "aalst.test", "modules": []}
    )
    assert response.status_code == 422
    assert "Je bent aangemeld bij Aalst" in text(response)
    assert [t.active for t in rows(app, Tenant, None, Tenant.slug == "aalst")] == [True]


def test_hostile_values_in_the_edit_form_get_422_never_500(app, platform_admin):
    for value in ("Brugge\x00", "x" * 20_000, "\ud800"):
        data = {
            name: value.encode("utf-8", "surrogatepass")
            for name in ("name", "hosts", "region", "contact_email")
        }
        data["modules"] = value.encode("utf-8", "surrogatepass")
        response = platform_admin.post(f"{MUNICIPALITIES}/brugge", data=data)
        assert response.status_code == 422, value[:10]
    assert [t.name for t in rows(app, Tenant, None, Tenant.slug == "brugge")] == ["Brugge"]


# -- tenant files and the screens live together ---------------------------------------------


def test_a_later_tenants_sync_leaves_a_municipality_made_on_screen_alone(app, platform_admin):
    platform_admin.post(MUNICIPALITIES, data=gent())
    settings = app.extensions["opvangplein.settings"]
    write_tenant_files(settings.tenants_dir)  # aalst.toml and brugge.toml, no gent.toml
    registry = app.extensions["opvangplein.plugins"]
    database = app.extensions["opvangplein.db"]
    report = sync_directory(database, settings.tenants_dir, registry)
    assert report == ["aalst: updated", "brugge: updated"]
    report = sync_directory(database, settings.tenants_dir, registry, overwrite=True)
    gent_id = tenant_id(app, "gent")
    hosts = {row.host for row in rows(app, TenantHost, None, TenantHost.tenant_id == gent_id)}
    assert hosts == {"gent.test", "www.gent.test"}
    assert {row.plugin for row in rows(app, TenantPlugin, gent_id) if row.enabled} == {
        "probe",
        "loket",
    }
    assert app.test_client().get("/", headers={"Host": "gent.test"}).status_code == 200
    # And the CLI lists it with the others.
    result = app.test_cli_runner().invoke(args=["tenants", "list"])
    assert "gent" in result.output


def test_a_tenant_file_cannot_take_a_host_of_a_municipality_made_on_screen(app, platform_admin):
    platform_admin.post(MUNICIPALITIES, data=gent())
    settings = app.extensions["opvangplein.settings"]
    write_tenant_files(
        settings.tenants_dir, {"kaper": 'name = "Kaper"\nhosts = ["gent.test"]\nplugins = []\n'}
    )
    result = app.test_cli_runner().invoke(args=["tenants", "sync"])
    assert result.exit_code == 1
    assert "kaper.toml: host gent.test already belongs to tenant 'gent'" in result.output
    assert "Traceback" not in result.output
    gent_id = tenant_id(app, "gent")
    hosts = {row.host for row in rows(app, TenantHost, None, TenantHost.tenant_id == gent_id)}
    assert hosts == {"gent.test", "www.gent.test"}
    assert app.test_client().get("/", headers={"Host": "gent.test"}).status_code == 200


def test_the_files_sync_writes_rows_through_the_shared_functions(app):
    """Extracting ``replace_hosts`` and ``apply_plugins`` changed nothing for the files: a
    tenant admin's run-time module choice survives a plain sync, and ``--overwrite`` resets it."""
    settings = app.extensions["opvangplein.settings"]
    database = app.extensions["opvangplein.db"]
    registry = app.extensions["opvangplein.plugins"]
    aalst = tenant_id(app, "aalst")
    with database.tenant_session(aalst) as db:
        row = db.exec(select(TenantPlugin).where(TenantPlugin.plugin == "loket")).one()
        row.enabled = False
        db.add(row)
    sync_directory(database, settings.tenants_dir, registry)
    assert not next(r for r in rows(app, TenantPlugin, aalst) if r.plugin == "loket").enabled
    sync_directory(database, settings.tenants_dir, registry, overwrite=True)
    assert next(r for r in rows(app, TenantPlugin, aalst) if r.plugin == "loket").enabled


# -- every worker, without a restart --------------------------------------------------------


def _second_worker(app):
    settings = app.extensions["opvangplein.settings"]
    return create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False},
        settings=settings,
        registry=app.extensions["opvangplein.plugins"],
    )


@pytest.fixture
def cached_settings(database_settings):
    import dataclasses

    return dataclasses.replace(database_settings, tenant_cache_seconds=0.5)


def test_another_worker_serves_the_new_municipality_within_the_cache_time(cached_settings):
    """Two app instances on one database (SQLite file, or PostgreSQL) as two gunicorn workers:
    the one that did not create the municipality serves it once its tenant cache expires."""
    first = probe_app(cached_settings)
    second = _second_worker(first)
    other = second.test_client()
    # The second worker has looked for Gent already: "not found" is cached too.
    assert other.get("/t/gent/").status_code == 404
    assert other.get("/", headers={"Host": "gent.test"}).status_code == 404

    admin = first.test_client()
    sign_in(admin, first, "aalst", make_user(first, "platform-beheer", platform_admin=True))
    assert admin.post(MUNICIPALITIES, data=gent()).status_code == 303
    ttl = cached_settings.tenant_cache_seconds
    deadline = time.monotonic() + ttl + 2
    # By path and by host: two cache entries, each expiring on its own.
    while {
        other.get("/t/gent/").status_code,
        other.get("/", headers={"Host": "gent.test"}).status_code,
    } != {200}:
        assert time.monotonic() < deadline, "the second worker never saw Gent"
        time.sleep(0.1)
    assert other.get("/t/gent/probe/").status_code != 404  # its modules are on there too

    # A module switched off on the first worker is gone on the second within the cache time.
    admin.post(
        f"{MUNICIPALITIES}/gent",
        data={"name": "Gent", "hosts": "gent.test", "modules": ["loket"], "active": "y"},
    )
    time.sleep(ttl + 0.1)
    assert other.get("/t/gent/probe/").status_code == 404
    assert other.get("/", headers={"Host": "www.gent.test"}).status_code == 404


# -- partner organisations ------------------------------------------------------------------


def _organisation(app, slug: str):
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        organisation = Organisation(slug=slug, name=slug.title(), kind="ckg")
        db.add(organisation)
        db.flush()
        return organisation.id


def test_the_platform_admin_adds_an_organisation_with_its_trusted_identity_provider(
    app, platform_admin
):
    response = platform_admin.post(
        ORGANISATIONS,
        data={
            "slug": "ckg-limburg",
            "name": "CKG Limburg",
            "kind": "ckg",
            "issuer": "https://login.ckg-limburg.be/",
            "claim": "",
            "value": "",
        },
    )
    assert response.status_code == 303
    [organisation] = rows(app, Organisation, None, Organisation.slug == "ckg-limburg")
    assert (organisation.name, organisation.kind) == ("CKG Limburg", "ckg")
    [binding] = rows(app, OrganisationProvider)
    assert (binding.issuer, binding.claim, binding.value) == (
        "https://login.ckg-limburg.be",
        "",
        "",
    )
    assert any(e.action == "organisation.created" for e in rows(app, PlatformAuditEntry))
    page = text(platform_admin.get(ORGANISATIONS))
    assert "CKG Limburg" in page and "https://login.ckg-limburg.be" in page


def test_an_organisation_on_a_shared_provider_is_bound_by_claim_and_value(app, platform_admin):
    platform_admin.post(
        ORGANISATIONS,
        data={
            "slug": "school-noord",
            "name": "School Noord",
            "kind": "school",
            "issuer": "https://idp.onderwijs.test",
            "claim": "organisation.id",
        },
    )
    [binding] = rows(app, OrganisationProvider)
    assert (binding.claim, binding.value) == ("organisation.id", "school-noord")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "ckg-limburg"}, "al gebruikt door een andere organisatie"),
        ({"issuer": "http://evil.example"}, "https://"),
        ({"issuer": "https://user:pw@idp.test"}, "gebruikersnaam"),
        ({"kind": "bank"}, "Kies een van de mogelijkheden"),
        ({"name": "CKG\x00"}, "onzichtbare"),
        ({"slug": "CKG!"}, "kleine letters"),
    ],
)
def test_bad_organisation_input_is_refused_in_the_page(app, platform_admin, change, message):
    _organisation(app, "ckg-limburg")
    data = {
        "slug": "ckg-antwerpen",
        "name": "CKG Antwerpen",
        "kind": "ckg",
        "issuer": "https://login.ckg-antwerpen.be",
        **change,
    }
    response = platform_admin.post(ORGANISATIONS, data=data)
    assert response.status_code == 422
    assert message in text(response)
    assert len(rows(app, Organisation)) == 1


def test_granting_and_withdrawing_an_organisation_in_a_municipality(app, platform_admin):
    organisation = _organisation(app, "ckg-limburg")
    brugge = tenant_id(app, "brugge")
    response = platform_admin.post(
        f"{ORGANISATIONS}/{organisation}/toegang",
        data={"municipality": "brugge", "modules": ["ckg"]},
    )
    assert response.status_code == 303
    [grant] = rows(app, OrganisationGrant, brugge)
    assert grant.modules == ["ckg"]
    assert rows(app, OrganisationGrant, tenant_id(app, "aalst")) == []
    audit = [e for e in rows(app, AuditEntry, brugge) if e.action == "organisation.access_changed"]
    assert audit[0].detail["after"] == ["ckg"]
    page = text(platform_admin.get(ORGANISATIONS))
    assert "Toegang intrekken in Brugge" in page

    # A module Brugge has not enabled cannot be granted there.
    refused = platform_admin.post(
        f"{ORGANISATIONS}/{organisation}/toegang",
        data={"municipality": "brugge", "modules": ["loket"]},
    )
    assert refused.status_code == 422
    assert "loket staat niet aan in deze gemeente" in text(refused)
    assert rows(app, OrganisationGrant, brugge)[0].modules == ["ckg"]
    unknown = platform_admin.post(
        f"{ORGANISATIONS}/{organisation}/toegang",
        data={"municipality": "nergens", "modules": ["ckg"]},
    )
    assert unknown.status_code == 422

    withdrawn = platform_admin.post(f"{ORGANISATIONS}/{organisation}/toegang/brugge/intrekken")
    assert withdrawn.status_code == 303
    assert rows(app, OrganisationGrant, brugge) == []
    actions = [e.action for e in rows(app, PlatformAuditEntry)]
    assert "organisation.granted" in actions and "organisation.withdrawn" in actions
    missing = platform_admin.post(
        f"{ORGANISATIONS}/{'0' * 8}-0000-0000-0000-{'0' * 12}/toegang/brugge/intrekken"
    )
    assert missing.status_code == 404


# -- the first administrator can sign in --------------------------------------------------


def test_a_new_municipality_can_start_with_the_sign_in_services_of_another(app, platform_admin):
    """Without a sign-in service the invited first administrator could never accept; the
    secret Aalst sealed for itself is sealed again for Gent, never reused as is."""
    from core.identity.providers import ProviderConfig, secret_context

    aalst = tenant_id(app, "aalst")
    box = app.extensions["opvangplein.secret_box"]
    sealed = box.seal("geheim-van-aalst", context=secret_context(str(aalst), "org", ISSUER))
    services = [
        {
            "key": "org",
            "issuer": ISSUER,
            "client_id": "opvangplein",
            "client_secret_sealed": sealed,
        },
        {"key": "demo", "issuer": ISSUER, "client_id": "demo", "client_secret_env": "IDP_SECRET"},
    ]
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        db.get(Tenant, aalst).identity_providers = services
    page = text(platform_admin.get(MUNICIPALITIES))
    assert '<option value="aalst">Aalst</option>' in page
    assert '<option value="brugge">' not in page  # Brugge has no sign-in service to copy

    response = platform_admin.post(MUNICIPALITIES, data=gent(sign_in_from="aalst"))
    assert response.status_code == 303
    [tenant] = rows(app, Tenant, None, Tenant.slug == "gent")
    copied = {entry["key"]: entry for entry in tenant.identity_providers}
    assert copied["demo"]["client_secret_env"] == "IDP_SECRET"
    assert copied["org"]["client_secret_sealed"] != sealed
    with app.app_context():
        config = ProviderConfig.from_dict(copied["org"], tenant_id=str(tenant.id))
        assert config.client_secret == "geheim-van-aalst"
    [entry] = [e for e in rows(app, PlatformAuditEntry) if e.action == "tenant.created"]
    assert entry.detail["sign_in_services_from"] == "aalst"
    assert entry.detail["sign_in_services"] == ["org", "demo"]
    assert "geheim" not in str(entry.detail) and sealed not in str(entry.detail)
    # The new municipality's sign-in page offers the services.
    assert "/t/gent/aanmelden/org" in text(app.test_client().get("/t/gent/aanmelden"))


def test_only_a_municipality_with_sign_in_services_can_be_copied(app, platform_admin):
    response = platform_admin.post(MUNICIPALITIES, data=gent(sign_in_from="brugge"))
    assert response.status_code == 422
    assert "Kies een van de mogelijkheden" in text(response)
    assert rows(app, Tenant, None, Tenant.slug == "gent") == []


def test_the_whole_onboarding_works_through_row_level_security(database_settings):
    """On PostgreSQL the app role writes the new municipality's rows in a transaction bound to
    it, and the lists read every municipality through the platform role."""
    app = probe_app(database_settings)
    client = app.test_client()
    sign_in(client, app, "aalst", make_user(app, "platform-beheer", platform_admin=True))
    assert client.post(MUNICIPALITIES, data=gent()).status_code == 303
    gent_id = tenant_id(app, "gent")
    assert {row.plugin for row in rows(app, TenantPlugin, gent_id) if row.enabled} == {
        "probe",
        "loket",
    }
    assert len(rows(app, OutboxMessage, gent_id)) == 1
    assert rows(app, OutboxMessage, tenant_id(app, "aalst")) == []
    listed = text(client.get(MUNICIPALITIES))
    assert "www.gent.test" in listed and "brugge.test" in listed
    assert (
        client.post(
            f"{MUNICIPALITIES}/gent",
            data={"name": "Gent", "hosts": "gent.test", "modules": ["loket"], "active": "y"},
        ).status_code
        == 303
    )
    organisation = _organisation(app, "ckg-gent")
    granted = client.post(
        f"{ORGANISATIONS}/{organisation}/toegang",
        data={"municipality": "gent", "modules": ["loket"]},
    )
    assert granted.status_code == 303
    assert [grant.modules for grant in rows(app, OrganisationGrant, gent_id)] == [["loket"]]
    assert "Toegang intrekken in Gent" in text(client.get(ORGANISATIONS))
