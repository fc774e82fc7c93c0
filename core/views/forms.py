"""Forms of the tenant admin's modules, theme and settings page and of the privacy requests page.

Field names and element ids are those the pages have always used: tests post by name, and the
error summary links to the ids.
"""

from __future__ import annotations

import re

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import fields
from wtforms.validators import StopValidation

from core.colour import ColourPair, text_colour_on, theme_pairs
from core.forms import EmailField, FileField, PlatformForm, QueryForm, TextAreaField, TextField
from core.plugin_types import SettingField
from core.tenancy import SettingError, Theme, coerce_setting

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _lower(value):
    # One address is one person: rows are found and erasures confirmed in lower case.
    return value.lower() if isinstance(value, str) else value


# -- modules, theme, settings -----------------------------------------------------------------


class PluginToggleForm(PlatformForm):
    """The module list's button: ``enabled=1`` switches the module on, anything else off."""

    enabled = fields.HiddenField()
    # Switching off asks first what stops working; the second post carries confirm=1.
    confirm = fields.HiddenField()

    def enable(self) -> bool:
        return self.enabled.data == "1"

    def confirmed(self) -> bool:
        return self.confirm.data == "1"


_COLOUR_MESSAGE = _l("Enter a colour as # followed by six hexadecimal digits, e.g. #1d4f91.")


def _colour(form, field) -> None:
    if field.data and not Theme.COLOUR.match(field.data):
        raise StopValidation(_COLOUR_MESSAGE)


def _colour_field(label, key: str, *, automatic: bool = False) -> TextField:
    """A ``#rrggbb`` field; an ``automatic`` one may stay empty and the platform chooses."""
    return TextField(
        label,
        id=f"theme-{key}",
        required=not automatic,
        required_message=_COLOUR_MESSAGE,
        max_length=7,
        validators=[_colour],
        description=_AUTOMATIC_HINTS.get(key, ""),
    )


_AUTOMATIC_HINTS = {
    "primary_text": _l(
        "Leave empty to let the platform choose white or near-black, whichever reads best."
    ),
    "focus": _l(
        "The ring around what has the keyboard focus. Leave empty for the platform's dark ring."
    ),
}


class LogoForm(PlatformForm):
    """The municipality's logo; :func:`core.tenant_logo.redraw` judges the content."""

    logo = FileField(_l("Logo"), id="theme-logo", required=True, max_bytes=2 * 1024 * 1024)


# What each pair of core.colour.theme_pairs is, in the admin's words.
PAIR_LABELS = {
    "text_on_primary": _l("Text on the main colour"),
    "header_link": _l("Links in the header"),
    "link_on_page": _l("Links on the page"),
    "menu_text_on_accent": _l("Menu text on the accent colour"),
    "secondary_border_on_page": _l("Border of secondary buttons on the page"),
    "focus_on_page": _l("Focus ring on the page"),
    "focus_on_accent": _l("Focus ring on the menu"),
    "focus_on_header": _l("Focus ring in the header"),
}


def format_ratio(ratio: float, needed: float = 0.0) -> str:
    shown = round(ratio, 1)
    if ratio < needed <= shown:
        # 4.47:1 must not read as the 4.5:1 it fails to reach.
        shown = int(ratio * 10) / 10
    return format_decimal(shown, format="0.0")


class ThemeForm(PlatformForm):
    primary = _colour_field(_l("Main colour"), "primary")
    primary_text = _colour_field(
        _l("Text colour on the main colour"), "primary_text", automatic=True
    )
    accent = _colour_field(_l("Accent colour"), "accent")
    focus = _colour_field(_l("Focus ring colour"), "focus", automatic=True)

    COLOURS = ("primary", "primary_text", "accent", "focus")
    # The pairs of the proposed theme once the colours are well formed (for the preview).
    pairs: list[ColourPair] | None = None

    def colours(self) -> dict[str, str]:
        """What is saved: the text colour computed when left empty; an empty focus ring stays
        empty, the platform's own."""
        values = {key: getattr(self, key).data or "" for key in self.COLOURS}
        if not values["primary_text"]:
            values["primary_text"] = text_colour_on(values["primary"])
        return values

    def validate(self, extra_validators=None) -> bool:
        """Colours people can read (WCAG 1.4.3, 4.5:1) and controls they can see (1.4.11, 3:1):
        every pair of :func:`core.colour.theme_pairs`; a field shows the first pair it fails."""
        self.pairs = None
        if not super().validate(extra_validators):
            return False
        colours = self.colours()
        self.pairs = theme_pairs(
            colours["primary"], colours["primary_text"], colours["accent"], colours["focus"]
        )
        for pair in self.pairs:
            field = getattr(self, pair.field)
            if not pair.passes and not field.errors:
                field.errors.append(
                    _(
                        "%(pair)s: too little contrast, %(ratio)s:1; at least %(needed)s:1 is"
                        " needed. Choose a darker or a lighter colour.",
                        pair=PAIR_LABELS[pair.name],
                        ratio=format_ratio(pair.ratio, pair.needed),
                        needed=format_decimal(pair.needed, format="0.0"),
                    )
                )
        return not any(getattr(self, key).errors for key in self.COLOURS)


