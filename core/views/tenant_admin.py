"""The tenant admin: enable plugins, edit theme and plugin settings at run time."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, request, url_for
from flask_babel import gettext as _

from core import audit
from core.identity.access import require_permission
from core.models import TenantPlugin
from core.rendering import render
from core.tenancy import SettingError, Theme, coerce_setting, effective_settings, plugin_row
from core.web import db_session, registry, tenant_directory, tenant_required

blueprint = Blueprint("tenant_admin", __name__, url_prefix="/beheer")
TEMPLATE = "admin/index.html"


blueprint.before_request(tenant_required)


def _plugin_rows() -> list[dict]:
    session = db_session()
    rows = []
    for name in registry().names:
        row = plugin_row(session, name)
        schema = _schema(name)
        rows.append(
            {
                "name": name,
                "manifest": registry().manifests[name],
                "enabled": bool(row and row.enabled),
                "schema": schema,
                "settings": effective_settings(schema, row.settings if row else {}),
            }
        )
    return rows


def _schema(name: str) -> list:
    return list(registry().manifests[name].settings)


def _page(status: int = 200, **context):
    context.setdefault("errors", {})
    context.setdefault("theme_form", g.tenant.theme)
    return render(
        TEMPLATE, block=context.pop("block", "content"), plugins=_plugin_rows(), **context
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
    enable = request.form.get("enabled") == "1"
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
        return _page(block="plugin_list")
    return redirect(url_for("tenant_admin.index"))


@blueprint.post("/thema")
@require_permission("core.admin")
def update_theme():
    submitted = {
        key: request.form.get(key, "").strip() for key in ("primary", "primary_text", "accent")
    }
    errors = {
        f"theme-{key}": _("Enter a colour as # followed by six hexadecimal digits, e.g. #1d4f91.")
        for key in Theme.validation_errors(submitted)
    }
    if errors:
        return _page(422, errors=errors, theme_form=submitted)
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


@blueprint.post("/modules/<name>/instellingen")
@require_permission("core.admin")
def update_settings(name: str):
    if name not in registry().manifests:
        abort(404)
    schema = _schema(name)
    values, errors = {}, {}
    for field in schema:
        raw = request.form.get(field.key, "false" if field.kind == "bool" else "")
        try:
            values[field.key] = coerce_setting(field, raw)
        except SettingError as error:
            errors[f"setting-{name}-{field.key}"] = _setting_message(error)
    if errors:
        return _page(422, errors=errors)
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


def _setting_message(error: SettingError) -> str:
    field = error.field
    messages = {
        "not_a_number": _("Enter a whole number."),
        "too_small": _("Enter %(minimum)s or more.", minimum=field.minimum),
        "too_large": _("Enter %(maximum)s or less.", maximum=field.maximum),
        "not_a_choice": _("Choose one of the options."),
        "too_long": _("Use at most 500 characters."),
    }
    return messages.get(str(error), _("This value is not valid."))
