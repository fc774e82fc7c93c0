"""Onboarding a municipality or a partner organisation from the platform admin's screens.

Plain Python on a :class:`~core.db.Database`, without Flask: the views (core/views/platform_admin.py)
parse the forms, call these functions and translate the problems they report. The rows are
written the way the tenant files write them (``core.tenant_files.replace_hosts`` and
``apply_plugins``), each change in one transaction with an audit entry in the municipality and a
platform audit entry. Every worker sees a change within ``Settings.tenant_cache_seconds``: the
tenant cache (``core.tenancy.TenantDirectory``) reads the database again after that time.

A municipality created here has no tenant file, so ``flask --app core tenants sync`` never touches
it; one that has a file keeps its name and hosts in step with the file on the next sync.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core import audit
from core.db import Database, new_id
from core.identity import invitations
from core.identity.models import Organisation, OrganisationGrant, OrganisationProvider
from core.identity.organisation_trust import replace_bindings
from core.identity.providers import secret_context
from core.models import Tenant, TenantHost, TenantPlugin
from core.plugins import PluginRegistry
from core.tenancy import SLUG_PATTERN, normalise_host
from core.tenant_files import ORGANISATION_KINDS, apply_plugins, replace_hosts

FIRST_ADMIN_ROLES = ["tenant_admin"]
_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOST_PATTERN = re.compile(rf"^{_HOST_LABEL}(?:\.{_HOST_LABEL})*$")


@dataclass(frozen=True)
class Problem:
    """Why a value cannot be saved: the form field, a code the view turns into a sentence,
    and the values that sentence names (the host, the module)."""

    field: str
    code: str
    values: dict = field(default_factory=dict)


class OnboardingRefused(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(f"{p.field}: {p.code}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class MunicipalityDetails:
    """What the platform admin sets of a municipality (the slug only when creating it)."""

    name: str
    hosts: tuple[str, ...]
    modules: tuple[str, ...]
    region: str = ""
    contact_email: str = ""
    active: bool = True


@dataclass(frozen=True)
class MunicipalityOverview:
    tenant: Tenant
    hosts: tuple[str, ...]
    modules: tuple[str, ...]


@dataclass(frozen=True)
class OrganisationOverview:
    organisation: Organisation
    issuers: tuple[str, ...]
    # tenant id → modules granted there
    grants: dict[uuid.UUID, tuple[str, ...]]


def parse_hosts(text: str) -> tuple[str, ...]:
    """Host names typed one per line (or separated by spaces or commas), normalised, in order."""
    hosts: list[str] = []
    for part in re.split(r"[\s,]+", text or ""):
        if part and (host := normalise_host(part)) not in hosts:
            hosts.append(host)
    return tuple(hosts)


Reseal = Callable[[str, str, str], str]


def copied_sign_in_services(
    entries: list[dict], *, source_tenant_id: uuid.UUID, tenant_id: uuid.UUID, reseal: Reseal
) -> list[dict]:
    """Another municipality's sign-in services for a new one, so its first administrator can
    sign in to accept the invitation. A secret sealed for the source municipality is sealed again
    for the new one (``reseal(sealed, old_context, new_context)``; a sealed secret never opens
    outside its own municipality); an operator's variable (``client_secret_env``) is kept."""
    copies = []
    for entry in entries:
        copy = dict(entry)
        sealed = entry.get("client_secret_sealed")
        if sealed:
            key, issuer = str(entry.get("key", "")), str(entry.get("issuer", "")).rstrip("/")
            copy["client_secret_sealed"] = reseal(
                sealed,
                secret_context(str(source_tenant_id), key, issuer),
                secret_context(str(tenant_id), key, issuer),
            )
        copies.append(copy)
    return copies


# -- municipalities -------------------------------------------------------------------------


