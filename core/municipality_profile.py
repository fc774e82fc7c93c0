"""What a municipality tells its residents about itself: its own intro and contact block on its
home page, and the postcodes the platform home finds it by.

Both live in the tenant's ``theme`` JSON (``theme["home"]`` and ``theme["postcodes"]``): they
are per-municipality presentation, edited with the theme, and need no table of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

# Belgian postcodes: four digits, the first not zero.
POSTCODE = re.compile(r"^[1-9][0-9]{3}$")
HOME_FIELDS = ("intro", "address", "phone", "email", "opening_hours")
_SEARCH_LIMIT = 100


@dataclass(frozen=True)
class HomeProfile:
    """The intro and contact block a municipality writes for its home page; empty means unset."""

    intro: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    opening_hours: str = ""

    @classmethod
    def from_theme(cls, theme: dict | None) -> HomeProfile:
        stored = (theme or {}).get("home") or {}
        if not isinstance(stored, dict):
            return cls()
        return cls(**{key: str(stored.get(key) or "") for key in HOME_FIELDS})

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @property
    def has_contact(self) -> bool:
        return any((self.address, self.phone, self.email, self.opening_hours))

    @property
    def phone_link(self) -> str:
        """The number as a ``tel:`` link wants it: digits and a leading plus only."""
        digits = re.sub(r"[^0-9+]", "", self.phone)
        return f"tel:{digits}" if digits else ""


def configured_postcodes(theme: dict | None) -> list[str]:
    """The postcodes stored for the municipality (``postcodes = [...]`` in its tenant file)."""
    stored = (theme or {}).get("postcodes") or []
    if not isinstance(stored, list):
        return []
    return [str(code) for code in stored if POSTCODE.match(str(code))]


def invalid_postcodes(values: Iterable) -> list[str]:
    return [str(value) for value in values if not POSTCODE.match(str(value))]


def normalise_query(query: str) -> str:
    return " ".join((query or "").split()).casefold()[:_SEARCH_LIMIT]


def find_municipalities(
    tenants: list, query: str, postcodes_of: Callable[[object], Iterable[str]]
) -> list:
    """The tenants whose name (or slug, or region) contains ``query``, or that serve the postcode
    ``query`` names. ``postcodes_of(tenant)`` is asked only for a postcode search, since it may
    read each municipality's locations."""
    wanted = normalise_query(query)
    if not wanted:
        return list(tenants)
    if POSTCODE.match(wanted):
        return [tenant for tenant in tenants if wanted in set(postcodes_of(tenant))]
    return [
        tenant
        for tenant in tenants
        if wanted in tenant.name.casefold()
        or wanted in tenant.slug.replace("-", " ")
        or (tenant.region and wanted in tenant.region.casefold())
    ]
