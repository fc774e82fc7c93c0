"""Platform admin screens: municipalities and partner organisations, without files or restarts.

Sign-in is per municipality, so these pages live in the admin area of whichever municipality the
platform admin signed in at (``/t/<slug>/beheer/platform/…`` or that municipality's own host).
Only a user marked ``is_platform_admin`` (``flask --app core users grant-admin``) reaches them: a
tenant admin gets 403. The work itself is done by :mod:`core.platform_onboarding`.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation

from core.crypto import SecretUnavailable
from core.forms import (
    BooleanField,
    EmailField,
    MultiCheckboxField,
    PlatformForm,
    SelectField,
    TextAreaField,
    TextField,
)
from core.i18n import current_language
from core.identity.email_views import mail_invitation
from core.identity.providers import issuer_problem
from core.platform_onboarding import (
    MunicipalityDetails,
    OnboardingRefused,
    OrganisationDetails,
    Problem,
    create_municipality,
    create_organisation,
    list_municipalities,
    list_organisations,
    municipality_details,
    parse_hosts,
    set_organisation_access,
    tenant_by_slug,
    update_municipality,
)
from core.rendering import render
from core.request_context import current_actor
from core.tenancy import SLUG_PATTERN
from core.tenant_files import ORGANISATION_KINDS
from core.web import database, registry, tenant_directory, tenant_required

blueprint = Blueprint("platform_admin", __name__, url_prefix="/beheer/platform")


@blueprint.before_request
def _platform_admins_only() -> None:
    tenant_required()
    if g.get("user") is None:
        abort(401)
    if not g.user.is_platform_admin:
        current_app.logger.info("platform admin page refused")
        abort(403)


# -- forms ----------------------------------------------------------------------------------


def _lower(value):
    # One address is one person: the invitation compares addresses in lower case.
    return value.lower() if isinstance(value, str) else value


def _slug_format(form, field) -> None:
    if field.data and not SLUG_PATTERN.match(field.data):
        raise StopValidation(
            _l("Use lower-case letters, digits and hyphens; start and end with a letter or digit.")
        )


class ModulesField(MultiCheckboxField):
    """The installed modules as checkboxes; a module that is not installed is named."""

    def pre_validate(self, form) -> None:
        known = {value for value, *_ in self.iter_choices()}
        unknown = sorted(value for value in self.data or () if value not in known)
        if unknown:
            raise StopValidation(_l("Unknown module: %(modules)s.", modules=", ".join(unknown)))


class MunicipalityForm(PlatformForm):
    name = TextField(_l("Name"), required=True, max_length=200, id="municipality-name")
    hosts = TextAreaField(
        _l("Host names, one per line"), max_length=2000, rows=3, id="municipality-hosts"
    )
    region = TextField(_l("Region"), max_length=100, id="municipality-region")
    contact_email = EmailField(_l("Contact e-mail address"), id="municipality-contact-email")
    modules = ModulesField(_l("Modules"), id="municipality-modules")
    active = BooleanField(_l("Active (citizens and staff can reach it)"), id="municipality-active")

    def details(self) -> MunicipalityDetails:
        return MunicipalityDetails(
            name=self.name.data,
            hosts=parse_hosts(self.hosts.data or ""),
            modules=tuple(sorted(set(self.modules.data or ()))),
            region=self.region.data or "",
            contact_email=self.contact_email.data or "",
            active=bool(self.active.data),
        )


class NewMunicipalityForm(MunicipalityForm):
    slug = TextField(
        _l("Short name (in the web address /t/…)"),
        required=True,
        max_length=63,
        validators=[_slug_format],
        id="municipality-slug",
    )
    sign_in_from = SelectField(
        _l("Sign-in services: start with those of"),
        required=False,
        id="municipality-sign-in-from",
    )
    first_admin_email = EmailField(
        _l("E-mail address of the first administrator"),
        required=True,
        id="municipality-first-admin",
        filters=[_lower],
    )

    def details(self) -> MunicipalityDetails:
        return MunicipalityDetails(**{**vars(super().details()), "active": True})


class OrganisationForm(PlatformForm):
    slug = TextField(
        _l("Short name"),
        required=True,
        max_length=63,
        validators=[_slug_format],
        id="organisation-slug",
    )
    name = TextField(_l("Name"), required=True, max_length=200, id="organisation-name")
    kind = SelectField(
        _l("Kind"),
        choices=[(kind, kind) for kind in sorted(ORGANISATION_KINDS)],
        id="organisation-kind",
    )
    issuer = TextField(
        _l("Issuer URL of its identity provider"),
        required=True,
        max_length=500,
        id="organisation-issuer",
    )
    claim = TextField(
        _l("Claim naming the organisation (only when that provider serves others too)"),
        max_length=200,
        id="organisation-claim",
    )
    value = TextField(_l("Value of that claim"), max_length=200, id="organisation-value")

    def details(self) -> OrganisationDetails:
        return OrganisationDetails(
            slug=self.slug.data,
            name=self.name.data,
            kind=self.kind.data,
            issuer=(self.issuer.data or "").rstrip("/"),
            claim=self.claim.data or "",
            value=self.value.data or "",
        )


class AccessForm(PlatformForm):
    municipality = SelectField(_l("Municipality"))
    modules = ModulesField(_l("Modules granted"))


def _module_titles() -> dict[str, str]:
    """Each installed module's name as people know it, in the reader's language."""
    language = current_language()
    return {name: registry().manifests[name].title(language) for name in registry().names}


def _module_choices() -> list[tuple[str, str]]:
    return list(_module_titles().items())


def _with_modules(form):
    form.modules.choices = _module_choices()
    return form


def _problem_message(problem: Problem) -> str:
    values = problem.values
    messages = {
        "slug_format": lambda: _(
            "Use lower-case letters, digits and hyphens; start and end with a letter or digit."
        ),
        "slug_taken": lambda: _(
            "The short name %(slug)s is already used by another municipality.", **values
        ),
        "host_format": lambda: _(
            "%(host)s is not a host name (like gent.opvangplein.be).", **values
        ),
        "host_platform": lambda: _(
            "%(host)s is the platform's own address; choose the municipality's own host.",
            **values,
        ),
        "host_taken": lambda: _("%(host)s already belongs to %(name)s.", **values),
        "host_conflict": lambda: _(
            "One of these host names was just taken by another municipality; check them and"
            " save again."
        ),
        "module_unknown": lambda: _("Unknown module: %(modules)s.", **values),
        "module_requires": lambda: _(
            "Also enable %(modules)s: the chosen modules need it.", **values
        ),
        "module_not_enabled": lambda: _(
            "%(modules)s is not enabled in this municipality; enable it there first.", **values
        ),
        "organisation_taken": lambda: _(
            "The short name %(slug)s is already used by another organisation.", **values
        ),
        "kind_unknown": lambda: _("Choose one of the options."),
        "unknown_municipality": lambda: _("Choose one of the options."),
        "issuer": lambda: _("Issuer URL: %(why)s", **values),
    }
    return messages[problem.code]()


def _fail(form: PlatformForm, refused: OnboardingRefused) -> None:
    for problem in refused.problems:
        form.fail(problem.field, _problem_message(problem))


def _reserved_hosts() -> tuple[str, ...]:
    return current_app.extensions["opvangplein.settings"].platform_hosts


# -- municipalities -------------------------------------------------------------------------


def _new_municipality_form(municipalities, formdata=False) -> NewMunicipalityForm:
    form = _with_modules(NewMunicipalityForm() if formdata else NewMunicipalityForm(formdata=None))
    form.sign_in_from.choices = [
        (item.tenant.slug, item.tenant.name)
        for item in municipalities
        if item.tenant.identity_providers
    ]
    return form


def _municipalities_page(form: NewMunicipalityForm | None = None, status: int = 200):
    municipalities = list_municipalities(database(), actor=current_actor())
    return (
        render(
            "platform_admin/municipalities.html",
            municipalities=municipalities,
            module_titles=_module_titles(),
            form=form or _new_municipality_form(municipalities),
        ),
        status,
    )


def _reseal(sealed: str, old_context: str, new_context: str) -> str:
    box = current_app.extensions["opvangplein.secret_box"]
    return box.seal(box.open(sealed, context=old_context), context=new_context)


@blueprint.get("/")
def index():
    return redirect(url_for("platform_admin.municipalities"))


@blueprint.get("/gemeenten")
def municipalities():
    return _municipalities_page()


@blueprint.post("/gemeenten")
def create():
    form = _new_municipality_form(
        list_municipalities(database(), actor=current_actor()), formdata=True
    )
    if not form.validate_on_submit():
        return _municipalities_page(form, 422)
    source = tenant_by_slug(database(), form.sign_in_from.data) if form.sign_in_from.data else None
    try:
        tenant = create_municipality(
            database(),
            registry(),
            form.slug.data,
            form.details(),
            first_admin_email=form.first_admin_email.data,
            invited_by=g.user.id,
            mail_invitation=mail_invitation,
            reserved_hosts=_reserved_hosts(),
            sign_in_from=source.id if source else None,
            reseal=_reseal,
        )
    except SecretUnavailable:
        form.fail(
            "sign_in_from",
            _("A secret of these sign-in services cannot be opened; enter it there again first."),
        )
        return _municipalities_page(form, 422)
    except OnboardingRefused as refused:
        _fail(form, refused)
        return _municipalities_page(form, 422)
    tenant_directory().forget()
    flash(
        _(
            "%(name)s is created. An invitation to administer it was sent to %(email)s.",
            name=tenant.name,
            email=form.first_admin_email.data,
        )
    )
    return redirect(url_for("platform_admin.municipalities"), 303)


def _edit_page(tenant, form: MunicipalityForm, status: int = 200):
    return render("platform_admin/municipality.html", municipality=tenant, form=form), status


def _tenant_or_404(slug: str):
    tenant = tenant_by_slug(database(), slug)
    if tenant is None:
        abort(404)
    return tenant


@blueprint.get("/gemeenten/<slug>")
def edit(slug: str):
    tenant = _tenant_or_404(slug)
    details = municipality_details(database(), tenant.id)
    data = {**vars(details), "hosts": "\n".join(details.hosts), "modules": list(details.modules)}
    return _edit_page(tenant, _with_modules(MunicipalityForm(formdata=None, data=data)))


@blueprint.post("/gemeenten/<slug>")
def update(slug: str):
    tenant = _tenant_or_404(slug)
    form = _with_modules(MunicipalityForm())
    if not form.validate_on_submit():
        return _edit_page(tenant, form, 422)
    if tenant.id == g.tenant.id and not form.active.data:
        # These pages live in this municipality: switching it off would lock the admin out.
        form.fail(
            "active",
            _(
                "You are signed in at %(name)s: switch it off from another municipality.",
                name=tenant.name,
            ),
        )
        return _edit_page(tenant, form, 422)
    try:
        update_municipality(
            database(), registry(), tenant.id, form.details(), reserved_hosts=_reserved_hosts()
        )
    except OnboardingRefused as refused:
        _fail(form, refused)
        return _edit_page(tenant, form, 422)
    tenant_directory().forget()
    flash(_("The changes to %(name)s are saved.", name=form.name.data))
    return redirect(url_for("platform_admin.municipalities"), 303)


# -- partner organisations ------------------------------------------------------------------


def _access_form() -> AccessForm:
    form = _with_modules(AccessForm())
    form.municipality.choices = [
        (overview.tenant.slug, overview.tenant.name)
        for overview in list_municipalities(database(), actor=current_actor())
    ]
    return form


def _organisations_page(
    form: OrganisationForm | None = None,
    status: int = 200,
    *,
    access_form: AccessForm | None = None,
    refused_for: uuid.UUID | None = None,
):
    municipalities = list_municipalities(database(), actor=current_actor())
    if access_form is not None:
        # The error summary links to the fields of the organisation's own form on the page.
        for field in access_form:
            field.id = f"access-{refused_for}-{field.name}"
    return (
        render(
            "platform_admin/organisations.html",
            organisations=list_organisations(database(), actor=current_actor()),
            names={overview.tenant.id: overview.tenant.name for overview in municipalities},
            slugs={overview.tenant.id: overview.tenant.slug for overview in municipalities},
            municipalities=municipalities,
            modules=registry().names,
            form=form or OrganisationForm(formdata=None),
            access_form=access_form,
            refused_for=refused_for,
        ),
        status,
    )


@blueprint.get("/organisaties")
def organisations():
    return _organisations_page()


@blueprint.post("/organisaties")
def create_partner():
    form = OrganisationForm()
    if not form.validate_on_submit():
        return _organisations_page(form, 422)
    try:
        organisation = create_organisation(
            database(), form.details(), issuer_problem=issuer_problem
        )
    except OnboardingRefused as refused:
        _fail(form, refused)
        return _organisations_page(form, 422)
    flash(_("%(name)s is added to the platform.", name=organisation.name))
    return redirect(url_for("platform_admin.organisations"), 303)


@blueprint.post("/organisaties/<uuid:organisation_id>/toegang")
def grant(organisation_id: uuid.UUID):
    form = _access_form()
    if not form.validate_on_submit():
        return _organisations_page(status=422, access_form=form, refused_for=organisation_id)
    tenant = _tenant_or_404(form.municipality.data)
    try:
        modules = set_organisation_access(
            database(), organisation_id, tenant.id, form.modules.data or ()
        )
    except LookupError:
        abort(404)
    except OnboardingRefused as refused:
        _fail(form, refused)
        return _organisations_page(status=422, access_form=form, refused_for=organisation_id)
    tenant_directory().forget()
    if modules:
        flash(_("Access in %(name)s is saved.", name=tenant.name))
    else:
        flash(_("Access in %(name)s is withdrawn.", name=tenant.name))
    return redirect(url_for("platform_admin.organisations"), 303)


@blueprint.post("/organisaties/<uuid:organisation_id>/toegang/<slug>/intrekken")
def withdraw(organisation_id: uuid.UUID, slug: str):
    tenant = _tenant_or_404(slug)
    try:
        set_organisation_access(database(), organisation_id, tenant.id, ())
    except LookupError:
        abort(404)
    flash(_("Access in %(name)s is withdrawn.", name=tenant.name))
    return redirect(url_for("platform_admin.organisations"), 303)
