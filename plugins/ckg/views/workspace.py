"""The CKG worker's workspace: every municipality's caseload on one page (plugins/ckg/workspace.py)."""

from __future__ import annotations

from flask import abort, g

from core.db import utcnow
from core.identity.access import require_permission
from core.rendering import render
from core.web import database, db_session, external_url, registry, tenants_with_plugin
from plugins.ckg import store
from plugins.ckg.access import acting_ckg_ids
from plugins.ckg.views.capacity import CASELOAD_STATES, _caseload_filter
from plugins.ckg.views.common import blueprint
from plugins.ckg.workspace import workspace


@blueprint.get("/werkruimte")
@require_permission("ckg.work")
def worker_workspace():
    """The referrals of every municipality that grants the worker's CKG, each read in that
    municipality's own session and audited there; each row links to the municipality's page."""
    ckg_ids = acting_ckg_ids()
    if not ckg_ids:
        abort(403)
    antennas = store.antennas_of(db_session(), ckg_ids)
    filters, wanted = _caseload_filter(antennas)
    # The request's own session is done with: every municipality, this one included, is read
    # in a session of its own.
    db_session().commit()
    tenants = {tenant.id: tenant for tenant in tenants_with_plugin("ckg")}
    caseloads = workspace(
        database(),
        registry(),
        list(tenants.values()),
        user=g.user,
        ckg_ids=ckg_ids,
        wanted=wanted,
        now=utcnow(),
        from_tenant=g.tenant.slug,
    )
    links = {
        row.referral_id: external_url(
            tenants[caseload.tenant_id], "ckg.referral", referral_id=row.referral_id
        )
        for caseload in caseloads
        for row in caseload.rows
    }
    return render(
        "ckg/workspace.html",
        caseloads=caseloads,
        links=links,
        filters=filters,
        state_choices=CASELOAD_STATES,
        total=sum(caseload.total for caseload in caseloads),
    )