def municipality_problems(
    session,
    registry: PluginRegistry,
    details: MunicipalityDetails,
    *,
    slug: str | None = None,
    tenant_id: uuid.UUID | None = None,
    reserved_hosts: Iterable[str] = (),
) -> list[Problem]:
    """What keeps ``details`` from being saved: a new ``slug`` already taken, a host of another
    municipality or of the platform itself, an unknown module or one whose requirement is off."""
    problems = []
    if slug is not None:
        if not SLUG_PATTERN.match(slug):
            problems.append(Problem("slug", "slug_format"))
        elif session.exec(select(Tenant.id).where(Tenant.slug == slug)).first() is not None:
            problems.append(Problem("slug", "slug_taken", {"slug": slug}))
    reserved = {normalise_host(host) for host in reserved_hosts}
    for host in details.hosts:
        if len(host) > 253 or not HOST_PATTERN.match(host):
            problems.append(Problem("hosts", "host_format", {"host": host}))
            break
        if host in reserved:
            problems.append(Problem("hosts", "host_platform", {"host": host}))
            break
        owner = session.exec(
            select(Tenant.name)
            .join(TenantHost, TenantHost.tenant_id == Tenant.id)
            .where(TenantHost.host == host, Tenant.id != tenant_id)
        ).first()
        if owner is not None:
            problems.append(Problem("hosts", "host_taken", {"host": host, "name": owner}))
            break
    unknown = sorted(set(details.modules) - set(registry.names))
    if unknown:
        problems.append(Problem("modules", "module_unknown", {"modules": ", ".join(unknown)}))
    else:
        missing = sorted(
            {
                required
                for name in details.modules
                for required in registry.missing_requirements(name, list(details.modules))
            }
        )
        if missing:
            problems.append(Problem("modules", "module_requires", {"modules": ", ".join(missing)}))
    return problems


InvitationMailer = Callable[[object, Tenant, str, str, list[str]], None]


def create_municipality(
    database: Database,
    registry: PluginRegistry,
    slug: str,
    details: MunicipalityDetails,
    *,
    first_admin_email: str,
    invited_by: uuid.UUID,
    mail_invitation: InvitationMailer,
    actor: str | None = None,
    reserved_hosts: Iterable[str] = (),
    sign_in_from: uuid.UUID | None = None,
    reseal: Reseal | None = None,
) -> Tenant:
    """Create the municipality, its hosts and modules, and invite its first administrator —
    all in one transaction, so a refusal leaves nothing half made.

    ``mail_invitation(session, tenant, email, token, roles)`` queues the invitation mail in the
    new municipality's outbox (core.identity.email_views.mail_invitation). With
    ``sign_in_from``, the new municipality starts with that municipality's sign-in services
    (see :func:`copied_sign_in_services`)."""
    tenant_id = new_id()
    try:
        with database.tenant_session(tenant_id) as session:
            problems = municipality_problems(
                session, registry, details, slug=slug, reserved_hosts=reserved_hosts
            )
            if problems:
                raise OnboardingRefused(problems)
            tenant = Tenant(
                id=tenant_id,
                slug=slug,
                name=details.name,
                region=details.region,
                contact_email=details.contact_email,
                active=details.active,
            )
            summary = _summary(slug, details)
            if sign_in_from is not None:
                source = session.get(Tenant, sign_in_from)
                if source is None:
                    raise OnboardingRefused([Problem("sign_in_from", "unknown_municipality")])
                tenant.identity_providers = copied_sign_in_services(
                    list(source.identity_providers or []),
                    source_tenant_id=source.id,
                    tenant_id=tenant_id,
                    reseal=reseal or _refuse_sealed,
                )
                summary["sign_in_services_from"] = source.slug
                summary["sign_in_services"] = [
                    str(entry.get("key", "")) for entry in tenant.identity_providers
                ]
            session.add(tenant)
            session.flush()
            replace_hosts(session, tenant_id, list(details.hosts))
            apply_plugins(session, list(details.modules), {}, overwrite=True)
            audit.record(
                session,
                action="tenant.created",
                object_type="tenant",
                object_id=slug,
                detail=summary,
                actor=actor,
            )
            _row, token = invitations.invite(
                session, email=first_admin_email, roles=FIRST_ADMIN_ROLES, invited_by=invited_by
            )
            mail_invitation(session, tenant, first_admin_email, token, FIRST_ADMIN_ROLES)
            audit.record_platform_action(
                session,
                action="tenant.created",
                actor=actor,
                target_tenant_id=tenant_id,
                detail={**summary, "first_admin_invited": first_admin_email},
            )
    except IntegrityError:
        # Another request took the slug or a host between the check and the commit.
        raise OnboardingRefused([Problem("slug", "slug_taken", {"slug": slug})]) from None
    return tenant


def _refuse_sealed(sealed: str, old_context: str, new_context: str) -> str:
    raise ValueError("a sealed secret needs the secret box to be sealed again")


