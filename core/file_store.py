"""Where plugins keep uploaded files: one interface, a local-disk and an S3-compatible backend.

A file is addressed by three things the server knows — the tenant's id, the id of the record it
belongs to (the *owner*, e.g. an application) and a random name this module draws — and never by
anything a user sends. Both backends lay files out the same way::

    <root or prefix>/<tenant id>/<owner id>/<random name>

Every address is rebuilt from those three parts, each checked (two canonical UUIDs and 32 hex
characters), so no part can climb out of its folder or reach into another tenant's: a key for
tenant A can only ever be made from A's id, which the caller takes from the request's tenant.

A file is first written *pending* and becomes the record's file only with :meth:`FileStore.publish`
(call it after the record's row is committed); :meth:`FileStore.pending` lists what a dying worker
left, so a scheduled job can publish or discard it.

Which backend (:func:`file_store_from_settings`): ``OPVANGPLEIN_UPLOAD_STORE=s3://bucket/prefix``
chooses S3, with ``OPVANGPLEIN_S3_ENDPOINT_URL``, ``OPVANGPLEIN_S3_REGION``,
``OPVANGPLEIN_S3_ACCESS_KEY_ID`` and ``OPVANGPLEIN_S3_SECRET_ACCESS_KEY`` (without the last two,
boto3's own chain: ``AWS_*`` variables, an instance role); with an endpoint URL, buckets are
addressed by path (``<endpoint>/<bucket>/<key>``). Unset (or ``local``): the local disk
below the root the plugin gives, which suits one server only.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from urllib.parse import urlsplit

from core.config import ConfigurationError

STORE_SETTING = "UPLOAD_STORE"
S3_SETTINGS = ("S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
S3_CONNECT_TIMEOUT_SECONDS = 3
S3_READ_TIMEOUT_SECONDS = 30
PENDING_PREFIX = ".pending-"
_RANDOM_NAME = re.compile(r"^[0-9a-f]{32}$")


class FileRefused(ValueError):
    """A file or address the store will not take; ``code`` is ``bad_name``, ``too_big`` or ``empty``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class StoredFileMissing(LookupError):
    """No published file at that address (never stored, removed, or another tenant's)."""


@dataclass(frozen=True)
class PendingFile:
    tenant_id: uuid.UUID
    owner_id: uuid.UUID
    name: str


def _canonical_uuid(value: object) -> str:
    try:
        parsed = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise FileRefused("bad_name") from None
    text = str(parsed)
    if not isinstance(value, uuid.UUID) and str(value) != text:
        raise FileRefused("bad_name")  # only the canonical spelling: one file, one address
    return text


def address(tenant_id: object, owner_id: object, name: str) -> tuple[str, str, str]:
    """The three checked parts of a file's address; :class:`FileRefused` for anything else."""
    if not isinstance(name, str) or not _RANDOM_NAME.match(name):
        raise FileRefused("bad_name")
    return _canonical_uuid(tenant_id), _canonical_uuid(owner_id), name


