"""Sign-in and sign-out pages of a tenant, and the public keys its sign-ins are signed with.

Routes (under the tenant's prefix or host):

* ``GET /aanmelden`` — choose a sign-in service; ``GET /aanmelden/<key>`` — start (to the
  provider); ``GET /aanmelden/<key>/terug`` — the redirect URI the provider sends back to;
* ``POST /afmelden`` — end our session, then ``303`` to ``GET /afmelden/aanbieder``, a page that
  sends the browser on to the provider's end-session endpoint (a browser refuses a redirect from a
  form post to another origin under ``form-action 'self'``), or straight to ``GET /afgemeld``;
* ``GET /afgemeld`` — the post-logout redirect URI: says what is true about the sign-out;
* ``GET /oidc/jwks.json`` — the tenant's public keys for ``private_key_jwt``.
"""

from __future__ import annotations

import secrets
import time
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.i18n import current_language
from core.identity import invitations, oidc, signing_keys
from core.identity.models import OrganisationProvider
from core.identity.providers import ProviderConfig, find_provider, tenant_providers
from core.identity.services import NoMembership, admit
from core.identity.sessions import end_session, open_session
from core.identity.web import forget_token, remember_token, rotate_session, session_token
from core.ratelimit import rate_limited
from core.security import is_origin, policy_with_form_action
from core.web import db_session, safe_local_path, tenant_required

# A person signs in a few times a minute at most; more is a script or a loop between two sites.
SIGN_IN_STARTS_PER_MINUTE = 30
# Sign-ins started but not finished (two tabs, a provider closed halfway). Each costs the session
# cookie ~250 bytes; unbounded, abandoned ones pushed it past 8 KB and every page answered 431.
MAX_PENDING_SIGN_INS = 3
PENDING_SIGN_IN_SECONDS = 15 * 60
# The page to return to is kept in the cookie too: a crafted, very long ``next`` must not push the
# cookie past what browsers store (4 KB), which would sign the person out of everything.
MAX_NEXT_LENGTH = 300
PENDING_KEY = "sign_in_pending"
SIGN_OUT_KEY = "sign_out_pending"
# Who refused a sign-in, for the person's page: the platform (its checks failed), the provider
# (it said no), or nobody yet (the provider could not be reached).
REFUSED_BY_PROVIDER = {"provider_error"}
PROVIDER_UNREACHABLE = {"provider_unavailable"}

blueprint = Blueprint("identity", __name__, template_folder="templates")
blueprint.before_request(tenant_required)


@blueprint.get("/aanmelden")
def sign_in():
    return render_template(
        "identity/sign_in.html",
        providers=tenant_providers(g.tenant),
        next=safe_local_path(request.args.get("next")),
    )


def _signing_key(provider: ProviderConfig):
    """The tenant's private key when the provider authenticates us with ``private_key_jwt``."""
    if provider.token_endpoint_auth_method != "private_key_jwt":
        return None
    db = db_session()
    box = current_app.extensions["opvangplein.secret_box"]
    row = signing_keys.current_signing_key(db, box)
    key = signing_keys.private_key(row, box)
    db.commit()  # a key created on first use must be the one published at /oidc/jwks.json
    return key


def _pending_sign_ins() -> list[dict]:
    """Pending sign-ins still worth keeping, newest last."""
    now = time.time()
    entries = session.get(PENDING_KEY)
    if not isinstance(entries, list):
        return []
    return [
        entry
        for entry in entries
        if isinstance(entry, dict) and now - entry.get("at", 0) < PENDING_SIGN_IN_SECONDS
    ]


def _next_path(target: str | None) -> str:
    path = safe_local_path(target)
    return path if len(path) <= MAX_NEXT_LENGTH else "/"


def _forget_authlib_state() -> None:
    # Sessions from before this module kept its own list held Authlib's ``_state_<client>_<state>``
    # keys, one per sign-in started, for an hour.
    for name in [name for name in session if name.startswith("_state_")]:
        session.pop(name)


