"""Identity providers as a tenant configures them (``[[identity_providers]]`` in the tenant file,
or the tenant admin's *Sign-in services* page).

```toml
[[identity_providers]]
key = "organisatie"                      # in URLs: /aanmelden/organisatie
label_nl = "Aanmelden met je organisatie-account"
label_en = "Sign in with your organisation account"
issuer = "https://login.example.be"      # discovery at <issuer>/.well-known/openid-configuration
client_id = "opvangplein-deinze"
client_secret_env = "OPVANGPLEIN_IDP_DEINZE_SECRET"   # tenant files only: a variable's *name*
token_endpoint_auth_method = "client_secret_basic"  # or client_secret_post, private_key_jwt, none
scopes = ["openid", "profile", "email"]
roles_claim = "realm_access.roles"       # a claim, or a dotted path into nested claims
role_map = { "loket" = "staff:loket", "admin" = "tenant_admin" }
default_roles = []                       # roles anyone signing in here gets (e.g. ["parent"])
```

Secrets typed by a tenant admin are sealed (``core.crypto``) with the tenant, the key and the
issuer as context: a sealed secret never opens for another issuer. Tenant files are written by
platform operators and may name environment variables, but only ``OPVANGPLEIN_IDP_*`` ones, so no
configuration can make the platform send its own secrets to a provider. A tenant's provider never
asserts membership of a partner organisation: that binding is platform-level
(``core.identity.organisation_trust``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ROLE_PATTERN = re.compile(r"^(tenant_admin|parent|starter|staff:[a-z0-9_-]+)$")
SECRET_ENV_PREFIX = "OPVANGPLEIN_IDP_"
SECRET_ENV_PATTERN = re.compile(r"^OPVANGPLEIN_IDP_[A-Z0-9_]{1,64}$")
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt", "none")
CLAIM_PATH_PATTERN = re.compile(r"^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+){0,4}$")
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class ProviderConfigError(ValueError):
    """A service's settings are invalid; ``field_name`` says which setting, for the form."""

    def __init__(self, message, field_name: str = "") -> None:
        super().__init__(message)
        self.field_name = field_name


@dataclass(frozen=True)
class ProviderConfig:
    key: str
    issuer: str
    client_id: str
    label_nl: str = "Aanmelden"
    label_en: str = "Sign in"
    client_secret_env: str = ""
    client_secret_sealed: str = ""
    token_endpoint_auth_method: str = "client_secret_basic"
    tenant_id: str = ""
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    roles_claim: str = ""
    role_map: dict = field(default_factory=dict)
    default_roles: tuple[str, ...] = ()

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def secret_context(self) -> str:
        return secret_context(self.tenant_id, self.key, self.issuer)

    @property
    def has_client_secret(self) -> bool:
        return bool(self.client_secret_env or self.client_secret_sealed)

    @property
    def client_secret(self) -> str | None:
        """The secret to authenticate with: from the operator's variable, or unsealed."""
        if self.client_secret_env:
            return os.environ.get(self.client_secret_env) or None
        if self.client_secret_sealed:
            from flask import current_app

            from core.crypto import SecretUnavailable

            box = current_app.extensions["opvangplein.secret_box"]
            try:
                return box.open(self.client_secret_sealed, context=self.secret_context)
            except SecretUnavailable:
                return None
        return None

    def label(self, locale: str) -> str:
        return self.label_en if locale.startswith("en") else self.label_nl

    def fingerprint(self) -> str:
        """Changes whenever the configuration changes, so a new client is built at once."""
        identity = json.dumps(
            [
                self.tenant_id,
                self.key,
                self.issuer,
                self.client_id,
                self.client_secret_env,
                self.client_secret_sealed,
                self.token_endpoint_auth_method,
                self.scopes,
            ]
        )
        return hashlib.sha256(identity.encode()).hexdigest()[:16]

    def roles_from_claims(self, claims: dict) -> list[str]:
        roles = set(self.default_roles)
        if self.roles_claim:
            values = claim_at_path(claims, self.roles_claim) or []
            if isinstance(values, str):
                values = values.split()
            if isinstance(values, list):
                roles |= {
                    self.role_map[value]
                    for value in values
                    if isinstance(value, str) and value in self.role_map
                }
        return sorted(roles)

    @classmethod
    def from_dict(cls, data: dict, *, tenant_id: str = "") -> ProviderConfig:
        key = str(data.get("key", ""))
        if not KEY_PATTERN.match(key):
            raise ProviderConfigError(
                _l("Key %(key)r: use lower-case letters, digits and '-'.", key=key), "key"
            )
        issuer = str(data.get("issuer", "")).strip()
        problem = issuer_problem(issuer)
        if problem:
            raise ProviderConfigError(
                _l("Service %(key)s: %(problem)s", key=key, problem=problem), "issuer"
            )
        secret_env = str(data.get("client_secret_env", ""))
        if secret_env and not SECRET_ENV_PATTERN.match(secret_env):
            raise ProviderConfigError(
                _l(
                    "Service %(key)s: client_secret_env must name a variable starting with"
                    " %(prefix)s (upper-case letters, digits, '_').",
                    key=key,
                    prefix=SECRET_ENV_PREFIX,
                )
            )
        secret_sealed = str(data.get("client_secret_sealed", ""))
        auth_method = str(
            data.get("token_endpoint_auth_method")
            or ("client_secret_basic" if secret_env or secret_sealed else "none")
        )
        if auth_method not in AUTH_METHODS:
            raise ProviderConfigError(
                _l(
                    "Service %(key)s: the authentication method must be one of %(methods)s.",
                    key=key,
                    methods=", ".join(AUTH_METHODS),
                ),
                "token_endpoint_auth_method",
            )
        roles_claim = str(data.get("roles_claim", "")).strip()
        if roles_claim and not CLAIM_PATH_PATTERN.match(roles_claim):
            raise ProviderConfigError(
                _l(
                    "Service %(key)s: the roles claim must be a claim name or a dotted path such"
                    " as realm_access.roles.",
                    key=key,
                ),
                "roles_claim",
            )
        if not data.get("client_id"):
            raise ProviderConfigError(
                _l("Service %(key)s: the client id is required.", key=key), "client_id"
            )
        role_map = dict(data.get("role_map", {}))
        default_roles = tuple(data.get("default_roles", ()))
        bad_roles = [
            role
            for role in [*role_map.values(), *default_roles]
            if not ROLE_PATTERN.match(str(role))
        ]
        if bad_roles:
            raise ProviderConfigError(
                _l(
                    "Service %(key)s: unknown roles %(roles)s.",
                    key=key,
                    roles=", ".join(map(str, bad_roles)),
                ),
                "default_roles" if set(bad_roles) <= set(map(str, default_roles)) else "role_map",
            )
        scopes = tuple(data.get("scopes", ("openid", "profile", "email")))
        if "openid" not in scopes:
            raise ProviderConfigError(
                _l("Service %(key)s: the scopes must include openid.", key=key), "scopes"
            )
        return cls(
            key=key,
            issuer=issuer.rstrip("/"),
            client_id=str(data["client_id"]),
            label_nl=str(data.get("label_nl", "Aanmelden")),
            label_en=str(data.get("label_en", "Sign in")),
            client_secret_env=secret_env,
            client_secret_sealed=secret_sealed,
            token_endpoint_auth_method=auth_method,
            tenant_id=tenant_id,
            scopes=scopes,
            roles_claim=roles_claim,
            role_map=role_map,
            default_roles=default_roles,
        )

    def to_dict(self) -> dict:
        data = {
            "key": self.key,
            "issuer": self.issuer,
            "client_id": self.client_id,
            "label_nl": self.label_nl,
            "label_en": self.label_en,
            "token_endpoint_auth_method": self.token_endpoint_auth_method,
            "scopes": list(self.scopes),
            "roles_claim": self.roles_claim,
            "role_map": dict(self.role_map),
            "default_roles": list(self.default_roles),
        }
        if self.client_secret_env:
            data["client_secret_env"] = self.client_secret_env
        if self.client_secret_sealed:
            data["client_secret_sealed"] = self.client_secret_sealed
        return data

    def public_dict(self) -> dict:
        """What may be shown and audited: everything but the secret material."""
        data = self.to_dict()
        data.pop("client_secret_sealed", None)
        data.setdefault("client_secret_env", "")
        data["client_secret_stored"] = bool(self.client_secret_sealed)
        return data