class FileStore(ABC):
    """Files of records, per tenant. Subclasses move bytes; this class decides every address."""

    description: str = ""

    def put_pending(
        self,
        tenant_id: object,
        owner_id: object,
        data: bytes,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> str:
        """Write ``data`` under a new random name, pending until :meth:`publish`; returns the name."""
        if not data:
            raise FileRefused("empty")
        if len(data) > max_bytes:
            raise FileRefused("too_big")
        name = secrets.token_hex(16)
        tenant, owner, name = address(tenant_id, owner_id, name)
        self._write_new((tenant, owner, PENDING_PREFIX + name), data)
        return name

    def publish(self, tenant_id: object, owner_id: object, name: str) -> None:
        """Make a pending file the record's file; call after the record's row is committed.
        :class:`StoredFileMissing` when there is no such pending file."""
        tenant, owner, name = address(tenant_id, owner_id, name)
        self._rename((tenant, owner, PENDING_PREFIX + name), (tenant, owner, name))

    def discard(self, tenant_id: object, owner_id: object, name: str) -> None:
        """Remove a pending file whose row was not saved; nothing happens when it is gone."""
        tenant, owner, name = address(tenant_id, owner_id, name)
        self._delete((tenant, owner, PENDING_PREFIX + name))

    def read(self, tenant_id: object, owner_id: object, name: str) -> bytes:
        """The published file's bytes; :class:`StoredFileMissing` when there is none."""
        return self._read(address(tenant_id, owner_id, name))

    def exists(self, tenant_id: object, owner_id: object, name: str) -> bool:
        try:
            self.read(tenant_id, owner_id, name)
        except StoredFileMissing:
            return False
        return True

    def remove(self, tenant_id: object, owner_id: object, name: str) -> None:
        """Remove a published file; a name that is not ours or already gone changes nothing."""
        with contextlib.suppress(FileRefused):
            self._delete(address(tenant_id, owner_id, name))

    def pending(self, *, older_than: float, now: float) -> list[PendingFile]:
        """Pending files written more than ``older_than`` seconds before ``now`` (epoch seconds):
        uploads whose request died between writing the file and committing its row."""
        found = []
        for (tenant, owner, leaf), written_at in self._pending_entries():
            name = leaf.removeprefix(PENDING_PREFIX)
            if now - written_at < older_than:
                continue
            with contextlib.suppress(FileRefused, ValueError):
                address(tenant, owner, name)
                found.append(PendingFile(uuid.UUID(tenant), uuid.UUID(owner), name))
        return found

    @abstractmethod
    def check_writable(self) -> dict:
        """Write and remove a probe; returns details for ``/readyz``, raises when it cannot."""

    # What a backend implements, on addresses already checked.
    @abstractmethod
    def _write_new(self, parts: tuple[str, str, str], data: bytes) -> None: ...

    @abstractmethod
    def _rename(self, source: tuple[str, str, str], target: tuple[str, str, str]) -> None: ...

    @abstractmethod
    def _read(self, parts: tuple[str, str, str]) -> bytes: ...

    @abstractmethod
    def _delete(self, parts: tuple[str, str, str]) -> None: ...

    @abstractmethod
    def _pending_entries(self) -> Iterator[tuple[tuple[str, str, str], float]]: ...


class LocalDiskFileStore(FileStore):
    """Files below a directory on this machine: for one server (or a shared, POSIX file system)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.description = f"local disk {self.root}"

    def path_of(self, tenant_id: object, owner_id: object, name: str) -> Path:
        """The published file's path (it may not exist), checked to stay under the root."""
        return self._path(address(tenant_id, owner_id, name))

    def _path(self, parts: tuple[str, str, str]) -> Path:
        path = self.root.joinpath(*parts).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise FileRefused("bad_name")  # a symlinked folder pointing elsewhere
        return path

    def _write_new(self, parts, data) -> None:
        path = self._path(parts)  # checked before any folder is made
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # O_EXCL: never overwrite, even if two uploads drew the same name.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)

    def _rename(self, source, target) -> None:
        try:
            os.replace(self._path(source), self._path(target))
        except FileNotFoundError:
            raise StoredFileMissing("/".join(source)) from None

    def _read(self, parts) -> bytes:
        try:
            return self._path(parts).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise StoredFileMissing("/".join(parts)) from None

    def _delete(self, parts) -> None:
        self._path(parts).unlink(missing_ok=True)

    def _pending_entries(self):
        for path in self.root.glob(f"*/*/{PENDING_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):
                yield (path.parent.parent.name, path.parent.name, path.name), path.stat().st_mtime

    def check_writable(self) -> dict:
        self.root.mkdir(parents=True, exist_ok=True)
        probe = self.root / f".ready-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
        return {"ok": True, "backend": "local"}


class S3FileStore(FileStore):
    """Files as objects in an S3-compatible bucket (AWS, MinIO, Ceph, …), shared by every server."""

    def __init__(self, bucket: str, prefix: str = "", client=None, **client_options) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        if client is None:
            import boto3  # only deployments that use S3 pay for importing it
            from botocore.config import Config

            # A custom endpoint (MinIO, Ceph, …) rarely serves bucket names as host names; short
            # timeouts so an unreachable store fails a request or ``/readyz`` in seconds.
            path_style = {"addressing_style": "path"} if client_options.get("endpoint_url") else {}
            config = Config(
                connect_timeout=S3_CONNECT_TIMEOUT_SECONDS,
                read_timeout=S3_READ_TIMEOUT_SECONDS,
                retries={"max_attempts": 2, "mode": "standard"},
                s3=path_style,
            )
            client = boto3.client("s3", config=config, **client_options)
        self.client = client
        self.description = f"s3://{bucket}/{self.prefix}"

    def key_of(self, tenant_id: object, owner_id: object, name: str) -> str:
        """The published file's object key: ``<prefix>/<tenant id>/<owner id>/<name>``."""
        return self._key(address(tenant_id, owner_id, name))

    def _key(self, parts: tuple[str, str, str]) -> str:
        return "/".join((self.prefix, *parts)) if self.prefix else "/".join(parts)

    def _missing(self, error) -> bool:
        code = str(error.response.get("Error", {}).get("Code", ""))
        return code in {"NoSuchKey", "404", "NotFound"}

    def _write_new(self, parts, data) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(parts), Body=data)

    def _rename(self, source, target) -> None:
        from botocore.exceptions import ClientError

        source_key = self._key(source)
        try:
            self.client.copy_object(
                Bucket=self.bucket,
                Key=self._key(target),
                CopySource={"Bucket": self.bucket, "Key": source_key},
            )
        except ClientError as error:
            if self._missing(error):
                raise StoredFileMissing(source_key) from None
            raise
        self.client.delete_object(Bucket=self.bucket, Key=source_key)

    def _read(self, parts) -> bytes:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(parts))
        except ClientError as error:
            if self._missing(error):
                raise StoredFileMissing(self._key(parts)) from None
            raise
        return answer["Body"].read()

    def _delete(self, parts) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(parts))

    def _pending_entries(self):
        start = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=start
        )
        for page in pages:
            for entry in page.get("Contents", []):
                parts = entry["Key"].removeprefix(start).split("/")
                if len(parts) == 3 and parts[2].startswith(PENDING_PREFIX):
                    written = entry["LastModified"]
                    if written.tzinfo is None:
                        written = written.replace(tzinfo=UTC)
                    yield (parts[0], parts[1], parts[2]), written.timestamp()

    def check_writable(self) -> dict:
        # Outside any tenant's folder: a probe never shows up among a tenant's files.
        key = "/".join(filter(None, (self.prefix, f".ready-{uuid.uuid4().hex}")))
        self.client.put_object(Bucket=self.bucket, Key=key, Body=b"")
        self.client.delete_object(Bucket=self.bucket, Key=key)
        return {"ok": True, "backend": "s3", "bucket": self.bucket}


