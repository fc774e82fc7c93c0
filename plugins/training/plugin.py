"""Hook implementations of the training plugin: Childcare worker training."""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.plugin_api import landing_blueprint
from core.plugin_types import DashboardCard, MenuItem, Permission, PluginManifest, SettingField

MANIFEST = PluginManifest(
    name="training",
    title_nl="Opleiding kinderbegeleider",
    title_en="Childcare worker training",
    description_nl="Trajecten van kandidaat tot gekwalificeerde kinderbegeleider.",
    description_en="Pathways from candidate to qualified childcare worker.",
)


@hookimpl
def plugin_manifest():
    return MANIFEST


@hookimpl
def register_blueprints():
    return [landing_blueprint(MANIFEST, url_prefix="/opleiding")]


@hookimpl
def declare_permissions():
    return [
        Permission(
            "training.view", "Opleiding kinderbegeleider bekijken", "View Childcare worker training"
        ),
        Permission(
            "training.manage",
            "Opleiding kinderbegeleider beheren",
            "Manage Childcare worker training",
        ),
    ]


@hookimpl
def settings_schema():
    return [
        SettingField(
            "info_session_capacity",
            "Standaardcapaciteit van een infosessie",
            "Default capacity of an info session",
            kind="int",
            default=30,
            minimum=1,
            maximum=500,
        ),
    ]


@hookimpl
def menu_items(tenant, user):
    from core.i18n import current_language

    return [MenuItem(label=MANIFEST.title(current_language()), endpoint="training.index", order=40)]


@hookimpl
def dashboard_cards(tenant, user):
    from core.i18n import current_language

    language = current_language()
    return [
        DashboardCard(
            title=MANIFEST.title(language),
            body=MANIFEST.description(language),
            endpoint="training.index",
            order=40,
        )
    ]
