"""Reading form input: every problem becomes a message beside its field, never an exception."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import to_utc

from plugins.training.models import EMAIL_MAX, NAME_MAX, PHONE_MAX


class FormReader:
    """Collects values and errors from one submitted form."""

    def __init__(self, form) -> None:
        self.form = form
        self.errors: dict[str, str] = {}

    def raw(self) -> dict:
        return {key: self.form.get(key, "") for key in self.form}

    def text(self, name: str, limit: int, *, required: str | None = None) -> str:
        value = " ".join(str(self.form.get(name, "")).split())
        if required and not value:
            self.errors[name] = required
        elif len(value) > limit:
            self.errors[name] = _l("Keep this under %(max)s characters.", max=limit)
        return value[:limit]

    def long_text(self, name: str, limit: int) -> str:
        value = str(self.form.get(name, "")).strip()
        if len(value) > limit:
            self.errors[name] = _l("Keep this under %(max)s characters.", max=limit)
        return value[:limit]

    def number(self, name: str, *, minimum: int, maximum: int, default: int | None = None) -> int:
        raw = str(self.form.get(name, "")).strip()
        if not raw and default is not None:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.errors[name] = _l("Enter a whole number.")
            return minimum
        if not minimum <= value <= maximum:
            self.errors[name] = _l(
                "Enter a number from %(minimum)s to %(maximum)s.", minimum=minimum, maximum=maximum
            )
        return value

    def day(self, name: str, *, required: bool = True) -> date | None:
        raw = str(self.form.get(name, "")).strip()
        if not raw:
            if required:
                self.errors[name] = _l("Enter a date.")
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.errors[name] = _l("Enter a date as YYYY-MM-DD.")
            return None

    def moment(self, name: str) -> datetime | None:
        """A local date and time (Belgian time) from a datetime-local field, as UTC."""
        raw = str(self.form.get(name, "")).strip()
        try:
            local = datetime.fromisoformat(raw)
        except ValueError:
            self.errors[name] = _l("Enter a date and time.")
            return None
        if local.tzinfo is not None:
            return local.astimezone(UTC)
        return to_utc(local).replace(tzinfo=UTC)

    def choice(self, name: str, allowed, message) -> str:
        value = str(self.form.get(name, ""))
        if value not in {str(item) for item in allowed}:
            self.errors[name] = message
            return ""
        return value

    def identifier(self, name: str, allowed: dict, message, *, required: bool = True):
        """A UUID that must be one of ``allowed`` (ids the user may choose from)."""
        raw = str(self.form.get(name, "")).strip()
        if not raw:
            if required:
                self.errors[name] = message
            return None
        try:
            value = uuid.UUID(raw)
        except ValueError:
            value = None
        if value not in allowed:
            self.errors[name] = message
            return None
        return value

    def flag(self, name: str) -> bool:
        return str(self.form.get(name, "")) in ("1", "on", "yes", "true")

    def person(self) -> dict:
        return {
            "given_name": self.text("given_name", NAME_MAX, required=_l("Enter your first name.")),
            "family_name": self.text("family_name", NAME_MAX, required=_l("Enter your last name.")),
            "email": self.email("email"),
        }

    def email(self, name: str) -> str:
        value = self.text(name, EMAIL_MAX, required=_l("Enter your e-mail address."))
        if value and (
            "@" not in value or " " in value or value.startswith("@") or value.endswith("@")
        ):
            self.errors[name] = _l("Enter an e-mail address like name@example.be.")
        return value.lower()

    def phone(self, name: str) -> str:
        value = self.text(name, PHONE_MAX)
        if value and not all(ch.isdigit() or ch in " +-/()." for ch in value):
            self.errors[name] = _l("Enter a phone number with digits only.")
        return value
