"""The audit service plugins call: ``record(session, action=..., object=...)``."""

from __future__ import annotations

import uuid
from typing import Any

from core.models import AuditEntry, PlatformAuditEntry
from core.request_context import current_actor, current_request_id


def record(
    session,
    *,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    detail: dict | None = None,
    actor: str | None = None,
) -> AuditEntry:
    """Append an audit entry in the session's tenant (stamped at flush)."""
    entry = AuditEntry(
        actor=actor or current_actor(),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
        request_id=current_request_id(),
    )
    session.add(entry)
    return entry


def record_platform_action(
    session,
    *,
    action: str,
    actor: str | None = None,
    target_tenant_id: uuid.UUID | None = None,
    detail: dict | None = None,
) -> PlatformAuditEntry:
    entry = PlatformAuditEntry(
        actor=actor or current_actor(),
        action=action,
        target_tenant_id=target_tenant_id,
        detail=detail or {},
        request_id=current_request_id(),
    )
    session.add(entry)
    return entry
