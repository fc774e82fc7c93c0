"""Value types that cross the hook boundary between the core and plugins."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PluginManifest:
    """What a plugin is and which parts it brings; the core registers every part declared here.

    Paths (``migrations``, ``translations``, ``templates``, ``static``) are relative to the
    plugin's folder: the directory of the module that implements ``plugin_manifest`` (or
    ``root`` when the plugin is not a module). Leave a part out when the plugin has none.

    * ``blueprints``: import paths ``"package.module:attribute"`` of Flask blueprints, imported
      and registered at start-up. Give each a ``url_prefix``. A blueprint named like the plugin
      serves ``static`` at ``<url_prefix>/static`` (``url_for("<name>.static", filename=...)``).
    * ``migrations``: the Alembic ``versions`` directory. ``flask --app core db upgrade``
      migrates the core first, then each plugin in its own version table
      (``<plugin>_alembic_version``). Migrations never run implicitly. Create tenant-owned
      tables with :func:`core.migration_kit.create_tenant_table` (``tenant_id``, ``id`` and, on
      PostgreSQL, row-level security in one call); ``tests/core/test_models_match_migrations.py``
      checks the migrations against the models.
    * ``translations``: the gettext directory (``translations/nl/LC_MESSAGES/messages.po``).
      Write strings in English with ``flask_babel.gettext``; Dutch (nl-BE) is the default
      language. ``make extract`` refreshes the catalog, ``make translations`` compiles it.
    * ``templates``: a template directory searched after the core's; put the plugin's templates
      in a subfolder named after the plugin (``templates/loket/index.html``) so names never clash.
    * ``cli``: import paths of click commands or groups added to ``flask --app core``.
    * ``settings``: :class:`SettingField` values a tenant admin edits at run time;
      :func:`core.tenancy.plugin_settings` returns them with the tenant's stored values.
    * ``permissions``: :class:`Permission` values the plugin checks, ``<plugin>.<verb>``.
    * ``append_only_tables``: tables whose rows are evidence (an access log): on PostgreSQL the
      application role may insert and read them, never change or delete them. Mark the model
      ``__append_only__ = True`` as well, so the ORM refuses the change before the database has to.
    * ``jobs``: :class:`ScheduledJob` values, the plugin's background work. The platform's
      scheduler (Celery beat) runs each one for every active tenant that has the plugin enabled;
      ``flask --app core jobs run <name>`` runs it by hand.
    * ``audit_actions``: how the audit log names the plugin's actions, as
      ``(verb, label_nl, label_en)`` for ``audit.record(action="<plugin>.<verb>")``
      (``("request_submitted", "Diende een aanvraag in", "Submitted a request")``). An action
      without one reads "<module title>: request submitted". Roles need no labels: ``staff:<plugin>``
      reads "Medewerker van <module title>".
    """

    name: str
    title_nl: str
    title_en: str
    description_nl: str = ""
    description_en: str = ""
    requires: tuple[str, ...] = ()
    blueprints: tuple[str, ...] = ()
    migrations: str | None = None
    translations: str | None = None
    templates: str | None = None
    static: str | None = None
    cli: tuple[str, ...] = ()
    settings: tuple[SettingField, ...] = ()
    permissions: tuple[Permission, ...] = ()
    append_only_tables: tuple[str, ...] = ()
    jobs: tuple[ScheduledJob, ...] = ()
    audit_actions: tuple[tuple[str, str, str], ...] = ()
    root: Path | None = None

    def title(self, locale: str) -> str:
        return self.title_en if locale.startswith("en") else self.title_nl

    def description(self, locale: str) -> str:
        return self.description_en if locale.startswith("en") else self.description_nl


@dataclass(frozen=True)
class ScheduledJob:
    """Background work the platform runs on a schedule, once for each tenant of the plugin.

    ``run`` is the import path ``"package.module:function"`` of ``function(session, tenant, now)``:
    ``session`` is a tenant session that commits when the function returns and rolls back when
    it raises, ``tenant`` the :class:`core.models.Tenant`, ``now`` the run's aware UTC moment.
    It returns a short report (a count or a sentence) for the log and the command line. There is
    no request: translate with ``flask_babel.force_locale`` in the recipient's language, link
    with :func:`core.web.external_url`.

    One tenant's failure is logged and the other tenants go on; a lock in the database makes
    sure only one run of a job is busy at a time, across machines. Write the function so that
    running it twice changes nothing the second time: a run that died is simply run again.

    ``name`` is ``<plugin>.<verb-phrase>`` (``loket.expire-proposals``); ``every`` the interval
    between runs; ``per_tenant=False`` calls ``function(database, now)`` once instead, for work
    that is not one tenant's (files on disk).
    """

    name: str
    run: str
    every: timedelta
    description: str = ""
    per_tenant: bool = True


ROLE_KINDS = ("staff", "partner", "parent", "starter")


@dataclass(frozen=True)
class Permission:
    """``name`` is ``<plugin>.<verb>``; ``roles`` are the role kinds that hold it in that module.

    Role kinds: ``staff`` (municipal staff of the module), ``partner`` (members of an organisation
    granted the module), ``parent``, ``starter``. Tenant admins and platform admins hold every
    permission of the modules enabled for the tenant, except the ``personal`` ones.

    ``personal`` marks a permission to act *as oneself*: a parent answering the place proposed to
    their family, a starter submitting their own application, a candidate following their own
    pathway. Administrators do not inherit it (running the municipality does not make anyone the
    parent); only the role kinds in ``roles`` hold it. The view must still check that the row is
    the signed-in person's own: a tenant admin who is also a parent holds it for their own family.
    """

    name: str
    description_nl: str
    description_en: str = ""
    roles: tuple[str, ...] = ("staff",)
    personal: bool = False


@dataclass(frozen=True)
class SettingField:
    """One per-tenant setting of a plugin. ``kind`` is ``int``, ``bool``, ``str`` or ``choice``."""

    key: str
    label_nl: str
    label_en: str
    kind: str = "str"
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    # For ``choice``: (Dutch, English) labels in the order of ``choices``; the value shows if absent.
    choice_labels: tuple[tuple[str, str], ...] = ()

    def label(self, locale: str) -> str:
        return self.label_en if locale.startswith("en") else self.label_nl

    def choice_label(self, choice: str, locale: str) -> str:
        if choice in self.choices and len(self.choice_labels) == len(self.choices):
            dutch, english = self.choice_labels[self.choices.index(choice)]
            return english if locale.startswith("en") else dutch
        return choice


@dataclass(frozen=True)
class MenuItem:
    label: str
    endpoint: str
    order: int = 100
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DashboardCard:
    title: str
    body: str
    endpoint: str | None = None
    order: int = 100


@dataclass(frozen=True)
class Figure:
    """One aggregated figure. ``combine`` says how a regional view adds up municipalities:
    ``sum`` for counts, ``mean`` for shares and averages (shown as the mean of the
    municipalities), ``none`` when a regional total would mislead.

    ``suppress_below`` (a count of people): outside the municipality (the regional view) a
    value from 1 to ``suppress_below - 1`` is hidden, with more cells or the total hidden where
    the total would give it away (:mod:`core.disclosure`); 0 never hides. A figure derived from
    a small count (a median over three children) is the module's to leave out."""

    key: str
    label: str
    value: float | int
    unit: str = ""
    combine: str = "sum"
    suppress_below: int = 0


