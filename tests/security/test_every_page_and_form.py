"""Every page, as every role, as a page and as an htmx fragment; every form with hostile values:
never an HTTP 500.

Before, the ckg referral and capacity forms and five starters forms failed with UndefinedError
when htmx asked for their fragment, a NUL byte was a 500 on PostgreSQL, and edge values (a month
9999-12, a superscript digit, an 18-digit page number) were 500s. This walk finds such answers
on any route a module adds, without knowing the module.
"""

from __future__ import annotations

import pytest

from tests.support.municipality_walk import (
    ROLES,
    client_as,
    reachable_forms,
    reachable_pages,
)

HTMX = {"HX-Request": "true"}


def hostile_bodies(body: dict[str, list[str]]) -> list[dict[str, list[str]]]:
    """The person's body with every field at once replaced by one kind of bad value."""

    def every_field(make) -> dict[str, list[str]]:
        return {name: [make(value) for value in values] for name, values in body.items()}

    return [
        every_field(lambda value: f"{value}\x00"),
        every_field(lambda value: "x" * 20_000),
        every_field(lambda value: "a@x.test,b@y.test"),
        every_field(lambda value: "9999-12-31T23:59" if "-" in value else "²"),
        every_field(lambda value: "0001-01-01" if "-" in value else "9" * 18),
        every_field(lambda value: '=HYPERLINK("http://evil.test","Klik")'),
        every_field(lambda value: "\ud800"),
        {name: [] for name in body},
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_as_a_page_and_as_an_htmx_fragment(walked_sqlite_municipality, role):
    municipality = walked_sqlite_municipality
    client = client_as(municipality, role)
    problems = []
    for endpoint, path in reachable_pages(municipality):
        for headers in ({}, HTMX):
            response = client.get(path, headers=headers)
            if response.status_code >= 500:
                problems.append(f"{role}: GET {path} [{endpoint}] {headers} {response.status_code}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_hostile_values_in_every_form_are_refused_without_a_500(walked_municipality, role):
    municipality = walked_municipality
    client = client_as(municipality, role)
    forms = reachable_forms(municipality, client, role)
    on_postgres = municipality.extensions["opvangplein.settings"].database_url.startswith(
        "postgres"
    )
    problems = []
    for action, body in sorted(forms.items()):
        bodies = hostile_bodies(body)
        # PostgreSQL differs from SQLite in what it refuses to store (a NUL byte, a length);
        # the other values reach the same form code on both, so SQLite tries them.
        for number, hostile in enumerate(bodies[:2] if on_postgres else bodies):
            headers = HTMX if number % 2 else {}
            data = {
                name: [value.encode("utf-8", "surrogatepass") for value in values]
                for name, values in hostile.items()
            }
            response = client.post(action, data=data, headers=headers)
            if response.status_code >= 500:
                problems.append(f"{role}: POST {action} bad value #{number} {response.status_code}")
    assert problems == [], "\n".join(problems)
