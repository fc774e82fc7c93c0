"""Importing childcare locations from a CSV file shaped like Opgroeien's public list.

Columns (English or Dutch headers): name/naam, address/adres, postcode, municipality/gemeente,
type/soort, capacity/capaciteit, and optionally area/deelgemeente (else the postcode area),
organisation/organisator (the provider organisation whose members report the location's free
places: one the tenant lets work in the loket, named by its short name or full name), the price
type (prijs: "inkomensgerelateerd" or "vrije prijs"), the subsidy for vulnerable families
(plussubsidie: ja/nee) and the contact for families (telefoon, e-mail). An empty optional cell
keeps what the location has (a new location gets the default). A location is known by its name
and postcode: importing the same file again updates those locations instead of adding them
twice.

Large files: the preview stores the checked rows in a :class:`LocationImport`; confirming
applies them ``CHUNK_SIZE`` rows per request (the progress page asks for the next chunk), so no
request runs long, an interrupted import resumes where it stopped, and a chunk is claimed with a
conditional UPDATE so two tabs never apply the same rows twice.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import select

from core.db import utcnow
from plugins.loket.areas import derived_area
from plugins.loket.contact import checked_email, checked_phone
from plugins.loket.models import Location, LocationCapacity, LocationImport
from plugins.loket.providers import find_provider, provider_organisations

HEADERS = {
    "name": ("name", "naam", "naam opvang", "naam locatie"),
    "address": ("address", "adres", "straat"),
    "postcode": ("postcode", "postnummer"),
    "municipality": ("municipality", "gemeente"),
    "kind": ("type", "soort", "type opvang", "kind"),
    "capacity": ("capacity", "capaciteit", "aantal plaatsen"),
    "area": ("area", "deelgemeente", "gebied"),
    "organisation": (
        "organisation",
        "organisatie",
        "organisator",
        "inrichtende macht",
        "aanbieder",
        "provider",
    ),
    "tariff": (
        "tariff",
        "price type",
        "prijs",
        "prijstype",
        "type prijs",
        "soort prijs",
        "prijssysteem",
        "tarief",
        "tarieftype",
        "inkomenstarief",
    ),
    "vulnerable_subsidy": (
        "vulnerable subsidy",
        "subsidy for vulnerable families",
        "plussubsidie",
        "subsidie kwetsbare gezinnen",
        "subsidie voor kwetsbare gezinnen",
        "kwetsbare gezinnen",
        "subsidietrap",
    ),
    "contact_phone": ("phone", "contact phone", "telefoon", "telefoonnummer", "tel", "tel."),
    "contact_email": (
        "email",
        "e-mail",
        "contact email",
        "contact e-mail",
        "e-mailadres",
        "emailadres",
        "mail",
    ),
}
# Opgroeien's whole Flemish list fits; the rows are applied in chunks, never all at once.
MAX_ROWS = 20000
# ASCII digits only: "9³00" is no postcode, "١٨" no capacity a spreadsheet would show.
FOUR_DIGITS = re.compile(r"[0-9]{4}")
WHOLE_NUMBER = re.compile(r"[0-9]{1,4}")
CHUNK_SIZE = 200


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    kind: str = ""
    capacity: int = 0
    # The provider organisation the row names; "" when the cell is empty (the link is kept).
    organisation_id: str = ""
    # The price type and subsidy the row states; "" / None when its cell is empty (kept).
    tariff: str = ""
    vulnerable_subsidy: bool | None = None
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


def _words(raw: str) -> str:
    """Lower case, accents and punctuation gone: "Inkomens-gerelateerd" → "inkomensgerelateerd"."""
    folded = unicodedata.normalize("NFKD", raw.lower())
    return "".join(character for character in folded if character.isalnum())


# How spreadsheets write the price type: "Inkomensgerelateerd", "inkomensgerelateerde prijs",
# "IKT" (inkomenstarief), "Vrije prijs", "vrij", in Dutch or English.
_INCOME_RELATED = ("inkomen", "ikt", "ikg", "incomerelated", "income")
_FREE_PRICE = ("vrij", "free")


def price_type(raw: str) -> str | None:
    """``income_related`` or ``free_price`` for a price type cell; ``None`` when unknown."""
    text = _words(raw)
    if not text:
        return None
    if text.startswith(_INCOME_RELATED) or text in ("ja", "yes"):
        return "income_related"
    if text.startswith(_FREE_PRICE) or text in ("nee", "no"):
        return "free_price"
    return None


# "ja"/"nee" and what a spreadsheet makes of it; Opgroeien calls the subsidy for vulnerable
# families "plussubsidie" or subsidy step 3 (steps 1 and 2 are the basic and income subsidies).
_YES = {"ja", "j", "yes", "y", "x", "1", "waar", "true", "trap3", "3", "plussubsidie"}
_NO = {"nee", "n", "no", "0", "onwaar", "false", "geen", "trap1", "trap2", "trap2a", "trap2b"}
_NO |= {"basissubsidie", "2", "2a", "2b"}


def subsidy_flag(raw: str) -> bool | None:
    """Whether a subsidy cell says yes; ``None`` when it is neither yes nor no."""
    text = _words(raw)
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def read_locations(session, text: str) -> ImportReport:
    """Check every row and say whether it would create or update a location; save nothing."""
    report = ImportReport()
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="" lets the csv module take every line ending: CR LF, LF, and the old Mac's CR.
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return _read_rows(session, reader, report)
    except csv.Error:  # a NUL byte, a quote that never closes
        report.file_errors.append("unreadable")
        return report


def _read_rows(session, reader, report: ImportReport) -> ImportReport:
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
    providers = provider_organisations(session) if "organisation" in columns else []
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
        if not FOUR_DIGITS.fullmatch(values.get("postcode", "")):
            row.errors.append("postcode_invalid")
        kind = location_kind(values.get("kind", ""))
        if kind is None:
            row.errors.append("kind_unknown")
        else:
            row.kind = kind
        capacity = values.get("capacity", "")
        row.capacity = int(capacity) if WHOLE_NUMBER.fullmatch(capacity) else -1
        if not 0 <= row.capacity <= 1000:
            row.errors.append("capacity_invalid")
        named = values.get("organisation", "")
        if named:
            organisation = find_provider(providers, named)
            if organisation is None:
                row.errors.append(f"organisation_unknown:{named[:100]}")
            else:
                row.organisation_id = str(organisation.id)
        _check_optional_cells(row, values)
        if row.key in seen and not row.errors:
            row.errors.append(f"duplicate_of_line:{seen[row.key]}")
        seen.setdefault(row.key, line)
        row.action = "update" if row.key in existing else "create"
        report.rows.append(row)
    return report


def _check_optional_cells(row: ImportRow, values: dict[str, str]) -> None:
    """Price type, subsidy and contact: a filled cell must say something the loket can use."""
    if values.get("tariff"):
        tariff = price_type(values["tariff"])
        if tariff is None:
            row.errors.append(f"tariff_unknown:{values['tariff'][:60]}")
        else:
            row.tariff = tariff
    if values.get("vulnerable_subsidy"):
        row.vulnerable_subsidy = subsidy_flag(values["vulnerable_subsidy"])
        if row.vulnerable_subsidy is None:
            row.errors.append(f"subsidy_unknown:{values['vulnerable_subsidy'][:60]}")
    if values.get("contact_phone"):
        phone = checked_phone(values["contact_phone"])
        if phone is None:
            row.errors.append(f"phone_invalid:{values['contact_phone'][:60]}")
        else:
            values["contact_phone"] = phone
    if values.get("contact_email"):
        email = checked_email(values["contact_email"])
        if email is None:
            row.errors.append(f"email_invalid:{values['contact_email'][:60]}")
        else:
            values["contact_email"] = email


def apply_import(session, report: ImportReport) -> tuple[int, int]:
    """Create or update the valid rows at once (small files); return (created, updated)."""
    return _apply_rows(session, [_stored(row) for row in report.valid_rows])


def _stored(row: ImportRow) -> dict:
    return {
        "line": row.line,
        "key": row.key,
        "values": row.values,
        "kind": row.kind,
        "capacity": row.capacity,
        "organisation_id": row.organisation_id,
        "tariff": row.tariff,
        "vulnerable_subsidy": row.vulnerable_subsidy,
    }


def start_import(session, report: ImportReport, *, file_name: str, actor: str) -> LocationImport:
    """Keep the checked rows of a preview so they can be applied in chunks after confirming."""
    record = LocationImport(
        file_name=file_name[:200],
        rows=[_stored(row) for row in report.valid_rows],
        total=len(report.valid_rows),
        skipped=len(report.invalid_rows),
        created_by=actor,
    )
    session.add(record)
    session.flush()
    return record


def apply_next_chunk(session, record: LocationImport, *, size: int = CHUNK_SIZE) -> int:
    """Apply the next ``size`` rows of ``record``; return how many rows this call applied.

    The chunk is claimed first with ``UPDATE … SET applied = applied + n WHERE applied = start``:
    a second tab that read the same ``applied`` matches no row (on PostgreSQL it waits for the
    first transaction and then re-checks) and applies nothing. Returns 0 when the import is
    done or the chunk was taken by someone else.
    """
    start = record.applied
    rows = record.rows[start : start + size]
    if not rows:
        return 0
    claimed = session.exec(
        sa.update(LocationImport)
        .where(LocationImport.id == record.id, LocationImport.applied == start)
        .values(applied=start + len(rows))
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.refresh(record)
        return 0
    created, updated = _apply_rows(session, rows)
    finished = start + len(rows) >= record.total
    session.exec(
        sa.update(LocationImport)
        .where(LocationImport.id == record.id)
        .values(
            created=LocationImport.created + created,
            updated=LocationImport.updated + updated,
            finished_at=utcnow() if finished else None,
        )
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.refresh(record)
    return len(rows)


def unfinished_imports(session) -> list[LocationImport]:
    return list(
        session.exec(
            select(LocationImport)
            .where(LocationImport.finished_at.is_(None), LocationImport.applied > 0)
            .order_by(LocationImport.created_at.desc())
            .limit(5)
        )
    )


def _apply_rows(session, rows: list[dict]) -> tuple[int, int]:
    """Create or update locations for stored rows; return (created, updated)."""
    created = updated = 0
    keys = [row["key"] for row in rows]
    by_key = {
        loc.import_key: loc
        for loc in session.exec(select(Location).where(Location.import_key.in_(keys)))
    }
    capacities: dict = {}
    if by_key:
        for capacity in session.exec(
            select(LocationCapacity).where(
                LocationCapacity.location_id.in_([loc.id for loc in by_key.values()])
            )
        ):
            capacities.setdefault(capacity.location_id, {})[capacity.age_group] = capacity
    for row in rows:
        values = row["values"]
        location = by_key.get(row["key"])
        if location is None:
            location = Location(name=values["name"], kind=row["kind"], import_key=row["key"])
            created += 1
        else:
            updated += 1
        location.name = values["name"][:200]
        location.address = values.get("address", "")[:300]
        location.postcode = values["postcode"]
        location.municipality = values.get("municipality", "")[:100]
        location.area = (values.get("area") or "").strip()[:100] or derived_area(
            location.postcode, location.municipality
        )
        location.kind = row["kind"]
        if row.get("organisation_id"):
            location.provider_organisation_id = uuid.UUID(row["organisation_id"])
        # Rows stored before these columns existed have no such keys: the location keeps its own.
        if row.get("tariff"):
            location.tariff = row["tariff"]
        if row.get("vulnerable_subsidy") is not None:
            location.vulnerable_subsidy = row["vulnerable_subsidy"]
        for contact in ("contact_phone", "contact_email"):
            if values.get(contact):
                setattr(location, contact, values[contact])
        location.updated_at = utcnow()
        session.add(location)
        by_key[row["key"]] = location
    session.flush()
    for row in rows:
        location = by_key[row["key"]]
        set_capacity(session, location, row["capacity"], capacities.get(location.id, {}))
    session.flush()
    return created, updated


def set_capacity(session, location: Location, capacity: int, current: dict) -> None:
    # The public list gives one total; baby and toddler places share it evenly until the
    # provider says otherwise.
    if location.kind == "buitenschoolse_opvang":
        shares = {"schoolchild": capacity}
    else:
        shares = {"baby": (capacity + 1) // 2, "toddler": capacity // 2}
    for age_group, places in shares.items():
        row = current.get(age_group) or LocationCapacity(
            location_id=location.id, age_group=age_group
        )
        row.places = places
        session.add(row)
