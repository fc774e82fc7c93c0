"""Secrets at rest: AES-GCM with a key id, so the platform key can be rotated.

A sealed value reads ``v1.<key id>.<base64url(nonce + ciphertext)>``. Every seal names a
*context* (e.g. ``idp-secret|<tenant id>|<provider key>|<issuer>``) that is bound to the
ciphertext as associated data: a value copied to another tenant, provider or issuer does not open.

The platform keys come from ``OPVANGPLEIN_SECRETS_KEYS`` (``kid:base64key,kid:base64key``, the
first one seals) or from the file named by ``OPVANGPLEIN_SECRETS_KEY_FILE`` (one ``kid:base64key``
per line, the first one seals). Older keys keep opening what they sealed until
``flask --app core secrets reseal`` has moved every value to the first key. Development derives a
key from the secret key; production refuses to start without explicit keys.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = "v1"
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
NONCE_BYTES = 12


class SecretUnavailable(Exception):
    """A sealed value cannot be opened: unknown key id, wrong context, or tampered."""


class SecretsKeyError(ValueError):
    """The configured platform keys are unusable."""


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def parse_keys(text: str) -> dict[str, bytes]:
    """``kid:base64key`` entries separated by commas or new lines, in order (first seals)."""
    keys: dict[str, bytes] = {}
    for entry in re.split(r"[,\n]", text):
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        kid, _, encoded = entry.partition(":")
        if not KEY_ID_PATTERN.match(kid):
            raise SecretsKeyError(f"key id {kid!r}: use 1-32 letters, digits, '-' or '_'")
        try:
            key = _b64decode(encoded.strip())
        except ValueError as error:
            raise SecretsKeyError(f"key {kid}: not base64") from error
        if len(key) != 32:
            raise SecretsKeyError(f"key {kid}: must be 32 bytes (AES-256), got {len(key)}")
        if kid in keys:
            raise SecretsKeyError(f"key id {kid} appears twice")
        keys[kid] = key
    return keys


def new_key_line(kid: str) -> str:
    """A fresh ``kid:base64key`` entry for an operator to add to the key file."""
    return f"{kid}:{_b64encode(os.urandom(32))}"


@dataclass(frozen=True)
class SecretBox:
    keys: dict[str, bytes]

    def __post_init__(self) -> None:
        if not self.keys:
            raise SecretsKeyError("no platform secrets key configured")

    @property
    def current_kid(self) -> str:
        return next(iter(self.keys))

    def seal(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        kid = self.current_kid
        ciphertext = AESGCM(self.keys[kid]).encrypt(
            nonce, plaintext.encode("utf-8"), _associated(kid, context)
        )
        return f"{FORMAT}.{kid}.{_b64encode(nonce + ciphertext)}"

    def open(self, sealed: str, *, context: str) -> str:
        try:
            version, kid, payload = sealed.split(".", 2)
            if version != FORMAT:
                raise SecretUnavailable(f"unknown format {version!r}")
            key = self.keys.get(kid)
            if key is None:
                raise SecretUnavailable(f"key {kid!r} is not configured")
            data = _b64decode(payload)
            plaintext = AESGCM(key).decrypt(
                data[:NONCE_BYTES], data[NONCE_BYTES:], _associated(kid, context)
            )
        except SecretUnavailable:
            raise
        except Exception as error:  # InvalidTag, bad base64, wrong shape
            raise SecretUnavailable("the sealed value does not open in this context") from error
        return plaintext.decode("utf-8")

    def key_id_of(self, sealed: str) -> str:
        return sealed.split(".", 2)[1] if sealed.count(".") >= 2 else ""

    def reseal(self, sealed: str, *, context: str) -> str:
        """The same secret under the current key (for key rotation)."""
        if self.key_id_of(sealed) == self.current_kid:
            return sealed
        return self.seal(self.open(sealed, context=context), context=context)


def _associated(kid: str, context: str) -> bytes:
    return f"{FORMAT}|{kid}|{context}".encode()


def box_from_settings(settings) -> SecretBox:
    """The platform's box: explicit keys, else (development only) a key derived from the secret."""
    if settings.secrets_keys:
        return SecretBox(parse_keys(settings.secrets_keys))
    if settings.secrets_key_file:
        path = Path(settings.secrets_key_file)
        try:
            return SecretBox(parse_keys(path.read_text(encoding="utf-8")))
        except OSError as error:
            raise SecretsKeyError(f"cannot read {path}: {error.strerror}") from error
    derived = hashlib.sha256(b"opvangplein-secrets|" + settings.secret_key.encode()).digest()
    return SecretBox({"dev": derived})
