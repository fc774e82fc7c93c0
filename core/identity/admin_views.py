"""Tenant admin pages for access: members and roles, organisations, identity providers, audit."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import func, select

from core import audit
from core.identity import invitations, outbound
from core.identity.access import require_permission
from core.identity.email_views import mail_invitation
from core.identity.models import (
    Membership,
    Organisation,
    OrganisationGrant,
    OrganisationMember,
    User,
)
from core.identity.providers import (
    AUTH_METHODS,
    ProviderConfig,
    ProviderConfigError,
    secret_context,
)
from core.identity.registration import client_registration
from core.models import AuditEntry, Tenant
from core.web import db_session, tenant_directory, tenant_required

blueprint = Blueprint("identity_admin", __name__, url_prefix="/beheer", template_folder="templates")
AUDIT_PAGE_SIZE = 50


blueprint.before_request(tenant_required)


def assignable_roles() -> list[str]:
    modules = sorted(g.enabled_plugins)
    return ["tenant_admin", *[f"staff:{name}" for name in modules], "parent", "starter"]


# -- members ---------------------------------------------------------------------------------


def _members_page(errors: dict | None = None, status: int = 200, invited: str = ""):
    db = db_session()
    rows = db.exec(
        select(Membership, User).join(User, User.id == Membership.user_id).order_by(User.name)
    ).all()
    return (
        render_template(
            "identity/admin_members.html",
            members=rows,
            invitations=invitations.pending(db),
            roles=assignable_roles(),
            errors=errors or {},
            invited=invited,
        ),
        status,
    )


@blueprint.get("/leden")
@require_permission("core.admin")
def members():
    return _members_page()


@blueprint.post("/leden")
@require_permission("core.admin")
def add_member():
    """Invite by e-mail: a single-use link goes to the address, its opener gets the roles.

    The address is not looked up: the answer is the same whether or not anyone on the platform
    uses it, and an account that merely claims the address gets nothing.
    """
    email = request.form.get("email", "").strip().lower()
    roles = [role for role in request.form.getlist("roles") if role in assignable_roles()]
    errors = {}
    if not email or "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        errors["new-email"] = _("Enter the e-mail address to send the invitation to.")
    if not roles:
        errors["new-roles"] = _("Choose at least one role.")
    if errors:
        return _members_page(errors, 422)
    db = db_session()
    _row, token = invitations.invite(db, email=email, roles=roles, invited_by=g.user.id)
    mail_invitation(db, g.tenant, email, token, sorted(set(roles)))
    db.commit()
    return _members_page(invited=email)


@blueprint.post("/leden/uitnodigingen/<uuid:invitation_id>/intrekken")
@require_permission("core.admin")
def withdraw_invitation(invitation_id: uuid.UUID):
    db = db_session()
    if invitations.withdraw(db, invitation_id) is None:
        abort(404)
    db.commit()
    return redirect(url_for("identity_admin.members"), 303)


@blueprint.post("/leden/<uuid:membership_id>")
@require_permission("core.admin")
def update_member(membership_id: uuid.UUID):
    db = db_session()
    membership = db.get(Membership, membership_id)
    if membership is None:
        abort(404)
    roles = sorted(role for role in request.form.getlist("roles") if role in assignable_roles())
    if (
        membership.user_id == g.user.id
        and "tenant_admin" not in roles
        and "tenant_admin" in membership.roles
    ):
        return _members_page(
            {f"member-{membership.id}": _("You cannot take away your own administrator role.")}, 422
        )
    before = list(membership.roles)
    membership.roles = roles
    db.add(membership)
    audit.record(
        db,
        action="member.roles_changed",
        object_type="user",
        object_id=membership.user_id,
        detail={"before": before, "after": roles},
    )
    db.commit()
    return redirect(url_for("identity_admin.members"))


# -- organisations ---------------------------------------------------------------------------


@blueprint.get("/organisaties")
@require_permission("core.admin")
def organisations():
    db = db_session()
    grants = {grant.organisation_id: grant for grant in db.exec(select(OrganisationGrant)).all()}
    rows = db.exec(select(Organisation).order_by(Organisation.name)).all()
    member_counts = dict(
        db.exec(
            select(OrganisationMember.organisation_id, func.count()).group_by(
                OrganisationMember.organisation_id
            )
        ).all()
    )
    return render_template(
        "identity/admin_organisations.html",
        organisations=rows,
        grants=grants,
        member_counts=member_counts,
        modules=sorted(g.enabled_plugins),
    )


@blueprint.post("/organisaties/<uuid:organisation_id>")
@require_permission("core.admin")
def grant_organisation(organisation_id: uuid.UUID):
    db = db_session()
    organisation = db.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    modules = sorted(
        module for module in request.form.getlist("modules") if module in g.enabled_plugins
    )
    grant = db.exec(
        select(OrganisationGrant).where(OrganisationGrant.organisation_id == organisation.id)
    ).first()
    before = list(grant.modules) if grant else []
    if modules:
        grant = grant or OrganisationGrant(organisation_id=organisation.id)
        grant.modules = modules
        db.add(grant)
    elif grant is not None:
        db.delete(grant)
    audit.record(
        db,
        action="organisation.access_changed",
        object_type="organisation",
        object_id=organisation.slug,
        detail={"before": before, "after": modules},
    )
    db.commit()
    return redirect(url_for("identity_admin.organisations"))


# -- identity providers ----------------------------------------------------------------------

SECRET_MAX_LENGTH = 1000


def provider_form(config: ProviderConfig) -> dict:
    data = config.public_dict()
    return {
        **data,
        "scopes": " ".join(data["scopes"]),
        "role_map": "\n".join(f"{claim} = {role}" for claim, role in data["role_map"].items()),
        "default_roles": " ".join(data["default_roles"]),
    }


def provider_from_form(form) -> dict:
    """The settings a tenant admin may set; a variable name for the secret is not one of them."""
    role_map = {}
    for line in form.get("role_map", "").splitlines():
        if "=" in line:
            claim, role = (part.strip() for part in line.split("=", 1))
            if claim:
                role_map[claim] = role
    return {
        "key": form.get("key", "").strip(),
        "label_nl": form.get("label_nl", "").strip() or "Aanmelden",
        "label_en": form.get("label_en", "").strip() or "Sign in",
        "issuer": form.get("issuer", "").strip().rstrip("/"),
        "client_id": form.get("client_id", "").strip(),
        "token_endpoint_auth_method": form.get("token_endpoint_auth_method", "").strip(),
        "scopes": form.get("scopes", "").split() or ["openid", "profile", "email"],
        "roles_claim": form.get("roles_claim", "").strip(),
        "role_map": role_map,
        "default_roles": form.get("default_roles", "").split(),
    }


def _secret_problem(secret: str) -> str | None:
    if len(secret) > SECRET_MAX_LENGTH:
        return _("The client secret is longer than %(max)s characters.", max=SECRET_MAX_LENGTH)
    if any(ord(character) < 32 or ord(character) == 127 for character in secret):
        return _("The client secret contains a control character (a tab, a new line…).")
    return None


def _issuer_reachability_problem(issuer: str) -> str | None:
    try:
        outbound.check_url_for_this_platform(issuer)
    except outbound.OutboundRefused as refusal:
        return _("The platform will not contact this issuer: %(why)s", why=str(refusal))
    return None


def _with_secret(data: dict, existing: dict | None, form) -> tuple[dict, bool]:
    """``data`` with the secret it may use, and whether the secret changed.

    A typed secret is sealed for this tenant, key and issuer. Without one, the stored secret
    (or the operator's variable) stays only while the issuer stays the same: a secret is never
    sent to an issuer it was not entered for."""
    typed = form.get("client_secret", "")
    if typed:
        box = current_app.extensions["opvangplein.secret_box"]
        context = secret_context(str(g.tenant.id), data["key"], data["issuer"])
        return {**data, "client_secret_sealed": box.seal(typed, context=context)}, True
    keeps = (
        existing is not None
        and existing.get("issuer", "").rstrip("/") == data["issuer"]
        and not form.get("clear_client_secret")
    )
    if not keeps:
        had_secret = bool(
            existing and (existing.get("client_secret_sealed") or existing.get("client_secret_env"))
        )
        return data, had_secret
    kept = {
        name: existing[name]
        for name in ("client_secret_sealed", "client_secret_env")
        if existing.get(name)
    }
    return {**data, **kept}, False


def _providers_page(error: str | None = None, form: dict | None = None, status: int = 200):
    configured = []
    for data in g.tenant.identity_providers or []:
        try:
            config = ProviderConfig.from_dict(data, tenant_id=str(g.tenant.id))
            configured.append((provider_form(config), None))
        except ProviderConfigError as problem:
            shown = {k: v for k, v in data.items() if k != "client_secret_sealed"}
            configured.append((shown, str(problem)))
    return (
        render_template(
            "identity/admin_providers.html",
            providers=configured,
            error=error,
            form={k: v for k, v in (form or {}).items() if k != "client_secret"},
            roles_hint=assignable_roles(),
            auth_methods=AUTH_METHODS,
            registration=lambda key: client_registration(g.tenant, key),
        ),
        status,
    )


@blueprint.get("/aanmelden")
@require_permission("core.admin")
def providers():
    return _providers_page()


@blueprint.post("/aanmelden")
@require_permission("core.admin")
def save_provider():
    data = provider_from_form(request.form)
    problem = _secret_problem(request.form.get("client_secret", ""))
    try:
        ProviderConfig.from_dict(data, tenant_id=str(g.tenant.id))
    except ProviderConfigError as invalid:
        problem = problem or str(invalid)
    problem = problem or _issuer_reachability_problem(data["issuer"])
    if problem:
        return _providers_page(problem, request.form.to_dict(), 422)
    db = db_session()
    tenant = db.get(Tenant, g.tenant.id)
    existing = next(
        (entry for entry in tenant.identity_providers if entry.get("key") == data["key"]), None
    )
    data, secret_changed = _with_secret(data, existing, request.form)
    config = ProviderConfig.from_dict(data, tenant_id=str(g.tenant.id))
    others = [entry for entry in tenant.identity_providers if entry.get("key") != config.key]
    tenant.identity_providers = [*others, config.to_dict()]
    db.add(tenant)
    audit.record(
        db,
        action="provider.saved",
        object_type="provider",
        object_id=config.key,
        detail={**config.public_dict(), "client_secret_changed": secret_changed},
    )
    db.commit()
    tenant_directory().forget()
    return redirect(url_for("identity_admin.providers"))


@blueprint.post("/aanmelden/<key>/verwijderen")
@require_permission("core.admin")
def delete_provider(key: str):
    db = db_session()
    tenant = db.get(Tenant, g.tenant.id)
    remaining = [entry for entry in tenant.identity_providers if entry.get("key") != key]
    if len(remaining) == len(tenant.identity_providers):
        abort(404)
    tenant.identity_providers = remaining
    db.add(tenant)
    audit.record(db, action="provider.deleted", object_type="provider", object_id=key)
    db.commit()
    tenant_directory().forget()
    return redirect(url_for("identity_admin.providers"))


# -- audit -----------------------------------------------------------------------------------

AUDIT_FILTERS = {
    "signin": "signin.",
    "members": "member.",
    "organisations": "organisation.",
    "modules": "plugin.",
    "providers": "provider.",
}


@blueprint.get("/audit")
@require_permission("core.audit")
def audit_log():
    db = db_session()
    chosen = request.args.get("soort", "")
    try:
        page = max(1, int(request.args.get("pagina", "1")))
    except ValueError:
        page = 1
    statement = select(AuditEntry)
    if chosen in AUDIT_FILTERS:
        statement = statement.where(AuditEntry.action.startswith(AUDIT_FILTERS[chosen]))
    total = db.exec(select(func.count()).select_from(statement.subquery())).one()
    entries = db.exec(
        statement.order_by(AuditEntry.at.desc())
        .offset((page - 1) * AUDIT_PAGE_SIZE)
        .limit(AUDIT_PAGE_SIZE)
    ).all()
    return render_template(
        "identity/admin_audit.html",
        entries=entries,
        filters=AUDIT_FILTERS,
        chosen=chosen,
        page=page,
        pages=max(1, -(-total // AUDIT_PAGE_SIZE)),
    )
