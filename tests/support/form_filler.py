"""Read the forms of a page and fill them as a person would: the attacker's and the fuzzer's tool.

It knows nothing about plugins. From a rendered page it takes every ``<form method="post">``,
its action and its fields (inputs, selects, textareas) with the values the page offers, and
fills what is empty with a plausible value for the field's type, so the body would pass the
form's validation. Tests then send that body the wrong way (HEAD, GET) or with one field
replaced by a hostile value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

SKIPPED_INPUT_TYPES = {"submit", "button", "reset", "image", "file"}


@dataclass
class FormField:
    name: str
    kind: str  # text, email, date, number, select, textarea, checkbox, radio, hidden, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    minimum: str = ""
    maximum: str = ""
    checked: bool = False


@dataclass
class PageForm:
    action: str
    fields: list[FormField] = field(default_factory=list)

    def plausible_body(self) -> dict[str, list[str]]:
        """A body a careful person would send: page values kept, empty fields filled."""
        body: dict[str, list[str]] = {}
        radios_done: set[str] = set()
        for item in self.fields:
            if item.kind == "radio":
                if item.name in radios_done:
                    continue
                radios_done.add(item.name)
                choices = [
                    f.value for f in self.fields if f.kind == "radio" and f.name == item.name
                ]
                chosen = [f.value for f in self.fields if f.name == item.name and f.checked]
                body[item.name] = [(chosen or choices)[0]]
            elif item.kind == "checkbox":
                body.setdefault(item.name, []).append(item.value or "y")
            else:
                body.setdefault(item.name, []).append(item.value or _plausible(item))
        return body


def _plausible(item: FormField) -> str:
    if item.kind == "select":
        return next((option for option in item.options if option), "")
    if item.kind == "email":
        return "probe.person@example.be"
    if item.kind == "date":
        return item.minimum or (date.today() + timedelta(days=40)).isoformat()
    if item.kind == "datetime-local":
        return (date.today() + timedelta(days=40)).isoformat() + "T10:00"
    if item.kind == "month":
        return date.today().strftime("%Y-%m")
    if item.kind == "number":
        return item.minimum or "1"
    if item.kind == "tel":
        return "0470123456"
    if item.kind == "url":
        return "https://example.be/"
    name = item.name.lower()
    if "postcode" in name or "postal" in name:
        return "9300"
    if "email" in name:
        return "probe.person@example.be"
    return "Probe tekst"


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            if attributes.get("method", "get").lower() == "post":
                action = attributes.get("action") or attributes.get("hx-post") or self.page_url
                self._form = PageForm(action=urljoin(self.page_url, action))
                self.forms.append(self._form)
            return
        if self._form is None or "name" not in attributes:
            if tag == "option" and self._select is not None:
                self._select.options.append(attributes.get("value", ""))
                if "selected" in attributes:
                    self._select.value = attributes.get("value", "")
            return
        name = attributes["name"]
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind in SKIPPED_INPUT_TYPES:
                return
            self._form.fields.append(
                FormField(
                    name=name,
                    kind=kind,
                    value=attributes.get("value", ""),
                    minimum=attributes.get("min", ""),
                    maximum=attributes.get("max", ""),
                    checked="checked" in attributes,
                )
            )
        elif tag == "select":
            self._select = FormField(name=name, kind="select")
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = FormField(name=name, kind="textarea")
            self._form.fields.append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def post_forms(html: str, page_url: str) -> list[PageForm]:
    """The page's POST forms, their actions resolved against ``page_url`` (a path)."""
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


def local_path(url: str) -> str:
    """The path and query of a form's action, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