@blueprint.get("/aanmelden/<key>")
@rate_limited("identity.sign_in_start", per_minute=SIGN_IN_STARTS_PER_MINUTE, methods=("GET",))
def start(key: str):
    provider = find_provider(g.tenant, key)
    if provider is None:
        abort(404)
    state = secrets.token_urlsafe(32)
    try:
        authorization = oidc.start_sign_in(
            g.tenant.slug,
            provider,
            url_for("identity.callback", key=key, _external=True),
            state,
            _signing_key(provider),
        )
    except oidc.SignInRefused as refusal:
        return _refuse(refusal.reason, refusal.detail, provider)
    _forget_authlib_state()
    pending = _pending_sign_ins()
    pending.append(
        {
            "state": state,
            "tenant_id": str(g.tenant.id),
            "provider": key,
            "next": _next_path(request.args.get("next")),
            "nonce": authorization.nonce,
            "verifier": authorization.code_verifier,
            "at": int(time.time()),
        }
    )
    session[PENDING_KEY] = pending[-MAX_PENDING_SIGN_INS:]
    return redirect(authorization.url)


def _take_pending(state: str | None) -> dict | None:
    pending = _pending_sign_ins()
    found = next((entry for entry in pending if state and entry.get("state") == state), None)
    if found is not None:
        pending.remove(found)
    if pending:
        session[PENDING_KEY] = pending
    else:
        session.pop(PENDING_KEY, None)
    return found


def _organisation_claims(db, provider: ProviderConfig) -> tuple[str, ...]:
    """Claims the platform's organisation bindings read for this issuer: userinfo must be asked
    for them too, or a membership would be dropped because the ID token lacked the claim."""
    claims = db.exec(
        select(OrganisationProvider.claim).where(OrganisationProvider.issuer == provider.issuer)
    ).all()
    return tuple(sorted({claim for claim in claims if claim}))


@blueprint.get("/aanmelden/<key>/terug")
def callback(key: str):
    pending = _take_pending(request.args.get("state"))
    provider = find_provider(g.tenant, key)
    if provider is None:
        abort(404)
    if pending is None:
        return _refuse("state_mismatch", "no sign-in pending with this state", provider)
    if pending.get("tenant_id") != str(g.tenant.id) or pending.get("provider") != key:
        return _refuse("tenant_mismatch", f"started at tenant {pending.get('tenant_id')}", provider)
    if request.args.get("error"):
        detail = f"{request.args['error']}: {request.args.get('error_description', '')}"
        return _refuse("provider_error", detail, provider)
    db = db_session()
    try:
        claims, id_token = oidc.finish_sign_in(
            g.tenant.slug,
            provider,
            code=request.args.get("code", ""),
            redirect_uri=url_for("identity.callback", key=key, _external=True),
            nonce=pending.get("nonce", ""),
            code_verifier=pending.get("verifier", ""),
            signing_key=_signing_key(provider),
            extra_claims=_organisation_claims(db, provider),
        )
    except oidc.SignInRefused as refusal:
        return _refuse(refusal.reason, refusal.detail, provider)
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


def _refuse(reason: str, detail: str, provider: ProviderConfig):
    db = db_session()
    db.rollback()
    audit.record(
        db,
        action="signin.failed",
        object_type="provider",
        object_id=provider.key,
        detail={"reason": reason, "detail": detail[:500]},
    )
    db.commit()
    # The formatter adds the request id, which the person's page shows as the reference.
    current_app.logger.warning(
        "sign-in failed at tenant %s, provider %s (%s): %s: %s",
        g.tenant.slug,
        provider.key,
        provider.issuer,
        reason,
        detail[:500],
    )
    messages = {
        "state_mismatch": _("This sign-in link was already used or has expired. Start again."),
        "tenant_mismatch": _("This sign-in was started at another municipality. Start again here."),
        "issuer_mismatch": _("The sign-in service did not identify itself correctly."),
        "invalid_id_token": _("The sign-in service's answer could not be verified."),
        "userinfo_mismatch": _(
            "The sign-in service described a different person than the one who signed in."
        ),
        "provider_error": _("The sign-in service refused the sign-in."),
        "provider_unavailable": _(
            "The sign-in service cannot be reached right now. Try again later."
        ),
        "provider_misconfigured": _(
            "This sign-in service is not set up completely. Tell the municipality."
        ),
    }
    if reason in REFUSED_BY_PROVIDER:
        refused_by = "provider"
    elif reason in PROVIDER_UNREACHABLE:
        refused_by = "unreachable"
    else:
        refused_by = "platform"
    return render_template(
        "identity/refused.html",
        message=messages.get(reason, _("Signing in failed.")),
        reason=reason,
        refused_by=refused_by,
        provider_label=provider.label(current_language()),
        reference=g.get("request_id", ""),
    ), 400


