"""Redirects after a language switch or a sign-in never leave the site, whatever ``next`` holds.

Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so
``/\\t/evil.example/`` is ``//evil.example/`` to them: a redirect there would be an open redirect.
A line break in a header value is refused by the server itself: it must never become a 500.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from core.forms import has_control_characters
from core.web import safe_local_path
from tests.support.apps import probe_app

BYPASSES = [
    "//evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "/ /evil.example/",
    "/\\evil.example/",
    "/\\/evil.example/",
    "\\\\evil.example/",
    "\t//evil.example/",
    " //evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/\x00/evil.example/",
    "/\ud800",
    "/%0D%0ASet-Cookie:x=1",
    "/\r\nSet-Cookie: x=1",
    "///evil.example/",
    "/\u3000/evil.example/",
]


@pytest.mark.parametrize("target", BYPASSES)
def test_a_crafted_next_falls_back_to_the_start_page(target):
    assert safe_local_path(target) == "/"


@pytest.mark.parametrize(
    "target", ["/", "/loket/aanvragen?status=open&page=2", "/opleiding/#kalender", "/a%2F%2Fb"]
)
def test_a_path_on_this_site_is_kept(target):
    assert safe_local_path(target) == target


@pytest.fixture
def client(sqlite_settings):
    return probe_app(sqlite_settings).test_client()


@pytest.mark.parametrize("target", BYPASSES)
def test_the_language_switch_stays_on_this_site_for_every_bypass(client, target):
    encoded = quote(target.encode("utf-8", "surrogatepass"), safe="")
    response = client.get(f"/t/aalst/taal/en?next={encoded}")
    if has_control_characters(target):
        # Refused before the view runs, with a message in the page.
        assert response.status_code == 400 and "Location" not in response.headers
        return
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost") and location.scheme in ("", "http")
    # Bytes that are no UTF-8 stay percent-encoded in a path of this site; all else goes home.
    assert location.path == "/t/aalst/" or location.path == "/t/aalst/%ED%A0%80"


# -- one origin per municipality ---------------------------------------------------------------


def test_a_tenant_host_never_serves_another_municipality_under_its_path(client):
    response = client.get("/t/brugge/probe/", headers={"Host": "aalst.test"})
    assert response.status_code == 404


def test_a_tenant_host_sends_its_own_path_prefix_to_the_plain_address(client):
    response = client.get("/t/aalst/probe/?q=x", headers={"Host": "aalst.test"})
    assert response.status_code == 308
    assert response.headers["Location"] == "http://aalst.test/probe/?q=x"


def test_the_platform_host_serves_every_municipality_under_its_path(client):
    assert client.get("/t/brugge/probe/").status_code == 200
    assert client.get("/t/aalst/probe/").status_code == 200
