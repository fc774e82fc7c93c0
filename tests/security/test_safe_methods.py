"""HEAD and GET never change anything, whatever body they carry, for every role.

A view written as "show on GET, else save" saves on HEAD too, and HEAD skips the CSRF check and
the rate limit: an anonymous ``HEAD /opleiding/inschrijven`` with a form body registered people
and sent mail. This walk reads every page of one municipality (with every module and its demo
data) as each role, takes each POST form from the page, fills it as a person would, and sends
that body as HEAD and as GET to the form's address. No row of any table may change.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
import sqlalchemy as sa
from sqlmodel import select

from core.config import Settings
from core.identity.models import Organisation, OrganisationMember
from core.models import Tenant
from core.plugins import build_registry
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import make_user, sign_in, signed_in_as
from tests.support.form_filler import local_path, post_forms
from tests.support.route_probe import candidate_urls, footprint

PARTNER_KINDS = {"ckg-demo-proef": "ckg", "school-proef": "school", "opvang-proef": "provider"}
ROLES = ("anonymous", "tenant_admin", "staff", "parent", "starter", "partner")
# Reading a case is itself evidence (the access log, GDPR art. 30): those rows come from GETs by
# design. Sessions of sign-in are not data of the municipality.
WRITTEN_BY_READING = {"ckg_access_log", "audit_entry"}


def _tenant_files() -> tuple[str, dict[str, str]]:
    names = ["probe", *build_registry().names]
    plugins = ", ".join(f'"{name}"' for name in names)
    organisations = "".join(
        f'[[organisations]]\nslug = "{slug}"\nname = "{slug.title()}"\nkind = "{kind}"\n'
        for slug, kind in PARTNER_KINDS.items()
    )
    grants = "[organisations]\n" + "".join(f'"{slug}" = [{plugins}]\n' for slug in PARTNER_KINDS)
    return organisations, {
        "aalst": f'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = [{plugins}]\n{grants}'
    }


@pytest.fixture(scope="module")
def municipality(tmp_path_factory):
    directory = tmp_path_factory.mktemp("safe-methods")
    url = f"sqlite:///{directory / 'safe.sqlite3'}"
    settings = Settings(database_url=url, migration_database_url=url, tenants_dir=directory)
    organisations, tenants = _tenant_files()
    (directory / "organisations.toml").write_text(organisations, encoding="utf-8")
    app = probe_app(settings, tenants=tenants)
    registry = app.extensions["opvangplein.plugins"]
    aalst = tenant_id(app, "aalst")
    with app.extensions["opvangplein.db"].tenant_session(aalst) as session:
        tenant = session.get(Tenant, aalst)
        registry.for_plugins(registry.names).demo_data(tenant=tenant, session=session)
    return app


def _client_as(app, role: str):
    client = app.test_client()
    if role == "partner":
        # A member of the demo CKG, which the tenant file grants every module.
        user = make_user(app, "partner-safe-methods")
        with app.extensions["opvangplein.db"].tenant_session(None) as db:
            organisation = db.exec(
                select(Organisation).where(Organisation.slug == "ckg-demo-proef")
            ).one()
            db.add(OrganisationMember(organisation_id=organisation.id, user_id=user.id))
        sign_in(client, app, "aalst", user)
    elif role == "staff":
        names = ["probe", *build_registry().names]
        signed_in_as(client, app, "aalst", "staff-safe", [f"staff:{name}" for name in names])
    elif role != "anonymous":
        signed_in_as(client, app, "aalst", f"{role}-safe", [role])
    return client


def _snapshot(app) -> dict[str, list]:
    engine = app.extensions["opvangplein.db"].engine
    tables = sa.inspect(engine).get_table_names()
    with engine.connect() as connection:
        return {
            table: sorted(map(repr, connection.execute(sa.text(f'SELECT * FROM "{table}"'))))
            for table in tables
            if table not in WRITTEN_BY_READING
        }


def _changed(before: dict, after: dict) -> list[str]:
    return [table for table in after if before.get(table) != after[table]]


def _forms_reachable(app, client) -> dict[str, dict]:
    """Each POST form the role sees on any page: action → the body a person would send."""
    own = footprint(app, tenant_id(app, "aalst"))
    pages_per_endpoint: dict[str, int] = defaultdict(int)
    forms: dict[str, dict] = {}
    for method, endpoint, path in candidate_urls(app, own):
        if method != "GET" or pages_per_endpoint[endpoint] >= 3:
            continue
        pages_per_endpoint[endpoint] += 1
        response = client.get(f"/t/aalst{path}")
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        for form in post_forms(response.get_data(as_text=True), f"/t/aalst{path}"):
            forms.setdefault(local_path(form.action), form.plausible_body())
    return forms


@pytest.mark.parametrize("role", ROLES)
def test_head_and_get_with_a_form_body_change_no_row(municipality, role):
    client = _client_as(municipality, role)
    forms = _forms_reachable(municipality, client)
    if role in ("tenant_admin", "staff"):
        assert len(forms) >= 10, forms  # the walk reaches the forms it is meant to try
    problems = []
    for action, body in sorted(forms.items()):
        before = _snapshot(municipality)
        for method in ("HEAD", "GET"):
            response = client.open(action, method=method, data=body)
            if response.status_code >= 500:
                problems.append(f"{role}: {method} {action} answered {response.status_code}")
        changed = _changed(before, _snapshot(municipality))
        if changed:
            problems.append(f"{role}: HEAD/GET {action} changed {changed}")
    assert problems == [], "\n".join(problems)
