"""Issue 19: the English interface speaks English. Every page the route probe reaches (as staff
of every module with the tenant admin's role, as a parent, and anonymously) is read in English;
no Dutch sentence of any catalog may appear in it.

A "Dutch sentence" is a piece of three or more words of a Dutch translation that is not part
of its English source. Two kinds are allowed: the official names of Flemish services, which
stay Dutch in English too, and what the municipality's own records say (demo data is Dutch).
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.support.apps import tenant_id
from tests.support.auth import signed_in_as
from tests.support.demo_municipality import SLUG, VISITORS, demo_municipality, pages_of
from tests.support.route_probe import footprint

ROOT = Path(__file__).resolve().parents[2]
# Names of Flemish services: an English page names them as they are called.
OFFICIAL_NAMES = (
    "Lokaal Loket Kinderopvang",
    "Centrum voor Kinderzorg en Gezinsondersteuning",
    "CKG (Centrum voor Kinderzorg en Gezinsondersteuning",
)
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[^}]*\}|<[^>]+>")


@cache
def dutch_phrases() -> frozenset[str]:
    phrases = set()
    catalogs = [
        ROOT / "core/translations/nl/LC_MESSAGES/messages.po",
        *ROOT.glob("plugins/*/translations/nl/LC_MESSAGES/messages.po"),
    ]
    for path in catalogs:
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id or not message.string:
                continue
            sources = message.id if isinstance(message.id, tuple) else (message.id,)
            translations = (
                message.string if isinstance(message.string, tuple) else (message.string,)
            )
            for translation in translations:
                for piece in _PLACEHOLDER.split(translation):
                    piece = piece.strip(" .,:;!?()“”\"'–-")
                    if len(piece.split()) >= 3 and not any(piece in source for source in sources):
                        phrases.add(piece)
    return frozenset(phrases)


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return " ".join(html.unescape(re.sub(r"(?s)<[^>]+>", " ", page)).split())


@pytest.fixture(scope="module")
def municipality(tmp_path_factory):
    return demo_municipality(tmp_path_factory.mktemp("english"))


@pytest.mark.parametrize("visitor", sorted(VISITORS))
def test_english_pages_hold_no_dutch_sentence(municipality, visitor):
    app = municipality
    client = app.test_client()
    if VISITORS[visitor] is not None:
        signed_in_as(client, app, SLUG, f"english-{visitor}", VISITORS[visitor])
    client.get(f"/t/{SLUG}/taal/en")
    records = " ".join(footprint(app, tenant_id(app, SLUG)).texts)
    phrases = [
        phrase
        for phrase in dutch_phrases()
        if phrase not in records and not any(phrase in name for name in OFFICIAL_NAMES)
    ]
    pages = pages_of(app, client)
    dutch = {}
    for endpoint, path in pages.items():
        text = visible_text(client.get(path).get_data(as_text=True))
        found = sorted(phrase for phrase in phrases if phrase in text)
        if found:
            dutch[endpoint] = [text[max(0, text.find(p) - 60) : text.find(p) + 60] for p in found]
    assert len(pages) >= {"staff": 40, "parent": 10, "anonymous": 5}[visitor], sorted(pages)
    assert dutch == {}
