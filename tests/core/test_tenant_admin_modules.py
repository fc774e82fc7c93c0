"""Tenant administration across modules (issue 21): the audit filter offers every enabled
module's category, and switching a module off first says what stops working."""

from __future__ import annotations

import html

from sqlmodel import select

from core.models import AuditEntry, TenantPlugin
from tests.plugins.networks.conftest import build_world, networks_app


def audit_options(client, slug: str) -> str:
    page = client.get(f"/t/{slug}/beheer/audit")
    assert page.status_code == 200
    return html.unescape(page.text.split('id="audit-kind"')[1].split("</select>")[0])


def test_the_audit_filter_offers_the_categories_of_every_module_enabled_here(sqlite_settings):
    world = build_world(networks_app(sqlite_settings))
    aalst = world.client("admin-aalst", roles=["tenant_admin"])
    options = audit_options(aalst, "aalst")
    assert 'value="networks"' in options and "Samenwerkingsnetwerken" in options
    assert 'value="ckg"' not in options  # not enabled in Aalst
    gent = world.client("admin-gent", "gent", roles=["tenant_admin"])
    gent_options = audit_options(gent, "gent")
    for module in ("networks", "ckg", "loket"):
        assert f'value="{module}"' in gent_options

    # Choosing the networks category shows only the module's entries.
    with world.db() as db:
        db.add(
            AuditEntry(action="networks.meeting_planned", object_type="x", object_id="1", actor="t")
        )
        db.add(AuditEntry(action="member.invited", object_type="x", object_id="2", actor="t"))
    shown = aalst.get("/t/aalst/beheer/audit?soort=networks").text
    # The log reads actions as words: the module's title with its verb, the core's own sentence.
    assert "Samenwerkingsnetwerken: meeting planned" in shown
    assert "Nodigde een lid uit" not in shown


def test_switching_a_module_off_first_says_what_stops_working_and_changes_nothing(
    sqlite_settings,
):
    world = build_world(networks_app(sqlite_settings))
    admin = world.client("admin-aalst", roles=["tenant_admin"])
    els = world.client("els")
    planned = els.post(
        f"/t/aalst/netwerken/{world.network_id}/overleg/nieuw",
        data={"held_on": "2099-12-03", "place": "OCMW Aalst", "agenda": "Welkom"},
    )
    meeting_id = planned.headers["Location"].rsplit("/", 1)[1]
    els.post(
        f"/t/aalst/netwerken/overleg/{meeting_id}/acties",
        data={"title": "Opvolgen", "due_on": "2099-12-20", "owner": str(world.ckg_member_id)},
    )

    first = admin.post("/t/aalst/beheer/modules/networks", data={"enabled": "0"})
    assert first.status_code == 200
    warning = html.unescape(first.text.split('id="plugin-networks-warning"')[1].split("</div>")[0])
    assert "404" in warning
    # The module says what it loses: the open action and the planned meeting.
    assert "1 open actie" in warning and "1 gepland overleg" in warning
    assert 'name="confirm" value="1"' in first.text
    # Nothing changed: the module still answers and no audit entry was written.
    assert els.get(f"/t/aalst/netwerken/{world.network_id}").status_code == 200
    with world.db() as db:
        assert not db.exec(select(AuditEntry).where(AuditEntry.action == "plugin.disabled")).all()

    confirmed = admin.post(
        "/t/aalst/beheer/modules/networks", data={"enabled": "0", "confirm": "1"}
    )
    assert confirmed.status_code == 302
    assert els.get(f"/t/aalst/netwerken/{world.network_id}").status_code == 404
    with world.db() as db:
        row = db.exec(select(TenantPlugin).where(TenantPlugin.plugin == "networks")).one()
        assert row.enabled is False
    # Switching on again needs no confirmation.
    assert admin.post("/t/aalst/beheer/modules/networks", data={"enabled": "1"}).status_code == 302
    assert els.get(f"/t/aalst/netwerken/{world.network_id}").status_code == 200


def test_the_members_page_lists_partner_staff_per_organisation_granted_here(sqlite_settings):
    from tests.plugins.networks.conftest import member_user, organisation

    world = build_world(networks_app(sqlite_settings))
    organisation(world.app, "school-elders", "school")  # granted nowhere
    member_user(world.app, "ward", "school-elders")
    aalst = world.client("admin-aalst", roles=["tenant_admin"])
    page = html.unescape(aalst.get("/t/aalst/beheer/leden").text)
    assert "Medewerkers van partnerorganisaties" in page
    staff = page.split('id="partner-staff"')[1].split("</section>")[0]
    for organisation_name, person in (
        ("Ckg Oost", "els@example.be"),
        ("School De Klimop", "sara@example.be"),
        ("Kdv Zonnebloem", "pieter@example.be"),
    ):
        assert organisation_name in staff and person in staff
    assert staff.index("Ckg Oost") < staff.index("els@example.be") < staff.index("Kdv Zonnebloem")
    assert "Samenwerkingsnetwerken" in staff  # the modules each organisation was granted
    assert "ward@example.be" not in staff and "School Elders" not in staff
    # Another municipality does not see Aalst's partners.
    brugge = world.client("admin-brugge", "brugge", roles=["tenant_admin"])
    other = html.unescape(brugge.get("/t/brugge/beheer/leden").text)
    assert "els@example.be" not in other
