"""The core's own scheduled work (see ``CORE_JOBS`` in core.jobs.runner)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlmodel import select

from core.mail import deliver_pending, purge_old_messages
from core.models import Tenant

logger = logging.getLogger("opvangplein.jobs")


def deliver_mail(database, now: datetime) -> str:
    settings = current_app.extensions["opvangplein.settings"]
    mailer = database.mailer
    if not mailer.configured:
        if settings.is_production:
            logger.error("no mail relay configured (OPVANGPLEIN_SMTP_HOST): mail waits unsent")
        return "no mail relay configured"
    with database.session() as lookup:
        tenants = lookup.exec(select(Tenant).order_by(Tenant.slug)).all()
    sent = failed = 0
    for tenant in tenants:
        try:
            done, missed = deliver_pending(
                database,
                mailer,
                tenant.id,
                lease_seconds=settings.mail_lease_seconds,
                retry_seconds=settings.mail_retry_seconds,
            )
        except Exception:
            logger.exception("mail delivery failed for tenant %s", tenant.slug)
            continue
        sent, failed = sent + done, failed + missed
    return f"{sent} sent, {failed} failed"


def purge_outbox(session, tenant: Tenant, now: datetime) -> str:
    count = purge_old_messages(session, older_than_days=tenant.mail_retention_days, now=now)
    return f"{count} old messages deleted ({tenant.mail_retention_days} days)"


def purge_sign_in_sessions(session, tenant: Tenant, now: datetime) -> str:
    from core.identity.models import SignInSession

    settings = current_app.extensions["opvangplein.settings"]
    expired = now - timedelta(hours=settings.session_absolute_hours)
    result = session.execute(
        sa.delete(SignInSession).where(
            sa.or_(SignInSession.ended_at.is_not(None), SignInSession.created_at < expired)
        )
    )
    return f"{result.rowcount or 0} sign-in sessions purged"
