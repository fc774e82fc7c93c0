"""The core's form kit, from the side of someone typing into it (or crafting the request)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask import Flask, render_template_string
from flask_babel import Babel
from werkzeug.datastructures import FileStorage, MultiDict

from core import forms
from core.forms import (
    BooleanField,
    DateField,
    DateTimeField,
    EmailField,
    FileField,
    IntegerField,
    MonthField,
    MultiCheckboxField,
    PlatformForm,
    QueryForm,
    RadioField,
    SelectField,
    TextAreaField,
    TextField,
    UUIDField,
)
from core.i18n import select_locale

CORE = __import__("core").__file__.rsplit("/", 1)[0]


class SignUpForm(PlatformForm):
    name = TextField("Name", required=True, max_length=20)
    note = TextAreaField("Note", max_length=50)
    email = EmailField("E-mail", required=True)
    starts_on = DateField("Start", earliest=date(2026, 1, 1), latest=lambda: date(2026, 12, 31))
    places = IntegerField("Places", minimum=1, maximum=9)
    kind = SelectField("Kind", choices=[("day", "Day care"), ("after", "After school")])
    urgency = RadioField("Urgency", choices=[("low", "Low"), ("high", "High")], required=False)
    days = MultiCheckboxField("Days", choices=[("mon", "Monday"), ("tue", "Tuesday")])
    consent = BooleanField("I agree")
    location = UUIDField("Location", required=False)
    attachment = FileField("Attachment", extensions=("pdf",), max_bytes=100)


GOOD = {
    "name": "  Noor  ",
    "note": "line one\nline two",
    "email": "Noor@Example.BE",
    "starts_on": "2026-03-01",
    "places": "2",
    "kind": "day",
    "days": ["mon", "tue"],
}


@pytest.fixture()
def app():
    app = Flask(__name__, template_folder=f"{CORE}/templates")
    app.config.update(
        SECRET_KEY="x",
        BABEL_DEFAULT_LOCALE="nl",
        BABEL_TRANSLATION_DIRECTORIES=f"{CORE}/translations",
    )
    Babel(app, locale_selector=select_locale)
    forms.init_app(app)
    return app


def submit(app, data: dict, *, method="POST", files=None):
    body = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            body.add(key, item)
    for key, value in (files or {}).items():
        body.add(key, value)
    context = app.test_request_context("/", method=method, data=body)
    context.push()
    form = SignUpForm()
    return form, form.validate_on_submit(), context


def errors_of(app, data, **kwargs) -> dict[str, str]:
    form, valid, context = submit(app, data, **kwargs)
    try:
        return form.errors_by_id()
    finally:
        context.pop()


def test_valid_input_is_cleaned_stripped_and_typed(app):
    form, valid, context = submit(app, GOOD)
    try:
        assert valid, form.errors_by_id()
        assert form.name.data == "Noor"
        assert form.email.data == "Noor@example.be"
        assert form.starts_on.data == date(2026, 3, 1)
        assert form.places.data == 2
        assert form.days.data == ["mon", "tue"]
        assert form.note.data == "line one\nline two"
    finally:
        context.pop()


@pytest.mark.parametrize(
    "address",
    [
        "a@x.be,b@y.be",
        "a@x.be b@y.be",
        '"><svg/onload=alert(1)>@x.be',
        "Noor <noor@x.be>",
        "noor@localhost",
        "noor@x..be",
        "no\x00or@x.be",
        "a" * 65 + "@x.be",
        '"noor x"@x.be',
        "noor@[127.0.0.1]",
        "nóor@x.be",
    ],
)
def test_an_email_field_takes_one_plain_address_only(app, address):
    assert "email" in errors_of(app, {**GOOD, "email": address})


def test_an_international_domain_is_kept_in_the_form_every_mail_server_takes(app):
    form, valid, context = submit(app, {**GOOD, "email": "noor@Bücher.be"})
    context.pop()
    assert valid and form.email.data == "noor@xn--bcher-kva.be"


@pytest.mark.parametrize("text", ["No\x00or", "No\x1bor", "line\nbreak", "No\u2028or"])
def test_single_line_text_refuses_control_characters_and_line_breaks(app, text):
    errors = errors_of(app, {**GOOD, "name": text})
    assert errors["name"] == "Verwijder de onzichtbare stuurtekens uit dit veld."


def test_multi_line_text_keeps_newlines_but_refuses_a_nul_byte(app):
    assert "note" not in errors_of(app, {**GOOD, "note": "one\r\ntwo\tthree"})
    assert "note" in errors_of(app, {**GOOD, "note": "one\x00two"})


def test_every_message_is_dutch_and_names_the_limit(app):
    errors = errors_of(
        app,
        {
            **GOOD,
            "name": "x" * 21,
            "email": "",
            "starts_on": "2027-01-05",
            "places": "12",
            "kind": "night",
            "days": ["sun"],
        },
    )
    assert errors == {
        "name": "Gebruik hoogstens 20 tekens.",
        "email": "Vul een e-mailadres in.",
        "starts_on": "Vul een datum in van 2026-01-01 tot 2026-12-31.",
        "places": "Vul een getal in van 1 tot 9.",
        "kind": "Kies een van de mogelijkheden.",
        "days": "Kies een van de mogelijkheden.",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("starts_on", "2026-02-30", "Vul de datum in als dag/maand/jaar, bijvoorbeeld 31/01/2027."),
        ("starts_on", "31/02/2026", "Vul de datum in als dag/maand/jaar, bijvoorbeeld 31/01/2027."),
        ("places", "2.5", "Vul een geheel getal in."),
        ("places", "1e9", "Vul een geheel getal in."),
        ("location", "not-an-id", "Kies een van de mogelijkheden."),
        ("places", "٣", "Vul een geheel getal in."),
        ("places", "²", "Vul een geheel getal in."),
        ("places", "9" * 19, "Vul een geheel getal in."),
        ("places", "99999999999999999", "Vul een getal in van 1 tot 9."),
        (
            "starts_on",
            "２０２６-03-01",
            "Vul de datum in als dag/maand/jaar, bijvoorbeeld 31/01/2027.",
        ),
        ("starts_on", "20260301", "Vul de datum in als dag/maand/jaar, bijvoorbeeld 31/01/2027."),
    ],
)
def test_input_that_does_not_parse_gets_one_clear_message(app, field, value, message):
    assert errors_of(app, {**GOOD, field: value}) == {field: message}


def test_a_file_of_the_wrong_type_or_too_large_is_refused(app):
    wrong = FileStorage(io.BytesIO(b"MZ"), filename="virus.exe")
    assert errors_of(app, GOOD, files={"attachment": wrong}) == {
        "attachment": "Kies een bestand van het type pdf."
    }
    large = FileStorage(io.BytesIO(b"%PDF" + b"x" * 200), filename="plan.PDF")
    assert errors_of(app, GOOD, files={"attachment": large}) == {
        "attachment": "Kies een bestand van hoogstens 1 MB."
    }


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_get_and_head_never_count_as_a_submission(app, method):
    form, valid, context = submit(app, {}, method=method)
    context.pop()
    assert not valid


def test_the_macros_link_each_error_to_its_field_and_describe_it(app):
    form, valid, context = submit(app, {**GOOD, "email": "a@x.be,b@y.be"})
    try:
        html = render_template_string(
            '{% import "forms.html" as forms %}{{ forms.error_summary(form) }}'
            '{{ forms.field(form.email, hint="We write here") }}{{ forms.field(form.kind) }}'
            "{{ forms.field(form.days) }}{{ forms.field(form.starts_on) }}",
            form=form,
        )
    finally:
        context.pop()
    assert '<a class="utrecht-link" href="#email">' in html
    assert 'aria-invalid="true" aria-describedby="email-hint email-error"' in html
    assert 'id="email-error">Vul één e-mailadres in, zoals naam@voorbeeld.be.</p>' in html
    assert 'value="a@x.be,b@y.be"' in html  # what was typed is shown again to correct
    assert '<option value="day" selected>' in html
    assert "utrecht-checkbox--html-input" in html and 'id="days-1"' in html
    assert 'min="2026-01-01" max="2026-12-31"' in html


def test_the_summary_names_the_field_of_each_generic_message(app):
    form, valid, context = submit(app, {**GOOD, "name": " ", "places": "x", "note": "a\x00b"})
    try:
        html = render_template_string(
            '{% import "forms.html" as forms %}{{ forms.error_summary(form) }}', form=form
        )
    finally:
        context.pop()
    assert '<a class="utrecht-link" href="#name">Name: Vul dit veld in.</a>' in html
    assert '<a class="utrecht-link" href="#places">Places: Vul een geheel getal in.</a>' in html
    assert 'href="#note">Note: Verwijder de onzichtbare' in html


class EdgesForm(PlatformForm):
    born_on = DateField("Born")
    month = MonthField("Month")
    starts_at = DateTimeField("Starts")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("born_on", "0001-01-01", "Vul een datum in van 1900-01-01 tot 2199-12-31."),
        ("born_on", "9999-12-31", "Vul een datum in van 1900-01-01 tot 2199-12-31."),
        ("month", "9999-12", "Vul een maand in als JJJJ-MM."),
        ("month", "2026-13", "Vul een maand in als JJJJ-MM."),
        ("starts_at", "0001-01-01T00:00", "Vul een datum in van 1900-01-01 tot 2199-12-31."),
        ("starts_at", "2026-02-30T10:00", "Vul een datum en uur in als JJJJ-MM-DD UU:MM."),
    ],
)
def test_no_date_field_takes_a_year_no_person_means(app, field, value, message):
    with app.test_request_context("/", method="POST", data={field: value}):
        form = EdgesForm()
        assert not form.validate_on_submit()
        assert form.errors_by_id() == {field: message}


def test_a_month_and_a_moment_parse_to_their_types(app):
    data = {"month": "2026-05", "starts_at": "2026-05-04T09:30"}
    with app.test_request_context("/", method="POST", data=data):
        form = EdgesForm()
        assert form.validate_on_submit()
        assert form.month.data == date(2026, 5, 1) and form.month._value() == "2026-05"
        assert form.starts_at.data.isoformat() == "2026-05-04T09:30:00"


class ListFilters(QueryForm):
    page = IntegerField("Page", minimum=1, maximum=10_000)
    month = MonthField("Month")


@pytest.mark.parametrize("query", ["page=" + "9" * 18, "page=-1", "page=", "page=x&month=9999-12"])
def test_a_query_form_falls_back_to_the_default_for_a_value_that_does_not_fit(app, query):
    with app.test_request_context(f"/?{query}"):
        filters = ListFilters()
        filters.validate()
        assert filters.value("page", 1) == 1 and filters.value("month") is None


def test_a_query_form_reads_good_values_on_a_get(app):
    with app.test_request_context("/?page=3&month=2026-04"):
        filters = ListFilters()
        assert filters.validate()
        assert filters.value("page", 1) == 3 and filters.value("month") == date(2026, 4, 1)


@pytest.mark.parametrize(
    "typed", ["2026-03-01", "1/3/2026", "01/03/2026", "1-3-2026", "01.03.2026"]
)
def test_a_date_is_taken_as_the_picker_sends_it_or_as_a_person_writes_it(app, typed):
    form, valid, context = submit(app, {**GOOD, "starts_on": typed})
    context.pop()
    assert valid and form.starts_on.data == date(2026, 3, 1)


@pytest.mark.parametrize("field", ["name", "email"])
@pytest.mark.parametrize("blank", [" ", "\u00a0\u3000", "\t "])
def test_a_required_field_of_only_spaces_is_empty(app, field, blank):
    """Spaces pass "was something sent?" but are stripped to nothing: the field asks to be
    filled in, instead of the empty value reaching the module (an info-session seat with no
    address made a 500)."""
    errors = errors_of(app, {**GOOD, field: blank})
    assert errors[field] in {"Vul dit veld in.", "Vul een e-mailadres in."}
