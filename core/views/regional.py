"""The region's figures for a municipality's administration, with a CSV download."""

from __future__ import annotations

from flask import Blueprint, g

from core.identity.access import require_permission
from core.regional import regional_table
from core.rendering import render
from core.spreadsheet import csv_response
from core.web import database, tenant_required

blueprint = Blueprint("regional", __name__, url_prefix="/beheer/regio")
blueprint.before_request(tenant_required)


@blueprint.get("/")
@require_permission("core.admin")
def figures():
    table = regional_table(database(), g.tenant.region) if g.tenant.region else None
    return render("admin/regional.html", table=table)


@blueprint.get("/cijfers.csv")
@require_permission("core.admin")
def figures_csv():
    table = regional_table(database(), g.tenant.region)  # no region: an empty table
    filename = f"regio-{g.tenant.region or g.tenant.slug}.csv".replace(" ", "-").replace('"', "")
    return csv_response(table.as_csv(), filename)
