"""Who may see what: a starter sees their own applications, staff of the tenant see all.

Another tenant's rows are already invisible (the session is scoped); these checks separate people
within one tenant. An application someone may not see answers 404, as if it did not exist.
"""

from __future__ import annotations

import uuid

from flask import abort, g

from core.identity.access import can
from core.web import db_session
from plugins.starters.models import Application

APPLY = "starters.apply"
REVIEW = "starters.review"
MANAGE_CATALOGUE = "starters.manage_catalogue"


def is_reviewer() -> bool:
    return can(REVIEW)


def is_applicant(application: Application) -> bool:
    user = g.get("user")
    return user is not None and application.applicant_user_id == user.id


def may_see(application: Application) -> bool:
    return is_applicant(application) or (is_reviewer() and application.status != "draft")


def visible_application(application_id: uuid.UUID) -> Application:
    """The application if the signed-in person may see it, else 404 (401 when anonymous)."""
    if g.get("user") is None:
        abort(401)
    application = db_session().get(Application, application_id)
    if application is None or not may_see(application):
        abort(404)
    return application


def own_application(application_id: uuid.UUID) -> Application:
    """The signed-in starter's own application, else 404."""
    application = visible_application(application_id)
    if not is_applicant(application) or not can(APPLY):
        abort(404)
    return application


def actor_name() -> str:
    """How a person appears on a timeline: their name, never an internal id."""
    user = g.get("user")
    if user is None:
        return ""
    return user.name or user.email or ""
