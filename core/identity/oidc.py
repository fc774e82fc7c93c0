"""The OpenID Connect relying party: Authlib's Flask client, built per tenant and provider.

Authorization-code flow with PKCE (S256), ``state`` and ``nonce``. The view keeps the pending
sign-in (state, nonce, PKCE verifier) in the signed session; this module talks to the provider and
verifies the ID token: signature from the provider's JWKS, ``iss``, ``aud``, ``exp``, ``nonce``;
``alg: none`` is never accepted. Clients are built from the tenant's current configuration on
demand, so a provider changed in the admin takes effect at the next sign-in, without a restart.

What a standard provider expects and what this module does about it:

* every request to the provider (discovery, JWKS, token, userinfo) goes through
  :class:`core.identity.outbound.GuardedOAuth2Session`: address rules, timeouts, a size cap;
* the token endpoint is authenticated the way the provider is configured
  (``token_endpoint_auth_method``): ``client_secret_basic`` with id and secret form-urlencoded
  before base64 (RFC 6749 §2.3.1; Authlib's own encoder skips that, so a secret with ``+``, ``:``
  or ``%`` failed), ``client_secret_post``, ``private_key_jwt`` (RFC 7523, signed with the
  tenant's key from :mod:`core.identity.signing_keys`) or ``none`` (a public client, PKCE only);
* claims the ID token lacks are read from the userinfo endpoint, whose ``sub`` must be the ID
  token's (OpenID Connect Core §5.3.2) — many providers, ``oidc-provider`` by default, put only
  ``sub`` in the ID token;
* the JWKS is fetched again once when the ID token names an unknown ``kid`` or its signature
  does not verify, so a provider that rotates its key (even under the same ``kid``) does not
  break sign-in until a restart.
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote_plus

from authlib.common.urls import add_params_to_qs
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from authlib.oauth2.rfc7523.client import ASSERTION_TYPE
from flask import Flask, current_app
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import RSAKey

from core.identity.outbound import GuardedOAuth2Session
from core.identity.providers import ProviderConfig, claim_at_path

CLIENT_ASSERTION_LIFETIME_SECONDS = 60
ID_TOKEN_LEEWAY_SECONDS = 60


def init_app(app: Flask) -> None:
    OAuth(app)


class SignInRefused(Exception):
    """The sign-in cannot complete; ``reason`` is a stable code for the audit log and the page."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class RelyingPartyApp(FlaskOAuth2App):
    """Authlib's Flask client whose every request goes through the outbound guard."""

    client_cls = GuardedOAuth2Session


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and what the callback needs to finish the sign-in."""

    url: str
    nonce: str
    code_verifier: str


def encode_client_secret_basic(auth, method, uri, headers, body):
    """HTTP Basic with client id and secret form-urlencoded first (RFC 6749 §2.3.1)."""
    credentials = f"{quote_plus(auth.client_id)}:{quote_plus(auth.client_secret or '')}"
    headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    return uri, headers, body


def private_key_jwt(signing_key: RSAKey):
    """A client authentication method signing an RFC 7523 assertion with ``signing_key``."""

    def sign(auth, method, uri, headers, body):
        now = int(time.time())
        claims = {
            "iss": auth.client_id,
            "sub": auth.client_id,
            "aud": uri,  # the token endpoint, which every provider accepts as audience
            "jti": secrets.token_urlsafe(24),
            "iat": now,
            "exp": now + CLIENT_ASSERTION_LIFETIME_SECONDS,
        }
        assertion = jwt.encode({"alg": "RS256", "kid": signing_key.kid}, claims, signing_key)
        body = add_params_to_qs(
            body or "",
            [("client_assertion_type", ASSERTION_TYPE), ("client_assertion", assertion)],
        )
        return uri, headers, body

    return sign


def _client_secret(provider: ProviderConfig) -> str | None:
    if provider.token_endpoint_auth_method not in ("client_secret_basic", "client_secret_post"):
        return None
    secret = provider.client_secret
    if not secret:
        where = provider.client_secret_env or "the stored secret"
        raise SignInRefused("provider_misconfigured", f"no client secret available ({where})")
    return secret


def client_for(
    tenant_slug: str, provider: ProviderConfig, signing_key: RSAKey | None = None
) -> FlaskOAuth2App:
    """The Authlib client for this tenant's provider, as it is configured right now."""
    method = provider.token_endpoint_auth_method
    if method == "private_key_jwt" and signing_key is None:
        raise SignInRefused("provider_misconfigured", "private_key_jwt needs the tenant's key")
    oauth: OAuth = current_app.extensions["authlib.integrations.flask_client"]
    key_id = signing_key.kid if method == "private_key_jwt" else ""
    name = f"{tenant_slug}.{provider.key}.{provider.fingerprint()}.{key_id}"
    client = oauth.create_client(name)
    if client is None:
        auth_methods = [("client_secret_basic", encode_client_secret_basic)]
        if method == "private_key_jwt":
            auth_methods.append(("private_key_jwt", private_key_jwt(signing_key)))
        client = oauth.register(
            name,
            client_cls=RelyingPartyApp,
            client_id=provider.client_id,
            client_secret=_client_secret(provider),
            server_metadata_url=provider.discovery_url,
            client_auth_methods=auth_methods,
            client_kwargs={
                "scope": " ".join(provider.scopes),
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": method,
            },
        )
    return client


