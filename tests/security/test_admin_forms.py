"""The core's own forms, from the side of someone crafting the request: the tenant admin's pages
(members, organisations, sign-in services, modules and theme, privacy requests) and the
single-use e-mail links. What the form kit guarantees holds on every one of them: no control
characters, one e-mail address, nothing saved on a refusal, and a GET or HEAD never submits."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from core.identity.models import EmailConfirmation, Membership, Organisation, OrganisationGrant
from core.mail import OutboxMessage
from core.models import AuditEntry, Tenant, TenantPlugin
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import signed_in_as

LINK = re.compile(r"https?://\S+")


@pytest.fixture
def app(sqlite_settings):
    return probe_app(sqlite_settings)


@pytest.fixture
def admin(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    return client


def _rows(app, model, slug="aalst"):
    with app.extensions["opvangplein.db"].session(tenant_id(app, slug)) as db:
        return db.exec(select(model)).all()


def _audited(app, action: str) -> bool:
    return any(entry.action == action for entry in _rows(app, AuditEntry))


def _summary(page: str) -> str:
    return page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]


# -- members -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "sofie\x00@example.be",
        "sofie@exa\x00mple.be",
        "a@x.be,b@y.be",
        "a@x.be b@y.be",
        "Sofie <s@x.be>",
    ],
)
def test_an_invitation_goes_to_one_clean_address_or_nowhere(app, admin, address):
    response = admin.post("/t/aalst/beheer/leden", data={"email": address, "roles": ["parent"]})
    assert response.status_code == 422
    assert 'href="#new-email"' in _summary(response.text)
    assert 'id="new-email-error"' in response.text and 'aria-invalid="true"' in response.text
    assert _rows(app, EmailConfirmation) == [] and _rows(app, OutboxMessage) == []
    assert not _audited(app, "member.invited")


def test_an_invitation_with_only_roles_that_are_not_offered_is_refused(app, admin):
    response = admin.post(
        "/t/aalst/beheer/leden", data={"email": "sofie@example.be", "roles": ["koning", "staff:"]}
    )
    assert response.status_code == 422 and 'href="#new-roles"' in _summary(response.text)
    assert "Kies minstens één rol." in response.text
    assert _rows(app, EmailConfirmation) == []


def test_a_refused_invitation_keeps_what_was_typed(admin):
    response = admin.post(
        "/t/aalst/beheer/leden", data={"email": "geen-adres", "roles": ["parent"]}
    )
    assert response.status_code == 422 and 'value="geen-adres"' in response.text


def test_roles_that_are_not_offered_are_never_granted(app, admin):
    membership = _rows(app, Membership)[0]
    response = admin.post(
        f"/t/aalst/beheer/leden/{membership.id}",
        data={"roles": ["tenant_admin", "platform_admin", "staff:nothing", "partner:probe"]},
    )
    assert response.status_code == 302
    assert _rows(app, Membership)[0].roles == ["tenant_admin"]


# -- organisations ---------------------------------------------------------------------------


def test_a_module_not_enabled_here_is_never_granted_to_an_organisation(app, admin):
    with app.extensions["opvangplein.db"].tenant_session(None) as db:
        organisation = Organisation(slug="cvo", name="CVO", kind="school")
        db.add(organisation)
    admin.post(
        f"/t/aalst/beheer/organisaties/{organisation.id}",
        data={"modules": ["probe\x00", "nothing", "../probe", "probe"]},
    )
    [grant] = _rows(app, OrganisationGrant)
    assert grant.modules == ["probe"]


# -- sign-in services --------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["key", "label_nl", "label_en", "client_id", "roles_claim"])
def test_a_nul_byte_in_a_service_setting_is_refused_at_that_field_and_nothing_saved(
    app, admin, field
):
    form = {
        "key": "eigen",
        "label_nl": "Eigen dienst",
        "issuer": "http://127.0.0.1:9",
        "client_id": "opvangplein",
        "scopes": "openid",
        field: "een\x00waarde",
    }
    response = admin.post("/t/aalst/beheer/aanmelden", data=form)
    assert response.status_code == 422 and "Traceback" not in response.text
    assert f'href="#new-{field}"' in _summary(response.text)
    assert "stuurtekens" in _summary(response.text)
    with app.extensions["opvangplein.db"].session() as db:
        saved = db.get(Tenant, tenant_id(app, "aalst")).identity_providers
    assert all(entry.get("key") != "eigen" for entry in saved)
    assert not _audited(app, "provider.saved")


def test_a_refused_service_never_shows_the_typed_secret_back(admin):
    response = admin.post(
        "/t/aalst/beheer/aanmelden",
        data={"key": "Fout", "issuer": "https://idp.example", "client_secret": "geheim-123"},
    )
    assert response.status_code == 422 and "geheim-123" not in response.text
    assert 'href="#new-key"' in _summary(response.text)


# -- modules, theme, settings ------------------------------------------------------------------


def test_a_nul_byte_in_a_colour_is_refused_and_the_theme_unchanged(app, admin):
    response = admin.post(
        "/t/aalst/beheer/thema",
        data={"primary": "#123456\x00", "primary_text": "#ffffff", "accent": "#eeeeee"},
    )
    assert response.status_code == 422 and 'href="#theme-primary"' in _summary(response.text)
    assert "#123456" not in app.test_client().get("/t/aalst/theme.css").text
    assert not _audited(app, "theme.updated")


@pytest.mark.parametrize(
    "data", [{"max_children": "4\x00"}, {"max_children": "40"}, {"mode": "kalm\x00"}]
)
def test_a_bad_setting_is_refused_with_a_message_and_nothing_saved(app, admin, data):
    response = admin.post(
        "/t/aalst/beheer/modules/probe/instellingen",
        data={"max_children": "4", "mode": "calm", **data},
    )
    assert response.status_code == 422
    [(name, _value)] = data.items()
    assert f'href="#setting-probe-{name}"' in _summary(response.text)
    assert all(not row.settings for row in _rows(app, TenantPlugin))
    assert not _audited(app, "plugin.settings_updated")


# -- privacy requests --------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["an\x00@example.be", "a@x.be,b@y.be"])
def test_an_export_or_erasure_names_exactly_one_clean_address(app, admin, address):
    exported = admin.post("/t/aalst/beheer/privacy/export", data={"email": address})
    assert exported.status_code == 422 and 'href="#email"' in _summary(exported.text)
    erased = admin.post(
        "/t/aalst/beheer/privacy/wissen", data={"email": address, "confirm_email": address}
    )
    assert erased.status_code == 422 and 'href="#erase-email"' in _summary(erased.text)
    assert not _audited(app, "subject.exported") and not _audited(app, "subject.erased")


# -- GET and HEAD never submit -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/t/aalst/beheer/thema",
        "/t/aalst/beheer/modules/probe",
        "/t/aalst/beheer/modules/probe/instellingen",
        "/t/aalst/beheer/privacy/wissen",
    ],
)
def test_head_on_a_submit_url_changes_nothing(app, admin, path):
    before = len(_rows(app, AuditEntry))
    assert admin.head(path, query_string={"enabled": "0", "primary": "#000000"}).status_code == 405
    assert len(_rows(app, AuditEntry)) == before


def test_head_on_the_members_page_sends_no_invitation(app, admin):
    answer = admin.head(
        "/t/aalst/beheer/leden", query_string={"email": "sofie@example.be", "roles": "parent"}
    )
    assert answer.status_code == 200
    assert _rows(app, EmailConfirmation) == [] and _rows(app, OutboxMessage) == []


def _invitation_path(app, admin) -> str:
    admin.post("/t/aalst/beheer/leden", data={"email": "noor@example.be", "roles": ["staff:probe"]})
    [message] = _rows(app, OutboxMessage)
    [link] = LINK.findall(message.body)
    return urlsplit(link).path


def test_head_on_an_invitation_link_does_not_use_it_up(app, admin):
    """A mail scanner that sends HEAD (Flask answers it with the GET view) must not accept the
    invitation for whoever is signed in in that browser."""
    path = _invitation_path(app, admin)
    person = app.test_client()
    noor = signed_in_as(person, app, "aalst", "noor", ["parent"])

    def roles():
        return next(m.roles for m in _rows(app, Membership) if m.user_id == noor.id)

    assert person.head(path).status_code == 200
    assert person.get(path).status_code == 200
    assert roles() == ["parent"] and not _audited(app, "member.invitation_accepted")
    assert person.post(path).status_code == 200
    assert roles() == ["parent", "staff:probe"]
    assert person.post(path).status_code == 404  # once


def test_audit_filter_with_crafted_values_shows_the_first_page_of_everything(admin):
    for query in (
        {"soort": "<script>", "pagina": "-1"},
        {"soort": "members", "pagina": "9" * 40},
        {"pagina": "abc"},
    ):
        page = admin.get("/t/aalst/beheer/audit", query_string=query)
        assert page.status_code == 200 and "<script>" not in page.text
        assert "Pagina 1 van" in page.text
    # A control character in the address is refused before any view reads it (core.web).
    refused = admin.get("/t/aalst/beheer/audit", query_string={"soort": "members\x00"})
    assert refused.status_code == 400 and "onzichtbare stuurtekens" in refused.text
