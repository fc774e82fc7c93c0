"""``flask --app core training …``: info-session reminders (run daily from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import select

from core.db import utcnow
from core.models import Tenant
from core.tenancy import enabled_plugins

training_cli = AppGroup("training", help="Childcare worker training.")


@training_cli.command("remind")
def remind_command() -> None:
    """Queue one reminder per registration of an info session that starts within two days."""
    from flask_babel import force_locale

    from plugins.training.notifications import send_reminders

    database = current_app.extensions["opvangplein.db"]
    with database.session() as lookup:
        tenants = list(lookup.exec(select(Tenant).where(Tenant.active).order_by(Tenant.slug)))
    now = utcnow()
    for tenant in tenants:
        with database.tenant_session(tenant.id) as session:
            if "training" not in enabled_plugins(session):
                continue
            # No request, so no reader's language: reminders go out in Dutch, the default.
            with force_locale("nl"):
                count = send_reminders(session, now=now, tenant=tenant)
        click.echo(f"{tenant.slug}: {count} reminders")
