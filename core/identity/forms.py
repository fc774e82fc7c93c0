"""Forms of the tenant admin's access pages and of the single-use e-mail links.

Field names and element ids are those the pages have always used: tests post by name, and the
error summary links to the ids.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import fields, widgets
from wtforms.validators import StopValidation

from core.forms import (
    EmailField,
    IntegerField,
    KnownChoicesField,
    PlatformForm,
    SelectField,
    TextAreaField,
    TextField,
)
from core.identity.providers import AUTH_METHODS

SECRET_MAX_LENGTH = 1000
DEFAULT_SCOPES = ("openid", "profile", "email")


def _lower(value):
    # One address is one person: the invitation and the privacy pages compare in lower case.
    return value.lower() if isinstance(value, str) else value


class SecretField(fields.StringField):
    """A secret exactly as typed (never stripped), never shown back. Control characters and
    over-long input are refused with the messages the providers page always gave."""

    widget = widgets.PasswordInput(hide_value=True)

    def __init__(self, label=None, **kwargs) -> None:
        super().__init__(label, validators=[self._acceptable], **kwargs)

    def process_formdata(self, valuelist) -> None:
        self.data = valuelist[0] if valuelist else ""

    @staticmethod
    def _acceptable(form, field) -> None:
        secret = field.data or ""
        if len(secret) > SECRET_MAX_LENGTH:
            raise StopValidation(
                _l("The client secret is longer than %(max)s characters.", max=SECRET_MAX_LENGTH)
            )
        if any(ord(character) < 32 or ord(character) == 127 for character in secret):
            raise StopValidation(
                _l("The client secret contains a control character (a tab, a new line…).")
            )

    def _value(self) -> str:
        return ""


# -- members and organisations ----------------------------------------------------------------


class InvitationForm(PlatformForm):
    email = EmailField(
        _l("E-mail address to invite"),
        id="new-email",
        required=True,
        required_message=_l("Enter the e-mail address to send the invitation to."),
        filters=[_lower],
    )
    roles = KnownChoicesField(
        _l("Roles"),
        id="new-roles",
        required=True,
        required_message=_l("Choose at least one role."),
    )


class MemberRolesForm(PlatformForm):
    roles = KnownChoicesField(_l("Roles"))


class OrganisationGrantForm(PlatformForm):
    modules = KnownChoicesField(_l("Modules granted"))


def with_role_choices(form, roles: list[str]):
    form.roles.choices = [(role, role) for role in roles]
    return form


# -- identity providers -----------------------------------------------------------------------


class ProviderForm(PlatformForm):
    """One sign-in service. The rules of a valid service stay in ``ProviderConfig.from_dict``;
    this form refuses what is no text (control characters, over-long input) and reads the
    lists (scopes, role mapping) out of the text boxes."""

    key = TextField(_l("Key (in the web address)"), max_length=63)
    label_nl = TextField(_l("Button text in Dutch"), max_length=100)
    label_en = TextField(_l("Button text in English"), max_length=100)
    issuer = TextField(_l("Issuer URL"), max_length=500)
    client_id = TextField(_l("Client id"), max_length=500)
    client_secret = SecretField(_l("Client secret"))
    clear_client_secret = fields.BooleanField(_l("Remove the stored secret"))
    token_endpoint_auth_method = SelectField(
        _l("How the platform authenticates at the provider"),
        required=False,
        default=AUTH_METHODS[0],
        choices=[(method, method) for method in AUTH_METHODS],
    )
    scopes = TextField(_l("Scopes (separated by spaces)"), max_length=500)
    roles_claim = TextField(
        _l("Claim with roles (a name, or a dotted path such as realm_access.roles)"),
        max_length=200,
    )
    role_map = TextAreaField(_l("Role mapping, one per line: claim value = role"), rows=3)
    default_roles = TextField(_l("Roles everyone signing in here gets"), max_length=500)

    def with_ids(self, prefix: str) -> ProviderForm:
        """Each service's form on the page has its own element ids (``new-issuer``,
        ``provider-2-issuer``); the names stay the ones the service reads."""
        for field in self:
            field.id = f"{prefix}-{field.name}"
        return self

    def error_summary(self) -> list[tuple[str, str]]:
        # Several services' forms share the page: each message names its field.
        return [
            (field.id, f"{field.label.text}: {field.errors[0]}") for field in self if field.errors
        ]

    def provider_data(self) -> dict:
        """The settings a tenant admin may set; a variable name for the secret is not one."""
        role_map = {}
        for line in (self.role_map.data or "").splitlines():
            if "=" in line:
                claim, role = (part.strip() for part in line.split("=", 1))
                if claim:
                    role_map[claim] = role
        return {
            "key": self.key.data or "",
            "label_nl": self.label_nl.data or "Aanmelden",
            "label_en": self.label_en.data or "Sign in",
            "issuer": (self.issuer.data or "").rstrip("/"),
            "client_id": self.client_id.data or "",
            "token_endpoint_auth_method": self.token_endpoint_auth_method.data or "",
            "scopes": (self.scopes.data or "").split() or list(DEFAULT_SCOPES),
            "roles_claim": self.roles_claim.data or "",
            "role_map": role_map,
            "default_roles": (self.default_roles.data or "").split(),
        }


def stored_provider_form(values: dict, prefix: str) -> ProviderForm:
    """The form of a stored service, filled with its settings (never its secret)."""
    role_map = values.get("role_map") or {}
    shown = {
        name: values.get(name, "")
        for name in ("key", "label_nl", "label_en", "issuer", "client_id", "roles_claim")
    }
    shown["token_endpoint_auth_method"] = values.get("token_endpoint_auth_method") or None
    for name in ("scopes", "default_roles"):
        value = values.get(name) or ""
        shown[name] = value if isinstance(value, str) else " ".join(map(str, value))
    shown["role_map"] = (
        role_map
        if isinstance(role_map, str)
        else "\n".join(f"{claim} = {role}" for claim, role in dict(role_map).items())
    )
    return ProviderForm(formdata=None, data=shown).with_ids(prefix)


# -- audit log --------------------------------------------------------------------------------


class AuditFilterForm(PlatformForm):
    """The audit log's filter, read from the query string (a GET form)."""

    soort = SelectField(_l("Show"), id="audit-kind", required=False)
    pagina = IntegerField(_l("Page"), minimum=1, maximum=1_000_000)

    def chosen(self) -> str:
        return "" if self.soort.errors else (self.soort.data or "")

    def page(self) -> int:
        return 1 if self.pagina.errors else (self.pagina.data or 1)


# -- single-use e-mail links ------------------------------------------------------------------


class LinkActionForm(PlatformForm):
    """The button behind a single-use link: no fields; only a POST submits it, so a GET or a
    HEAD (a mail scanner, a link preview) never uses the link up."""
