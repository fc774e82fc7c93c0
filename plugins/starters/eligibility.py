"""Whether a project meets a measure's eligibility: facility type, number of places, area.

Plain Python (no Flask, no database), so the rules are tested on their own.

**Area**, concretely: a measure may name Belgian postcodes (``3550``) and/or place names — a
deelgemeente, village or municipality (``Zolder``, ``Heusden``). A project is in the measure's
area when its postcode is one of the postcodes **or** its place (the deelgemeente the starter
filled in) is one of the names. Names are compared without case, accents and extra spaces, but
otherwise exactly: ``Zolderstraat`` is not ``Zolder``, and ``Heusden-Zolder`` is neither (list it
when the whole municipality is meant). A measure that names neither applies everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

_POSTCODE = re.compile(r"^[1-9][0-9]{3}$")
_SEPARATORS = re.compile(r"[,;\n]+")


class Unmet(StrEnum):
    """Which condition a project does not meet."""

    FACILITY_TYPE = "facility_type"
    TOO_FEW_PLACES = "too_few_places"
    TOO_MANY_PLACES = "too_many_places"
    AREA = "area"


@dataclass(frozen=True)
class Project:
    """What eligibility looks at in an application."""

    facility_type: str
    planned_places: int | None
    postcode: str
    place: str


def normalise_place(name: str) -> str:
    """``"  Zoldér "`` → ``"zolder"``: no accents, no case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def is_postcode(text: str) -> bool:
    """A Belgian postcode: four digits, 1000 to 9999."""
    return bool(_POSTCODE.match(text.strip()))


def split_list(text: str) -> list[str]:
    """A list typed as ``"Zolder, Heusden"`` (commas, semicolons or new lines), in order, unique."""
    items = (item.strip() for item in _SEPARATORS.split(text or ""))
    return list(dict.fromkeys(item for item in items if item))


def restricts_area(postcodes: list[str], places: list[str]) -> bool:
    return bool(postcodes or places)


def in_area(postcodes: list[str], places: list[str], project: Project) -> bool:
    if not restricts_area(postcodes, places):
        return True
    if project.postcode.strip() in {postcode.strip() for postcode in postcodes}:
        return True
    place = normalise_place(project.place)
    return bool(place) and place in {normalise_place(name) for name in places}


def unmet_conditions(measure, project: Project) -> list[Unmet]:
    """Every condition of ``measure`` (a SupportMeasure) that ``project`` does not meet, in order."""
    unmet = []
    if measure.facility_types and project.facility_type not in measure.facility_types:
        unmet.append(Unmet.FACILITY_TYPE)
    places = project.planned_places or 0
    if measure.min_places is not None and places < measure.min_places:
        unmet.append(Unmet.TOO_FEW_PLACES)
    if measure.max_places is not None and places > measure.max_places:
        unmet.append(Unmet.TOO_MANY_PLACES)
    if not in_area(measure.area_postcodes, measure.area_places, project):
        unmet.append(Unmet.AREA)
    return unmet
