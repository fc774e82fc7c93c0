"""Handing a module's stored private file (a document, a letter) to the one person allowed it.

The caller has already checked who may see the row; this reads the file under the request's
own tenant (another tenant's file cannot even be addressed), answers 404 when it is gone,
records the download in the audit log and sends it as an attachment nobody caches.
"""

from __future__ import annotations

import io

from flask import Response, abort, g, send_file

from core import audit
from core.file_store import FileRefused, FileStore, StoredFileMissing
from core.web import db_session


def send_private_file(
    store: FileStore,
    owner_id: object,
    stored_name: str,
    *,
    mimetype: str,
    download_name: str,
    audit_action: str,
    object_type: str,
    object_id: object,
) -> Response:
    try:
        data = store.read(g.tenant.id, owner_id, stored_name)
    except (FileRefused, StoredFileMissing):
        abort(404)
    audit.record(db_session(), action=audit_action, object_type=object_type, object_id=object_id)
    db_session().commit()
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=download_name
    )
    response.headers["Cache-Control"] = "no-store"
    return response
