"""HEAD and GET never change anything, whatever body they carry, for every role.

A view written as "show on GET, else save" saves on HEAD too, and HEAD skips the CSRF check and
the rate limit: an anonymous ``HEAD /opleiding/inschrijven`` with a form body registered people
and sent mail. This walk reads every page of one municipality (with every module and its demo
data) as each role, takes each POST form from the page, fills it as a person would, and sends
that body as HEAD and as GET to the form's address. No row of any table may change.
"""

from __future__ import annotations

import pytest

from tests.support.municipality_walk import (
    ROLES,
    changed_tables,
    client_as,
    reachable_forms,
    snapshot,
)


@pytest.mark.parametrize("role", ROLES)
def test_head_and_get_with_a_form_body_change_no_row(walked_sqlite_municipality, role):
    municipality = walked_sqlite_municipality
    client = client_as(municipality, role)
    forms = reachable_forms(municipality, client, role)
    if role in ("tenant_admin", "staff"):
        assert len(forms) >= 10, forms  # the walk reaches the forms it is meant to try
    problems = []
    for action, body in sorted(forms.items()):
        before = snapshot(municipality)
        for method in ("HEAD", "GET"):
            response = client.open(action, method=method, data=body)
            if response.status_code >= 500:
                problems.append(f"{role}: {method} {action} answered {response.status_code}")
        changed = changed_tables(before, snapshot(municipality))
        if changed:
            problems.append(f"{role}: HEAD/GET {action} changed {changed}")
    assert problems == [], "\n".join(problems)