@blueprint.post("/afmelden")
def sign_out():
    """End our session first, then (through a GET page) the provider's."""
    token = session_token(g.tenant.id)
    forget_token(g.tenant.id)
    session.pop(SIGN_OUT_KEY, None)
    if token is None:
        return redirect(url_for("identity.signed_out"), 303)
    db = db_session()
    ended = end_session(db, token)
    if ended is None:
        db.commit()
        return redirect(url_for("identity.signed_out"), 303)
    audit.record(db, action="signout", object_type="user", object_id=ended.user_id)
    db.commit()
    provider = find_provider(g.tenant, ended.provider)
    if provider is None:
        return redirect(url_for("identity.signed_out"), 303)
    state = secrets.token_urlsafe(16)
    try:
        signing_key = _signing_key(provider)
    except Exception:  # the key cannot be opened: our session has ended all the same
        signing_key = None
    url = oidc.end_session_url(
        g.tenant.slug,
        provider,
        id_token=ended.id_token,
        after=url_for("identity.signed_out", _external=True),
        state=state,
        signing_key=signing_key,
    )
    if url is None or not is_origin(_origin_of(url)):
        return redirect(url_for("identity.signed_out"), 303)
    session[SIGN_OUT_KEY] = {
        "tenant_id": str(g.tenant.id),
        "provider": provider.key,
        "url": url,
        "state": state,
    }
    return redirect(url_for("identity.sign_out_at_provider"), 303)


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _pending_sign_out() -> dict | None:
    pending = session.get(SIGN_OUT_KEY)
    if not isinstance(pending, dict) or pending.get("tenant_id") != str(g.tenant.id):
        return None
    return pending


@blueprint.get("/afmelden/aanbieder")
def sign_out_at_provider():
    """Send the browser on to the provider's end-session endpoint.

    A page rather than a redirect: the redirect chain of the sign-out form's POST is held to the
    submitting page's ``form-action 'self'``, and Chromium cancels it at the provider's origin.
    This page refreshes to the provider at once; its button is a GET form whose action this
    response's policy allows — that provider's origin only, not ``form-action *``.
    """
    pending = _pending_sign_out()
    if pending is None or g.user is not None:
        return redirect(url_for("identity.signed_out"))
    provider = find_provider(g.tenant, pending.get("provider", ""))
    parts = urlsplit(pending["url"])
    origin = _origin_of(pending["url"])
    response = make_response(
        render_template(
            "identity/sign_out_at_provider.html",
            end_session_url=pending["url"],
            form_action=urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")),
            form_fields=parse_qsl(parts.query, keep_blank_values=True),
            provider_label=provider.label(current_language()) if provider else origin,
        )
    )
    response.headers["Content-Security-Policy"] = policy_with_form_action(origin)
    # The end-session URL carries the ID token: no Referer to anyone, not even our own pages.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blueprint.get("/afgemeld")
def signed_out():
    """The post-logout redirect URI. Says "signed out" only when our session is gone, and "also at
    the provider" only when the provider came back with the state we sent it."""
    pending = _pending_sign_out()
    session.pop(SIGN_OUT_KEY, None)
    provider = find_provider(g.tenant, pending["provider"]) if pending else None
    returned_state = request.args.get("state", "")
    provider_confirmed = bool(
        pending and returned_state and secrets.compare_digest(returned_state, pending["state"])
    )
    return render_template(
        "identity/signed_out.html",
        still_signed_in=g.user is not None,
        provider_confirmed=provider_confirmed,
        provider_label=provider.label(current_language()) if provider else "",
    )


@blueprint.get("/oidc/jwks.json")
def jwks():
    """The tenant's public signing keys (``jwks_uri`` to register with a ``private_key_jwt``
    provider)."""
    db = db_session()
    keys = signing_keys.published_jwks(db, current_app.extensions["opvangplein.secret_box"])
    db.commit()
    response = jsonify(keys)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