@dataclass(frozen=True)
class PrivacyNotice:
    """What a module does with personal data, for the municipality's privacy page (GDPR art. 13).

    Texts are shown as written: translate them when the hook is called (``gettext``).
    """

    module: str
    purpose: str
    data: tuple[str, ...]
    legal_basis: str
    retention: str
    who_sees_it: tuple[str, ...] = ()
    shared_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class DomainEvent:
    name: str
    tenant_id: uuid.UUID
    payload: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DataSubject:
    user_id: uuid.UUID | None = None
    email: str | None = None


class SubjectRequester(StrEnum):
    """Who asks for a person's data, and so for what purpose (see ``export_subject_data``).

    ``SELF``: the signed-in person downloads their own data ("Mijn gegevens"). ``TENANT_ADMIN``:
    an administrator exports it on the person's written request (the tenant admin's privacy page,
    or a platform operator with ``flask --app core subjects export``). Plugins treat every value
    other than ``SELF`` as an administrator: when in doubt, give less.
    """

    SELF = "self"
    TENANT_ADMIN = "tenant_admin"


@dataclass(frozen=True)
class LocationSummary:
    """A childcare location as other plugins see it (owned by the loket plugin)."""

    id: uuid.UUID
    name: str
    address: str
    postcode: str
    kind: str  # groepsopvang | gezinsopvang | buitenschoolse_opvang
    provider_organisation_id: uuid.UUID | None = None
    capacity: int = 0


