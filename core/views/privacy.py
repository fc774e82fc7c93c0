"""The data subject's rights at a tenant (GDPR art. 15 and 17).

A signed-in person downloads what every enabled module holds about them; the tenant admin exports
or erases on a person's written request (a parent who phoned the loket has no account). Both go
through :mod:`core.subjects`, so every module answers and every export or erasure is audited.
Each export says who asks (:class:`~core.plugin_types.SubjectRequester`): a module may give the
person more than the administrator — a CKG gives the admin only where to ask, never case content.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, g
from sqlmodel import select

from core.identity.access import require_permission
from core.identity.confirmations import verified_email
from core.identity.email_views import mail_address_confirmation
from core.identity.models import Membership, User
from core.plugin_types import DataSubject, PrivacyNotice, SubjectRequester
from core.ratelimit import rate_limited
from core.rendering import render
from core.subjects import erase_subject, erasure_holds, export_subject, subject_for_email
from core.views.forms import ErasureForm, ExportForm
from core.web import db_session, tenant_hooks, tenant_required

blueprint = Blueprint("privacy", __name__)
blueprint.before_request(tenant_required)
# A person asks for a confirmation mail now and then; more is someone mail-bombing an address.
CONFIRMATIONS_PER_MINUTE = 3


# -- what the municipality tells everyone -----------------------------------------------------


@blueprint.get("/privacy")
def notice():
    """The privacy statement: the municipality as controller, then every enabled module."""
    notices = [
        item
        for item in tenant_hooks().privacy_notice(tenant=g.tenant, session=db_session())
        if isinstance(item, PrivacyNotice)
    ]
    return render("privacy/notice.html", notices=sorted(notices, key=lambda item: item.module))


# -- the person themselves -------------------------------------------------------------------


@blueprint.get("/mijn-gegevens")
def my_data():
    if g.get("user") is None:
        abort(401)
    return _my_data_page()


def _my_data_page(*, confirmation_sent: bool = False):
    subject = DataSubject(user_id=g.user.id, email=(verified_email(g.user) or None))
    return render(
        "privacy/my_data.html",
        user=g.user,
        holds=erasure_holds(db_session(), g.tenant, subject),
        verified=bool(verified_email(g.user)),
        confirmation_sent=confirmation_sent,
    )


@blueprint.get("/mijn-gegevens/download")
def my_data_download():
    if g.get("user") is None:
        abort(401)
    # Rows are found by address only if the address is proven to be this person's: anyone can
    # sign in somewhere with an unverified claim of someone else's address.
    subject = DataSubject(user_id=g.user.id, email=(verified_email(g.user) or None))
    return _export_response(subject, filename="mijn-gegevens.json", requester=SubjectRequester.SELF)


@blueprint.post("/mijn-gegevens/bevestigen")
@rate_limited("core.confirm_address", per_minute=CONFIRMATIONS_PER_MINUTE)
def my_data_confirm_address():
    """Mail a single-use link to the signed-in person's address, to prove it is theirs."""
    if g.get("user") is None:
        abort(401)
    if not g.user.email or "@" not in g.user.email or verified_email(g.user):
        return _my_data_page()
    session = db_session()
    mail_address_confirmation(session, g.tenant, g.user)
    session.commit()
    return _my_data_page(confirmation_sent=True)


# -- the tenant admin, on a person's request ------------------------------------------------


@blueprint.get("/beheer/privacy")
@require_permission("core.admin")
def requests_page():
    return _admin_page()


@blueprint.post("/beheer/privacy/export")
@require_permission("core.admin")
def export_for_person():
    form = ExportForm()
    if not form.validate_on_submit():
        return _admin_page(export_form=form, status=422)
    subject = subject_for_email(db_session(), form.email.data)
    return _export_response(
        subject, filename="gegevens-betrokkene.json", requester=SubjectRequester.TENANT_ADMIN
    )


@blueprint.post("/beheer/privacy/wissen")
@require_permission("core.admin")
def erase_for_person():
    form = ErasureForm()
    if not form.validate_on_submit():
        return _admin_page(erase_form=form, status=422)
    session = db_session()
    subject = subject_for_email(session, form.email.data)
    rows = erase_subject(session, g.tenant, subject)
    # What a module could not erase yet, and why: the administrator must be able to tell the
    # person (asked after erasing, so it also lists holds from an earlier request).
    holds = erasure_holds(session, g.tenant, subject)
    session.commit()
    return _admin_page(erased={"email": subject.email, "rows": rows, "holds": holds})


def _admin_page(*, status: int = 200, export_form=None, erase_form=None, **context):
    # Both forms show the address typed in either (they share the field name); only the one
    # submitted carries messages.
    return render(
        "privacy/requests.html",
        export_form=export_form or ExportForm(),
        erase_form=erase_form or ErasureForm(),
        failed=export_form or erase_form,
        **context,
    ), status


def _export_response(
    subject: DataSubject, *, filename: str, requester: SubjectRequester
) -> Response:
    session = db_session()
    parts = [
        _core_part(subject),
        *export_subject(session, g.tenant, subject, requester=requester),
    ]
    session.commit()
    document = {
        "municipality": g.tenant.name,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "subject": {"email": subject.email, "user_id": subject.user_id},
        "parts": [part for part in parts if part],
    }
    body = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _core_part(subject: DataSubject) -> dict | None:
    """What the platform itself keeps: the account and the roles at this tenant."""
    if subject.user_id is None:
        return None
    session = db_session()
    user = session.get(User, subject.user_id)
    membership = session.exec(
        select(Membership).where(Membership.user_id == subject.user_id)
    ).first()
    if user is None:
        return None
    return {
        "plugin": "core",
        "account": {
            "name": user.name,
            "email": user.email,
            "sign_in_service": user.issuer,
            "created_at": user.created_at,
        },
        "roles": sorted(
            set(membership.roles) | set(membership.claim_roles) if membership else set()
        ),
    }
