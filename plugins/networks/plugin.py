"""Hook implementations of the networks plugin: collaboration networks around families.

A municipality brings its partners together in a *Huis van het Kind* or a local consultation on
child poverty (*lokaal overleg kinderarmoede*): childcare, schools, OCMW, CKG, police, homework
support. Members are partner organisations (granted the ``networks`` module) or partners named
only here; they meet, agree actions, keep a social map (*sociale kaart*) for parents and
discuss families only under a pseudonymous case reference.
"""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.plugin_types import DashboardCard, MenuItem, Permission, PluginManifest, SettingField

MANIFEST = PluginManifest(
    name="networks",
    title_nl="Samenwerkingsnetwerken",
    title_en="Collaboration networks",
    description_nl="Huis van het Kind en overleg kinderarmoede: leden, overleg, acties en sociale kaart.",
    description_en="Huis van het Kind and child-poverty consultation: members, meetings, actions and social map.",
    blueprints=("plugins.networks.views:blueprint",),
    migrations="migrations",
    translations="translations",
    templates="templates",
    static="static",
    permissions=(
        # Partners see the networks their organisation is a member of (checked per network).
        Permission(
            "networks.view",
            "Samenwerkingsnetwerken bekijken waarvan je organisatie lid is",
            "View the collaboration networks your organisation is a member of",
            roles=("staff", "partner"),
        ),
        Permission(
            "networks.manage",
            "Samenwerkingsnetwerken beheren en leden toelaten",
            "Manage collaboration networks and admit members",
            roles=("staff",),
        ),
        # Only the tenant admin (who holds every permission) agrees to a cross-municipal network.
        Permission(
            "networks.regional",
            "Instemmen met een regionaal netwerk over gemeenten heen",
            "Agree to a regional network across municipalities",
            roles=(),
        ),
    ),
    settings=(
        SettingField(
            "directory_public",
            "Sociale kaart publiek tonen",
            "Show the social map publicly",
            kind="bool",
            default=True,
        ),
    ),
)


@hookimpl
def plugin_manifest():
    return MANIFEST


def _directory_is_public(tenant) -> bool:
    from plugins.networks.store import networks_settings

    with _session(tenant) as session:
        return bool(networks_settings(session)["directory_public"])


@hookimpl
def menu_items(tenant, user):
    from flask_babel import gettext as _

    from core.i18n import current_language
    from core.identity.access import can

    items = []
    if user is not None and can("networks.view"):
        items.append(
            MenuItem(label=MANIFEST.title(current_language()), endpoint="networks.index", order=50)
        )
    if (user is not None and can("networks.view")) or _directory_is_public(tenant):
        items.append(MenuItem(label=_("Social map"), endpoint="networks.directory", order=51))
    return items


@hookimpl
def dashboard_cards(tenant, user):
    from flask_babel import gettext as _

    from core.i18n import current_language
    from core.identity.access import can

    language = current_language()
    if user is not None and can("networks.view"):
        return [
            DashboardCard(
                title=MANIFEST.title(language),
                body=MANIFEST.description(language),
                endpoint="networks.index",
                order=50,
            )
        ]
    if _directory_is_public(tenant):
        return [
            DashboardCard(
                title=_("Social map"),
                body=_(
                    "Who helps families in %(tenant)s: services of the network partners.",
                    tenant=tenant.name,
                ),
                endpoint="networks.directory",
                order=50,
            )
        ]
    return []


def _session(tenant):
    """The request's session inside a request of ``tenant``, else a session of its own."""
    from contextlib import contextmanager

    from flask import current_app, g, has_request_context

    @contextmanager
    def opened():
        if has_request_context() and g.get("tenant") is not None and g.tenant.id == tenant.id:
            from core.web import db_session

            yield db_session()
            return
        with current_app.extensions["opvangplein.db"].tenant_session(tenant.id) as session:
            yield session

    return opened()


@hookimpl
def monitoring_figures(tenant, session):
    from datetime import date

    from plugins.networks.figures import network_figures

    return network_figures(session, today=date.today())


@hookimpl
def switch_off_warnings(tenant, session):
    """What the municipality loses when it switches networks off (issue 21)."""
    from datetime import date

    from flask_babel import gettext, ngettext
    from sqlmodel import func, select

    from plugins.networks.models import Meeting, NetworkAction
    from plugins.networks.services import UNFINISHED

    open_actions = session.exec(
        select(func.count())
        .select_from(NetworkAction)
        .where(NetworkAction.status.in_([str(status) for status in UNFINISHED]))
    ).one()
    planned = session.exec(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.held_on >= date.today(), Meeting.cancelled_at.is_(None))
    ).one()
    return [
        ngettext(
            "%(num)d open action can no longer be followed up.",
            "%(num)d open actions can no longer be followed up.",
            open_actions,
        ),
        ngettext(
            "%(num)d planned meeting disappears from the partners' view; the calendar "
            "invitations already sent stay in their agendas.",
            "%(num)d planned meetings disappear from the partners' view; the calendar "
            "invitations already sent stay in their agendas.",
            planned,
        ),
        gettext("Invited partner contacts and the public social map can no longer be reached."),
    ]


@hookimpl
def export_subject_data(tenant, subject, session):
    from plugins.networks.privacy import export_contacts

    return export_contacts(session, subject)


@hookimpl
def erase_subject_data(tenant, subject, session):
    from plugins.networks.privacy import erase_contacts

    return erase_contacts(session, subject)


@hookimpl
def demo_data(tenant, session):
    from plugins.networks.demo import load_demo_data

    load_demo_data(tenant, session)