def secret_context(tenant_id: str, key: str, issuer: str) -> str:
    return f"idp-secret|{tenant_id}|{key}|{issuer}"


def claim_at_path(claims: dict, path: str):
    """``claims["realm_access"]["roles"]`` for ``realm_access.roles``; a flat claim whose name
    contains dots (some providers use URLs as claim names) wins over the nested reading."""
    if path in claims:
        return claims[path]
    value = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def issuer_problem(issuer: str):
    """Why ``issuer`` is not an acceptable issuer URL, or ``None``.

    A prefix check let ``http://localhost@evil.example`` and ``http://127.0.0.1.nip.io`` through;
    the URL is parsed instead. Whether the address may be reached (production, private networks)
    is checked again on every request by ``core.identity.outbound``."""
    if not issuer or any(ch.isspace() or ord(ch) < 32 for ch in issuer) or len(issuer) > 500:
        return _l("the issuer URL must be a web address without spaces")
    try:
        parts = urlsplit(issuer)
        port = parts.port
    except ValueError:
        return _l("the issuer URL is not a valid web address")
    host = (parts.hostname or "").lower()
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return _l("the issuer URL must not contain a user name or password")
    if not host:
        return _l("the issuer URL must name a host")
    if parts.query or parts.fragment:
        return _l("the issuer URL must not have a query (?) or fragment (#)")
    if parts.scheme == "http":
        if host not in LOOPBACK_HOSTS:
            return _l(
                "the issuer URL must start with https:// (plain http only for this machine,"
                " in development)"
            )
    elif parts.scheme != "https":
        return _l("the issuer URL must start with https://")
    if port == 0:
        return _l("the issuer URL has an invalid port")
    return None


def tenant_providers(tenant) -> list[ProviderConfig]:
    """The tenant's valid providers; a broken entry is skipped (the admin page shows why)."""
    providers = []
    for data in tenant.identity_providers or []:
        try:
            providers.append(ProviderConfig.from_dict(data, tenant_id=str(tenant.id)))
        except ProviderConfigError:
            continue
    return providers


def find_provider(tenant, key: str) -> ProviderConfig | None:
    return next((p for p in tenant_providers(tenant) if p.key == key), None)
