"""The tenant admin: enable plugins, edit theme and plugin settings at run time."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, Response, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from core import audit
from core.i18n import current_language
from core.identity.access import require_permission
from core.models import TenantPlugin
from core.municipality_profile import HomeProfile
from core.rendering import announce, render
from core.tenancy import Theme, effective_settings, plugin_row
from core.tenant_logo import LogoRefused, redraw, remove_logo, replace_logo
from core.views.forms import (
    PAIR_LABELS,
    HomeProfileForm,
    LogoForm,
    PluginToggleForm,
    ThemeForm,
    format_ratio,
    settings_form,
)
from core.web import db_session, registry, tenant_directory, tenant_required

blueprint = Blueprint("tenant_admin", __name__, url_prefix="/beheer")
TEMPLATE = "admin/index.html"


blueprint.before_request(tenant_required)


def _plugin_rows(submitted_settings=None) -> list[dict]:
    """Each module with its settings form; ``submitted_settings`` is ``(name, form)`` of the
    form that was posted and refused, shown with what was typed."""
    session = db_session()
    rows = []
    for name in registry().names:
        row = plugin_row(session, name)
        schema = _schema(name)
        settings = effective_settings(schema, row.settings if row else {})
        if submitted_settings and submitted_settings[0] == name:
            form = submitted_settings[1]
        else:
            form = settings_form(name, schema, settings)
        rows.append(
            {
                "name": name,
                "manifest": registry().manifests[name],
                "enabled": bool(row and row.enabled),
                "schema": schema,
                "settings": settings,
                "settings_form": form,
            }
        )
    return rows


def _schema(name: str) -> list:
    return list(registry().manifests[name].settings)


def _preview(form: ThemeForm) -> dict | None:
    """The preview block's stylesheet address and pairs; none while a colour is malformed."""
    if form.pairs is None:
        return None
    colours = form.colours()
    pairs = {pair.name: pair for pair in form.pairs}
    colours["focus"] = pairs["focus_on_page"].foreground
    return {
        "stylesheet": url_for("tenant_admin.preview_css", **colours),
        "pairs": [
            (
                PAIR_LABELS[pair.name],
                pair,
                format_ratio(pair.ratio, pair.needed),
                format_ratio(pair.needed),
            )
            for pair in form.pairs
        ],
    }


@blueprint.get("/thema/voorbeeld.css")
@require_permission("core.admin")
def preview_css():
    """The preview's colours, set on ``.theme-preview`` only; each query parameter given once
    and ``#rrggbb`` exactly, so nothing a visitor typed reaches the stylesheet."""
    colours = {}
    for key in ThemeForm.COLOURS:
        values = request.args.getlist(key)
        if len(values) != 1 or not Theme.COLOUR.match(values[0]):
            return Response(
                _("Colours are written as #rrggbb: # and six hexadecimal digits."),
                status=400,
                mimetype="text/plain",
            )
        colours[key] = values[0]
    css = ".theme-preview {\n" + Theme(**colours).css_variables() + "}\n"
    return Response(css, mimetype="text/css", headers={"Cache-Control": "no-store"})


def _page(status: int = 200, *, submitted_settings=None, **context):
    context.setdefault("errors", {})
    context.setdefault("form", None)  # the refused form, for the error summary
    context.setdefault("switching_off", None)
    context.setdefault("preview", None)
    # The colours the pages wear, also those a tenant file left to the defaults.
    worn = dataclasses.asdict(Theme.from_dict(g.tenant.theme))
    context.setdefault("theme_form", ThemeForm(formdata=None, data=worn))
    context.setdefault("logo_form", LogoForm(formdata=None))
    context.setdefault(
        "home_form",
        HomeProfileForm(formdata=None, data=HomeProfile.from_theme(g.tenant.theme).as_dict()),
    )
    plugins = _plugin_rows(submitted_settings)
    return render(
        TEMPLATE, block=context.pop("block", "content"), plugins=plugins, **context
    ), status


@blueprint.get("/")
@require_permission("core.admin")
def index():
    return _page()


@blueprint.post("/modules/<name>")
@require_permission("core.admin")
def toggle_plugin(name: str):
    if name not in registry().manifests:
        abort(404)
    enable = PluginToggleForm().enable()
    session = db_session()
    enabled_now = {row["name"] for row in _plugin_rows() if row["enabled"]}
    message = None
    if enable:
        missing = registry().missing_requirements(name, enabled_now)
        if missing:
            message = _("Enable %(plugins)s first.", plugins=", ".join(missing))
    else:
        dependants = registry().dependants(name, enabled_now)
        if dependants:
            message = _(
                "First disable %(plugins)s, which need this module.", plugins=", ".join(dependants)
            )
    if message:
        return _page(409, errors={f"plugin-{name}": message}, block="plugin_list")
    if not enable and name in enabled_now and not PluginToggleForm().confirmed():
        # Switching off is a second step (issue 21): first say what stops working.
        return _page(
            block="plugin_list",
            switching_off=name,
            switch_off_warnings=_switch_off_warnings(session, name),
        )
    row = plugin_row(session, name) or TenantPlugin(plugin=name)
    row.enabled = enable
    session.add(row)
    audit.record(
        session,
        action="plugin.enabled" if enable else "plugin.disabled",
        object_type="plugin",
        object_id=name,
    )
    session.commit()
    tenant_directory().forget()
    g.enabled_plugins = frozenset((enabled_now | {name}) if enable else (enabled_now - {name}))
    if request.headers.get("HX-Request") == "true":
        title = registry().manifests[name].title(current_language())
        said = (
            _("%(module)s is switched on.", module=title)
            if enable
            else _("%(module)s is switched off.", module=title)
        )
        return announce(_page(block="plugin_list"), said)
    return redirect(url_for("tenant_admin.index"))


