"""Sign-in and sign-out pages of a tenant."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from core import audit
from core.identity import invitations, oidc
from core.identity.providers import find_provider, tenant_providers
from core.identity.services import NoMembership, admit
from core.identity.sessions import end_session, open_session
from core.identity.web import forget_token, remember_token, rotate_session, session_token
from core.ratelimit import rate_limited
from core.web import db_session, safe_local_path, tenant_required

# A person signs in a few times a minute at most; more is a script or a loop between two sites.
SIGN_IN_STARTS_PER_MINUTE = 30
blueprint = Blueprint("identity", __name__, template_folder="templates")
PENDING_KEY = "sign_in_pending"


blueprint.before_request(tenant_required)


@blueprint.get("/aanmelden")
def sign_in():
    return render_template(
        "identity/sign_in.html",
        providers=tenant_providers(g.tenant),
        next=safe_local_path(request.args.get("next")),
    )


@blueprint.get("/aanmelden/<key>")
@rate_limited("identity.sign_in_start", per_minute=SIGN_IN_STARTS_PER_MINUTE, methods=("GET",))
def start(key: str):
    provider = find_provider(g.tenant, key)
    if provider is None:
        abort(404)
    state = secrets.token_urlsafe(32)
    session[PENDING_KEY] = {
        "state": state,
        "tenant_id": str(g.tenant.id),
        "provider": key,
        "next": safe_local_path(request.args.get("next")),
    }
    try:
        return oidc.start_sign_in(
            g.tenant.slug, provider, url_for("identity.callback", key=key, _external=True), state
        )
    except oidc.SignInRefused as refusal:
        return _refuse(refusal.reason, refusal.detail, key)


@blueprint.get("/aanmelden/<key>/terug")
def callback(key: str):
    pending = session.pop(PENDING_KEY, None)
    provider = find_provider(g.tenant, key)
    if provider is None:
        abort(404)
    if pending is None or pending.get("state") != request.args.get("state"):
        return _refuse("state_mismatch", "no sign-in pending with this state", key)
    if pending.get("tenant_id") != str(g.tenant.id) or pending.get("provider") != key:
        return _refuse("tenant_mismatch", f"started at tenant {pending.get('tenant_id')}", key)
    try:
        claims, id_token = oidc.finish_sign_in(g.tenant.slug, provider)
    except oidc.SignInRefused as refusal:
        return _refuse(refusal.reason, refusal.detail, key)
    db = db_session()
    try:
        user = admit(db, provider=provider, claims=claims)
    except NoMembership as refusal:
        # (issue 12, verified e-mail) Someone without a role yet may finish signing in to
        # accept a live invitation link; the link itself then grants the roles.
        if invitations.live_invitation_in_path(db, pending.get("next")):
            user = refusal.user
        else:
            return _no_membership(db, refusal, key)
    rotate_session()
    token = open_session(db, user_id=user.id, provider=key, id_token=id_token)
    audit.record(
        db,
        action="signin.succeeded",
        object_type="user",
        object_id=user.id,
        actor=f"user:{user.id}",
        detail={"provider": key},
    )
    db.commit()
    remember_token(g.tenant.id, token)
    return redirect(request.script_root + pending.get("next", "/"))


def _no_membership(db, refusal: NoMembership, key: str):
    audit.record(
        db,
        action="signin.refused",
        object_type="user",
        object_id=refusal.user.id,
        detail={"provider": key, "reason": "no_membership", "email": refusal.user.email},
    )
    db.commit()
    return render_template("identity/no_membership.html", user=refusal.user), 403


def _refuse(reason: str, detail: str, key: str):
    db = db_session()
    db.rollback()
    audit.record(
        db,
        action="signin.failed",
        object_type="provider",
        object_id=key,
        detail={"reason": reason, "detail": detail[:500]},
    )
    db.commit()
    messages = {
        "state_mismatch": _("This sign-in link was already used or has expired. Start again."),
        "tenant_mismatch": _("This sign-in was started at another municipality. Start again here."),
        "issuer_mismatch": _("The sign-in service did not identify itself correctly."),
        "invalid_id_token": _("The sign-in service's answer could not be verified."),
        "provider_error": _("The sign-in service refused the sign-in."),
        "provider_unavailable": _(
            "The sign-in service cannot be reached right now. Try again later."
        ),
        "provider_misconfigured": _(
            "This sign-in service is not set up completely. Tell the municipality."
        ),
    }
    message = messages.get(reason, _("Signing in failed."))
    return render_template("identity/refused.html", message=message, reason=reason), 400


@blueprint.post("/afmelden")
def sign_out():
    token = session_token(g.tenant.id)
    target = url_for("platform.index", _external=True)
    if token is not None:
        db = db_session()
        ended = end_session(db, token)
        if ended is not None:
            audit.record(db, action="signout", object_type="user", object_id=ended.user_id)
            db.commit()
            provider = find_provider(g.tenant, ended.provider)
            forget_token(g.tenant.id)
            if provider is not None:
                url = oidc.end_session_url(g.tenant.slug, provider, ended.id_token, target)
                if url:
                    return redirect(url)
        forget_token(g.tenant.id)
    return redirect(target)
