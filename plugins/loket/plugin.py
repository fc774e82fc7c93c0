"""Hook implementations of the loket plugin: Local childcare counter."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from core.hookspecs import hookimpl
from core.plugin_types import (
    DashboardCard,
    Figure,
    LocationSummary,
    LoketParticipation,
    MenuItem,
    Permission,
    PluginManifest,
    SettingField,
)

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
    from plugins.loket.views import blueprint

    return [blueprint]


@hookimpl
def declare_permissions():
    return [
        Permission(
            "loket.request",
            "Een opvangvraag indienen en opvolgen",
            "Register and follow a childcare request",
            roles=("parent",),
            # The parent acts for their own family (answers a proposal): no admin does that for them.
            personal=True,
        ),
        Permission(
            "loket.manage",
            "Lokaal Loket Kinderopvang beheren: werklijst, rondes, monitoring",
            "Manage the local childcare counter: work list, rounds, monitoring",
            roles=("staff",),
        ),
        Permission(
            "loket.places",
            "Vrije plaatsen melden en voorstellen beantwoorden (eigen locaties)",
            "Report free places and answer proposals (own locations)",
            roles=("partner",),
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
        SettingField(
            "retention_years",
            "Na hoeveel jaar een afgesloten opvangvraag geanonimiseerd wordt",
            "Years after which a closed request is anonymised",
            kind="int",
            default=3,
            minimum=1,
            maximum=20,
        ),
        SettingField(
            "allocation_mode",
            "Toewijzing: enkel in rondes, of ook meteen wanneer een plaats vrijkomt",
            "Allocation: in rounds only, or also at once when a place frees up",
            kind="choice",
            default="rounds",
            choices=("rounds", "continuous"),
            choice_labels=(
                ("Enkel in rondes", "In rounds only"),
                ("Ook meteen wanneer een plaats vrijkomt", "Also at once when a place frees up"),
            ),
        ),
        # Modest by default: every demo row multiplies the route probe's work (it tries each id
        # on each route). The demo tenants set 300 for a realistic dashboard.
        SettingField(
            "demo_requests",
            "Aantal demo-aanvragen",
            "Number of demo requests",
            kind="int",
            default=40,
            minimum=0,
            maximum=2000,
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


@contextmanager
def _session(tenant):
    """The request's session when the hook runs inside a request of ``tenant``; otherwise a
    read-only session of its own (the core passes no session to these hooks)."""
    from flask import current_app, g, has_request_context

    from core.web import db_session

    if has_request_context() and g.get("tenant") is not None and g.tenant.id == tenant.id:
        yield db_session()
        return
    with current_app.extensions["opvangplein.db"].session(tenant.id) as session:
        yield session


@hookimpl
def monitoring_figures(tenant, session):
    from datetime import date

    from plugins.loket.monitoring import dashboard_figures

    figures = dashboard_figures(session, today=date.today())
    free_places = sum(value for _, value in figures.tables["free_places"])
    return [
        Figure(key="loket.open_requests", label="Open opvangvragen", value=figures.open_requests),
        Figure(key="loket.placed", label="Geplaatste kinderen", value=figures.placed),
        Figure(key="loket.free_places", label="Vrije plaatsen", value=free_places),
        Figure(
            key="loket.vulnerable_placed_share",
            label="Kwetsbare gezinnen geplaatst",
            value=figures.vulnerable_placed_share or 0,
            unit="%",
            combine="mean",
        ),
    ]


@hookimpl
def childcare_locations(tenant):
    from sqlmodel import select

    from plugins.loket.models import Location, LocationCapacity

    with _session(tenant) as session:
        capacity: dict = {}
        for row in session.exec(select(LocationCapacity)):
            capacity[row.location_id] = capacity.get(row.location_id, 0) + row.places
        locations = list(session.exec(select(Location).order_by(Location.name)))
    return [
        LocationSummary(
            id=location.id,
            name=location.name,
            address=location.address,
            postcode=location.postcode,
            kind=location.kind,
            provider_organisation_id=location.provider_organisation_id,
            capacity=capacity.get(location.id, 0),
        )
        for location in locations
    ]


@hookimpl
def loket_participation(tenant, location_id):
    with _session(tenant) as session:
        return _participation(session, location_id)


def _participation(session, location_id):
    import sqlalchemy as sa
    from sqlmodel import select

    from plugins.loket.models import FreePlace, Location, Proposal

    location = session.get(Location, location_id)
    if location is None:
        return None
    reported = session.exec(
        select(
            sa.func.coalesce(sa.func.sum(FreePlace.places), 0), sa.func.max(FreePlace.reported_at)
        ).where(FreePlace.location_id == location_id)
    ).one()
    answered = session.exec(
        select(sa.func.count())
        .select_from(Proposal)
        .where(Proposal.location_id == location_id, Proposal.provider_decided_at.is_not(None))
    ).one()
    return LoketParticipation(
        joined=location.participates,
        free_places_reported=int(reported[0]),
        requests_answered=int(answered),
        last_update=reported[1].date() if reported[1] else None,
    )


@hookimpl
def register_cli_commands(cli):
    import click
    from flask import current_app
    from sqlmodel import select

    from core.models import Tenant
    from core.tenancy import enabled_plugins

    @cli.group("loket")
    def loket_cli():
        """The local childcare counter."""

    @loket_cli.command("remind")
    def remind():
        """Queue reminders for info sessions that start within two days (run from cron)."""
        from plugins.loket.info_sessions import send_reminders

        database = current_app.extensions["opvangplein.db"]
        with database.session() as lookup:
            tenants = list(lookup.exec(select(Tenant).where(Tenant.active)))
        for tenant in tenants:
            with database.tenant_session(tenant.id) as session:
                if "loket" in enabled_plugins(session):
                    click.echo(f"{tenant.slug}: {send_reminders(session)} reminders")

    @loket_cli.command("expire-proposals")
    def expire_proposals():
        """Expire proposals past their parent deadline and tell the parents (run from cron).

        In continuous allocation the freed places are offered to the next families at once.
        Running it twice changes nothing the second time.
        """
        from plugins.loket.continuous import expire_overdue_proposals

        database = current_app.extensions["opvangplein.db"]
        with database.session() as lookup:
            tenants = list(lookup.exec(select(Tenant).where(Tenant.active)))
        for tenant in tenants:
            with database.tenant_session(tenant.id) as session:
                if "loket" not in enabled_plugins(session):
                    continue
                expired, offered = expire_overdue_proposals(session, tenant)
                click.echo(
                    f"{tenant.slug}: {len(expired)} proposals expired, "
                    f"{len(offered)} places offered again"
                )

    @loket_cli.command("anonymise-closed")
    def anonymise_closed_requests():
        """Erase names and contacts of requests closed beyond the tenant's retention period
        (run from cron, e.g. nightly); the figures keep counting them."""
        from core.db import utcnow
        from plugins.loket.privacy import anonymise_closed
        from plugins.loket.tenant_settings import loket_settings

        database = current_app.extensions["opvangplein.db"]
        with database.session() as lookup:
            tenants = list(lookup.exec(select(Tenant).where(Tenant.active)))
        for tenant in tenants:
            with database.tenant_session(tenant.id) as session:
                if "loket" not in enabled_plugins(session):
                    continue
                years = loket_settings(session)["retention_years"]
                count = anonymise_closed(session, retention_years=years, now=utcnow())
                click.echo(f"{tenant.slug}: {count} closed requests anonymised ({years} years)")


@hookimpl
def on_event(event, session):
    """``training.childcare_needed`` becomes a draft request that loket staff complete, and
    ``ckg.referral_received`` is noted with the request handed on. Written through the
    announcer's session, so it commits or rolls back with the announcer."""
    from datetime import date

    from plugins.loket.ckg_hand_off import RECEIVED, record_receipt
    from plugins.loket.hand_off import NEEDED, draft_from_training

    if event.name == NEEDED:
        draft_from_training(session, event.payload, today=date.today())
    elif event.name == RECEIVED:
        record_receipt(session, event.payload)


@hookimpl
def export_subject_data(tenant, subject, session):
    from plugins.loket.privacy import export_subject

    return export_subject(session, subject)


@hookimpl
def erase_subject_data(tenant, subject, session):
    from plugins.loket.continuous import place_freed
    from plugins.loket.privacy import erase_subject

    changed, freed = erase_subject(session, subject)
    # A place proposed to the erased family moves on, as after any withdrawal.
    place_freed(session, tenant, freed, trigger="withdrawn")
    return changed


@hookimpl
def privacy_notice(tenant):
    from core.web import db_session
    from plugins.loket.privacy import privacy_notice as notice
    from plugins.loket.tenant_settings import loket_settings

    return notice(loket_settings(db_session())["retention_years"])


@hookimpl
def demo_data(tenant, session):
    from core.tenancy import effective_settings, plugin_row
    from plugins.loket.demo import load_demo_data

    row = plugin_row(session, "loket")
    values = effective_settings(settings_schema(), row.settings if row else {})
    load_demo_data(tenant, session, requests=values["demo_requests"])
