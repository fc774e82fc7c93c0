"""A person's data at a tenant: the person downloads it, the tenant admin exports or erases it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlmodel import select

from core.hookspecs import hookimpl
from core.models import AuditEntry
from core.plugin_types import PrivacyNotice
from tests.core import probe_plugin
from tests.core.probe_plugin import ProbeFamily
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import signed_in_as


def _families_of(session, subject):
    """The probe keeps families under the parent's e-mail: a stand-in for a real module."""
    return session.exec(select(ProbeFamily).where(ProbeFamily.name == subject.email)).all()


def export_subject_data(tenant, subject, session):
    families = _families_of(session, subject)
    if not families:
        return None
    return {"plugin": "probe", "families": [family.name for family in families]}


def erase_subject_data(tenant, subject, session):
    families = _families_of(session, subject)
    for family in families:
        session.delete(family)
    return len(families)


def privacy_notice(tenant):
    return PrivacyNotice(
        module="Gezinnen",
        purpose=f"Gezinnen van {tenant.name} opvolgen",
        data=("Naam van het gezin",),
        legal_basis="Toestemming",
        retention="Twee jaar na het laatste contact",
        who_sees_it=("De medewerkers van de proefmodule",),
    )


@pytest.fixture
def app(sqlite_settings):
    app = probe_app(sqlite_settings)
    probe_plugin.export_subject_data = hookimpl(export_subject_data)
    probe_plugin.erase_subject_data = hookimpl(erase_subject_data)
    probe_plugin.privacy_notice = hookimpl(privacy_notice)
    registry = app.extensions["opvangplein.plugins"]
    registry.manager.unregister(name="probe")
    registry.manager.register(probe_plugin, name="probe")
    registry.finish_loading()
    db = app.extensions["opvangplein.db"]
    for slug in ("aalst", "brugge"):
        with db.tenant_session(tenant_id(app, slug)) as session:
            session.add(ProbeFamily(name="an@example.be"))
            session.add(ProbeFamily(name="someone-else@example.be"))
    yield app
    del probe_plugin.export_subject_data, probe_plugin.erase_subject_data
    del probe_plugin.privacy_notice


def _families(app, slug):
    with app.extensions["opvangplein.db"].session(tenant_id(app, slug)) as session:
        return sorted(session.exec(select(ProbeFamily.name)).all())


def _audit_actions(app, slug):
    with app.extensions["opvangplein.db"].session(tenant_id(app, slug)) as session:
        return [entry.action for entry in session.exec(select(AuditEntry)).all()]


