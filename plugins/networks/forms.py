"""Reading the plugin's HTML forms: raw values kept for re-display, dates parsed with messages."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from plugins.networks.services import LANGUAGES, DirectoryQuery, ServiceInput

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
DATE_MESSAGE = _l("Enter the date as day/month/year, e.g. 31/01/2027.")


def parse_date(raw: str) -> date | None:
    """``None`` for an empty value; ``ValueError`` for one that is not a date."""
    raw = (raw or "").strip()
    if not raw:
        return None
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(raw, layout).date()
        except ValueError:
            continue
    raise ValueError(raw)


def date_field(form: MultiDict, key: str, errors: dict, error_key: str | None = None):
    try:
        return parse_date(form.get(key, ""))
    except ValueError:
        errors[error_key or key] = DATE_MESSAGE
        return None


def parse_uuid(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID((raw or "").strip())
    except ValueError:
        return None


def text(form: MultiDict, key: str) -> str:
    return form.get(key, "").strip()


def read_service(form: MultiDict) -> tuple[ServiceInput, dict]:
    raw = {
        key: text(form, key)
        for key in (
            "member",
            "name",
            "description",
            "category",
            "target_group",
            "how_to_reach",
            "cost",
            "cost_note",
            "contact",
        )
    }
    raw["languages"] = [code for code in form.getlist("languages") if code]
    raw["public"] = form.get("public") == "1"
    data = ServiceInput(
        member_id=parse_uuid(raw["member"]),
        name=raw["name"],
        description=raw["description"],
        category=raw["category"],
        target_group=raw["target_group"],
        how_to_reach=raw["how_to_reach"],
        languages=[code for code in LANGUAGES if code in raw["languages"]]
        + [code for code in raw["languages"] if code not in LANGUAGES],
        cost=raw["cost"],
        cost_note=raw["cost_note"],
        contact=raw["contact"],
        public=raw["public"],
    )
    return data, raw


def read_directory_query(args: MultiDict) -> DirectoryQuery:
    return DirectoryQuery(
        text=args.get("q", "").strip()[:100],
        category=args.get("category", "").strip()[:30],
        language=args.get("language", "").strip()[:5],
        cost=args.get("cost", "").strip()[:15],
    )