def _metadata(client: FlaskOAuth2App, provider: ProviderConfig) -> dict:
    try:
        metadata = client.load_server_metadata()
    except Exception as error:  # unreachable, refused by the outbound guard, not JSON
        raise SignInRefused("provider_unavailable", f"discovery: {error}") from error
    if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer:
        raise SignInRefused("issuer_mismatch", f"discovery names issuer {metadata.get('issuer')!r}")
    return metadata


def start_sign_in(
    tenant_slug: str,
    provider: ProviderConfig,
    redirect_uri: str,
    state: str,
    signing_key: RSAKey | None = None,
) -> AuthorizationRequest:
    """The authorization request to send the browser to (PKCE S256, state, nonce)."""
    client = client_for(tenant_slug, provider, signing_key)
    _metadata(client, provider)
    try:
        request = client.create_authorization_url(redirect_uri, state=state)
    except Exception as error:  # discovery without an authorization endpoint
        raise SignInRefused("provider_unavailable", str(error)) from error
    return AuthorizationRequest(
        url=request["url"], nonce=request["nonce"], code_verifier=request["code_verifier"]
    )


def wanted_claims(provider: ProviderConfig, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The claims the platform reads at sign-in; when the ID token lacks one, userinfo is asked."""
    wanted = list(extra)
    if "email" in provider.scopes:
        # Without email_verified an address counts for nothing (core.identity.confirmations).
        wanted += ["email", "email_verified"]
    if "profile" in provider.scopes:
        wanted.append("name")
    if provider.roles_claim:
        wanted.append(provider.roles_claim)
    return tuple(dict.fromkeys(wanted))


def finish_sign_in(
    tenant_slug: str,
    provider: ProviderConfig,
    *,
    code: str,
    redirect_uri: str,
    nonce: str,
    code_verifier: str,
    signing_key: RSAKey | None = None,
    extra_claims: tuple[str, ...] = (),
) -> tuple[dict, str]:
    """Exchange the code, verify the ID token, complete the claims; return (claims, id token)."""
    from authlib.integrations.base_client.errors import OAuthError
    from joserfc.errors import JoseError

    client = client_for(tenant_slug, provider, signing_key)
    metadata = _metadata(client, provider)
    try:
        token = client.fetch_access_token(
            redirect_uri=redirect_uri, code=code, code_verifier=code_verifier
        )
    except OAuthError as error:
        raise SignInRefused("provider_error", f"{error.error}: {error.description}") from error
    except Exception as error:  # network failures talking to the token endpoint
        raise SignInRefused("provider_unavailable", f"token endpoint: {error}") from error
    if not isinstance(token, dict) or "id_token" not in token:
        raise SignInRefused("invalid_id_token", "no ID token in the token response")
    claims_options = {
        "iss": {"essential": True, "values": [metadata["issuer"]]},
        "aud": {"essential": True, "values": [provider.client_id]},
        "exp": {"essential": True},
        "sub": {"essential": True},
    }
    try:
        try:
            id_claims = _verified_id_token(client, token, nonce, claims_options)
        except BadSignatureError:
            # The provider may have replaced its key under the same ``kid``: fetch once more.
            client.fetch_jwk_set(force=True)
            id_claims = _verified_id_token(client, token, nonce, claims_options)
    except JoseError as error:
        raise SignInRefused("invalid_id_token", f"{type(error).__name__}: {error}") from error
    except (ValueError, KeyError, TypeError) as error:
        raise SignInRefused("invalid_id_token", str(error)) from error
    except Exception as error:  # the JWKS could not be fetched
        raise SignInRefused("provider_unavailable", f"JWKS: {error}") from error
    claims = dict(id_claims)
    wanted = wanted_claims(provider, extra_claims)
    missing = [name for name in wanted if claim_at_path(claims, name) is None]
    if missing and metadata.get("userinfo_endpoint"):
        claims = _with_userinfo(client, token, claims)
    return claims, token["id_token"]


def _verified_id_token(client, token: dict, nonce: str, claims_options: dict):
    return client.parse_id_token(
        token, nonce=nonce, claims_options=claims_options, leeway=ID_TOKEN_LEEWAY_SECONDS
    )


def _with_userinfo(client: FlaskOAuth2App, token: dict, id_claims: dict) -> dict:
    """The ID token's claims completed from userinfo; refused unless both name the same ``sub``."""
    try:
        userinfo = dict(client.userinfo(token=token))
    except Exception as error:  # unreachable, an HTTP error, not a JSON object
        raise SignInRefused("provider_unavailable", f"userinfo: {error}") from error
    if str(userinfo.get("sub", "")) != str(id_claims["sub"]):
        raise SignInRefused(
            "userinfo_mismatch",
            f"userinfo names subject {userinfo.get('sub')!r}, the ID token {id_claims['sub']!r}",
        )
    # The ID token's claims were verified cryptographically; userinfo only adds what it lacks.
    return {**userinfo, **id_claims}


def end_session_url(
    tenant_slug: str,
    provider: ProviderConfig,
    *,
    id_token: str,
    after: str,
    state: str,
    signing_key: RSAKey | None = None,
) -> str | None:
    """The provider's end-session URL (RP-initiated logout) when it offers one."""
    try:
        client = client_for(tenant_slug, provider, signing_key)
        metadata = _metadata(client, provider)
        if not metadata.get("end_session_endpoint"):
            return None
        return client.create_logout_url(
            post_logout_redirect_uri=after,
            id_token_hint=id_token or None,
            state=state,
            client_id=provider.client_id,
        )["url"]
    except Exception:
        return None
