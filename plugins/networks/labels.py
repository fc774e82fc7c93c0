"""How the plugin's codes read on screen (lazy: each reader gets their own language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from plugins.networks.services import (
    ActionStatus,
    Cost,
    NetworkKind,
    Presence,
    Sector,
    ServiceCategory,
)

KIND_LABELS = {
    NetworkKind.HUIS_VAN_HET_KIND: _l("Huis van het Kind (house of the child)"),
    NetworkKind.CHILD_POVERTY: _l("Local consultation on child poverty"),
    NetworkKind.INCLUSIVE_CARE: _l("Inclusive-care network"),
    NetworkKind.REGIONAL: _l("Regional cooperation"),
}
SECTOR_LABELS = {
    Sector.CHILDCARE: _l("Childcare"),
    Sector.SCHOOL: _l("School"),
    Sector.OCMW: _l("OCMW (public social welfare)"),
    Sector.CKG: _l("CKG (family support centre)"),
    Sector.POLICE: _l("Police"),
    Sector.HOMEWORK: _l("Homework support"),
    Sector.HEALTH: _l("Health care"),
    Sector.WELFARE: _l("Welfare organisation"),
    Sector.OTHER: _l("Other partner"),
}
STATUS_LABELS = {
    ActionStatus.OPEN: _l("open"),
    ActionStatus.IN_PROGRESS: _l("in progress"),
    ActionStatus.DONE: _l("done"),
    ActionStatus.DROPPED: _l("dropped"),
}
PRESENCE_LABELS = {
    Presence.PRESENT: _l("present"),
    Presence.EXCUSED: _l("excused"),
    Presence.ABSENT: _l("absent"),
}
CATEGORY_LABELS = {
    ServiceCategory.CHILDCARE: _l("Childcare"),
    ServiceCategory.PARENTING: _l("Parenting support"),
    ServiceCategory.EDUCATION: _l("School and learning"),
    ServiceCategory.HEALTH: _l("Health"),
    ServiceCategory.FINANCIAL: _l("Financial support and social tariffs"),
    ServiceCategory.LEISURE: _l("Leisure and play"),
    ServiceCategory.OTHER: _l("Other help"),
}
COST_LABELS = {
    Cost.FREE: _l("free"),
    Cost.SOCIAL_TARIFF: _l("social tariff possible"),
    Cost.PAID: _l("paid"),
}
LANGUAGE_LABELS = {
    "nl": _l("Dutch"),
    "fr": _l("French"),
    "en": _l("English"),
    "de": _l("German"),
    "ar": _l("Arabic"),
    "tr": _l("Turkish"),
    "pl": _l("Polish"),
    "ro": _l("Romanian"),
    "uk": _l("Ukrainian"),
    "ru": _l("Russian"),
    "es": _l("Spanish"),
    "so": _l("Somali"),
}


def label(mapping: dict, code: str) -> str:
    return str(mapping.get(code, code))


TEMPLATE_LABELS = {
    "kind": KIND_LABELS,
    "sector": SECTOR_LABELS,
    "status": STATUS_LABELS,
    "presence": PRESENCE_LABELS,
    "category": CATEGORY_LABELS,
    "cost": COST_LABELS,
    "language": LANGUAGE_LABELS,
}
