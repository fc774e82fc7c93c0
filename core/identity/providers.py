"""Identity providers as a tenant configures them (``[[identity_providers]]`` in the tenant file).

```toml
[[identity_providers]]
key = "organisatie"                      # in URLs: /aanmelden/organisatie
label_nl = "Aanmelden met je organisatie-account"
label_en = "Sign in with your organisation account"
issuer = "https://login.example.be"      # discovery at <issuer>/.well-known/openid-configuration
client_id = "opvangplein-deinze"
client_secret_env = "OPVANGPLEIN_IDP_DEINZE_SECRET"   # the *name* of the variable, never the secret
scopes = ["openid", "profile", "email"]
roles_claim = "roles"                    # claim whose values are mapped through role_map
role_map = { "loket" = "staff:loket", "admin" = "tenant_admin" }
default_roles = []                       # roles anyone signing in here gets (e.g. ["parent"])
organisation_claim = "org"               # claim naming the user's organisation (a slug) …
organisations = ["ckg-limburg"]          # … trusted only for these organisations
```
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ROLE_PATTERN = re.compile(r"^(tenant_admin|parent|starter|staff:[a-z0-9_-]+)$")


class ProviderConfigError(ValueError):
    pass


@dataclass(frozen=True)
class ProviderConfig:
    key: str
    issuer: str
    client_id: str
    label_nl: str = "Aanmelden"
    label_en: str = "Sign in"
    client_secret_env: str = ""
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    roles_claim: str = ""
    role_map: dict = field(default_factory=dict)
    default_roles: tuple[str, ...] = ()
    organisation_claim: str = ""
    organisations: tuple[str, ...] = ()

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def client_secret(self) -> str | None:
        return os.environ.get(self.client_secret_env) if self.client_secret_env else None

    def label(self, locale: str) -> str:
        return self.label_en if locale.startswith("en") else self.label_nl

    def fingerprint(self) -> str:
        """Changes whenever the configuration changes, so a new client is built at once."""
        identity = json.dumps(
            [self.key, self.issuer, self.client_id, self.client_secret_env, self.scopes]
        )
        return hashlib.sha256(identity.encode()).hexdigest()[:16]

    def roles_from_claims(self, claims: dict) -> list[str]:
        roles = set(self.default_roles)
        if self.roles_claim:
            values = claims.get(self.roles_claim) or []
            if isinstance(values, str):
                values = [values]
            roles |= {self.role_map[value] for value in values if value in self.role_map}
        return sorted(roles)

    def organisation_from_claims(self, claims: dict) -> str | None:
        """The organisation the provider asserts, only if this provider is trusted for it."""
        if not self.organisation_claim:
            return None
        value = claims.get(self.organisation_claim)
        return value if isinstance(value, str) and value in self.organisations else None

    @classmethod
    def from_dict(cls, data: dict) -> ProviderConfig:
        key = str(data.get("key", ""))
        if not KEY_PATTERN.match(key):
            raise ProviderConfigError(
                f"provider key {key!r}: use lower-case letters, digits and '-'"
            )
        issuer = str(data.get("issuer", ""))
        if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ProviderConfigError(f"provider {key}: issuer must be an https URL")
        if not data.get("client_id"):
            raise ProviderConfigError(f"provider {key}: client_id is required")
        role_map = dict(data.get("role_map", {}))
        default_roles = tuple(data.get("default_roles", ()))
        bad_roles = [
            role
            for role in [*role_map.values(), *default_roles]
            if not ROLE_PATTERN.match(str(role))
        ]
        if bad_roles:
            raise ProviderConfigError(f"provider {key}: unknown roles {bad_roles}")
        scopes = tuple(data.get("scopes", ("openid", "profile", "email")))
        if "openid" not in scopes:
            raise ProviderConfigError(f"provider {key}: scopes must include openid")
        return cls(
            key=key,
            issuer=issuer.rstrip("/"),
            client_id=str(data["client_id"]),
            label_nl=str(data.get("label_nl", "Aanmelden")),
            label_en=str(data.get("label_en", "Sign in")),
            client_secret_env=str(data.get("client_secret_env", "")),
            scopes=scopes,
            roles_claim=str(data.get("roles_claim", "")),
            role_map=role_map,
            default_roles=default_roles,
            organisation_claim=str(data.get("organisation_claim", "")),
            organisations=tuple(data.get("organisations", ())),
        )

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "issuer": self.issuer,
            "client_id": self.client_id,
            "label_nl": self.label_nl,
            "label_en": self.label_en,
            "client_secret_env": self.client_secret_env,
            "scopes": list(self.scopes),
            "roles_claim": self.roles_claim,
            "role_map": dict(self.role_map),
            "default_roles": list(self.default_roles),
            "organisation_claim": self.organisation_claim,
            "organisations": list(self.organisations),
        }


def tenant_providers(tenant) -> list[ProviderConfig]:
    """The tenant's valid providers; a broken entry is skipped (the admin page shows why)."""
    providers = []
    for data in tenant.identity_providers or []:
        try:
            providers.append(ProviderConfig.from_dict(data))
        except ProviderConfigError:
            continue
    return providers


def find_provider(tenant, key: str) -> ProviderConfig | None:
    return next((p for p in tenant_providers(tenant) if p.key == key), None)