def update_municipality(
    database: Database,
    registry: PluginRegistry,
    tenant_id: uuid.UUID,
    details: MunicipalityDetails,
    *,
    actor: str | None = None,
    reserved_hosts: Iterable[str] = (),
) -> Tenant:
    """Save name, hosts, modules, region, contact address and whether it is active. A module
    switched off keeps its settings, so switching it on again restores them."""
    try:
        with database.tenant_session(tenant_id) as session:
            tenant = session.get(Tenant, tenant_id)
            if tenant is None:
                raise LookupError(tenant_id)
            problems = municipality_problems(
                session, registry, details, tenant_id=tenant_id, reserved_hosts=reserved_hosts
            )
            if problems:
                raise OnboardingRefused(problems)
            before = _summary(tenant.slug, _details_of(session, tenant))
            tenant.name = details.name
            tenant.region = details.region
            tenant.contact_email = details.contact_email
            tenant.active = details.active
            session.add(tenant)
            replace_hosts(session, tenant_id, list(details.hosts))
            apply_plugins(session, list(details.modules), None, overwrite=True)
            after = _summary(tenant.slug, details)
            audit.record(
                session,
                action="tenant.updated",
                object_type="tenant",
                object_id=tenant.slug,
                detail={"before": before, "after": after},
                actor=actor,
            )
            audit.record_platform_action(
                session,
                action="tenant.updated",
                actor=actor,
                target_tenant_id=tenant_id,
                detail={"before": before, "after": after},
            )
    except IntegrityError:
        raise OnboardingRefused([Problem("hosts", "host_conflict")]) from None
    return tenant


def municipality_details(database: Database, tenant_id: uuid.UUID) -> MunicipalityDetails | None:
    with database.session(tenant_id) as session:
        tenant = session.get(Tenant, tenant_id)
        return None if tenant is None else _details_of(session, tenant)


def _details_of(session, tenant: Tenant) -> MunicipalityDetails:
    hosts = session.exec(
        select(TenantHost.host).where(TenantHost.tenant_id == tenant.id).order_by(TenantHost.host)
    ).all()
    modules = session.exec(
        select(TenantPlugin.plugin).where(TenantPlugin.enabled).order_by(TenantPlugin.plugin)
    ).all()
    return MunicipalityDetails(
        name=tenant.name,
        hosts=tuple(hosts),
        modules=tuple(modules),
        region=tenant.region,
        contact_email=tenant.contact_email,
        active=tenant.active,
    )


def _summary(slug: str, details: MunicipalityDetails) -> dict:
    return {
        "slug": slug,
        "name": details.name,
        "hosts": list(details.hosts),
        "modules": sorted(details.modules),
        "region": details.region,
        "contact_email": details.contact_email,
        "active": details.active,
    }


def list_municipalities(database: Database, *, actor: str) -> list[MunicipalityOverview]:
    """Every municipality (active or not) with its hosts and enabled modules, in three queries
    through the audited cross-tenant session."""
    with database.platform_session(actor=actor, reason="platform admin: municipalities") as db:
        tenants = db.exec(select(Tenant).order_by(Tenant.name)).all()
        hosts: dict[uuid.UUID, list[str]] = {}
        for row in db.exec(select(TenantHost).order_by(TenantHost.host)).all():
            hosts.setdefault(row.tenant_id, []).append(row.host)
        modules: dict[uuid.UUID, list[str]] = {}
        enabled = select(TenantPlugin).where(TenantPlugin.enabled).order_by(TenantPlugin.plugin)
        for row in db.exec(enabled).all():
            modules.setdefault(row.tenant_id, []).append(row.plugin)
    return [
        MunicipalityOverview(
            tenant=tenant,
            hosts=tuple(hosts.get(tenant.id, ())),
            modules=tuple(modules.get(tenant.id, ())),
        )
        for tenant in tenants
    ]


def tenant_by_slug(database: Database, slug: str) -> Tenant | None:
    if not SLUG_PATTERN.match(slug):
        return None
    with database.session() as lookup:
        return lookup.exec(select(Tenant).where(Tenant.slug == slug)).first()


# -- partner organisations ------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationDetails:
    slug: str
    name: str
    kind: str
    issuer: str
    claim: str = ""
    value: str = ""


