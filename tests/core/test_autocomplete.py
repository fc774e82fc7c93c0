"""WCAG 1.3.5 (identify input purpose): on every page the route probe reaches, for staff, a
parent and anyone, each field that asks for a name, an e-mail address, a phone number or an
address says what it holds (``autocomplete="name"``, ``"email"``, ``"tel"``…), or says
``autocomplete="off"`` where it asks about someone else (a child, a family referred), so the
browser does not fill in the visitor's own details there."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.support.auth import signed_in_as
from tests.support.demo_municipality import SLUG, VISITORS, demo_municipality, pages_of

# A field about a person or their contact details, by name or by type.
PERSONAL = re.compile(r"(^|[_-])(name|first_name|last_name|email|phone|address)($|[_-])")
PERSONAL_TYPES = {"email", "tel"}
# Names that hold no personal data: a search box, a network's or a service's name.
NOT_PERSONAL = re.compile(r"^(q|name_filter)$|service|network|location|meeting|measure|title")


class Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"input", "textarea"}:
            self.found.append({key: value or "" for key, value in attrs})


def personal_fields_without_purpose(page: str) -> list[str]:
    parser = Inputs()
    parser.feed(page)
    missing = []
    for field in parser.found:
        name, kind = field.get("name", ""), field.get("type", "text")
        if kind in {"hidden", "submit", "checkbox", "radio", "file"} or NOT_PERSONAL.search(name):
            continue
        if (PERSONAL.search(name) or kind in PERSONAL_TYPES) and not field.get("autocomplete"):
            missing.append(name)
    return missing


def test_the_finder_sees_a_personal_field_without_its_purpose():
    page = (
        '<input name="parent_email" type="email"><input name="parent_name" autocomplete="name">'
        '<input name="q" type="search"><input name="phone" type="tel" autocomplete="off">'
    )
    assert personal_fields_without_purpose(page) == ["parent_email"]


@pytest.fixture(scope="module")
def municipality(tmp_path_factory):
    return demo_municipality(tmp_path_factory.mktemp("autocomplete"))


@pytest.mark.parametrize("visitor", sorted(VISITORS))
def test_every_personal_field_says_what_it_holds(municipality, visitor):
    app = municipality
    client = app.test_client()
    if VISITORS[visitor] is not None:
        signed_in_as(client, app, SLUG, f"autocomplete-{visitor}", VISITORS[visitor])
    missing = {}
    for endpoint, path in pages_of(app, client).items():
        fields = personal_fields_without_purpose(client.get(path).get_data(as_text=True))
        if fields:
            missing[endpoint] = fields
    assert missing == {}, sorted(missing.items())
