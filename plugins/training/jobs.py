"""The training module's scheduled work (see ``MANIFEST.jobs``)."""

from __future__ import annotations

from datetime import datetime

from plugins.training.notifications import send_reminders


def remind(session, tenant, now: datetime) -> str:
    """Info-session reminders for seated people of sessions within two days, once each."""
    return f"{send_reminders(session, now=now, tenant=tenant)} reminders"
