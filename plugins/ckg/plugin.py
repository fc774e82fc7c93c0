"""Hook implementations of the ckg plugin: Centre for Childcare and Family Support."""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.plugin_api import landing_blueprint
from core.plugin_types import DashboardCard, MenuItem, Permission, PluginManifest, SettingField

MANIFEST = PluginManifest(
    name="ckg",
    title_nl="Centrum voor Kinderzorg en Gezinsondersteuning",
    title_en="Centre for Childcare and Family Support",
    description_nl="Gezinnen doorverwijzen naar een CKG: begeleiding thuis, dagbegeleiding, verblijf en crisisopvang.",
    description_en="Refer families to a CKG: home guidance, day guidance, stays and crisis care.",
)


@hookimpl
def plugin_manifest():
    return MANIFEST


@hookimpl
def register_blueprints():
    return [landing_blueprint(MANIFEST, url_prefix="/ckg")]


@hookimpl
def declare_permissions():
    return [
        Permission(
            "ckg.view",
            "Centrum voor Kinderzorg en Gezinsondersteuning bekijken",
            "View Centre for Childcare and Family Support",
        ),
        Permission(
            "ckg.manage",
            "Centrum voor Kinderzorg en Gezinsondersteuning beheren",
            "Manage Centre for Childcare and Family Support",
        ),
    ]


@hookimpl
def settings_schema():
    return [
        SettingField(
            "crisis_alert_minutes",
            "Binnen hoeveel minuten een crisisaanmelding opgevolgd moet zijn",
            "Minutes within which a crisis referral must be picked up",
            kind="int",
            default=60,
            minimum=5,
            maximum=1440,
        ),
    ]


@hookimpl
def menu_items(tenant, user):
    from core.i18n import current_language

    return [MenuItem(label=MANIFEST.title(current_language()), endpoint="ckg.index", order=20)]


@hookimpl
def dashboard_cards(tenant, user):
    from core.i18n import current_language

    language = current_language()
    return [
        DashboardCard(
            title=MANIFEST.title(language),
            body=MANIFEST.description(language),
            endpoint="ckg.index",
            order=20,
        )
    ]
