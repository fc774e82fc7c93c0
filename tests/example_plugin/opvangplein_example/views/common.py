"""The notice board's blueprint: its pages exist only at a tenant that enabled it."""

from __future__ import annotations

from flask import Blueprint

from core.web import tenant_required

blueprint = Blueprint("noticeboard", __name__, url_prefix="/prikbord")
blueprint.before_request(tenant_required)
