"""A strict OpenID provider over HTTP that records everything the platform sends it.

It authenticates the client the way a standard provider does (RFC 6749 §2.3.1 Basic with
form-urlencoded id and secret, ``client_secret_post``, RFC 7523 ``private_key_jwt`` checked against
the client's published keys, or a public client), checks PKCE, and can put the person's claims in
the ID token or only in the userinfo answer. Tests read :attr:`RecordingProvider.requests`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import unquote_plus, urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

from core.localnet import free_port

FULL_CLAIMS = {
    "sub": "uma-userinfo",
    "name": "Uma Userinfo",
    "email": "uma@aalst.test",
    "email_verified": True,
    "realm_access": {"roles": ["aalst-admin"]},
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class RecordedRequest:
    path: str
    method: str
    headers: dict
    form: dict
    query: dict


@dataclass
class RecordingProvider:
    client_id: str = "opvangplein-aalst"
    # What the token endpoint accepts: "client_secret_basic", "client_secret_post",
    # "private_key_jwt" or "none".
    auth_method: str = "client_secret_basic"
    client_secret: str = ""
    # For private_key_jwt: the client's public keys (a test fetches them from the platform).
    client_jwks: dict = field(default_factory=dict)
    id_token_claims: dict = field(default_factory=lambda: {"sub": FULL_CLAIMS["sub"]})
    userinfo_claims: dict = field(default_factory=lambda: dict(FULL_CLAIMS))
    # "valid", "token_error" (the token endpoint says invalid_grant), "huge_userinfo",
    # "huge_jwks".
    mode: str = "valid"
    requests: list[RecordedRequest] = field(default_factory=list)
    client_authenticated: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, str] = {}
        self.jwks_fetches = 0
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.server = make_server("127.0.0.1", self.port, self._app(), threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()

    def rotate_key(self, kid: str = "k1") -> None:
        """A new signing key (under the same ``kid`` unless told otherwise)."""
        self.key = RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def everything_received(self) -> str:
        """Every header, form field and query value the provider received, as one text."""
        return json.dumps([r.__dict__ for r in self.requests])

    # -- the provider ----------------------------------------------------------------------------

    def _record(self) -> None:
        self.requests.append(
            RecordedRequest(
                path=request.path,
                method=request.method,
                headers=dict(request.headers),
                form=request.form.to_dict(),
                query=request.args.to_dict(),
            )
        )

    def _authenticate_client(self) -> bool:
        form = request.form
        header = request.headers.get("Authorization", "")
        if self.auth_method == "client_secret_basic":
            if not header.startswith("Basic "):
                return False
            decoded = base64.b64decode(header[6:]).decode()
            client_id, _, secret = decoded.partition(":")
            return (unquote_plus(client_id), unquote_plus(secret)) == (
                self.client_id,
                self.client_secret,
            )
        if header:
            return False
        if self.auth_method == "client_secret_post":
            return (form.get("client_id"), form.get("client_secret")) == (
                self.client_id,
                self.client_secret,
            )
        if "client_secret" in form:
            return False
        if self.auth_method == "none":
            return form.get("client_id") == self.client_id and "client_assertion" not in form
        if self.auth_method == "private_key_jwt":
            if form.get("client_assertion_type") != (
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            ):
                return False
            try:
                token = jwt.decode(
                    form.get("client_assertion", ""), KeySet.import_key_set(self.client_jwks)
                )
            except Exception:
                return False
            claims = token.claims
            return (
                claims.get("iss") == claims.get("sub") == self.client_id
                and claims.get("aud") in (self.issuer, f"{self.issuer}/token")
                and claims.get("exp", 0) > time.time()
                and bool(claims.get("jti"))
            )
        return False

    def _app(self) -> Flask:
        app = Flask("recording_provider")

        @app.before_request
        def record():
            self._record()

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                userinfo_endpoint=f"{self.issuer}/userinfo",
                jwks_uri=f"{self.issuer}/jwks",
                end_session_endpoint=f"{self.issuer}/logout",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                token_endpoint_auth_methods_supported=[self.auth_method],
            )

        @app.get("/jwks")
        def jwks():
            self.jwks_fetches += 1
            keys = KeySet([self.key]).as_dict(private=False)
            if self.mode == "huge_jwks":
                keys["padding"] = "x" * (512 * 1024)
            return jsonify(keys)

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
            authenticated = self._authenticate_client()
            self.client_authenticated.append(authenticated)
            if not authenticated:
                return jsonify(error="invalid_client"), 401
            if self.mode == "token_error":
                return jsonify(error="invalid_grant", error_description="code expired"), 400
            grant = self.codes.pop(request.form.get("code", ""), None)
            if grant is None:
                return jsonify(error="invalid_grant"), 400
            verifier = request.form.get("code_verifier", "")
            if (
                grant["method"] != "S256"
                or _b64(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]
            ):
                return jsonify(error="invalid_grant", error_description="PKCE failed"), 400
            access_token = secrets.token_urlsafe(16)
            self.access_tokens[access_token] = self.id_token_claims["sub"]
            now = int(time.time())
            claims = {
                **self.id_token_claims,
                "iss": self.issuer,
                "aud": grant["client_id"],
                "iat": now,
                "exp": now + 300,
                "nonce": grant["nonce"],
            }
            id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)
            return jsonify(
                access_token=access_token, token_type="Bearer", expires_in=300, id_token=id_token
            )

        @app.get("/userinfo")
        def userinfo():
            bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if bearer not in self.access_tokens:
                return jsonify(error="invalid_token"), 401
            if self.mode == "huge_userinfo":
                return jsonify(**self.userinfo_claims, padding="x" * (512 * 1024))
            return jsonify(self.userinfo_claims)

        @app.get("/logout")
        def logout():
            target = request.args.get("post_logout_redirect_uri", "")
            query = urlencode({"state": request.args.get("state", "")})
            return redirect(f"{target}?{query}") if target else "signed out"

        return app