def test_a_parent_downloads_what_every_module_holds_about_them(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "an", ["parent"])
    page = client.get("/t/aalst/mijn-gegevens")
    assert page.status_code == 200
    assert "Mijn gegevens downloaden" in page.get_data(as_text=True)
    response = client.get("/t/aalst/mijn-gegevens/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.get_data(as_text=True))
    parts = {part["plugin"]: part for part in document["parts"]}
    assert parts["probe"]["families"] == ["an@example.be"]
    assert parts["core"]["account"]["email"] == "an@example.be"
    assert parts["core"]["roles"] == ["parent"]
    assert document["municipality"] == "Aalst"
    assert "subject.exported" in _audit_actions(app, "aalst")


def test_my_data_needs_a_sign_in(app):
    client = app.test_client()
    assert client.get("/t/aalst/mijn-gegevens").status_code == 401
    assert client.get("/t/aalst/mijn-gegevens/download").status_code == 401


def test_only_the_tenant_admin_reaches_privacy_requests(app):
    parent = app.test_client()
    signed_in_as(parent, app, "aalst", "an", ["parent"])
    assert parent.get("/t/aalst/beheer/privacy").status_code == 403
    assert (
        parent.post("/t/aalst/beheer/privacy/export", data={"email": "x@y.be"}).status_code == 403
    )
    assert _families(app, "aalst") == ["an@example.be", "someone-else@example.be"]


def test_the_admin_exports_for_a_person_without_an_account(app):
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    assert "Privacy" in admin.get("/t/aalst/beheer/privacy").get_data(as_text=True)
    response = admin.post("/t/aalst/beheer/privacy/export", data={"email": " An@Example.be "})
    document = json.loads(response.get_data(as_text=True))
    assert [part["plugin"] for part in document["parts"]] == ["probe"]
    assert document["parts"][0]["families"] == ["an@example.be"]


@pytest.mark.parametrize("email", ["", "geen-adres", "a b@c.be", "x@" + "y" * 330 + ".be"])
def test_a_bad_address_gets_a_message_not_an_export(app, email):
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    response = admin.post("/t/aalst/beheer/privacy/export", data={"email": email})
    assert response.status_code == 422
    assert "e-mailadres" in response.get_data(as_text=True)
    assert "subject.exported" not in _audit_actions(app, "aalst")


def test_erasure_needs_the_address_twice_and_then_erases_only_that_person(app):
    admin = app.test_client()
    signed_in_as(admin, app, "aalst", "beheerder", ["tenant_admin"])
    refused = admin.post(
        "/t/aalst/beheer/privacy/wissen",
        data={"email": "an@example.be", "confirm_email": "an@example.com"},
    )
    assert refused.status_code == 422
    assert "bevestigen" in refused.get_data(as_text=True)
    assert _families(app, "aalst") == ["an@example.be", "someone-else@example.be"]

    done = admin.post(
        "/t/aalst/beheer/privacy/wissen",
        data={"email": "an@example.be", "confirm_email": "AN@example.be"},
    )
    assert done.status_code == 200
    assert "1" in done.get_data(as_text=True)
    assert _families(app, "aalst") == ["someone-else@example.be"]
    assert _families(app, "brugge") == ["an@example.be", "someone-else@example.be"]
    assert "subject.erased" in _audit_actions(app, "aalst")
    assert "subject.erased" not in _audit_actions(app, "brugge")


def test_the_command_line_exports_and_erases_per_tenant(app):
    runner = CliRunner()
    cli = app.cli
    with app.app_context():
        exported = runner.invoke(
            cli, ["subjects", "export", "--tenant", "brugge", "--email", "an@example.be"]
        )
        assert exported.exit_code == 0, exported.output
        assert json.loads(exported.output) == [{"plugin": "probe", "families": ["an@example.be"]}]
        unknown = runner.invoke(
            cli, ["subjects", "export", "--tenant", "gent", "--email", "an@example.be"]
        )
        assert unknown.exit_code != 0 and "no tenant" in unknown.output
        declined = runner.invoke(
            cli,
            ["subjects", "erase", "--tenant", "brugge", "--email", "an@example.be"],
            input="n\n",
        )
        assert declined.exit_code != 0
        assert _families(app, "brugge") == ["an@example.be", "someone-else@example.be"]
        erased = runner.invoke(
            cli, ["subjects", "erase", "--tenant", "brugge", "--email", "an@example.be", "--yes"]
        )
    assert erased.exit_code == 0, erased.output
    assert "1 records" in erased.output
    assert _families(app, "brugge") == ["someone-else@example.be"]
    assert _families(app, "aalst") == ["an@example.be", "someone-else@example.be"]


def test_the_privacy_page_is_public_and_lists_each_enabled_module(app):
    page = app.test_client().get("/t/aalst/privacy")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Privacy bij Aalst" in text
    assert "Gezinnen van Aalst opvolgen" in text and "Twee jaar na het laatste contact" in text
    assert 'href="/t/aalst/privacy"' in text  # the footer links to it on every page
    with app.extensions["opvangplein.db"].tenant_session(tenant_id(app, "brugge")) as session:
        from core.tenancy import plugin_row

        plugin_row(session, "probe").enabled = False
    app.extensions["opvangplein.tenants"].forget()
    brugge = app.test_client().get("/t/brugge/privacy").get_data(as_text=True)
    assert "Gezinnen van Brugge" not in brugge
    # The real ckg plugin (enabled in Brugge) states its retention from the tenant's setting.
    assert "Doorverwijzingen naar een CKG" in brugge and "na 5 jaar geanonimiseerd" in brugge