@dataclass(frozen=True)
class ReservedPlaces:
    """Places a company reserved at a location for its employees, in a period."""

    location_id: uuid.UUID | None
    facility_name: str
    company: str
    places: int
    starts_on: date
    ends_on: date | None = None
    # The owner's id of the agreement: what a claim names (``claim_reserved_place``).
    reference: str = ""
    # Loket requests whose employer claim was accepted, earliest claim first: they are offered
    # these places before anyone else.
    claimed_by: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True)
class ReservedPlaceClaim:
    """The answer to an employee's claim on a company's reserved places."""

    accepted: bool
    # Why not, in the user's language, to show the parent as it is.
    reason: str = ""


@dataclass(frozen=True)
class UnmetDemandArea:
    """Children waiting for a place in one area, already suppressed for small counts.

    A figure that could point at a family is ``None`` (show it as "fewer than 5")."""

    area: str  # the deelgemeente or postcode area ("9300 Aalst")
    children_waiting: int | None
    past_wanted_start: int | None  # of them, the wanted start has passed
    median_days_waiting: float | None  # since their registration


@dataclass(frozen=True)
class PlannedPlaces:
    """Childcare places a starter plans to open: what the region's workforce must staff."""

    facility_kind: str  # groepsopvang | gezinsopvang | buitenschoolse_opvang
    places: int
    opening_on: date
    status: str = "planned"  # planned | approved (support granted) | opened


@dataclass(frozen=True)
class LoketParticipation:
    joined: bool
    free_places_reported: int = 0
    requests_answered: int = 0
    last_update: date | None = None


@dataclass(frozen=True)
class ConsentRecord:
    """Whether the family consented to sharing their details, and how it was recorded."""

    given: bool
    recorded_at: date | None = None
    basis: str = ""  # "consent" | "refused" | "override:<reason>"


@dataclass(frozen=True)
class ChildIdentity:
    """A child as a family-support organisation knows it: enough to find the family's request."""

    name: str
    birth_date: date | None = None


@dataclass(frozen=True)
class DeviationAdvice:
    """A family-support organisation advises the loket to deviate from the priority order for a
    family at one location (see ``childcare_deviation_advice``).

    ``advice_id`` is the adviser's own id for this advice: it is quoted back when the advice is
    withdrawn. ``organisation`` is the kind of adviser the loket's rules know (``"ckg"``);
    ``adviser_name`` the organisation's name and ``advised_by`` the worker, both shown to loket
    staff. The family is identified only by what the loket needs to find its request:
    ``loket_request_id`` (a request the loket itself handed over), or the parents' proven
    e-mail addresses / user ids together with a child's name and birth date.
    """

    advice_id: str
    organisation: str
    adviser_name: str
    advised_by: str
    location_id: uuid.UUID
    parent_emails: frozenset[str] = frozenset()
    parent_user_ids: frozenset[uuid.UUID] = frozenset()
    children: tuple[ChildIdentity, ...] = ()
    loket_request_id: str = ""


class AdviceOutcome(StrEnum):
    """What the loket answers an adviser: never more than whether the advice was recorded."""

    RECORDED = "recorded"
    NO_MATCHING_REQUEST = "no_matching_request"
    CAP_REACHED = "cap_reached"
    UNKNOWN_LOCATION = "unknown_location"


@dataclass(frozen=True)
class DeviationAdviceAnswer:
    outcome: AdviceOutcome
    location_name: str = ""


@dataclass(frozen=True)
class ErasureHold:
    """An erasure a module did not carry out because the law obliges it to keep the data for now.

    Said in plain words in the current language, for the administrator and for the person:
    ``module`` (the module's title), ``holder`` (who keeps the data, e.g. the CKG's name),
    ``legal_ground`` (why the law allows keeping it), ``since`` (when the erasure was asked,
    UTC) and ``next_step`` (what happens now and what the person can do). Never case content.
    """

    module: str
    holder: str
    legal_ground: str
    since: datetime
    next_step: str
