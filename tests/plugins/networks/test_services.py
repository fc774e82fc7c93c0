"""The plugin's rules as plain Python: overdue actions, directory search, case references."""

from __future__ import annotations

import uuid
from datetime import date
from itertools import cycle

import pytest

from core.plugin_types import ConsentRecord
from core.richtext import render_rich_text as render_minutes
from plugins.networks.models import DirectoryService, NetworkAction
from plugins.networks.services import (
    DirectoryQuery,
    RuleError,
    agenda_lines,
    check_action,
    check_family_details,
    check_meeting,
    check_member,
    consent_from_hook,
    days_overdue,
    is_overdue,
    new_case_reference,
    overdue_actions,
    search_services,
)

TODAY = date(2026, 11, 25)


def _action(title: str, due_on: date, status: str = "open") -> NetworkAction:
    return NetworkAction(
        network_id=uuid.uuid4(),
        meeting_id=uuid.uuid4(),
        owner_member_id=uuid.uuid4(),
        title=title,
        due_on=due_on,
        status=status,
    )


def test_an_action_is_overdue_only_when_past_due_and_unfinished():
    assert is_overdue(_action("a", date(2026, 11, 24)), TODAY)
    assert is_overdue(_action("b", date(2026, 11, 1), "in_progress"), TODAY)
    assert not is_overdue(_action("c", TODAY), TODAY)  # due today is not late yet
    assert not is_overdue(_action("d", date(2026, 11, 1), "done"), TODAY)
    assert not is_overdue(_action("e", date(2026, 11, 1), "dropped"), TODAY)


def test_overdue_actions_come_longest_overdue_first_with_the_days_counted():
    actions = [
        _action("recent", date(2026, 11, 20)),
        _action("old", date(2026, 10, 1)),
        _action("future", date(2026, 12, 1)),
        _action("finished", date(2026, 9, 1), "done"),
    ]
    late = overdue_actions(actions, TODAY)
    assert [a.title for a in late] == ["old", "recent"]
    assert [days_overdue(a, TODAY) for a in late] == [55, 5]
    # The same actions a month earlier: nothing is late yet except the oldest.
    assert [a.title for a in overdue_actions(actions, date(2026, 10, 15))] == ["old"]


def _service(name: str, member_id, **fields) -> DirectoryService:
    values = {"category": "other", "languages": ["nl"], "cost": "free", "public": True}
    values.update(fields)
    return DirectoryService(member_id=member_id, name=name, **values)


def test_directory_search_combines_text_and_filters():
    ocmw, school = uuid.uuid4(), uuid.uuid4()
    names = {ocmw: "OCMW Aalst", school: "Basisschool De Klimop"}
    services = [
        _service(
            "Luierbank",
            ocmw,
            category="financial_support",
            languages=["nl", "ar"],
            description="Luiers aan verlaagde prijs",
        ),
        _service("Huiswerkklas", school, category="education", target_group="kinderen 6-12"),
        _service("Sociaal tarief opvang", ocmw, category="childcare", cost="social_tariff"),
    ]

    def found(**query):
        return [s.name for s in search_services(services, names, DirectoryQuery(**query))]

    assert found() == ["Huiswerkklas", "Luierbank", "Sociaal tarief opvang"]
    assert found(text="luiers") == ["Luierbank"]
    assert found(text="ocmw") == ["Luierbank", "Sociaal tarief opvang"]  # the member's name
    assert found(text="KINDEREN 6-12") == ["Huiswerkklas"]
    assert found(language="ar") == ["Luierbank"]
    assert found(cost="social_tariff") == ["Sociaal tarief opvang"]
    assert found(category="education", text="luier") == []


def test_case_references_are_pseudonymous_and_never_reused():
    chooser = cycle("7F3K7F3KABCD")
    first = new_case_reference(set(), choose=lambda _: next(chooser))
    assert first == "CASE-7F3K"
    second = new_case_reference({"CASE-7F3K"}, choose=lambda _: next(chooser))
    assert second == "CASE-ABCD"
    assert new_case_reference(set()).startswith("CASE-")
    with pytest.raises(RuntimeError):
        new_case_reference({"CASE-AAAA"}, choose=lambda _: "A")


def test_family_details_are_refused_without_a_given_consent():
    for record in (None, ConsentRecord(given=False, basis="refused")):
        with pytest.raises(RuleError) as refused:
            check_family_details("Mama alleen met drie kinderen", consent_from_hook(record))
        assert "family_details" in refused.value.errors
    given = consent_from_hook(ConsentRecord(given=True, recorded_at=TODAY, basis="consent"))
    check_family_details("Mama alleen met drie kinderen", given)
    assert (given.source, given.basis) == ("hook", "consent")


def test_agenda_is_one_item_per_line_and_meetings_need_a_date():
    assert agenda_lines("- Welkom\r\n\n* Luierbank\n  • Varia  ") == [
        "Welkom",
        "Luierbank",
        "Varia",
    ]
    with pytest.raises(RuleError) as missing:
        check_meeting(None, "Zaal", ["Welkom"])
    assert set(missing.value.errors) == {"held_on"}
    with pytest.raises(RuleError):
        check_meeting(TODAY, "Zaal", [f"punt {n}" for n in range(30)])


def test_an_action_needs_a_title_a_due_date_and_an_owner_from_the_network():
    member = uuid.uuid4()
    check_action("Wenmomenten plannen", TODAY, member, {member})
    with pytest.raises(RuleError) as broken:
        check_action(" ", None, uuid.uuid4(), {member})
    assert set(broken.value.errors) == {"action-title", "action-due_on", "action-owner"}


def test_only_granted_organisations_join_and_only_once():
    granted = uuid.uuid4()
    check_member(organisation_id=granted, name="", sector="ckg", granted={granted}, already=set())
    check_member(
        organisation_id=None, name="Wijkpolitie", sector="police", granted=set(), already=set()
    )
    for organisation_id, already in ((uuid.uuid4(), set()), (granted, {granted})):
        with pytest.raises(RuleError):
            check_member(
                organisation_id=organisation_id,
                name="",
                sector="ckg",
                granted={granted},
                already=already,
            )


def test_minutes_are_escaped_and_only_safe_marks_become_markup():
    html = str(
        render_minutes(
            "<script>alert(1)</script>\n\n- **Luierbank** [info](https://example.be)\n"
            "- [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
        )
    )
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>Luierbank</strong>" in html
    assert 'href="https://example.be"' in html
    assert "javascript:" not in html.split("href=")[-1].split(">")[0]