def _switch_off_warnings(session, name: str) -> list[str]:
    """What stops working when ``name`` is switched off here: its pages, then what it says."""
    warnings = [_("Its pages answer 404, also links that were already sent by mail.")]
    for answer in (
        registry().for_plugins({name}).switch_off_warnings(tenant=g.tenant, session=session)
    ):
        warnings.extend(str(sentence) for sentence in answer or ())
    return warnings


@blueprint.post("/thema")
@require_permission("core.admin")
def update_theme():
    form = ThemeForm()
    valid = form.validate_on_submit()
    if "preview" in request.form:
        # Shown, never saved: the proposed colours, their pairs and ratios, also when refused.
        return _page(
            200 if valid else 422,
            form=None if valid else form,
            theme_form=form,
            preview=_preview(form),
        )
    if not valid:
        return _page(422, form=form, theme_form=form)
    submitted = form.colours()
    session = db_session()
    tenant = session.merge(g.tenant)
    tenant.theme = {**tenant.theme, **submitted}
    session.add(tenant)
    audit.record(
        session,
        action="theme.updated",
        object_type="tenant",
        object_id=tenant.slug,
        detail=submitted,
    )
    session.commit()
    tenant_directory().forget()
    return redirect(url_for("tenant_admin.index"))


_LOGO_REFUSALS = {
    "not_an_image": lambda: _("Choose an image in PNG, JPEG or WebP."),
    "too_big": lambda: _("The file is too large: choose a logo of at most 2 MB."),
    "too_many_pixels": lambda: _("The image is too large: choose a logo of at most 40 megapixels."),
}


@blueprint.post("/logo")
@require_permission("core.admin")
def upload_logo():
    """The municipality's logo, re-drawn by the platform (core.tenant_logo) and shown at once."""
    form = LogoForm()
    if form.validate_on_submit():
        try:
            png = redraw(form.logo.data.read())
        except LogoRefused as refusal:
            form.logo.errors = [*form.logo.errors, _LOGO_REFUSALS[refusal.code]()]
    if form.errors or form.logo.errors:
        return _page(422, form=form, logo_form=form)
    session = db_session()
    tenant = session.merge(g.tenant)
    version = replace_logo(session, tenant.id, png)
    tenant.theme = {**tenant.theme, "logo_version": version}
    session.add(tenant)
    audit.record(session, action="theme.logo_updated", object_type="tenant", object_id=tenant.slug)
    session.commit()
    tenant_directory().forget()
    flash(_("The logo has been saved."), "success")
    return redirect(url_for("tenant_admin.index") + "#theme-heading")


@blueprint.post("/logo/verwijderen")
@require_permission("core.admin")
def delete_logo():
    session = db_session()
    tenant = session.merge(g.tenant)
    remove_logo(session)
    tenant.theme = {key: value for key, value in tenant.theme.items() if key != "logo_version"}
    session.add(tenant)
    audit.record(session, action="theme.logo_removed", object_type="tenant", object_id=tenant.slug)
    session.commit()
    tenant_directory().forget()
    flash(_("The logo has been removed."), "success")
    return redirect(url_for("tenant_admin.index") + "#theme-heading")


@blueprint.post("/thuispagina")
@require_permission("core.admin")
def update_home_profile():
    """The intro and contact block of the municipality's home page, kept in its theme."""
    form = HomeProfileForm()
    if not form.validate_on_submit():
        return _page(422, form=form, home_form=form)
    values = form.values()
    session = db_session()
    tenant = session.merge(g.tenant)
    tenant.theme = {**tenant.theme, "home": values}
    session.add(tenant)
    audit.record(
        session,
        action="home_profile.updated",
        object_type="tenant",
        object_id=tenant.slug,
        detail={"fields": sorted(key for key, value in values.items() if value)},
    )
    session.commit()
    tenant_directory().forget()
    flash(_("The home page has been saved."), "success")
    return redirect(url_for("tenant_admin.index") + "#home-heading")


@blueprint.post("/modules/<name>/instellingen")
@require_permission("core.admin")
def update_settings(name: str):
    if name not in registry().manifests:
        abort(404)
    form = settings_form(name, _schema(name), {}, submitted=True)
    if not form.validate_on_submit():
        return _page(422, form=form, submitted_settings=(name, form))
    values = form.values()
    session = db_session()
    row = plugin_row(session, name) or TenantPlugin(plugin=name)
    row.settings = values
    session.add(row)
    audit.record(
        session,
        action="plugin.settings_updated",
        object_type="plugin",
        object_id=name,
        detail=values,
    )
    session.commit()
    return redirect(url_for("tenant_admin.index"))
