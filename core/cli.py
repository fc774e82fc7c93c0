"""``flask --app core …`` commands: database, tenants; plugins add their own."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlmodel import select

from core.migrator import upgrade_database
from core.models import Tenant
from core.plugins import PluginRegistry
from core.tenancy import enabled_plugins

db_cli = AppGroup("db", help="Database schema.")
users_cli = AppGroup("users", help="Platform users.")
mail_cli = AppGroup("mail", help="The e-mail outbox.")
jobs_cli = AppGroup("jobs", help="Scheduled background jobs (run by Celery beat).")
tenants_cli = AppGroup("tenants", help="Municipalities (tenants).")
figures_cli = AppGroup("figures", help="Aggregated figures of the modules.")
subjects_cli = AppGroup("subjects", help="A person's data at a tenant (GDPR art. 15 and 17).")
secrets_cli = AppGroup("secrets", help="The platform keys that seal secrets at rest.")
organisations_cli = AppGroup("organisations", help="Partner organisations and their providers.")


def _settings():
    return current_app.extensions["opvangplein.settings"]


def _database():
    return current_app.extensions["opvangplein.db"]


def _registry() -> PluginRegistry:
    return current_app.extensions["opvangplein.plugins"]


@db_cli.command("upgrade")
@click.option(
    "--replace-rls-key",
    is_flag=True,
    help="Store the configured row-level security key in place of the database's"
    " (restart every process with it afterwards).",
)
def db_upgrade(replace_rls_key: bool) -> None:
    """Migrate the core, then every installed plugin (as the table owner)."""
    from core.config import ConfigurationError

    try:
        upgrade_database(_settings(), _registry(), echo=click.echo, replace_rls_key=replace_rls_key)
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from error
    click.echo("database is up to date")


@db_cli.command("downgrade")
@click.argument("target")
@click.argument("revision")
def db_downgrade(target: str, revision: str) -> None:
    """Step TARGET (``core`` or a plugin's name) back to REVISION (an id, or ``-1`` for one step).

    Downgrade plugins before the core, newest first; take a backup before you do.
    """
    from core.config import ConfigurationError
    from core.migrator import downgrade_target

    try:
        downgrade_target(_settings(), _registry(), target, revision, echo=click.echo)
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{target} is at {revision}")


@click.command("doctor")
@with_appcontext
def doctor() -> None:
    """Hold this configuration against the production rules: one line per problem with its fix."""
    from core.doctor import deployment_findings

    findings = deployment_findings(_settings(), _database(), _registry())
    for finding in findings:
        click.echo(f"✗ {finding.line()}")
    if findings:
        raise SystemExit(1)
    click.echo("✓ ready for production: no problems found")


@tenants_cli.command("sync")
@click.option(
    "--overwrite", is_flag=True, help="Also reset plugins, theme and settings from the files."
)
def tenants_sync(overwrite: bool) -> None:
    """Load tenants/<slug>.toml into the database."""
    from core.tenant_files import (
        TenantFileError,
        read_all,
        read_organisations,
        sync,
        sync_organisations,
    )

    directory = _settings().tenants_dir
    try:
        organisations = read_organisations(directory / "organisations.toml")
        files = read_all(directory, _registry())
        lines = sync_organisations(_database(), organisations) + sync(
            _database(), files, overwrite=overwrite
        )
    except TenantFileError as error:
        raise click.ClickException(str(error)) from error
    for line in lines:
        click.echo(line)


@tenants_cli.command("demo")
def tenants_demo() -> None:
    """Load each enabled plugin's demo data into every tenant."""
    database = _database()
    with database.session() as lookup:
        tenants = lookup.exec(select(Tenant)).all()
    for tenant in tenants:
        with database.tenant_session(tenant.id) as session:
            hooks = _registry().for_plugins(enabled_plugins(session))
            hooks.demo_data(tenant=tenant, session=session)
        click.echo(f"{tenant.slug}: demo data loaded")


@tenants_cli.command("list")
def tenants_list() -> None:
    database = _database()
    with database.session() as lookup:
        tenants = lookup.exec(select(Tenant).order_by(Tenant.slug)).all()
    for tenant in tenants:
        with database.session(tenant.id) as session:
            plugins = ", ".join(sorted(enabled_plugins(session))) or "-"
        click.echo(f"{tenant.slug}\t{tenant.name}\t{plugins}")


@mail_cli.command("deliver")
def mail_deliver() -> None:
    """Send every tenant's due outbox messages now (the worker's sweep does it every minute)."""
    from core.mail import deliver_pending

    database = _database()
    with database.session() as lookup:
        tenants = lookup.exec(select(Tenant).order_by(Tenant.slug)).all()
    for tenant in tenants:
        sent, failed = deliver_pending(
            database, database.mailer, tenant.id, lease_seconds=_settings().mail_lease_seconds
        )
        if sent or failed:
            click.echo(f"{tenant.slug}: {sent} sent, {failed} failed")


@jobs_cli.command("list")
def jobs_list() -> None:
    """Every scheduled job, its interval and what it does."""
    from core.jobs.runner import registered_jobs

    for name, registered in sorted(registered_jobs(current_app).items()):
        job = registered.job
        click.echo(f"{name}\tevery {job.every}\t{job.description}")


@jobs_cli.command("run")
@click.argument("name")
def jobs_run(name: str) -> None:
    """Run one scheduled job now, as the scheduler would (one run at a time, tenant by tenant)."""
    run_job_from_cli(name)


def run_job_from_cli(name: str) -> None:
    """Run ``name`` and print one line per tenant; exit 1 when a tenant failed or it was busy.

    Plugins' own commands (``flask --app core loket remind``) call this, so an operator's run is
    the scheduler's run.
    """
    from core.jobs.runner import registered_jobs, run_job

    if name not in registered_jobs(current_app):
        raise click.UsageError(f"no scheduled job named {name!r} (see `jobs list`)")
    report = run_job(current_app._get_current_object(), name)
    if not report.ran:
        click.echo(f"{name}: another run is busy; try again when it ends", err=True)
        raise SystemExit(1)
    for slug, outcome in report.reports:
        click.echo(f"{slug}: {outcome}")
    for slug, problem in report.failures:
        click.echo(f"{slug}: FAILED {problem}", err=True)
    if report.failures:
        raise SystemExit(1)


@users_cli.command("grant-admin")
@click.option("--issuer", required=True, help="The identity provider's issuer URL.")
@click.option("--subject", required=True, help="The user's subject (sub claim) at that provider.")
@click.option("--name", default="", help="Display name until the user signs in.")
def users_grant_admin(issuer: str, subject: str, name: str) -> None:
    """Make (issuer, subject) a platform admin — the only way to get the first one."""
    from core.audit import record_platform_action
    from core.identity.models import User

    with _database().tenant_session(None) as session:
        issuer = issuer.rstrip("/")
        user = session.exec(
            select(User).where(User.issuer == issuer, User.subject == subject)
        ).first()
        user = user or User(issuer=issuer, subject=subject, name=name)
        user.is_platform_admin = True
        session.add(user)
        record_platform_action(
            session,
            action="user.platform_admin_granted",
            actor="cli",
            detail={"issuer": issuer, "subject": subject},
        )
    click.echo(f"{subject} at {issuer} is now a platform admin")


def _tenant_by_slug(slug: str) -> Tenant:
    with _database().session() as lookup:
        tenant = lookup.exec(select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        raise click.ClickException(f"no tenant with slug {slug!r} (see `tenants list`)")
    return tenant


def _email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email:
        raise click.ClickException(f"{email!r} is not an e-mail address")
    return email


@subjects_cli.command("export")
@click.option("--tenant", "slug", required=True, help="The tenant's slug.")
@click.option("--email", required=True, help="The person's e-mail address.")
def subjects_export(slug: str, email: str) -> None:
    """Print as JSON what every enabled module holds about a person, as an administrator may see
    it: a module under professional secrecy (a CKG) names itself instead of its case content.
    Audited."""
    import json

    from core.plugin_types import SubjectRequester
    from core.subjects import export_subject, subject_for_email

    tenant = _tenant_by_slug(slug)
    email = _email(email)
    with _database().tenant_session(tenant.id) as session:
        # An operator exports on the person's written request, like the tenant admin's page.
        parts = export_subject(
            session,
            tenant,
            subject_for_email(session, email),
            requester=SubjectRequester.TENANT_ADMIN,
        )
    click.echo(json.dumps(parts, ensure_ascii=False, indent=2, default=str))


@subjects_cli.command("erase")
@click.option("--tenant", "slug", required=True, help="The tenant's slug.")
@click.option("--email", required=True, help="The person's e-mail address.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def subjects_erase(slug: str, email: str, yes: bool) -> None:
    """Erase or anonymise a person in every enabled module (audited; cannot be undone)."""
    from core.subjects import erase_subject, erasure_holds, subject_for_email

    tenant = _tenant_by_slug(slug)
    email = _email(email)
    if not yes:
        click.confirm(f"Erase {email} at {tenant.name}? This cannot be undone", abort=True)
    with _database().tenant_session(tenant.id) as session:
        subject = subject_for_email(session, email)
        rows = erase_subject(session, tenant, subject)
        holds = erasure_holds(session, tenant, subject)
    click.echo(f"{tenant.slug}: {rows} records erased or anonymised for {email}")
    for hold in holds:
        # A module kept data on a legal ground: the operator must be able to tell the person.
        click.echo(f"held by {hold.holder} ({hold.module}): {hold.legal_ground} {hold.next_step}")


@figures_cli.command("region")
@click.argument("region")
def figures_region(region: str) -> None:
    """Print the figures of every municipality in REGION, and the region's totals, as CSV."""
    from core.regional import regional_table

    table = regional_table(_database(), region)
    if not table.municipalities:
        raise click.ClickException(f"no active municipality has region {region!r}")
    click.echo(table.as_csv(), nl=False)


@secrets_cli.command("new-key")
@click.option("--id", "kid", required=True, help="A short key id, e.g. 2027-01.")
def secrets_new_key(kid: str) -> None:
    """Print a fresh key line; put it first in OPVANGPLEIN_SECRETS_KEYS or the key file."""
    from core.crypto import KEY_ID_PATTERN, new_key_line

    if not KEY_ID_PATTERN.match(kid):
        raise click.ClickException("use 1-32 letters, digits, '-' or '_' for the key id")
    click.echo(new_key_line(kid))


@secrets_cli.command("reseal")
def secrets_reseal() -> None:
    """Seal every stored secret again under the first (current) key, e.g. after adding a key.

    Afterwards the older keys can be removed from the configuration."""
    from core.crypto import SecretUnavailable
    from core.identity.providers import secret_context
    from core.identity.signing_keys import TenantSigningKey, sealing_context

    box = current_app.extensions["opvangplein.secret_box"]
    moved = failed = 0
    with _database().platform_session(actor="cli", reason="secrets reseal") as session:
        for tenant in session.exec(select(Tenant)).all():
            providers = []
            for entry in tenant.identity_providers or []:
                sealed = entry.get("client_secret_sealed")
                if sealed:
                    context = secret_context(str(tenant.id), entry["key"], entry["issuer"])
                    try:
                        resealed = box.reseal(sealed, context=context)
                    except SecretUnavailable:
                        failed += 1
                        click.echo(f"{tenant.slug}/{entry['key']}: cannot open; enter it again")
                        resealed = sealed
                    moved += resealed != sealed
                    entry = {**entry, "client_secret_sealed": resealed}
                providers.append(entry)
            tenant.identity_providers = providers
            session.add(tenant)
        for row in session.exec(select(TenantSigningKey)).all():
            context = sealing_context(row.tenant_id, row.kid)
            try:
                resealed = box.reseal(row.private_key_sealed, context=context)
            except SecretUnavailable:
                failed += 1
                click.echo(f"signing key {row.kid}: cannot open; rotate it")
                continue
            moved += resealed != row.private_key_sealed
            row.private_key_sealed = resealed
            session.add(row)
    click.echo(f"{moved} secret(s) resealed under key {box.current_kid}; {failed} could not open")
    if failed:
        raise SystemExit(1)


@organisations_cli.command("list")
def organisations_list() -> None:
    """Each organisation and the providers trusted to say who works for it."""
    from core.identity.models import Organisation, OrganisationProvider

    with _database().session() as session:
        for organisation in session.exec(select(Organisation).order_by(Organisation.slug)):
            bindings = session.exec(
                select(OrganisationProvider).where(
                    OrganisationProvider.organisation_id == organisation.id
                )
            ).all()
            click.echo(f"{organisation.slug} ({organisation.kind}): {organisation.name}")
            for binding in bindings:
                condition = f" where {binding.claim} = {binding.value}" if binding.claim else ""
                click.echo(f"  trusts {binding.issuer}{condition}")
            if not bindings:
                click.echo("  trusts no provider: nobody can act for it")


def init_app(app: Flask, registry: PluginRegistry) -> None:
    app.cli.add_command(secrets_cli)
    app.cli.add_command(organisations_cli)
    app.cli.add_command(db_cli)
    app.cli.add_command(doctor)
    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(tenants_cli)
    app.cli.add_command(subjects_cli)
    app.cli.add_command(figures_cli)
    app.cli.add_command(__import__("core.scaffold").scaffold.plugins_cli)
    for name in registry.names:
        for command in registry.imported_parts(name, "cli"):
            app.cli.add_command(command)
