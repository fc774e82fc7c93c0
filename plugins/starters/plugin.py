"""Hook implementations of the starters plugin: Childcare starters."""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.plugin_api import landing_blueprint
from core.plugin_types import DashboardCard, MenuItem, Permission, PluginManifest, SettingField

MANIFEST = PluginManifest(
    name="starters",
    title_nl="Starters in de kinderopvang",
    title_en="Childcare starters",
    description_nl="Ondersteuning voor wie een kinderopvang opstart: maatregelen, aanvragen en panden.",
    description_en="Support for people starting a childcare facility: measures, applications and buildings.",
)


@hookimpl
def plugin_manifest():
    return MANIFEST


@hookimpl
def register_blueprints():
    return [landing_blueprint(MANIFEST, url_prefix="/starters")]


@hookimpl
def declare_permissions():
    return [
        Permission(
            "starters.view", "Starters in de kinderopvang bekijken", "View Childcare starters"
        ),
        Permission(
            "starters.manage", "Starters in de kinderopvang beheren", "Manage Childcare starters"
        ),
    ]


@hookimpl
def settings_schema():
    return [
        SettingField(
            "contact_email",
            "E-mailadres van het aanspreekpunt",
            "Contact point e-mail address",
            kind="str",
            default="",
        ),
    ]


@hookimpl
def menu_items(tenant, user):
    from core.i18n import current_language

    return [MenuItem(label=MANIFEST.title(current_language()), endpoint="starters.index", order=30)]


@hookimpl
def dashboard_cards(tenant, user):
    from core.i18n import current_language

    language = current_language()
    return [
        DashboardCard(
            title=MANIFEST.title(language),
            body=MANIFEST.description(language),
            endpoint="starters.index",
            order=30,
        )
    ]
