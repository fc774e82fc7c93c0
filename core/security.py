"""Request ids and the security headers every response carries."""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, g, request

CSP_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
CONTENT_SECURITY_POLICY = "; ".join(CSP_DIRECTIVES)
_ORIGIN = re.compile(r"^https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$")
_INCOMING_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def is_origin(text: str) -> bool:
    """``scheme://host[:port]`` and nothing else (no user, path, spaces or quotes)."""
    return bool(_ORIGIN.match(text))


def policy_with_form_action(origin: str) -> str:
    """The platform's policy, with forms also allowed to go to ``origin`` (one origin, never a
    wildcard): for the page that sends the browser on to a provider's end-session endpoint."""
    if not is_origin(origin):
        raise ValueError(f"not an origin: {origin!r}")
    directives = [
        f"form-action 'self' {origin}" if directive == "form-action 'self'" else directive
        for directive in CSP_DIRECTIVES
    ]
    return "; ".join(directives)


def init_app(app: Flask) -> None:
    app.before_request(_assign_request_id)
    app.after_request(_add_security_headers)


def _assign_request_id() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _INCOMING_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure or _secure_cookies():
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    headers["X-Request-ID"] = g.get("request_id", "")
    if g.get("tenant") is not None and response.mimetype == "text/html":
        # Pages of a tenant may show personal data: never keep them in a shared or history cache.
        headers["Cache-Control"] = "no-store"
    headers.add("Vary", "HX-Request")
    return response


def _secure_cookies() -> bool:
    from flask import current_app

    return bool(current_app.config.get("SESSION_COOKIE_SECURE"))
