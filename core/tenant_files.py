"""``tenants/<slug>.toml``: how a municipality is described, and loading it into the database.

The files seed the database; at run time the database is the source of truth. ``sync`` creates
tenants that do not exist yet and keeps name and hosts in step with the file; it changes plugins,
theme and settings of an existing tenant only with ``overwrite=True``, so an administrator's
run-time choices survive a restart.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import delete, select

from core import audit
from core.colour import theme_pairs
from core.db import Database
from core.identity.models import Organisation, OrganisationGrant
from core.identity.organisation_trust import replace_bindings
from core.identity.providers import ProviderConfig, ProviderConfigError, issuer_problem
from core.models import Tenant, TenantHost, TenantPlugin
from core.municipality_profile import invalid_postcodes
from core.plugins import PluginRegistry
from core.tenancy import SLUG_PATTERN, Theme, normalise_host

ORGANISATIONS_FILE = "organisations.toml"


class TenantFileError(ValueError):
    pass


@dataclass
class TenantFile:
    slug: str
    name: str
    hosts: list[str]
    plugins: list[str]
    theme: dict = field(default_factory=dict)
    settings: dict[str, dict] = field(default_factory=dict)
    identity_providers: list[dict] = field(default_factory=list)
    contact_email: str = ""
    region: str = ""
    organisations: dict[str, list[str]] = field(default_factory=dict)
    # Where residents find the municipality on the platform home (kept in ``theme["postcodes"]``).
    postcodes: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path, known_plugins: set[str]) -> TenantFile:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise TenantFileError(f"{path.name}: {error}") from error
        slug = data.get("slug", path.stem)
        if not SLUG_PATTERN.match(slug) or slug != path.stem:
            raise TenantFileError(
                f"{path.name}: slug {slug!r} must match the file name and [a-z0-9-]"
            )
        if not data.get("name"):
            raise TenantFileError(f"{path.name}: name is required")
        plugins = list(data.get("plugins", []))
        unknown = set(plugins) - known_plugins
        if unknown:
            raise TenantFileError(f"{path.name}: unknown plugins {sorted(unknown)}")
        theme = dict(data.get("theme", {}))
        providers = list(data.get("identity_providers", []))
        for provider in providers:
            if "organisation_claim" in provider or "organisations" in provider:
                raise TenantFileError(
                    f"{path.name}: a tenant's sign-in service cannot assert partner organisations;"
                    " bind the organisation's own provider in organisations.toml"
                    " ([[organisations.identity_providers]])"
                )
            try:
                ProviderConfig.from_dict(provider)
            except ProviderConfigError as error:
                raise TenantFileError(f"{path.name}: {error}") from error
        bad_colours = Theme.validation_errors(theme)
        if bad_colours:
            raise TenantFileError(
                f"{path.name}: theme colours must be #rrggbb: {sorted(bad_colours)}"
            )
        unreadable = [
            f"{pair.name} {int(pair.ratio * 10) / 10:.1f}:1 < {pair.needed:.1f}:1"
            for pair in theme_pairs(*Theme.from_dict(theme).colours())
            if not pair.passes
        ]
        if unreadable:
            raise TenantFileError(
                f"{path.name}: theme colours people cannot read or see: {', '.join(unreadable)}"
            )
        postcodes = [str(code).strip() for code in data.get("postcodes", [])]
        wrong_postcodes = invalid_postcodes(postcodes)
        if wrong_postcodes:
            raise TenantFileError(
                f"{path.name}: postcodes must be four digits: {sorted(wrong_postcodes)}"
            )
        return cls(
            slug=slug,
            postcodes=postcodes,
            name=data["name"],
            hosts=[normalise_host(h) for h in data.get("hosts", [])],
            plugins=plugins,
            theme=theme,
            settings=dict(data.get("settings", {})),
            identity_providers=providers,
            contact_email=str(data.get("contact_email", "")),
            region=str(data.get("region", "")).strip()[:100],
            organisations={
                slug: list(modules) for slug, modules in data.get("organisations", {}).items()
            },
        )


def read_all(directory: Path, registry: PluginRegistry) -> list[TenantFile]:
    files = [
        TenantFile.read(path, set(registry.names))
        for path in sorted(directory.glob("*.toml"))
        if path.name != ORGANISATIONS_FILE
    ]
    for tenant_file in files:
        missing = {
            req
            for name in tenant_file.plugins
            for req in registry.missing_requirements(name, tenant_file.plugins)
        }
        if missing:
            raise TenantFileError(
                f"{tenant_file.slug}.toml: enable required plugins {sorted(missing)}"
            )
    return files


ORGANISATION_KINDS = {"ckg", "school", "provider", "company", "public", "other"}


def read_organisations(path: Path) -> list[dict]:
    """``organisations.toml``: the partner organisations that exist once on the platform."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise TenantFileError(f"{path.name}: {error}") from error
    organisations = []
    for entry in data.get("organisations", []):
        if not SLUG_PATTERN.match(str(entry.get("slug", ""))) or not entry.get("name"):
            raise TenantFileError(f"{path.name}: every organisation needs a slug and a name")
        if entry.get("kind", "other") not in ORGANISATION_KINDS:
            raise TenantFileError(
                f"{path.name}: kind of {entry['slug']} must be one of {sorted(ORGANISATION_KINDS)}"
            )
        organisations.append(
            {
                "slug": entry["slug"],
                "name": entry["name"],
                "kind": entry.get("kind", "other"),
                "identity_providers": _trusted_providers(path, entry),
            }
        )
    return organisations


