"""The loket's per-tenant settings, readable inside a request and from a cron command alike."""

from __future__ import annotations

from core.tenancy import effective_settings, plugin_row


def loket_settings(session) -> dict:
    """Defaults overlaid with what the tenant stored, for the session's tenant."""
    from plugins.loket.plugin import settings_schema

    row = plugin_row(session, "loket")
    return effective_settings(settings_schema(), row.settings if row else {})


def continuous_allocation(session) -> bool:
    return loket_settings(session)["allocation_mode"] == "continuous"
