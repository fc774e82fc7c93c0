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
    assert "networks.meeting_planned" in shown and "member.invited" not in shown
