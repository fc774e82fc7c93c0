"""Importing childcare locations from a CSV file shaped like Opgroeien's public list.

Columns (English or Dutch headers): name/naam, address/adres, postcode, municipality/gemeente,
type/soort, capacity/capaciteit. A location is known by its name and postcode: importing the
same file again updates those locations instead of adding them twice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlmodel import select

from core.db import utcnow
from plugins.loket.models import Location, LocationCapacity

HEADERS = {
    "name": ("name", "naam", "naam opvang", "naam locatie"),
    "address": ("address", "adres", "straat"),
    "postcode": ("postcode", "postnummer"),
    "municipality": ("municipality", "gemeente"),
    "kind": ("type", "soort", "type opvang", "kind"),
    "capacity": ("capacity", "capaciteit", "aantal plaatsen"),
}
MAX_ROWS = 5000


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    kind: str = ""
    capacity: int = 0
    errors: list[str] = field(default_factory=list)
    action: str = ""  # "create" | "update"

    @property
    def key(self) -> str:
        return import_key(self.values.get("name", ""), self.values.get("postcode", ""))


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.errors]

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]


def import_key(name: str, postcode: str) -> str:
    return f"{' '.join(name.lower().split())}|{postcode.strip()}"[:220]


def location_kind(raw: str) -> str | None:
    """Opgroeien writes e.g. "Groepsopvang baby's en peuters"; keep what the loket needs."""
    text = raw.strip().lower().replace("_", " ")
    if "buitenschool" in text:
        return "buitenschoolse_opvang"
    if "gezin" in text:
        return "gezinsopvang"
    if "groep" in text:
        return "groepsopvang"
    return None


def read_locations(session, text: str) -> ImportReport:
    """Check every row and say whether it would create or update a location; save nothing."""
    report = ImportReport()
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if header is None:
        report.file_errors.append("empty")
        return report
    columns = {}
    for index, title in enumerate(header):
        title = title.strip().lstrip("\ufeff").lower()
        for key, names in HEADERS.items():
            if title in names and key not in columns:
                columns[key] = index
    missing = [key for key in ("name", "postcode", "kind", "capacity") if key not in columns]
    if missing:
        report.file_errors.append("missing_columns:" + ",".join(missing))
        return report
    existing = set(session.exec(select(Location.import_key)))
    seen: dict[str, int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(report.rows) >= MAX_ROWS:
            report.file_errors.append("too_many_rows")
            break
        values = {
            key: (cells[index].strip() if index < len(cells) else "")
            for key, index in columns.items()
        }
        row = ImportRow(line=line, values=values)
        if not values.get("name"):
            row.errors.append("name_missing")
        if not values.get("postcode", "").isdigit() or len(values.get("postcode", "")) != 4:
            row.errors.append("postcode_invalid")
        kind = location_kind(values.get("kind", ""))
        if kind is None:
            row.errors.append("kind_unknown")
        else:
            row.kind = kind
        try:
            row.capacity = int(values.get("capacity", ""))
            if not 0 <= row.capacity <= 1000:
                raise ValueError
        except ValueError:
            row.errors.append("capacity_invalid")
        if row.key in seen and not row.errors:
            row.errors.append(f"duplicate_of_line:{seen[row.key]}")
        seen.setdefault(row.key, line)
        row.action = "update" if row.key in existing else "create"
        report.rows.append(row)
    return report


def apply_import(session, report: ImportReport) -> tuple[int, int]:
    """Create or update the valid rows; return (created, updated)."""
    created = updated = 0
    by_key = {loc.import_key: loc for loc in session.exec(select(Location))}
    for row in report.valid_rows:
        location = by_key.get(row.key)
        if location is None:
            location = Location(name=row.values["name"], kind=row.kind, import_key=row.key)
            created += 1
        else:
            updated += 1
        location.name = row.values["name"][:200]
        location.address = row.values.get("address", "")[:300]
        location.postcode = row.values["postcode"]
        location.municipality = row.values.get("municipality", "")[:100]
        location.kind = row.kind
        location.updated_at = utcnow()
        session.add(location)
        session.flush()
        by_key[row.key] = location
        _set_capacity(session, location, row.capacity)
    return created, updated


def _set_capacity(session, location: Location, capacity: int) -> None:
    # The public list gives one total; baby and toddler places share it evenly until the
    # provider says otherwise.
    if location.kind == "buitenschoolse_opvang":
        shares = {"schoolchild": capacity}
    else:
        shares = {"baby": (capacity + 1) // 2, "toddler": capacity // 2}
    current = {
        row.age_group: row
        for row in session.exec(
            select(LocationCapacity).where(LocationCapacity.location_id == location.id)
        )
    }
    for age_group, places in shares.items():
        row = current.get(age_group) or LocationCapacity(
            location_id=location.id, age_group=age_group
        )
        row.places = places
        session.add(row)
