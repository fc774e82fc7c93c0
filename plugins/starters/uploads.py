"""Documents of applications: checked, scanned and stored outside the web root.

Files live in ``<root>/<tenant id>/<application id>/<random name>``; the root is
``app.config["STARTERS_UPLOAD_DIR"]``, else ``OPVANGPLEIN_STARTERS_UPLOAD_DIR``, else
``var/uploads`` in the project. Nothing a user sends becomes part of a path: the stored name is
random, and a path is only ever rebuilt from ids and that name, then checked to stay under the root.

Before storing, the configured virus scanner (``app.config["STARTERS_VIRUS_SCANNER"]``: a callable
taking the bytes and the file name, returning ``None`` to accept or a reason to refuse) is called.
The default accepts everything; a municipality plugs in ClamAV or its own service there.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from core.config import PROJECT_ROOT

MAX_BYTES = 10 * 1024 * 1024
# Content type → (magic bytes the file must start with, file name endings allowed).
ALLOWED_TYPES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]|\.\.|^\.|:")

VirusScanner = Callable[[bytes, str], str | None]


class UploadRefused(ValueError):
    """The upload was refused; ``code`` says why (worded in the view), ``detail`` adds context."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str


def no_virus_scan(data: bytes, filename: str) -> str | None:
    """The default scanner: accepts everything (no scanner configured)."""
    return None


def upload_root() -> Path:
    configured = current_app.config.get("STARTERS_UPLOAD_DIR") or os.environ.get(
        "OPVANGPLEIN_STARTERS_UPLOAD_DIR"
    )
    return Path(configured) if configured else PROJECT_ROOT / "var" / "uploads"


def virus_scanner() -> VirusScanner:
    return current_app.config.get("STARTERS_VIRUS_SCANNER") or no_virus_scan


def checked_name(filename: str | None) -> str:
    """The file name as sent, refused when empty, too long or trying to be a path."""
    name = (filename or "").strip()
    if not name:
        raise UploadRefused("no_file")
    if len(name) > 255 or _UNSAFE_NAME.search(name):
        raise UploadRefused("bad_name")
    return name


def content_type_of(data: bytes, name: str) -> str:
    """The type proven by the file's first bytes, which must agree with its name's ending."""
    lowered = name.lower()
    for content_type, (magic, endings) in ALLOWED_TYPES.items():
        if lowered.endswith(endings):
            if not data.startswith(magic):
                raise UploadRefused("content_mismatch")
            return content_type
    raise UploadRefused("wrong_type")


def read_limited(stream: BinaryIO, limit: int = MAX_BYTES) -> bytes:
    """At most ``limit`` bytes; one byte more proves the file is too big without reading it all."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused("too_big")
    if not data:
        raise UploadRefused("empty")
    return data


def accept(stream: BinaryIO, filename: str | None, scanner: VirusScanner) -> tuple[bytes, str, str]:
    """Checks in order of cost: name, size, type, then the scanner. Returns data, name, type."""
    name = checked_name(filename)
    data = read_limited(stream)
    content_type = content_type_of(data, name)
    refusal = scanner(data, name)
    if refusal:
        raise UploadRefused("infected", refusal)
    return data, name, content_type


def application_directory(root: Path, tenant_id: uuid.UUID, application_id: uuid.UUID) -> Path:
    return root / str(uuid.UUID(str(tenant_id))) / str(uuid.UUID(str(application_id)))


def store(
    root: Path,
    tenant_id: uuid.UUID,
    application_id: uuid.UUID,
    data: bytes,
    name: str,
    content_type: str,
) -> StoredFile:
    directory = application_directory(root, tenant_id, application_id)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_name = secrets.token_hex(16)
    target = directory / stored_name
    # O_EXCL: never overwrite, even if two uploads drew the same name.
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return StoredFile(
        stored_name=stored_name,
        original_name=name,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def stored_path(
    root: Path, tenant_id: uuid.UUID, application_id: uuid.UUID, stored_name: str
) -> Path:
    """The file's path, refused unless the name is one we generated and it stays under the root."""
    if not _STORED_NAME.match(stored_name):
        raise UploadRefused("bad_name")
    path = (application_directory(root, tenant_id, application_id) / stored_name).resolve()
    if not path.is_relative_to(root.resolve()):
        raise UploadRefused("bad_name")
    return path


def remove(root: Path, tenant_id: uuid.UUID, application_id: uuid.UUID, stored_name: str) -> None:
    with contextlib.suppress(UploadRefused):
        stored_path(root, tenant_id, application_id, stored_name).unlink(missing_ok=True)
