"""Hook implementations of the loket plugin: Local childcare counter."""

from __future__ import annotations

from datetime import timedelta

from core.hookspecs import hookimpl
from core.plugin_types import (
    DashboardCard,
    LocationSummary,
    LoketParticipation,
    MenuItem,
    Permission,
    PluginManifest,
    ScheduledJob,
    SettingField,
)

MANIFEST = PluginManifest(
    name="loket",
    title_nl="Lokaal Loket Kinderopvang",
    title_en="Local childcare counter",
    description_nl="Ouders melden hun opvangvraag, opvanglocaties hun vrije plaatsen; het loket wijst eerlijk toe.",
    description_en="Parents register their childcare need, providers their free places; the counter allocates fairly.",
    blueprints=("plugins.loket.views:blueprint",),
    migrations="migrations",
    translations="translations",
    templates="templates",
    cli=("plugins.loket.cli:loket_cli",),
    jobs=(
        ScheduledJob(
            name="loket.remind",
            run="plugins.loket.jobs:remind_info_sessions",
            every=timedelta(hours=1),
            description="Remind registrations of info sessions that start within two days, once.",
        ),
        ScheduledJob(
            name="loket.remind-deadlines",
            run="plugins.loket.jobs:remind_answer_deadlines",
            every=timedelta(hours=1),
            description="Remind parents once whose offer must be answered within two days.",
        ),
        # Often: an expired place waits for this run before it can move on.
        ScheduledJob(
            name="loket.expire-proposals",
            run="plugins.loket.jobs:expire_proposals",
            every=timedelta(minutes=5),
            description=(
                "Expire proposals past the provider's or the parent's deadline, tell the parents,"
                " offer the places again."
            ),
        ),
        ScheduledJob(
            name="loket.anonymise-closed",
            run="plugins.loket.jobs:anonymise_closed",
            every=timedelta(days=1),
            description="Erase names and contacts of requests closed beyond the retention period.",
        ),
    ),
    permissions=(
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
    ),
    settings=(
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
            "Vaste reserve per locatie voor occasionele en dringende opvang (% van de vergunde"
            " plaatsen; een locatie kan een eigen aantal krijgen)",
            "Standing reserve per location for occasional and emergency care (% of the licensed"
            " places; a location can have its own number)",
            kind="int",
            default=5,
            minimum=0,
            maximum=50,
        ),
        SettingField(
            "provider_answer_days",
            "Binnen hoeveel dagen een opvang een voorstel bevestigt of weigert",
            "Days within which a provider confirms or rejects a proposal",
            kind="int",
            default=5,
            minimum=1,
            maximum=30,
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
        SettingField(
            "open_data_public",
            "Monitoringcijfers openbaar als open data (JSON, kleine aantallen verborgen)",
            "Publish the monitoring figures as open data (JSON, small counts hidden)",
            kind="bool",
            default=False,
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
    ),
)


@hookimpl
def plugin_manifest():
    return MANIFEST


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


@hookimpl
def monitoring_figures(tenant, session):
    from datetime import date

    from plugins.loket.monitoring_figures import figures_for_region

    return figures_for_region(session, today=date.today())


@hookimpl
def unmet_demand_by_area(tenant, session):
    from datetime import date

    from plugins.loket.demand_by_area import demand_by_area

    return demand_by_area(session, today=date.today())


@hookimpl
def childcare_locations(tenant, session):
    from sqlmodel import select

    from plugins.loket.models import Location, LocationCapacity

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
def loket_participation(tenant, session, location_id):
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
def on_event(event, session):
    """``training.childcare_needed`` becomes a draft request that loket staff complete, and
    ``ckg.referral_received`` is noted with the request handed on, and
    ``ckg.deviation_advice_withdrawn`` removes the deviation that advice recorded. Written through the
    announcer's session, so it commits or rolls back with the announcer."""
    from datetime import date

    from plugins.loket.ckg_advice import WITHDRAWN, withdraw_advice
    from plugins.loket.ckg_hand_off import RECEIVED, record_receipt
    from plugins.loket.hand_off import NEEDED, draft_from_training

    if event.name == NEEDED:
        draft_from_training(session, event.payload, today=date.today())
    elif event.name == RECEIVED:
        record_receipt(session, event.payload)
    elif event.name == WITHDRAWN:
        withdraw_advice(session, event.payload)


@hookimpl
def childcare_deviation_advice(tenant, session, advice):
    from plugins.loket.ckg_advice import record_advice

    return record_advice(session, advice)


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
def privacy_notice(tenant, session):
    from plugins.loket.privacy import privacy_notice as notice
    from plugins.loket.tenant_settings import loket_settings

    return notice(loket_settings(session)["retention_years"])


@hookimpl
def demo_data(tenant, session):
    from core.tenancy import plugin_settings
    from plugins.loket.demo import load_demo_data

    requests = plugin_settings(session, MANIFEST)["demo_requests"]
    load_demo_data(tenant, session, requests=requests)


@hookimpl
def switch_off_warnings(tenant, session):
    from plugins.loket.switch_off import switch_off_warnings as warnings

    return warnings(session)
