"""What a municipality registers at its identity provider for one sign-in service.

Shown on the tenant admin's *Sign-in services* page: the provider must know these exact
addresses (a redirect URI that differs in one character is refused at sign-in, and so is a
``private_key_jwt`` client whose provider cannot fetch our public keys).
"""

from __future__ import annotations

from core.web import external_url


def client_registration(tenant, provider_key: str) -> dict:
    """``redirect_uri``, ``post_logout_redirect_uri`` and ``jwks_uri`` for ``provider_key``.

    Inside a request for the tenant they use the address the admin is visiting (the one people
    sign in at); elsewhere ``OPVANGPLEIN_PUBLIC_URL`` + ``/t/<slug>``.
    """
    return {
        "redirect_uri": external_url(tenant, "identity.callback", key=provider_key),
        "post_logout_redirect_uri": external_url(tenant, "identity.signed_out"),
        "jwks_uri": external_url(tenant, "identity.jwks"),
    }
