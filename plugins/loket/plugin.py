"""Hook implementations of the loket plugin: Local childcare counter."""

from __future__ import annotations

from pathlib import Path

from core.hookspecs import hookimpl
from core.plugin_api import landing_blueprint
from core.plugin_types import DashboardCard, MenuItem, Permission, PluginManifest, SettingField

MANIFEST = PluginManifest(
    name="loket",
    title_nl="Lokaal Loket Kinderopvang",
    title_en="Local childcare counter",
    description_nl="Ouders melden hun opvangvraag, opvanglocaties hun vrije plaatsen; het loket wijst eerlijk toe.",
    description_en="Parents register their childcare need, providers their free places; the counter allocates fairly.",
)


@hookimpl
def plugin_manifest():
    return MANIFEST


HERE = Path(__file__).parent


@hookimpl
def register_migrations():
    return HERE / "migrations"


@hookimpl
def register_translations():
    return HERE / "translations"


@hookimpl
def register_blueprints():
    return [landing_blueprint(MANIFEST, url_prefix="/loket")]


@hookimpl
def declare_permissions():
    return [
        Permission(
            "loket.view", "Lokaal Loket Kinderopvang bekijken", "View Local childcare counter"
        ),
        Permission(
            "loket.manage", "Lokaal Loket Kinderopvang beheren", "Manage Local childcare counter"
        ),
    ]


@hookimpl
def settings_schema():
    return [
        SettingField(
            "max_preferences",
            "Maximum aantal voorkeurlocaties",
            "Maximum number of preferred locations",
            kind="int",
            default=5,
            minimum=1,
            maximum=10,
        ),
        SettingField(
            "occasional_quota_percent",
            "Plaatsen vrijgehouden voor occasionele en dringende opvang (%)",
            "Places kept free for occasional and emergency care (%)",
            kind="int",
            default=5,
            minimum=0,
            maximum=50,
        ),
    ]


@hookimpl
def menu_items(tenant, user):
    from core.i18n import current_language

    return [MenuItem(label=MANIFEST.title(current_language()), endpoint="loket.index", order=10)]


@hookimpl
def dashboard_cards(tenant, user):
    from core.i18n import current_language

    language = current_language()
    return [
        DashboardCard(
            title=MANIFEST.title(language),
            body=MANIFEST.description(language),
            endpoint="loket.index",
            order=10,
        )
    ]
