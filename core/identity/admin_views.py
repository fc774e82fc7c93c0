"""Tenant admin pages for access: members and roles, organisations, identity providers, audit."""

from __future__ import annotations

import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlmodel import func, select

from core import audit
from core.admin_words import AUDIT_FILTER_LABELS, actor_names
from core.i18n import current_language
from core.identity import invitations, outbound
from core.identity.access import require_permission
from core.identity.email_views import mail_invitation
from core.identity.forms import (
    AuditFilterForm,
    InvitationForm,
    MemberRolesForm,
    OrganisationGrantForm,
    ProviderForm,
    stored_provider_form,
    with_role_choices,
)
from core.identity.models import (
    Membership,
    Organisation,
    OrganisationGrant,
    OrganisationMember,
    User,
)
from core.identity.partner_staff import partner_staff
from core.identity.providers import (
    ProviderConfig,
    ProviderConfigError,
    secret_context,
)
from core.identity.registration import client_registration
from core.models import AuditEntry, Tenant
from core.web import db_session, registry, tenant_directory, tenant_required

blueprint = Blueprint("identity_admin", __name__, url_prefix="/beheer", template_folder="templates")
AUDIT_PAGE_SIZE = 50


blueprint.before_request(tenant_required)


def assignable_roles() -> list[str]:
    modules = sorted(g.enabled_plugins)
    return ["tenant_admin", *[f"staff:{name}" for name in modules], "parent", "starter"]


# -- members ---------------------------------------------------------------------------------


def _members_page(
    form: InvitationForm | None = None,
    status: int = 200,
    invited: str = "",
    errors: dict | None = None,
):
    db = db_session()
    rows = db.exec(
        select(Membership, User).join(User, User.id == Membership.user_id).order_by(User.name)
    ).all()
    return (
        render_template(
            "identity/admin_members.html",
            members=rows,
            invitations=invitations.pending(db),
            partners=partner_staff(db),
            module_titles=_module_titles(),
            roles=assignable_roles(),
            form=form or _invitation_form(),
            errors=errors or {},
            invited=invited,
        ),
        status,
    )


def _module_titles() -> dict[str, str]:
    dutch = current_language() == "nl"
    return {
        name: manifest.title_nl if dutch else manifest.title_en
        for name, manifest in registry().manifests.items()
    }


