"""``flask --app core ckg …``: the retention command (run it daily from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import select

from core.db import utcnow
from core.models import Tenant
from core.tenancy import enabled_plugins

ckg_cli = AppGroup("ckg", help="Centre for Childcare and Family Support (CKG).")


@ckg_cli.command("anonymise-closed")
def anonymise_closed_command() -> None:
    """Anonymise referrals closed longer ago than each municipality's retention period."""
    from plugins.ckg.privacy import anonymise_closed
    from plugins.ckg.store import ckg_settings

    database = current_app.extensions["opvangplein.db"]
    with database.session() as lookup:
        tenants = lookup.exec(select(Tenant).order_by(Tenant.slug)).all()
    now = utcnow()
    for tenant in tenants:
        with database.tenant_session(tenant.id) as session:
            if "ckg" not in enabled_plugins(session):
                continue
            years = ckg_settings(session)["retention_years"]
            count = anonymise_closed(session, retention_years=years, now=now)
        click.echo(f"{tenant.slug}: {count} referrals anonymised (retention {years} years)")
