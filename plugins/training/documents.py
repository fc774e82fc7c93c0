"""Candidates' documents: the criminal-record extract (uittreksel uit het strafregister, model 2,
which childcare work requires) and the diploma, with issue and expiry dates.

Files live in the core's upload store (:mod:`core.file_store`) at ``<tenant>/<candidate>/<random
name>``; the root is ``TRAINING_UPLOAD_DIR`` (config) or ``OPVANGPLEIN_TRAINING_UPLOAD_DIR``,
else ``var/uploads/training`` in development (``OPVANGPLEIN_UPLOAD_STORE=s3://…`` chooses S3).
Only PDF, PNG and JPEG files whose first bytes prove their type, up to 5 MB, are taken.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import date
from pathlib import Path

from flask import current_app
from sqlmodel import select

from core.config import PROJECT_ROOT, ConfigurationError
from core.file_store import FileStore, LocalDiskFileStore, file_store_from_settings, s3_configured
from plugins.training.models import CandidateDocument

CRIMINAL_RECORD, DIPLOMA = "criminal_record", "diploma"
KINDS = (CRIMINAL_RECORD, DIPLOMA)
MAX_BYTES = 5 * 1024 * 1024
ALLOWED_TYPES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]|\.\.|^\.|:")
UPLOAD_DIR_SETTING = "TRAINING_UPLOAD_DIR"
EXTENSION_KEY = "training.files"


class DocumentRefused(ValueError):
    """``code``: no_file | bad_name | too_big | empty | wrong_type | content_mismatch."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def file_store() -> FileStore:
    files = current_app.extensions.get(EXTENSION_KEY)
    if files is None:
        environ = os.environ
        if s3_configured(current_app.config, environ):
            files = file_store_from_settings(current_app.config, environ, local_root=None)
        else:
            configured = current_app.config.get(UPLOAD_DIR_SETTING) or environ.get(
                f"OPVANGPLEIN_{UPLOAD_DIR_SETTING}"
            )
            if not configured and current_app.config.get("OPVANGPLEIN_ENV") == "production":
                raise ConfigurationError(
                    f"set OPVANGPLEIN_{UPLOAD_DIR_SETTING} (outside the web root) or"
                    " OPVANGPLEIN_UPLOAD_STORE for candidates' documents"
                )
            root = Path(configured) if configured else PROJECT_ROOT / "var/uploads/training"
            files = LocalDiskFileStore(root)
        current_app.extensions[EXTENSION_KEY] = files
    return files


def accept(data: bytes, filename: str | None) -> tuple[str, str]:
    """The checked name and the content type the first bytes prove; refused otherwise."""
    name = (filename or "").strip()
    if not name:
        raise DocumentRefused("no_file")
    if len(name) > 255 or _UNSAFE_NAME.search(name):
        raise DocumentRefused("bad_name")
    if len(data) > MAX_BYTES:
        raise DocumentRefused("too_big")
    if not data:
        raise DocumentRefused("empty")
    lowered = name.lower()
    for content_type, (magic, endings) in ALLOWED_TYPES.items():
        if lowered.endswith(endings):
            if not data.startswith(magic):
                raise DocumentRefused("content_mismatch")
            return name, content_type
    raise DocumentRefused("wrong_type")


def documents_of(session, candidate_id: uuid.UUID) -> list[CandidateDocument]:
    return list(
        session.exec(
            select(CandidateDocument)
            .where(CandidateDocument.candidate_id == candidate_id)
            .order_by(CandidateDocument.uploaded_at.desc())
        )
    )


def is_valid(document: CandidateDocument, today: date) -> bool:
    return document.issued_on <= today and (
        document.expires_on is None or document.expires_on >= today
    )


def has_valid_extract(session, candidate_id: uuid.UUID, today: date) -> bool:
    return any(
        document.kind == CRIMINAL_RECORD and is_valid(document, today)
        for document in documents_of(session, candidate_id)
    )


def candidates_with_valid_extract(
    session, today: date, *, candidate_ids: list[uuid.UUID] | None = None
) -> set[uuid.UUID]:
    """Who holds an extract valid today: everyone, or only among ``candidate_ids``."""
    statement = select(CandidateDocument).where(CandidateDocument.kind == CRIMINAL_RECORD)
    if candidate_ids is not None:
        if not candidate_ids:
            return set()
        statement = statement.where(CandidateDocument.candidate_id.in_(candidate_ids))
    return {row.candidate_id for row in session.exec(statement) if is_valid(row, today)}
