"""Documents of applications: checked, scanned and stored outside the web root, per tenant.

Files are kept by the core's upload store (:mod:`core.file_store`) at ``<tenant id>/<application
id>/<random name>``, below a local directory or an S3 prefix. Nothing a user sends becomes part of
an address: the stored name is random, and an address is only ever rebuilt from ids and that name.

``OPVANGPLEIN_UPLOAD_STORE=s3://bucket/prefix`` keeps them in an S3-compatible bucket, which
several app servers share (see :mod:`core.file_store` for its settings). Otherwise they are on
this machine's disk, and the root is (checked once, when the app starts — :func:`configure`):

* ``STARTERS_UPLOAD_DIR`` in the app config, else the ``OPVANGPLEIN_STARTERS_UPLOAD_DIR``
  environment variable: an absolute directory, which may not lie inside a folder the web server
  serves (any ``static`` folder of the core or a plugin);
* in development, when neither is set: ``var/uploads/starters`` in the project;
* in production (``OPVANGPLEIN_ENV=production``) one of the two settings is required: the app
  refuses to start without it, so documents never land in a checkout by accident.

Before storing, the configured virus scanner runs (see :mod:`plugins.starters.scanning`).
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import Flask, current_app

from core.config import PROJECT_ROOT, ConfigurationError
from core.file_store import (
    FileRefused,
    FileStore,
    LocalDiskFileStore,
    file_store_from_settings,
    s3_configured,
)
from plugins.starters.scanning import ScanFailed, VirusScanner, configured_scanner, no_virus_scan

MAX_BYTES = 10 * 1024 * 1024
# Content type → (magic bytes the file must start with, file name endings allowed).
ALLOWED_TYPES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]|\.\.|^\.|:")
UPLOAD_DIR_SETTING = "STARTERS_UPLOAD_DIR"
DEVELOPMENT_UPLOAD_DIR = PROJECT_ROOT / "var" / "uploads" / "starters"
EXTENSION_KEY = "starters.uploads"


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


@dataclass(frozen=True)
class UploadSettings:
    files: FileStore
    scanner: VirusScanner


def web_roots(app: Flask) -> list[Path]:
    """Folders the web server serves files from: the app's and every core or plugin static folder."""
    folders = [Path(app.static_folder)] if app.static_folder else []
    folders += [Path(bp.static_folder) for bp in app.blueprints.values() if bp.static_folder]
    folders += list(PROJECT_ROOT.glob("core/**/static")) + list(
        PROJECT_ROOT.glob("plugins/*/static")
    )
    return [folder.resolve() for folder in folders]


def configured_root(config: Mapping, environ: Mapping[str, str]) -> Path:
    """The upload root the settings choose; :class:`ConfigurationError` when production lacks one."""
    configured = config.get(UPLOAD_DIR_SETTING) or environ.get(f"OPVANGPLEIN_{UPLOAD_DIR_SETTING}")
    if configured:
        root = Path(configured)
        if not root.is_absolute():
            raise ConfigurationError(
                f"OPVANGPLEIN_{UPLOAD_DIR_SETTING}={configured!r} must be an absolute path"
            )
        return root
    if config.get("OPVANGPLEIN_ENV") == "production":
        raise ConfigurationError(
            f"Refusing to start in production: set OPVANGPLEIN_{UPLOAD_DIR_SETTING} to a "
            "directory outside the web root where starters' documents are kept (one folder per "
            "tenant is made below it), or OPVANGPLEIN_UPLOAD_STORE=s3://bucket/prefix"
        )
    return DEVELOPMENT_UPLOAD_DIR


def checked_local_root(app: Flask, environ: Mapping[str, str]) -> Path:
    """The local upload root, refused when it lies inside a folder the web server serves."""
    root = configured_root(app.config, environ)
    resolved = root.resolve()
    for served in web_roots(app):
        if resolved.is_relative_to(served):
            raise ConfigurationError(
                f"OPVANGPLEIN_{UPLOAD_DIR_SETTING}={str(root)!r} lies inside {served}, which the "
                "web server serves: choose a directory outside the web root"
            )
    return root


def configure(app: Flask, environ: Mapping[str, str] | None = None) -> UploadSettings:
    """Check the upload settings once at start-up and keep them on the app."""
    environ = os.environ if environ is None else environ
    if s3_configured(app.config, environ):
        files = file_store_from_settings(app.config, environ, local_root=None)
    else:
        files = LocalDiskFileStore(checked_local_root(app, environ))
    scanner = configured_scanner(app.config, environ)
    if scanner is None:
        if app.config.get("OPVANGPLEIN_ENV") == "production":
            app.logger.warning(
                "starters: no virus scanner configured; set OPVANGPLEIN_STARTERS_VIRUS_SCAN_COMMAND"
                " (e.g. 'clamdscan --no-summary --fdpass') or OPVANGPLEIN_STARTERS_VIRUS_SCANNER"
            )
        scanner = no_virus_scan
    settings = UploadSettings(files=files, scanner=scanner)
    app.extensions[EXTENSION_KEY] = settings
    return settings


def _settings() -> UploadSettings:
    settings = current_app.extensions.get(EXTENSION_KEY)
    return settings if settings is not None else configure(current_app)


def file_store() -> FileStore:
    """Where this app keeps documents (the local disk or an S3 bucket, see :mod:`core.file_store`)."""
    return _settings().files


def virus_scanner() -> VirusScanner:
    return _settings().scanner


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
    try:
        refusal = scanner(data, name)
    except ScanFailed as error:
        raise UploadRefused("scan_failed", str(error)) from error
    except Exception as error:  # a scanner that breaks fails closed: the file is not stored
        raise UploadRefused("scan_failed", f"{type(error).__name__}: {error}") from error
    if refusal:
        raise UploadRefused("infected", refusal)
    return data, name, content_type


def store(
    files: FileStore,
    tenant_id: uuid.UUID,
    application_id: uuid.UUID,
    data: bytes,
    name: str,
    content_type: str,
) -> StoredFile:
    """Write an accepted file, pending: only ``files.publish`` (after the document row is
    committed) makes it the document's file, so a worker that dies in between leaves a pending
    file for the ``settle_uploads`` job, never a file no record knows."""
    try:
        stored_name = files.put_pending(tenant_id, application_id, data, max_bytes=MAX_BYTES)
    except FileRefused as refused:
        raise UploadRefused(refused.code) from refused
    return StoredFile(
        stored_name=stored_name,
        original_name=name,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def upload_store_writable(app: Flask) -> dict:
    """Whether a document could be stored now: a probe is written to the store and removed."""
    settings = app.extensions.get(EXTENSION_KEY) or configure(app)
    return settings.files.check_writable()
