"""The notice board's form, on the core's shared field types."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from core.forms import DateField, PlatformForm, TextAreaField, TextField


class NoticeForm(PlatformForm):
    title = TextField(_l("Heading of the notice"), required=True, max_length=120)
    body = TextAreaField(_l("Text of the notice"), required=True, max_length=2000, rows=5)
    # A notice that is never shown makes no sense: the last day is today or later.
    visible_until = DateField(
        _l("Show the notice until"),
        required=True,
        earliest=date.today,
        required_message=_l("Choose the last day the notice is shown."),
    )
