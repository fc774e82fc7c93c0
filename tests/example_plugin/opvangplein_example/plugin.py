"""Hook implementations of the notice board; its parts are declared in the manifest."""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.plugin_types import DashboardCard, MenuItem, Permission, PluginManifest, SettingField

MANIFEST = PluginManifest(
    name="noticeboard",
    title_nl="Prikbord",
    title_en="Notice board",
    description_nl="Mededelingen van de gemeente voor ouders en partners.",
    description_en="The municipality's notices for parents and partners.",
    blueprints=("opvangplein_example.views:blueprint",),
    migrations="migrations",
    translations="translations",
    templates="templates",
    permissions=(
        Permission(
            "noticeboard.post",
            "Mededelingen op het prikbord zetten",
            "Put notices on the notice board",
            roles=("staff",),
        ),
    ),
    settings=(
        SettingField(
            "shown",
            "Aantal mededelingen op het prikbord",
            "Notices shown on the board",
            kind="int",
            default=10,
            minimum=1,
            maximum=50,
        ),
        SettingField(
            "on_dashboard",
            "De nieuwste mededeling op de startpagina tonen",
            "Show the newest notice on the start page",
            kind="bool",
            default=True,
        ),
    ),
)


@hookimpl
def plugin_manifest():
    return MANIFEST


@hookimpl
def menu_items(tenant, user):
    from core.i18n import current_language

    return [
        MenuItem(
            label=MANIFEST.title(current_language()),
            endpoint="noticeboard.board",
            order=80,
        ),
    ]


@hookimpl
def dashboard_cards(tenant, user):
    """The newest current notice on the start page, if the tenant wants it there."""
    from datetime import date

    from core.tenancy import plugin_settings
    from core.web import db_session
    from opvangplein_example import services

    session = db_session()
    if not plugin_settings(session, MANIFEST)["on_dashboard"]:
        return []
    notices = services.current_notices(session, today=date.today(), limit=1)
    if not notices:
        return []
    return [
        DashboardCard(
            title=notices[0].title,
            body=notices[0].body,
            endpoint="noticeboard.board",
            order=80,
        ),
    ]


@hookimpl
def demo_data(tenant, session):
    from datetime import date

    from opvangplein_example import services

    services.add_demo_notices(session, tenant_name=tenant.name, today=date.today())
