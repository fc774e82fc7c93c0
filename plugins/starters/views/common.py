"""The starters blueprint and what its resource modules share."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, g
from sqlmodel import select

from core.identity.access import can
from core.richtext import render_rich_text
from core.tenancy import plugin_settings
from core.web import db_session, tenant_hooks, tenant_required
from plugins.starters import services, uploads
from plugins.starters.access import APPLY, MANAGE_CATALOGUE, REVIEW
from plugins.starters.labels import TEMPLATE_LABELS, label
from plugins.starters.messages import (
    area_text,
    not_eligible_message,
    project_place,
    rule_message,
    unmet_reason,
)
from plugins.starters.models import Application, SupportMeasure
from plugins.starters.services import STEPS, NotEligible, RuleError

blueprint = Blueprint("starters", __name__, url_prefix="/starters")
blueprint.before_request(tenant_required)
# Upload directory and virus scanner are checked when the app starts, not on the first upload.
blueprint.record_once(lambda state: uploads.configure(state.app))


@blueprint.context_processor
def _helpers() -> dict:
    return {
        "labels": TEMPLATE_LABELS,
        "label": label,
        "rich_text": render_rich_text,
        "area_text": area_text,
        "project_place": project_place,
        "steps": STEPS,
        "may_apply": can(APPLY),
        "may_review": can(REVIEW),
        "may_manage": can(MANAGE_CATALOGUE),
    }


@blueprint.after_request
def _no_store(response):
    # Applications hold personal data; a shared computer must not keep them in its cache.
    if g.get("user") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def contact_email() -> str:
    from plugins.starters.plugin import MANIFEST

    settings = plugin_settings(db_session(), MANIFEST)
    return settings.get("contact_email") or g.tenant.contact_email or ""


def get_or_404(model, object_id: uuid.UUID):
    row = db_session().get(model, object_id)
    if row is None:
        abort(404)
    return row


def row_of_application(model, row_id: uuid.UUID, application: Application):
    """A row that belongs to ``application`` (a document, a question, a requested measure)."""
    row = db_session().get(model, row_id)
    if row is None or row.application_id != application.id:
        abort(404)
    return row


def reasons(measure: SupportMeasure, application: Application) -> list[str]:
    """Why the project does not meet the measure, one sentence per unmet condition."""
    return [
        unmet_reason(condition, measure, application)
        for condition in services.eligibility(measure, application)
    ]


def rule_text(error: RuleError, application: Application) -> str:
    if isinstance(error, NotEligible):
        return not_eligible_message(error.measure, error.unmet, application)
    return rule_message(error.code)


def own_applications() -> list[Application]:
    """The signed-in starter's applications, newest first."""
    if g.get("user") is None:
        return []
    return list(
        db_session().exec(
            select(Application)
            .where(Application.applicant_user_id == g.user.id)
            .order_by(Application.created_at.desc())
        )
    )


def latest_project() -> Application | None:
    """The starter's most recent application whose project is filled in, if any."""
    return next(
        (
            application
            for application in own_applications()
            if services.project_complete(application)
        ),
        None,
    )


def unmet_demand() -> list:
    """Where children wait for a place, per area, from the loket (none when it is off); the
    counts come suppressed for small numbers, to show as they are."""
    return [
        area
        for found in tenant_hooks().unmet_demand_by_area(tenant=g.tenant, session=db_session())
        for area in found or ()
    ]


def loket_locations() -> list:
    """The childcare locations the loket plugin knows (none when it is off for the tenant)."""
    if "loket" not in g.enabled_plugins:
        return []
    return [
        location
        for found in tenant_hooks().childcare_locations(tenant=g.tenant, session=db_session())
        for location in found or ()
    ]