def _setting(config: Mapping, environ: Mapping[str, str], name: str) -> str:
    return str(config.get(name) or environ.get(f"OPVANGPLEIN_{name}") or "").strip()


def s3_configured(config: Mapping, environ: Mapping[str, str]) -> bool:
    return _setting(config, environ, STORE_SETTING).startswith("s3://")


def file_store_from_settings(
    config: Mapping, environ: Mapping[str, str], *, local_root: Path | None
) -> FileStore:
    """The store the settings choose: S3 for ``UPLOAD_STORE=s3://bucket/prefix``, else the local
    disk at ``local_root`` (which the plugin has checked). :class:`ConfigurationError` otherwise."""
    chosen = _setting(config, environ, STORE_SETTING)
    if chosen in {"", "local"}:
        if local_root is None:
            raise ConfigurationError("no local upload directory is configured")
        return LocalDiskFileStore(local_root)
    parsed = urlsplit(chosen)
    if parsed.scheme != "s3" or not parsed.netloc or parsed.query or parsed.fragment:
        raise ConfigurationError(
            f"OPVANGPLEIN_{STORE_SETTING}={chosen!r} is neither 'local' nor s3://bucket/prefix"
        )
    prefix = parsed.path.strip("/")
    if prefix and any(part in {"", ".", ".."} for part in prefix.split("/")):
        raise ConfigurationError(f"OPVANGPLEIN_{STORE_SETTING}={chosen!r}: the prefix is not clean")
    endpoint, region, key_id, secret = (_setting(config, environ, name) for name in S3_SETTINGS)
    if bool(key_id) != bool(secret):
        raise ConfigurationError(
            "set both OPVANGPLEIN_S3_ACCESS_KEY_ID and OPVANGPLEIN_S3_SECRET_ACCESS_KEY, or neither"
        )
    options = {
        "endpoint_url": endpoint or None,
        "region_name": region or None,
        "aws_access_key_id": key_id or None,
        "aws_secret_access_key": secret or None,
    }
    return S3FileStore(parsed.netloc, prefix, **options)