def organisation_problems(
    session, details: OrganisationDetails, issuer_problem: Callable[[str], object]
) -> list[Problem]:
    problems = []
    if not SLUG_PATTERN.match(details.slug):
        problems.append(Problem("slug", "slug_format"))
    elif (
        session.exec(select(Organisation.id).where(Organisation.slug == details.slug)).first()
        is not None
    ):
        problems.append(Problem("slug", "organisation_taken", {"slug": details.slug}))
    if details.kind not in ORGANISATION_KINDS:
        problems.append(Problem("kind", "kind_unknown"))
    problem = issuer_problem(details.issuer)
    if problem:
        problems.append(Problem("issuer", "issuer", {"why": str(problem)}))
    return problems


def create_organisation(
    database: Database,
    details: OrganisationDetails,
    *,
    issuer_problem: Callable[[str], object],
    actor: str | None = None,
) -> Organisation:
    """A partner organisation and the identity provider trusted to say who works for it (with a
    claim and value when that provider serves others too), as ``organisations.toml`` sets them."""
    binding = {
        "issuer": details.issuer.rstrip("/"),
        "claim": details.claim,
        "value": details.value or (details.slug if details.claim else ""),
    }
    try:
        with database.tenant_session(None) as session:
            problems = organisation_problems(session, details, issuer_problem)
            if problems:
                raise OnboardingRefused(problems)
            organisation = Organisation(slug=details.slug, name=details.name, kind=details.kind)
            session.add(organisation)
            session.flush()
            replace_bindings(session, organisation, [binding])
            audit.record_platform_action(
                session,
                action="organisation.created",
                actor=actor,
                detail={
                    "slug": details.slug,
                    "name": details.name,
                    "kind": details.kind,
                    **binding,
                },
            )
    except IntegrityError:
        raise OnboardingRefused(
            [Problem("slug", "organisation_taken", {"slug": details.slug})]
        ) from None
    return organisation


def list_organisations(database: Database, *, actor: str) -> list[OrganisationOverview]:
    with database.platform_session(actor=actor, reason="platform admin: organisations") as db:
        organisations = db.exec(select(Organisation).order_by(Organisation.name)).all()
        issuers: dict[uuid.UUID, set[str]] = {}
        for row in db.exec(select(OrganisationProvider)).all():
            issuers.setdefault(row.organisation_id, set()).add(row.issuer)
        grants: dict[uuid.UUID, dict[uuid.UUID, tuple[str, ...]]] = {}
        for grant in db.exec(select(OrganisationGrant)).all():
            grants.setdefault(grant.organisation_id, {})[grant.tenant_id] = tuple(grant.modules)
    return [
        OrganisationOverview(
            organisation=organisation,
            issuers=tuple(sorted(issuers.get(organisation.id, ()))),
            grants=grants.get(organisation.id, {}),
        )
        for organisation in organisations
    ]


def set_organisation_access(
    database: Database,
    organisation_id: uuid.UUID,
    tenant_id: uuid.UUID,
    modules: Iterable[str],
    *,
    actor: str | None = None,
) -> list[str]:
    """Grant the organisation ``modules`` of the municipality, or withdraw it (no modules).

    Only modules the municipality has enabled can be granted; others are refused."""
    modules = sorted(set(modules))
    with database.tenant_session(tenant_id) as session:
        organisation = session.get(Organisation, organisation_id)
        tenant = session.get(Tenant, tenant_id)
        if organisation is None or tenant is None:
            raise LookupError(organisation_id)
        enabled = set(session.exec(select(TenantPlugin.plugin).where(TenantPlugin.enabled)).all())
        off = sorted(set(modules) - enabled)
        if off:
            raise OnboardingRefused(
                [Problem("modules", "module_not_enabled", {"modules": ", ".join(off)})]
            )
        grant = session.exec(
            select(OrganisationGrant).where(OrganisationGrant.organisation_id == organisation_id)
        ).first()
        before = list(grant.modules) if grant else []
        if modules:
            grant = grant or OrganisationGrant(organisation_id=organisation_id)
            grant.modules = modules
            session.add(grant)
        elif grant is not None:
            session.delete(grant)
        detail = {"organisation": organisation.slug, "before": before, "after": modules}
        audit.record(
            session,
            action="organisation.access_changed",
            object_type="organisation",
            object_id=organisation.slug,
            detail=detail,
            actor=actor,
        )
        audit.record_platform_action(
            session,
            action="organisation.granted" if modules else "organisation.withdrawn",
            actor=actor,
            target_tenant_id=tenant_id,
            detail=detail,
        )
    return modules
