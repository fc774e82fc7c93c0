"""Reading the plugin's HTML forms: raw values kept for re-display, dates parsed with messages."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from plugins.ckg.services import (
    MAX_CHILDREN,
    MAX_PARENTS,
    ChildInput,
    ParentInput,
    ReferralInput,
    StepDetails,
)

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
REFERRAL_TEXT_FIELDS = (
    "organisation",
    "concern_summary",
    "requested_offer",
    "urgency",
    "route",
    "access_gate_reference",
    "consent",
    "consent_override_reason",
    "consent_explanation",
    "family_email",
)


def parse_date(raw: str) -> date | None:
    """``None`` for an empty value; ``ValueError`` for one that is not a date."""
    raw = raw.strip()
    if not raw:
        return None
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(raw, layout).date()
        except ValueError:
            continue
    raise ValueError(raw)


def _date_field(form: MultiDict, key: str, errors: dict) -> date | None:
    try:
        return parse_date(form.get(key, ""))
    except ValueError:
        errors[key] = _l("Enter the date as day/month/year, e.g. 31/01/2024.")
        return None


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        return None


def read_referral(form: MultiDict) -> tuple[ReferralInput, dict, dict[str, str]]:
    """(parsed input, raw values to re-display, date errors) from the referral form."""
    errors: dict[str, str] = {}
    raw = {key: form.get(key, "").strip() for key in REFERRAL_TEXT_FIELDS}
    raw["domains"] = form.getlist("domains")
    raw["groeipakket_notice_given"] = form.get("groeipakket_notice_given") == "1"
    parents = []
    for number in range(1, MAX_PARENTS + 1):
        name = form.get(f"parent-{number}-name", "").strip()
        relation = form.get(f"parent-{number}-relation", "").strip()[:30]
        raw[f"parent-{number}-name"], raw[f"parent-{number}-relation"] = name, relation
        parents.append(ParentInput(name=name, relation=relation))
    children = []
    for number in range(1, MAX_CHILDREN + 1):
        key = f"child-{number}"
        raw[f"{key}-name"] = form.get(f"{key}-name", "").strip()
        raw[f"{key}-birth_date"] = form.get(f"{key}-birth_date", "").strip()
        raw[f"{key}-expected_birth"] = form.get(f"{key}-expected_birth", "").strip()
        children.append(
            ChildInput(
                name=raw[f"{key}-name"],
                birth_date=_date_field(form, f"{key}-birth_date", errors),
                expected_birth=_date_field(form, f"{key}-expected_birth", errors),
            )
        )
    data = ReferralInput(
        organisation_id=_uuid(raw["organisation"]),
        parents=parents,
        children=children,
        domains=raw["domains"],
        concern_summary=raw["concern_summary"],
        requested_offer=raw["requested_offer"],
        urgency=raw["urgency"],
        route=raw["route"] or "direct",
        access_gate_reference=raw["access_gate_reference"],
        groeipakket_notice_given=raw["groeipakket_notice_given"],
        consent=raw["consent"],
        consent_override_reason=raw["consent_override_reason"],
        consent_explanation=raw["consent_explanation"],
        family_email=raw["family_email"].lower(),
    )
    return data, raw, errors


def read_step(form: MultiDict, antennas: dict) -> tuple[StepDetails, dict, dict[str, str]]:
    """(details, raw values, date errors) from a workflow step form; ``antennas`` by id."""
    errors: dict[str, str] = {}
    raw = {
        key: form.get(key, "").strip()
        for key in ("target", "reason", "offer", "antenna", "redirected_to", "outcome")
    }
    raw["intake_on"] = form.get("intake_on", "").strip()
    raw["starts_on"] = form.get("starts_on", "").strip()
    antenna_id = _uuid(raw["antenna"])
    details = StepDetails(
        reason=raw["reason"],
        intake_on=_date_field(form, "intake_on", errors),
        offer=raw["offer"],
        antenna=antennas.get(antenna_id) if antenna_id else None,
        starts_on=_date_field(form, "starts_on", errors),
        redirected_to=raw["redirected_to"],
        outcome=raw["outcome"],
    )
    return details, raw, errors
