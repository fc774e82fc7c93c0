"""The loket's scheduled work (``ScheduledJob`` in the manifest), once per tenant.

Each function is ``function(session, tenant, now) -> str``: the platform runs it in the
tenant's own transaction and commits when it returns. Every one is idempotent, so a run that
died is simply run again. The ``flask --app core loket ...`` commands run the same jobs.
"""

from __future__ import annotations

from datetime import datetime


def remind_info_sessions(session, tenant, now: datetime) -> str:
    """One reminder per registration of an info session that starts within two days."""
    from plugins.loket.info_sessions import send_reminders

    return f"{send_reminders(session, tenant, now=now)} reminders"


def remind_answer_deadlines(session, tenant, now: datetime) -> str:
    """One reminder to each parent whose offer's deadline is near and who has not answered."""
    from plugins.loket.offers import send_deadline_reminders

    return f"{send_deadline_reminders(session, tenant, now=now)} deadline reminders"


def expire_proposals(session, tenant, now: datetime) -> str:
    """Expire proposals past their parent deadline, tell the parents, let the places move on."""
    from plugins.loket.continuous import expire_overdue_proposals

    expired, offered = expire_overdue_proposals(session, tenant, now=now)
    return f"{len(expired)} proposals expired, {len(offered)} places offered again"


def anonymise_closed(session, tenant, now: datetime) -> str:
    """Erase names and contacts of requests closed beyond the tenant's retention period."""
    from plugins.loket.privacy import anonymise_closed as anonymise
    from plugins.loket.tenant_settings import loket_settings

    years = loket_settings(session)["retention_years"]
    count = anonymise(session, retention_years=years, now=now)
    return f"{count} closed requests anonymised ({years} years)"
