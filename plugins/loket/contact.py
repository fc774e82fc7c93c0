"""A location's contact for families: one phone number and one e-mail address, checked the
same way on the location page and in the CSV import."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

PHONE_MAX = 40
EMAIL_MAX = 320
# What people write in a Belgian number: digits, a leading +, spaces, dots, slashes, dashes and
# brackets ("011 42 12 34", "+32 (0)11/42.12.34"). ASCII digits only.
_PHONE_CHARACTERS = re.compile(r"\+?[0-9 ./()\-]+")
_MIN_DIGITS, _MAX_DIGITS = 8, 15  # a Belgian landline has 9, an international number at most 15


def checked_phone(text: str) -> str | None:
    """The number with single spaces, or ``None`` when it is no phone number."""
    phone = " ".join(text.split())
    if not phone:
        return ""
    if len(phone) > PHONE_MAX or not _PHONE_CHARACTERS.fullmatch(phone):
        return None
    digits = sum(character.isdigit() for character in phone)
    if not _MIN_DIGITS <= digits <= _MAX_DIGITS:
        return None
    return phone


def checked_email(text: str) -> str | None:
    """One address, normalised as the core's e-mail field does, or ``None`` when it is none."""
    email = text.strip()
    if not email:
        return ""
    try:
        checked = validate_email(
            email,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_quoted_local=False,
            allow_display_name=False,
            allow_domain_literal=False,
        )
    except EmailNotValidError:
        return None
    if len(checked.local_part) > 64 or len(checked.ascii_email) > EMAIL_MAX:
        return None
    return checked.ascii_email
