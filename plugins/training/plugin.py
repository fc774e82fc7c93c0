"""Hook implementations of the training plugin: Childcare worker training.

Training partners — schools, CVO's (adult education centres), VDAB — are partner organisations a
municipality grants the ``training`` module. They publish programmes and cohorts and guide
candidates from a first info session to a job as kinderbegeleider (childcare worker) or
onthaalouder (family childminder); the municipality's staff see the whole tenant and the figures.
"""

from __future__ import annotations

from datetime import timedelta

from core.hookspecs import hookimpl
from core.plugin_types import (
    DashboardCard,
    MenuItem,
    Permission,
    PluginManifest,
    ScheduledJob,
    SettingField,
)

MANIFEST = PluginManifest(
    name="training",
    title_nl="Opleiding kinderbegeleider",
    title_en="Childcare worker training",
    description_nl="Trajecten van kandidaat tot gekwalificeerde kinderbegeleider.",
    description_en="Pathways from candidate to qualified childcare worker.",
    blueprints=("plugins.training.views:blueprint",),
    migrations="migrations",
    translations="translations",
    templates="templates",
    static="static",
    cli=("plugins.training.cli:training_cli",),
    jobs=(
        ScheduledJob(
            name="training.remind",
            run="plugins.training.jobs:remind",
            # Hourly, so a session planned less than two days ahead still gets its reminder.
            every=timedelta(hours=1),
            description="Remind seated people of info sessions within two days, once each.",
        ),
    ),
    permissions=(
        # Staff see the whole municipality; partners only their own organisation's rows.
        Permission(
            "training.manage",
            "Opleidingen, groepen, kandidaten, infosessies en vormingen beheren",
            "Manage programmes, cohorts, candidates, info sessions and courses",
            roles=("staff", "partner"),
        ),
        Permission(
            "training.figures",
            "Cijfers en prognose van de opleidingstrajecten inzien",
            "View the figures and forecast of the training pathways",
            roles=("staff", "partner"),
        ),
        Permission(
            "training.follow",
            "De eigen inschrijvingen en het eigen traject volgen",
            "Follow one's own registrations and pathway",
            roles=("parent", "starter"),
            # One's own pathway: an admin manages candidates, never follows as one.
            personal=True,
        ),
    ),
    settings=(
        SettingField(
            "info_session_capacity",
            "Standaardcapaciteit van een infosessie",
            "Default capacity of an info session",
            kind="int",
            default=30,
            minimum=1,
            maximum=500,
        ),
    ),
)


@hookimpl
def plugin_manifest():
    return MANIFEST


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


@hookimpl
def on_event(event, session):
    from plugins.training.handoff import DRAFTED, record_loket_answer

    if event.name == DRAFTED:
        record_loket_answer(session, event.payload)


@hookimpl
def monitoring_figures(tenant, session):
    from datetime import date

    from plugins.training.report import monitoring_figures as figures

    return figures(session, today=date.today())


@hookimpl
def export_subject_data(tenant, subject, session):
    from plugins.training.privacy import export_subject

    return export_subject(session, subject)


@hookimpl
def erase_subject_data(tenant, subject, session):
    from plugins.training.privacy import erase_subject

    return erase_subject(session, subject)


@hookimpl
def demo_data(tenant, session):
    from plugins.training.demo import load_demo_data

    load_demo_data(tenant, session)


@hookimpl
def switch_off_warnings(tenant, session):
    from core.db import utcnow
    from plugins.training.switch_off import switch_off_warnings as warnings

    return warnings(session, utcnow())
