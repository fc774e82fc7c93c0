"""Photos of buildings: images only, checked three ways (the name's ending, the type the browser
declares and the file's first bytes must agree), small, scanned, kept in the upload store under
the building (``<tenant id>/<building id>/<random name>``)."""

from __future__ import annotations

from typing import BinaryIO
from urllib.parse import quote

from plugins.starters.scanning import ScanFailed, VirusScanner
from plugins.starters.uploads import UploadRefused, checked_name, content_type_of, read_limited

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_EXTENSIONS = ("png", "jpg", "jpeg")
IMAGE_TYPES = ("image/png", "image/jpeg")
MAX_PHOTOS_PER_BUILDING = 12


def accept_photo(
    stream: BinaryIO, filename: str | None, declared_type: str | None, scanner: VirusScanner
) -> tuple[bytes, str, str]:
    """The photo's bytes, name and proven type; :class:`UploadRefused` says why not."""
    name = checked_name(filename)
    if not name.lower().endswith(tuple(f".{ending}" for ending in PHOTO_EXTENSIONS)):
        raise UploadRefused("not_an_image")
    # The browser's declared type must be an image too: a mismatch means a renamed file.
    if (declared_type or "").split(";")[0].strip().lower() not in IMAGE_TYPES:
        raise UploadRefused("not_an_image")
    data = read_limited(stream, PHOTO_MAX_BYTES)
    content_type = content_type_of(data, name)
    if content_type not in IMAGE_TYPES:
        raise UploadRefused("not_an_image")
    try:
        refusal = scanner(data, name)
    except ScanFailed as error:
        raise UploadRefused("scan_failed", str(error)) from error
    except Exception as error:  # a scanner that breaks fails closed
        raise UploadRefused("scan_failed", f"{type(error).__name__}: {error}") from error
    if refusal:
        raise UploadRefused("infected", refusal)
    return data, name, content_type


def map_link(address: str) -> str:
    """A link that opens the address on OpenStreetMap: no embedded map, no script from elsewhere."""
    return "https://www.openstreetmap.org/search?query=" + quote(address, safe="")
