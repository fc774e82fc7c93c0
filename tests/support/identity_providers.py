"""Real OpenID providers over HTTP for sign-in tests.

* :class:`MockProviderProcess` runs oidc-provider-mock (a real provider) in its own process, so
  two of them have two different signing keys and issuers.
* :class:`HostileProvider` is our own minimal provider that answers correctly up to the token
  endpoint and then hands out exactly the defective ID token a test asks for (wrong issuer,
  expired, ``alg: none``…). It also checks PKCE the way a strict provider does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import subprocess
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

from core.devstack import provider_command
from core.localnet import free_port, wait_until_up

SECRET_ENV = "OPVANGPLEIN_IDP_TEST_SECRET"

AALST_USERS = [
    {
        "sub": "beheerder-aalst",
        "name": "Anna Beheer",
        "email": "anna@aalst.test",
        "roles": ["aalst-admin"],
    },
    {"sub": "ckg-karim", "name": "Karim CKG", "email": "karim@ckg.test", "org": "ckg-limburg"},
    {"sub": "onbekende", "name": "Olivier Onbekend", "email": "olivier@elders.test"},
]
BRUGGE_USERS = [
    {
        "sub": "beheerder-brugge",
        "name": "Bram Beheer",
        "email": "bram@brugge.test",
        "roles": ["brugge-admin"],
    }
]


def provider_block(key: str, issuer: str, slug: str) -> str:
    """A tenant file's ``[[identity_providers]]`` entry for a test provider."""
    return (
        f'[[identity_providers]]\nkey = "{key}"\nlabel_nl = "Aanmelden ({key})"\nissuer = "{issuer}"\n'
        f'client_id = "opvangplein-{slug}"\nclient_secret_env = "{SECRET_ENV}"\nroles_claim = "roles"\n'
        f'[identity_providers.role_map]\n"{slug}-admin" = "tenant_admin"\n'
    )


def sign_in_tenants(directory, providers: dict) -> dict[str, str]:
    """Tenant files for Aalst (first mock + hostile provider) and Brugge (second mock)."""
    # CKG Limburg's own accounts live at the first provider; it names them in its ``org`` claim.
    (directory / "organisations.toml").write_text(
        '[[organisations]]\nslug = "ckg-limburg"\nname = "CKG Limburg"\nkind = "ckg"\n'
        "[[organisations.identity_providers]]\n"
        f'issuer = "{providers["aalst"].issuer}"\nclaim = "org"\nvalue = "ckg-limburg"\n',
        encoding="utf-8",
    )
    return {
        "aalst": 'name = "Aalst"\ncontact_email = "beheer@aalst.test"\nplugins = ["probe", "ckg"]\n'
        '[organisations]\n"ckg-limburg" = ["ckg"]\n'
        + provider_block("organisatie", providers["aalst"].issuer, "aalst")
        + provider_block("vijandig", providers["hostile"].issuer, "aalst"),
        "brugge": 'name = "Brugge"\nplugins = ["probe"]\n'
        + provider_block("organisatie", providers["brugge"].issuer, "brugge"),
    }


class MockProviderProcess:
    """oidc-provider-mock on 127.0.0.1:<free port> with predefined users."""

    def __init__(self, users: list[dict]) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            provider_command(self.port, users), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def wait_until_ready(self) -> None:
        wait_until_up(self.issuer + "/.well-known/openid-configuration")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class HostileProvider:
    """A provider whose token endpoint issues the ID token variant named by ``mode``."""

    mode: str = "valid"
    claims: dict = field(
        default_factory=lambda: {"sub": "vijand", "name": "Vera Vijand", "email": "vera@example.be"}
    )
    pkce_verified: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": "trusted", "alg": "RS256", "use": "sig"}
        )
        self.stranger_key = RSAKey.generate_key(
            2048, parameters={"kid": "stranger", "alg": "RS256"}
        )
        self.codes: dict[str, dict] = {}
        self.used_nonces: list[str] = []
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.server = make_server("127.0.0.1", self.port, self._app(), threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()

    def _app(self) -> Flask:
        app = Flask("hostile_provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "nonce": request.args.get("nonce"),
                "challenge": request.args.get("code_challenge"),
                "method": request.args.get("code_challenge_method"),
                "client_id": request.args["client_id"],
            }
            query = urlencode({"code": code, "state": request.args.get("state", "")})
            return redirect(f"{request.args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            grant = self.codes.pop(request.form.get("code", ""), None)
            if grant is None:
                return jsonify(error="invalid_grant"), 400
            verifier = request.form.get("code_verifier", "")
            expected = _b64(hashlib.sha256(verifier.encode()).digest())
            verified = (
                grant["method"] == "S256" and verifier != "" and expected == grant["challenge"]
            )
            self.pkce_verified.append(verified)
            if not verified:
                return jsonify(
                    error="invalid_grant", error_description="PKCE verification failed"
                ), 400
            return jsonify(
                access_token=secrets.token_urlsafe(16),
                token_type="Bearer",
                expires_in=300,
                id_token=self._id_token(grant),
            )

        return app

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {
            **self.claims,
            "iss": self.issuer,
            "aud": grant["client_id"],
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
        }
        key = self.key
        if self.mode == "other_issuer":
            claims["iss"] = "https://login.elders.example"
        elif self.mode == "wrong_audience":
            claims["aud"] = "een-andere-toepassing"
        elif self.mode == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif self.mode == "missing_nonce":
            claims.pop("nonce")
        elif self.mode == "replayed_nonce":
            claims["nonce"] = self.used_nonces[0] if self.used_nonces else "oud-nonce"
        elif self.mode == "unknown_key":
            key = self.stranger_key
        elif self.mode == "alg_none":
            header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
            return f"{header}.{_b64(json.dumps(claims).encode())}."
        if grant["nonce"]:
            self.used_nonces.append(grant["nonce"])
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
