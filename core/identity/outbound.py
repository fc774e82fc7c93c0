"""Outbound HTTP to identity providers: only to allowed addresses, with timeouts and a size cap.

A tenant admin chooses the issuer URL, so every request the platform makes on its behalf
(discovery, JWKS, token, userinfo) could otherwise probe the platform's own network
(``http://127.0.0.1:6379``, a cloud metadata address). The rules, checked on every request:

* ``https`` only; plain ``http`` only to a loopback address and only in development;
* in production, no private, loopback, link-local, reserved or multicast address unless the
  platform admin allow-listed the host (``OPVANGPLEIN_IDP_ALLOWED_PRIVATE_HOSTS``);
* connect and read timeouts, and answers larger than :data:`MAX_RESPONSE_BYTES` are refused.

The address check runs when the request is sent, so a name that resolved to a public address
when the admin saved it and to a private one later is still refused.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from flask import current_app, has_app_context
from requests.adapters import HTTPAdapter

MAX_RESPONSE_BYTES = 256 * 1024
TIMEOUT_SECONDS = (5, 10)
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


class OutboundRefused(requests.exceptions.RequestException):
    """The platform will not send this request (address not allowed, answer too large)."""


def _settings():
    return current_app.extensions["opvangplein.settings"] if has_app_context() else None


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def _allow_listed(host: str, addresses: list[str], allowed: tuple[str, ...]) -> bool:
    for entry in allowed:
        if entry == host:
            return True
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue
        if all(ipaddress.ip_address(a.split("%", 1)[0]) in network for a in addresses):
            return True
    return False


def resolve(host: str) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except socket.gaierror as error:
        raise OutboundRefused(f"{host} does not resolve") from error


def check_url(url: str, *, production: bool, allowed_private_hosts: tuple[str, ...] = ()) -> None:
    """Raise :class:`OutboundRefused` unless the platform may send a request to ``url``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None:
        raise OutboundRefused("the address needs a host and no user name or password")
    if parts.scheme == "http":
        if production or host not in LOOPBACK_NAMES:
            raise OutboundRefused("plain http is allowed only to this machine, in development")
        return
    if parts.scheme != "https":
        raise OutboundRefused("only https addresses are allowed")
    if not production:
        return
    addresses = resolve(host)
    if all(_is_public(address) for address in addresses):
        return
    if _allow_listed(host, addresses, allowed_private_hosts):
        return
    raise OutboundRefused(
        f"{host} resolves to a private or internal address; the platform admin must allow it"
    )


def check_url_for_this_platform(url: str) -> None:
    """:func:`check_url` with the running platform's mode and allow-list."""
    settings = _settings()
    check_url(
        url,
        production=bool(settings and settings.is_production),
        allowed_private_hosts=settings.idp_allowed_private_hosts if settings else (),
    )


class GuardedAdapter(HTTPAdapter):
    """Checks the address before each request and caps the answer's size."""

    def send(self, request, stream=False, timeout=None, **kwargs):
        check_url_for_this_platform(request.url)
        response = super().send(request, stream=True, timeout=timeout or TIMEOUT_SECONDS, **kwargs)
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
            response.close()
            raise OutboundRefused(f"answer of {declared} bytes is larger than allowed")
        body = response.raw.read(MAX_RESPONSE_BYTES + 1, decode_content=True)
        response.close()
        if len(body) > MAX_RESPONSE_BYTES:
            raise OutboundRefused("answer is larger than allowed")
        response._content = body
        return response


def _mount(session: requests.Session) -> None:
    adapter = GuardedAdapter(max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    # Redirects would let an allowed host forward the platform to an internal one; the guard
    # checks each hop, and providers have no reason to redirect back-channel calls more than once.
    session.max_redirects = 2
    session.trust_env = False


def guarded_session() -> requests.Session:
    """A ``requests`` session for talking to an identity provider."""
    session = requests.Session()
    _mount(session)
    return session


class GuardedOAuth2Session(OAuth2Session):
    """Authlib's requests session with the same guard (set as ``client_cls`` of the app)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        super().__init__(*args, **kwargs)
        _mount(self)