class MunicipalitySearchForm(QueryForm):
    """The platform home's search: a municipality's name or a postcode."""

    q = TextField(
        _l("Name or postcode of your municipality"), id="municipality-search", max_length=100
    )


_PHONE = re.compile(r"^\+?[0-9][0-9 ./()-]{5,24}$")


def _phone(form, field) -> None:
    if field.data and not _PHONE.match(field.data):
        raise StopValidation(_("Enter a phone number with digits only, e.g. 09 381 95 00."))


class HomeProfileForm(PlatformForm):
    """The municipality's own intro and contact block on its home page (all optional)."""

    intro = TextAreaField(_l("Introduction on the home page"), id="home-intro", max_length=1000)
    address = TextAreaField(_l("Address"), id="home-address", max_length=300, rows=3)
    phone = TextField(_l("Phone"), id="home-phone", max_length=25, validators=[_phone])
    email = EmailField(_l("E-mail address"), id="home-email", required=False)
    opening_hours = TextAreaField(
        _l("Opening hours"), id="home-opening_hours", max_length=500, rows=4
    )

    def values(self) -> dict[str, str]:
        return {
            name: (getattr(self, name).data or "")
            for name in ("intro", "address", "phone", "email", "opening_hours")
        }


class SettingValueField(fields.Field):
    """One of a plugin's settings (``manifest.settings``), converted and checked by
    :func:`core.tenancy.coerce_setting` exactly as a stored value is; text may hold no control
    characters. ``data`` is the converted value, ``_value()`` what was typed."""

    def __init__(self, setting: SettingField, **kwargs) -> None:
        self.setting = setting
        super().__init__(setting.label_nl, **kwargs)

    def process_formdata(self, valuelist) -> None:
        # An unticked checkbox sends nothing: that is "off".
        self.raw = valuelist[0] if valuelist else ("false" if self.setting.kind == "bool" else "")

    def pre_validate(self, form) -> None:
        raw = getattr(self, "raw", None)
        if raw is None:
            return
        if self.setting.kind == "str" and _CONTROL.search(raw):
            raise StopValidation(_("Remove the invisible control characters from this field."))
        try:
            self.data = coerce_setting(self.setting, raw)
        except SettingError as error:
            raise StopValidation(setting_message(error)) from None

    def _value(self) -> str:
        raw = getattr(self, "raw", None)
        return raw if raw is not None else ("" if self.data is None else str(self.data))


def setting_message(error: SettingError) -> str:
    field = error.field
    messages = {
        "not_a_number": _("Enter a whole number."),
        "too_small": _("Enter %(minimum)s or more.", minimum=field.minimum),
        "too_large": _("Enter %(maximum)s or less.", maximum=field.maximum),
        "not_a_choice": _("Choose one of the options."),
        "too_long": _("Use at most 500 characters."),
    }
    return messages.get(str(error), _("This value is not valid."))


def settings_form(
    plugin: str, schema: list[SettingField], values: dict, *, submitted: bool = False
) -> PlatformForm:
    """A form built from the plugin's settings schema, one field per :class:`SettingField`
    (name: its key; id: ``setting-<plugin>-<key>``), showing ``values``; ``submitted`` reads the
    request's form (only the plugin whose form was posted)."""

    class SettingsForm(PlatformForm):
        def values(self) -> dict:
            return {field.setting.key: field.data for field in self}

        def field_for(self, key: str) -> SettingValueField:
            return next(field for field in self if field.setting.key == key)

    # Attribute names of our own, so a setting called ``data`` or ``meta`` is still just a field.
    for index, setting in enumerate(schema):
        setattr(
            SettingsForm,
            f"setting_{index}",
            SettingValueField(
                setting,
                name=setting.key,
                id=f"setting-{plugin}-{setting.key}",
                default=values.get(setting.key),
            ),
        )
    return SettingsForm() if submitted else SettingsForm(formdata=None)


# -- privacy requests -------------------------------------------------------------------------


def _person_email(element_id: str) -> EmailField:
    return EmailField(
        _l("E-mail address"),
        id=element_id,
        required=True,
        required_message=_l("Enter the person's e-mail address."),
        filters=[_lower],
    )


class ExportForm(PlatformForm):
    email = _person_email("email")


class ErasureForm(PlatformForm):
    email = _person_email("erase-email")
    confirm_email = TextField(
        _l("Type the e-mail address again to confirm"),
        id="confirm_email",
        max_length=254,
        filters=[_lower],
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if (self.confirm_email.data or "") != self.email.data:
            self.fail(
                "confirm_email",
                _("Type the e-mail address again to confirm: erasure cannot be undone."),
            )
            return False
        return True
