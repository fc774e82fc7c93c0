"""Property: whatever a person (or a bot) types into any form, the answer is never an HTTP 500.

Hypothesis draws a form from those each role can reach, then any Unicode text (control
characters, surrogates, digits of other scripts, very long strings) for each of its fields, on
SQLite and on PostgreSQL. The budget is bounded so the suite stays fast; a failure prints the
smallest body that broke the form.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.municipality_walk import client_as, reachable_forms

ROLES_WITH_FORMS = ("anonymous", "staff")
EXAMPLES_PER_ROLE = 40
# Any code point, surrogates included (a browser can be made to send them percent-encoded).
typed = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)


@pytest.mark.parametrize("role", ROLES_WITH_FORMS)
def test_no_typed_value_in_any_form_makes_a_500(walked_municipality, role):
    client = client_as(walked_municipality, role)
    forms = sorted(reachable_forms(walked_municipality, client, role).items())
    assert forms, f"{role} reaches no form: the walk is broken"

    @settings(
        max_examples=EXAMPLES_PER_ROLE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def any_input(data):
        action, body = data.draw(st.sampled_from(forms), label="form")
        sent = {
            name: [data.draw(typed, label=name).encode("utf-8", "surrogatepass") for _ in values]
            for name, values in body.items()
        }
        htmx = data.draw(st.booleans(), label="htmx")
        response = client.post(action, data=sent, headers={"HX-Request": "true"} if htmx else {})
        assert response.status_code < 500, f"POST {action} answered {response.status_code}"

    any_input()
