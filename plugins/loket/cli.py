"""``flask --app core loket ...``: the counter's scheduled work, run from cron."""

from __future__ import annotations

from collections.abc import Iterator

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import select

from core.models import Tenant
from core.tenancy import enabled_plugins

loket_cli = AppGroup("loket", help="The local childcare counter.")


def _loket_tenants() -> Iterator[tuple[Tenant, object]]:
    """Each active tenant with the loket enabled, with a tenant session that commits per tenant."""
    database = current_app.extensions["opvangplein.db"]
    with database.session() as lookup:
        tenants = list(lookup.exec(select(Tenant).where(Tenant.active)))
    for tenant in tenants:
        with database.tenant_session(tenant.id) as session:
            if "loket" in enabled_plugins(session):
                yield tenant, session


@loket_cli.command("remind")
def remind():
    """Queue reminders for info sessions that start within two days (run from cron)."""
    from plugins.loket.info_sessions import send_reminders

    for tenant, session in _loket_tenants():
        click.echo(f"{tenant.slug}: {send_reminders(session)} reminders")


@loket_cli.command("expire-proposals")
def expire_proposals():
    """Expire proposals past their parent deadline and tell the parents (run from cron).

    In continuous allocation the freed places are offered to the next families at once.
    Running it twice changes nothing the second time.
    """
    from plugins.loket.continuous import expire_overdue_proposals

    for tenant, session in _loket_tenants():
        expired, offered = expire_overdue_proposals(session, tenant)
        click.echo(
            f"{tenant.slug}: {len(expired)} proposals expired, {len(offered)} places offered again"
        )


@loket_cli.command("anonymise-closed")
def anonymise_closed_requests():
    """Erase names and contacts of requests closed beyond the tenant's retention period
    (run from cron, e.g. nightly); the figures keep counting them."""
    from core.db import utcnow
    from plugins.loket.privacy import anonymise_closed
    from plugins.loket.tenant_settings import loket_settings

    for tenant, session in _loket_tenants():
        years = loket_settings(session)["retention_years"]
        count = anonymise_closed(session, retention_years=years, now=utcnow())
        click.echo(f"{tenant.slug}: {count} closed requests anonymised ({years} years)")
