"""Hook implementations of the networks plugin: Collaboration networks."""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.plugin_api import landing_blueprint
from core.plugin_types import DashboardCard, MenuItem, Permission, PluginManifest, SettingField

MANIFEST = PluginManifest(
    name="networks",
    title_nl="Samenwerkingsnetwerken",
    title_en="Collaboration networks",
    description_nl="Huis van het Kind en overleg kinderarmoede: leden, overleg, acties en sociale kaart.",
    description_en="Huis van het Kind and child-poverty consultation: members, meetings, actions and social map.",
)


@hookimpl
def plugin_manifest():
    return MANIFEST


@hookimpl
def register_blueprints():
    return [landing_blueprint(MANIFEST, url_prefix="/netwerken")]


@hookimpl
def declare_permissions():
    return [
        Permission(
            "networks.view", "Samenwerkingsnetwerken bekijken", "View Collaboration networks"
        ),
        Permission(
            "networks.manage", "Samenwerkingsnetwerken beheren", "Manage Collaboration networks"
        ),
    ]


@hookimpl
def settings_schema():
    return [
        SettingField(
            "directory_public",
            "Sociale kaart publiek tonen",
            "Show the social map publicly",
            kind="bool",
            default=True,
        ),
    ]


@hookimpl
def menu_items(tenant, user):
    from core.i18n import current_language

    return [MenuItem(label=MANIFEST.title(current_language()), endpoint="networks.index", order=50)]


@hookimpl
def dashboard_cards(tenant, user):
    from core.i18n import current_language

    language = current_language()
    return [
        DashboardCard(
            title=MANIFEST.title(language),
            body=MANIFEST.description(language),
            endpoint="networks.index",
            order=50,
        )
    ]
