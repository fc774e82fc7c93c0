"""``GET /logo/<version>.png``: the municipality's logo, for everyone (it is in every header).

Only the current version answers; the address changes with the logo, so it may be kept for a
year. The bytes are the platform's own re-drawn PNG (core.tenant_logo)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, g
from sqlmodel import select

from core.models import TenantLogo
from core.tenancy import Theme
from core.web import db_session, tenant_required

blueprint = Blueprint("tenant_logo", __name__)
blueprint.before_request(tenant_required)


@blueprint.get("/logo/<version>.png")
def logo(version: str):
    if not Theme.LOGO_VERSION.match(version):
        abort(404)
    data = db_session().exec(select(TenantLogo.data).where(TenantLogo.version == version)).first()
    if data is None or Theme.from_dict(g.tenant.theme).logo_version != version:
        abort(404)
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = "inline"
    return response