def _invitation_form() -> InvitationForm:
    return with_role_choices(InvitationForm(), assignable_roles())


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
    form = _invitation_form()
    if not form.validate_on_submit():
        return _members_page(form, 422)
    email, roles = form.email.data, form.roles.data
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
    form = with_role_choices(MemberRolesForm(), assignable_roles())
    form.validate()  # values outside the offered roles are dropped, never refused
    roles = sorted(form.roles.data)
    if (
        membership.user_id == g.user.id
        and "tenant_admin" not in roles
        and "tenant_admin" in membership.roles
    ):
        return _members_page(
            status=422,
            errors={
                f"member-{membership.id}": _("You cannot take away your own administrator role.")
            },
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


@blueprint.post("/leden/<uuid:membership_id>/verwijderen")
@require_permission("core.admin")
def remove_member(membership_id: uuid.UUID):
    """Take away every role a person has here. Destructive, so the button sits behind a second
    step and the request must carry ``confirm=yes``; without it nothing changes (422)."""
    db = db_session()
    membership = db.get(Membership, membership_id)
    if membership is None:
        abort(404)
    problem = None
    if membership.user_id == g.user.id:
        problem = _("You cannot remove yourself; another administrator can.")
    elif request.form.get("confirm") != "yes":
        problem = _("Confirm that you want to remove this member: nothing was changed.")
    if problem:
        return _members_page(status=422, errors={f"member-{membership.id}": problem})
    user = db.get(User, membership.user_id)
    audit.record(
        db,
        action="member.removed",
        object_type="user",
        object_id=membership.user_id,
        detail={"roles": sorted(set(membership.roles))},
    )
    db.delete(membership)
    db.commit()
    flash(_("%(who)s is no longer a member.", who=(user.name or user.email) if user else "—"))
    return redirect(url_for("identity_admin.members"), 303)


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
    form = OrganisationGrantForm()
    form.modules.choices = [(module, module) for module in sorted(g.enabled_plugins)]
    form.validate()  # modules not enabled here are dropped, never granted
    modules = sorted(form.modules.data)
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


def provider_form(config: ProviderConfig) -> dict:
    data = config.public_dict()
    return {
        **data,
        "scopes": " ".join(data["scopes"]),
        "role_map": "\n".join(f"{claim} = {role}" for claim, role in data["role_map"].items()),
        "default_roles": " ".join(data["default_roles"]),
    }


def _issuer_reachability_problem(issuer: str) -> str | None:
    try:
        outbound.check_url_for_this_platform(issuer)
    except outbound.OutboundRefused as refusal:
        return _("The platform will not contact this issuer: %(why)s", why=str(refusal))
    return None


def _with_secret(data: dict, existing: dict | None, form: ProviderForm) -> tuple[dict, bool]:
    """``data`` with the secret it may use, and whether the secret changed.

    A typed secret is sealed for this tenant, key and issuer. Without one, the stored secret
    (or the operator's variable) stays only while the issuer stays the same: a secret is never
    sent to an issuer it was not entered for."""
    typed = form.client_secret.data or ""
    if typed:
        box = current_app.extensions["opvangplein.secret_box"]
        context = secret_context(str(g.tenant.id), data["key"], data["issuer"])
        return {**data, "client_secret_sealed": box.seal(typed, context=context)}, True
    keeps = (
        existing is not None
        and existing.get("issuer", "").rstrip("/") == data["issuer"]
        and not form.clear_client_secret.data
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


def _providers_page(form: ProviderForm | None = None, status: int = 200):
    configured = []
    for index, data in enumerate(g.tenant.identity_providers or [], start=1):
        try:
            config = ProviderConfig.from_dict(data, tenant_id=str(g.tenant.id))
            values, problem = provider_form(config), None
        except ProviderConfigError as invalid:
            values = {k: v for k, v in data.items() if k != "client_secret_sealed"}
            problem = str(invalid)
        configured.append((stored_provider_form(values, f"provider-{index}"), values, problem))
    return (
        render_template(
            "identity/admin_providers.html",
            providers=configured,
            form=form or ProviderForm(formdata=None).with_ids("new"),
            roles_hint=assignable_roles(),
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
    form = ProviderForm().with_ids("new")
    if not form.validate_on_submit():
        return _providers_page(form, 422)
    data = form.provider_data()
    try:
        ProviderConfig.from_dict(data, tenant_id=str(g.tenant.id))
    except ProviderConfigError as invalid:
        form.fail(invalid.field_name or "key", str(invalid))
        return _providers_page(form, 422)
    problem = _issuer_reachability_problem(data["issuer"])
    if problem:
        form.fail("issuer", problem)
        return _providers_page(form, 422)
    db = db_session()
    tenant = db.get(Tenant, g.tenant.id)
    existing = next(
        (entry for entry in tenant.identity_providers if entry.get("key") == data["key"]), None
    )
    data, secret_changed = _with_secret(data, existing, form)
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


def audit_filters() -> dict[str, str]:
    """The core's categories, then one per module enabled here: a module's audit actions are
    named ``<module>.<what>``, so its manifest's name is its category (no list in the core)."""
    filters = dict(AUDIT_FILTERS)
    for name in sorted(g.enabled_plugins):
        if name in registry().manifests and name not in filters:
            filters[name] = f"{name}."
    return filters


def _audit_filter_labels(filters: dict[str, str]) -> dict[str, str]:
    dutch = current_language() == "nl"
    labels = {key: AUDIT_FILTER_LABELS.get(key, key) for key in filters}
    for name, manifest in registry().manifests.items():
        if name in labels:
            labels[name] = manifest.title_nl if dutch else manifest.title_en
    return labels


@blueprint.get("/audit")
@require_permission("core.audit")
def audit_log():
    db = db_session()
    filters = audit_filters()
    # A GET form: the filter is read from the query string; a bad value shows everything.
    form = AuditFilterForm(request.args)
    form.soort.choices = [(key, key) for key in filters]
    form.validate()
    chosen, page = form.chosen(), form.page()
    statement = select(AuditEntry)
    if chosen in filters:
        statement = statement.where(AuditEntry.action.startswith(filters[chosen]))
    total = db.exec(select(func.count()).select_from(statement.subquery())).one()
    entries = db.exec(
        statement.order_by(AuditEntry.at.desc())
        .offset((page - 1) * AUDIT_PAGE_SIZE)
        .limit(AUDIT_PAGE_SIZE)
    ).all()
    return render_template(
        "identity/admin_audit.html",
        entries=entries,
        actors=actor_names(
            db,
            [e.actor for e in entries]
            + [e.on_behalf_of for e in entries if e.on_behalf_of]
            + [f"user:{e.object_id}" for e in entries if e.object_type == "user"],
        ),
        filters=filters,
        filter_labels=_audit_filter_labels(filters),
        chosen=chosen,
        page=page,
        pages=max(1, -(-total // AUDIT_PAGE_SIZE)),
    )
