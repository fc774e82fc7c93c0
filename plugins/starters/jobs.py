"""The starters module's scheduled work (see ``MANIFEST.jobs``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from plugins.starters import uploads
from plugins.starters.models import ApplicationDocument

# A request that uploads takes seconds; an hour-old pending file belongs to a request that died.
PENDING_GRACE_SECONDS = 3600


def settle_uploads(database, now: datetime) -> str:
    """Finish uploads a dying worker left pending: publish the file when its document row was
    committed, remove it when not. Files on disk span every tenant, so this runs once, not per
    tenant. Running it twice changes nothing the second time."""
    published, removed = settle_pending(database, uploads.upload_root(), now=now.timestamp())
    return f"{published} uploads published, {removed} stray uploads removed"


def settle_pending(database, root, *, now: float) -> tuple[int, int]:
    published = removed = 0
    for tenant_id, application_id, stored_name in uploads.pending_uploads(
        root, older_than=PENDING_GRACE_SECONDS, now=now
    ):
        with database.tenant_session(tenant_id) as session:
            saved = session.exec(
                select(ApplicationDocument.id).where(
                    ApplicationDocument.application_id == application_id,
                    ApplicationDocument.stored_name == stored_name,
                )
            ).first()
        if saved is not None:
            uploads.publish(root, tenant_id, application_id, stored_name)
            published += 1
        else:
            uploads.discard(root, tenant_id, application_id, stored_name)
            removed += 1
    return published, removed