def _trusted_providers(path: Path, entry: dict) -> list[dict]:
    """``[[organisations.identity_providers]]``: ``issuer``, optional ``claim`` and ``value``."""
    bindings = []
    for binding in entry.get("identity_providers", []):
        issuer = str(binding.get("issuer", "")).strip().rstrip("/")
        problem = issuer_problem(issuer)
        if problem:
            raise TenantFileError(f"{path.name}: {entry['slug']}: {problem}")
        claim = str(binding.get("claim", "")).strip()
        value = str(binding.get("value", entry["slug"] if claim else "")).strip()
        bindings.append({"issuer": issuer, "claim": claim, "value": value})
    return bindings


def sync_organisations(database: Database, organisations: list[dict]) -> list[str]:
    report = []
    with database.tenant_session(None) as session:
        for entry in organisations:
            row = session.exec(
                select(Organisation).where(Organisation.slug == entry["slug"])
            ).first()
            report.append(f"organisation {entry['slug']}: {'updated' if row else 'created'}")
            row = row or Organisation(slug=entry["slug"], name=entry["name"], kind=entry["kind"])
            row.name, row.kind = entry["name"], entry["kind"]
            session.add(row)
            session.flush()
            replace_bindings(session, row, entry.get("identity_providers", []))
    return report


def _grant_organisations(session, grants: dict[str, list[str]]) -> None:
    for slug, modules in grants.items():
        organisation = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
        if organisation is None:
            raise TenantFileError(f"organisation {slug!r} is not in organisations.toml")
        grant = session.exec(
            select(OrganisationGrant).where(OrganisationGrant.organisation_id == organisation.id)
        ).first()
        grant = grant or OrganisationGrant(organisation_id=organisation.id)
        grant.modules = sorted(modules)
        session.add(grant)


def _refuse_hosts_of_others(session, tenant_file: TenantFile, tenant_id) -> None:
    """A host already serving another municipality (one created on the platform admin's
    screens, say) is not taken over by a file: the sync stops with the file's name instead."""
    if not tenant_file.hosts:
        return
    taken = session.exec(
        select(TenantHost.host, Tenant.slug)
        .join(Tenant, Tenant.id == TenantHost.tenant_id)
        .where(TenantHost.host.in_(tenant_file.hosts), TenantHost.tenant_id != tenant_id)
    ).first()
    if taken is not None:
        raise TenantFileError(
            f"{tenant_file.slug}.toml: host {taken[0]} already belongs to tenant {taken[1]!r}"
        )


def replace_hosts(session, tenant_id, hosts: list[str]) -> None:
    """Make ``hosts`` (normalised) exactly the tenant's host names. Shared by the tenant files
    and the platform admin's screens (core.platform_onboarding)."""
    session.exec(delete(TenantHost).where(TenantHost.tenant_id == tenant_id))
    session.flush()
    for host in hosts:
        session.add(TenantHost(host=host, tenant_id=tenant_id))


def apply_plugins(
    session, enabled: list[str], settings: dict[str, dict] | None, *, overwrite: bool
) -> None:
    """Switch the modules of the tenant session's tenant: a module without a row gets one
    (enabled when named in ``enabled``, with its ``settings``); an existing row changes only
    with ``overwrite``, and keeps its saved settings when ``settings`` is ``None``."""
    existing = {row.plugin: row for row in session.exec(select(TenantPlugin)).all()}
    for name in set(enabled) | set(existing) | set(settings or {}):
        row = existing.get(name)
        if row is None:
            row = TenantPlugin(plugin=name, enabled=name in enabled)
            row.settings = dict((settings or {}).get(name, {}))
        elif overwrite:
            row.enabled = name in enabled
            if settings is not None:
                row.settings = dict(settings.get(name, {}))
        else:
            continue
        session.add(row)


def sync(database: Database, files: list[TenantFile], *, overwrite: bool = False) -> list[str]:
    """Load tenant files; returns one line per tenant saying what happened."""
    report = []
    for tenant_file in files:
        with database.tenant_session(None) as session:
            tenant = session.exec(select(Tenant).where(Tenant.slug == tenant_file.slug)).first()
            created = tenant is None
            if created:
                tenant = Tenant(slug=tenant_file.slug, name=tenant_file.name)
            tenant.name = tenant_file.name
            tenant.contact_email = tenant_file.contact_email
            tenant.region = tenant_file.region
            if created or overwrite:
                tenant.theme = tenant_file.theme
                tenant.identity_providers = tenant_file.identity_providers
            if tenant_file.postcodes:  # configuration, like the name: kept in step with the file
                tenant.theme = {**tenant.theme, "postcodes": tenant_file.postcodes}
            session.add(tenant)
            session.flush()
            _refuse_hosts_of_others(session, tenant_file, tenant.id)
            replace_hosts(session, tenant.id, tenant_file.hosts)
            tenant_id = tenant.id
        with database.tenant_session(tenant_id) as session:
            apply_plugins(session, tenant_file.plugins, tenant_file.settings, overwrite=overwrite)
            if created or overwrite:
                _grant_organisations(session, tenant_file.organisations)
            audit.record(
                session,
                action="tenant.created" if created else "tenant.synced",
                object_type="tenant",
                object_id=tenant_file.slug,
                detail={"overwrite": overwrite},
            )
        report.append(f"{tenant_file.slug}: {'created' if created else 'updated'}")
    return report


def sync_directory(
    database: Database, directory: Path, registry: PluginRegistry, *, overwrite: bool = False
) -> list[str]:
    """Organisations first (tenants grant them access), then every tenant file."""
    organisations = read_organisations(directory / ORGANISATIONS_FILE)
    files = read_all(directory, registry)
    return sync_organisations(database, organisations) + sync(database, files, overwrite=overwrite)
