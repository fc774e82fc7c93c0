"""A municipality's logo: the upload is opened as an image and drawn again as a small PNG, so
what visitors receive is always the platform's own file — never the uploader's bytes, which
could be a script dressed as a picture — and a decompression bomb is refused before it unpacks."""

from __future__ import annotations

import io
import secrets
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import delete

from core.models import TenantLogo

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Counted from the header, before any pixel is unpacked.
MAX_SOURCE_PIXELS = 40_000_000
# The header shows the logo at most this large (core/static/css/opvangplein.css).
BOX = (600, 160)
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")


class LogoRefused(ValueError):
    """``code`` is one of ``not_an_image``, ``too_big``, ``too_many_pixels``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def redraw(data: bytes) -> bytes:
    """The logo in ``data`` as a PNG that fits :data:`BOX`; :class:`LogoRefused` says why not."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise LogoRefused("too_big")
    if not data:
        raise LogoRefused("not_an_image")
    try:
        with warnings.catch_warnings():
            # Pillow warns of a bomb from its own limit; ours, lower, refuses it just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        with image:
            if image.width * image.height > MAX_SOURCE_PIXELS:
                raise LogoRefused("too_many_pixels")
            image.load()
            drawn = ImageOps.exif_transpose(image).convert("RGBA")
    except LogoRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise LogoRefused("not_an_image") from None
    drawn.thumbnail(BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    drawn.save(out, "PNG", optimize=True)
    return out.getvalue()


def replace_logo(session, tenant_id, png: bytes) -> str:
    """Keep ``png`` as the tenant's only logo; returns its new version (part of its address)."""
    session.exec(delete(TenantLogo))
    version = secrets.token_hex(16)
    session.add(TenantLogo(tenant_id=tenant_id, version=version, data=png))
    return version


def remove_logo(session) -> None:
    session.exec(delete(TenantLogo))
