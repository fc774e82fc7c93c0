"""A rogue OpenID provider that a tenant admin controls: it records everything sent to it.

It answers like a provider (discovery, JWKS, authorize, token) so the platform goes as far as it
would with a real one, and keeps every request it receives, decoded, for tests to search for
secrets that must never reach it.
"""

from __future__ import annotations

import base64
import contextlib
import os
from urllib.parse import unquote_plus

from flask import request

from tests.support.identity_providers import HostileProvider

# Values shorter than this are too common to mean anything when found ("1", "true", a port).
MEANINGFUL_LENGTH = 8


class RogueProvider(HostileProvider):
    def __post_init__(self) -> None:
        self.received: list[str] = []
        super().__post_init__()

    def _app(self):
        app = super()._app()

        @app.before_request
        def record():
            seen = [request.method, request.full_path, request.get_data(as_text=True)]
            seen += [f"{name}: {value}" for name, value in request.headers.items()]
            authorization = request.headers.get("Authorization", "")
            if authorization.lower().startswith("basic "):
                with contextlib.suppress(ValueError):
                    seen.append(base64.b64decode(authorization[6:]).decode("utf-8", "replace"))
            self.received.extend(seen + [unquote_plus(text) for text in seen])

        @app.get("/large")
        def large():
            return "x" * (2 * 1024 * 1024)

        return app

    def everything_received(self) -> str:
        return "\n".join(self.received)

    def leaked_environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Environment variables (and ``extra`` values) whose value reached this provider."""
        received = self.everything_received()
        values = {**os.environ, **(extra or {})}
        return {
            name: value
            for name, value in values.items()
            if len(value) >= MEANINGFUL_LENGTH and value in received
        }
