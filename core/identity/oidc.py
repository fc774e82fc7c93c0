"""The OpenID Connect relying party: Authlib's Flask client, built per tenant and provider.

Authorization-code flow with PKCE (S256), ``state`` and ``nonce``. Authlib keeps the state data
(nonce, PKCE verifier, redirect URI) in the signed session and verifies the ID token: signature
from the provider's JWKS, ``iss``, ``aud``, ``exp``, ``nonce``; ``alg: none`` is never accepted.
Clients are built from the tenant's current configuration on demand, so a provider changed in the
admin takes effect at the next sign-in, without a restart.
"""

from __future__ import annotations

from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import Flask, current_app

from core.identity.providers import ProviderConfig


def init_app(app: Flask) -> None:
    OAuth(app)


class SignInRefused(Exception):
    """The sign-in cannot complete; ``reason`` is a stable code for the audit log and the page."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def client_for(tenant_slug: str, provider: ProviderConfig) -> FlaskOAuth2App:
    """The Authlib client for this tenant's provider, as it is configured right now."""
    oauth: OAuth = current_app.extensions["authlib.integrations.flask_client"]
    name = f"{tenant_slug}.{provider.key}.{provider.fingerprint()}"
    client = oauth.create_client(name)
    if client is None:
        client = oauth.register(
            name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.discovery_url,
            client_kwargs={
                "scope": " ".join(provider.scopes),
                "code_challenge_method": "S256",
                "timeout": 10,
            },
        )
    return client


def start_sign_in(tenant_slug: str, provider: ProviderConfig, redirect_uri: str, state: str):
    """Redirect response to the provider's authorization endpoint."""
    if provider.client_secret_env and not provider.client_secret:
        raise SignInRefused("provider_misconfigured", f"{provider.client_secret_env} is not set")
    client = client_for(tenant_slug, provider)
    try:
        return client.authorize_redirect(redirect_uri, state=state)
    except Exception as error:  # discovery unreachable or malformed
        raise SignInRefused("provider_unavailable", str(error)) from error


def finish_sign_in(tenant_slug: str, provider: ProviderConfig) -> tuple[dict, str]:
    """Exchange the code and verify the ID token; return (claims, raw id token)."""
    from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
    from joserfc.errors import JoseError

    client = client_for(tenant_slug, provider)
    try:
        metadata = client.load_server_metadata()
    except Exception as error:
        raise SignInRefused("provider_unavailable", str(error)) from error
    if metadata.get("issuer", "").rstrip("/") != provider.issuer:
        raise SignInRefused("issuer_mismatch", f"discovery names issuer {metadata.get('issuer')!r}")
    try:
        token = client.authorize_access_token(
            claims_options={
                "iss": {"essential": True, "values": [metadata["issuer"]]},
                "aud": {"essential": True, "values": [provider.client_id]},
                "exp": {"essential": True},
                "sub": {"essential": True},
            },
            leeway=60,
        )
    except MismatchingStateError as error:
        raise SignInRefused("state_mismatch") from error
    except OAuthError as error:
        raise SignInRefused("provider_error", f"{error.error}: {error.description}") from error
    except JoseError as error:
        raise SignInRefused("invalid_id_token", f"{type(error).__name__}: {error}") from error
    except (ValueError, KeyError) as error:
        raise SignInRefused("invalid_id_token", str(error)) from error
    except Exception as error:  # network failures talking to the token endpoint
        raise SignInRefused("provider_unavailable", str(error)) from error
    claims = token.get("userinfo")
    if not claims or "id_token" not in token:
        raise SignInRefused("invalid_id_token", "no ID token in the token response")
    return dict(claims), token["id_token"]


def end_session_url(
    tenant_slug: str, provider: ProviderConfig, id_token: str, after: str
) -> str | None:
    """The provider's end-session URL (RP-initiated logout) when it offers one."""
    client = client_for(tenant_slug, provider)
    try:
        metadata = client.load_server_metadata()
        if not metadata.get("end_session_endpoint"):
            return None
        return client.create_logout_url(post_logout_redirect_uri=after, id_token_hint=id_token)[
            "url"
        ]
    except Exception:
        return None
