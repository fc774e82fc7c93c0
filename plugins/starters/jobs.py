"""The starters module's scheduled work (see ``MANIFEST.jobs``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from core.file_store import FileStore
from plugins.starters import uploads
from plugins.starters.models import ApplicationDocument, BuildingPhoto, DecisionLetter

# A request that uploads takes seconds; an hour-old pending file belongs to a request that died.
PENDING_GRACE_SECONDS = 3600


def settle_uploads(database, now: datetime) -> str:
    """Finish uploads a dying worker left pending: publish the file when its row (a document, a
    decision letter, a building photo) was committed, remove it when not. The store spans every
    tenant, so this runs once, not per tenant. Running it twice changes nothing the second time."""
    published, removed = settle_pending(database, uploads.file_store(), now=now.timestamp())
    return f"{published} uploads published, {removed} stray uploads removed"


# The rows that own files in the store: (model, the column naming the owner).
FILE_OWNERS = (
    (ApplicationDocument, ApplicationDocument.application_id),
    (DecisionLetter, DecisionLetter.application_id),
    (BuildingPhoto, BuildingPhoto.building_id),
)


def _known_file(session, owner_id, name: str):
    for model, owner in FILE_OWNERS:
        found = session.exec(
            select(model.id).where(owner == owner_id, model.stored_name == name)
        ).first()
        if found is not None:
            return found
    return None


def settle_pending(database, files: FileStore, *, now: float) -> tuple[int, int]:
    published = removed = 0
    for pending in files.pending(older_than=PENDING_GRACE_SECONDS, now=now):
        # The tenant's own session: a pending file is judged only against its own tenant's rows.
        with database.tenant_session(pending.tenant_id) as session:
            saved = _known_file(session, pending.owner_id, pending.name)
        if saved is not None:
            files.publish(pending.tenant_id, pending.owner_id, pending.name)
            published += 1
        else:
            files.discard(pending.tenant_id, pending.owner_id, pending.name)
            removed += 1
    return published, removed
