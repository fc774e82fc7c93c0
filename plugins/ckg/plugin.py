"""Hook implementations of the ckg plugin: Centre for Childcare and Family Support.

A CKG (Centrum voor Kinderzorg en Gezinsondersteuning) is a partner organisation (kind ``ckg``)
that a municipality grants the ``ckg`` module. Referrers — schools, GPs, childcare providers,
public services (partners granted ``ckg``), municipal staff and parents — refer families to it.
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
    name="ckg",
    title_nl="Centrum voor Kinderzorg en Gezinsondersteuning",
    title_en="Centre for Childcare and Family Support",
    description_nl="Gezinnen doorverwijzen naar een CKG: begeleiding thuis, dagbegeleiding, verblijf en crisisopvang.",
    description_en="Refer families to a CKG: home guidance, day guidance, stays and crisis care.",
    append_only_tables=("ckg_access_log",),
    blueprints=("plugins.ckg.views:blueprint",),
    migrations="migrations",
    translations="translations",
    templates="templates",
    static="static",
    cli=("plugins.ckg.cli:ckg_cli",),
    permissions=(
        # Partners granted `ckg` (schools, GPs, childcare, OCMW/CAW), municipal staff of the
        # module and parents refer. Loket staff (staff:loket) are admitted too, in access.py:
        # a permission can only name this module's staff.
        Permission(
            "ckg.refer",
            "Een gezin doorverwijzen naar een CKG",
            "Refer a family to a CKG",
            roles=("staff", "partner", "parent"),
        ),
        # Only members of a CKG organisation itself work on referrals (checked per referral).
        Permission(
            "ckg.work",
            "Doorverwijzingen behandelen als medewerker van een CKG",
            "Handle referrals as a worker of a CKG",
            roles=("partner",),
        ),
        Permission(
            "ckg.access_log",
            "Het toegangslogboek van doorverwijzingen inzien",
            "Read the access log of referrals",
            roles=("partner",),
        ),
    ),
    jobs=(
        ScheduledJob(
            name="ckg.escalate-crises",
            run="plugins.ckg.escalation:escalate_crises",
            every=timedelta(minutes=1),
            description="Alert again, wider, for crisis referrals nobody received in time.",
        ),
        ScheduledJob(
            name="ckg.anonymise-closed",
            run="plugins.ckg.privacy:anonymise_closed_job",
            every=timedelta(days=1),
            description="Anonymise referrals closed beyond the municipality's retention period.",
        ),
    ),
    settings=(
        SettingField(
            "crisis_alert_minutes",
            "Binnen hoeveel minuten een crisisaanmelding opgevolgd moet zijn",
            "Minutes within which a crisis referral must be picked up",
            kind="int",
            default=60,
            minimum=5,
            maximum=1440,
        ),
        SettingField(
            "retention_years",
            "Na hoeveel jaar een afgesloten doorverwijzing geanonimiseerd wordt",
            "Years after which a closed referral is anonymised",
            kind="int",
            default=5,
            minimum=1,
            maximum=30,
        ),
    ),
)


@hookimpl
def plugin_manifest():
    return MANIFEST


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


# -- privacy ------------------------------------------------------------------------------------


@hookimpl
def export_subject_data(tenant, subject, session, requester):
    from core.plugin_types import SubjectRequester
    from plugins.ckg.privacy import export_pointer, export_subject

    if requester == SubjectRequester.SELF:
        return export_subject(session, subject)
    # The administrator never sees case content (README: who sees what): only where to ask.
    return export_pointer(session, subject)


@hookimpl
def erase_subject_data(tenant, subject, session):
    from core.db import utcnow
    from plugins.ckg.privacy import erase_subject

    return erase_subject(session, subject, utcnow())


@hookimpl
def erasure_holds(tenant, subject, session):
    from plugins.ckg.erasure_hold_reasons import open_holds

    return open_holds(session, subject)


@hookimpl
def consent_for_case(tenant, session, case_reference, participant_organisation_ids):
    from plugins.ckg.privacy import consent_record

    return consent_record(session, case_reference, participant_organisation_ids or ())


# -- events and figures -------------------------------------------------------------------------


@hookimpl
def on_event(event, session):
    from plugins.ckg.handoff import REQUESTED, receive_loket_hand_off

    if event.name == REQUESTED:
        receive_loket_hand_off(session, event.payload)


@hookimpl
def monitoring_figures(tenant, session):
    from plugins.ckg.figures import monitoring_figures as figures

    return figures(session)


@hookimpl
def privacy_notice(tenant, session):
    from plugins.ckg.privacy import privacy_notice as notice
    from plugins.ckg.store import ckg_settings

    return notice(ckg_settings(session)["retention_years"])


@hookimpl
def demo_data(tenant, session):
    from plugins.ckg.demo import load_demo_data

    load_demo_data(tenant, session)


@hookimpl
def switch_off_warnings(tenant, session):
    from plugins.ckg.switch_off import switch_off_warnings as warnings

    return warnings(session)
