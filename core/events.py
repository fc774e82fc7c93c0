"""Domain events: a plugin announces, the plugins enabled for that tenant react."""

from __future__ import annotations

from flask import current_app

from core.plugin_types import DomainEvent
from core.tenancy import enabled_plugins


def announce(session, name: str, **payload) -> DomainEvent:
    """Announce ``name`` in the session's tenant; handlers run in this transaction."""
    if session.tenant_id is None:
        raise ValueError("events belong to a tenant: use a tenant session")
    event = DomainEvent(name=name, tenant_id=session.tenant_id, payload=payload)
    registry = current_app.extensions["opvangplein.plugins"]
    registry.for_plugins(enabled_plugins(session)).on_event(event=event, session=session)
    return event
