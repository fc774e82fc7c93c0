"""The audit service plugins call: ``record(session, action=..., object=...)``."""

from __future__ import annotations

import uuid
from typing import Any

from core.models import AuditEntry, PlatformAuditEntry
from core.request_context import current_actor, current_request_id


def person(user_id: uuid.UUID | None = None, *, object_type: str = "", object_id: Any = "") -> str:
    """How an audit entry names the person someone acted for: their account (``user:<id>``) when
    they have one, else the record that stands for them (``loket_request:<id>``: the parent of
    that request). Never a name or an address: the audit log is append-only and outlives an
    erasure, while the record it points to is stripped of the person."""
    if user_id is not None:
        return f"user:{user_id}"
    return f"{object_type}:{object_id}" if object_type and object_id else ""


def record(
    session,
    *,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    detail: dict | None = None,
    actor: str | None = None,
    on_behalf_of: str = "",
) -> AuditEntry:
    """Append an audit entry in the session's tenant (stamped at flush).

    ``on_behalf_of`` names the person the actor acted for (see :func:`person`): staff who
    register a parent's request, place a child, or record a family's consent. It is left empty
    when it names the actor themselves — acting for oneself is not acting on someone's behalf.
    """
    actor = actor or current_actor()
    entry = AuditEntry(
        actor=actor,
        on_behalf_of="" if on_behalf_of == actor else on_behalf_of,
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


def record_for_organisation(
    database,
    organisation_id: uuid.UUID,
    *,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    detail: dict | None = None,
    actor: str | None = None,
) -> list[uuid.UUID]:
    """Append the same entry in every tenant that grants the organisation; return those tenants.

    An organisation's shared data (a CKG's antennas and on-call contacts) serves every
    municipality that works with it, so each of them must see who changed it — not only the one
    where the change was made."""
    from sqlmodel import select

    from core.identity.models import OrganisationGrant

    actor = actor or current_actor()
    with database.platform_session(actor=actor, reason=f"audit {action} in granting tenants") as db:
        tenant_ids = sorted(
            set(
                db.exec(
                    select(OrganisationGrant.tenant_id).where(
                        OrganisationGrant.organisation_id == organisation_id
                    )
                ).all()
            )
        )
        for tenant_id in tenant_ids:
            entry = record(
                db,
                action=action,
                object_type=object_type,
                object_id=object_id,
                detail=detail,
                actor=actor,
            )
            entry.tenant_id = tenant_id
    return tenant_ids
