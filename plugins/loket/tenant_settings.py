"""The loket's per-tenant settings, readable inside a request and from a scheduled job alike."""

from __future__ import annotations

from core.tenancy import plugin_settings


def loket_settings(session) -> dict:
    """Defaults overlaid with what the tenant stored, for the session's tenant."""
    from plugins.loket.plugin import MANIFEST

    return plugin_settings(session, MANIFEST)


def continuous_allocation(session) -> bool:
    return loket_settings(session)["allocation_mode"] == "continuous"


def provider_answer_days(session) -> int:
    """How long a proposal waits for the provider before it expires."""
    return int(loket_settings(session)["provider_answer_days"])
