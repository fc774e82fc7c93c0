"""Words looked up once per app and language (#18): a list that words every row asked the
catalog the same words thousands of times per page."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from core.i18n import words_per_language
from tests.support.apps import probe_app

built = []


@words_per_language
def greeting() -> dict[str, str]:
    built.append(1)
    return {"home": gettext("Home")}


def test_words_are_built_once_per_language_and_follow_the_language(sqlite_settings):
    app = probe_app(sqlite_settings)
    built.clear()
    with app.test_request_context():
        with force_locale("nl"):
            assert greeting() == {"home": "Start"}
            assert greeting() == {"home": "Start"}
        with force_locale("en"):
            assert greeting() == {"home": "Home"}
    assert len(built) == 2


def test_each_app_keeps_its_own_words(sqlite_settings, tmp_path):
    first = probe_app(sqlite_settings)
    built.clear()
    for app in (first, first):
        with app.test_request_context(), force_locale("nl"):
            greeting()
    assert len(built) == 1
    assert "opvangplein.words" in first.extensions


def test_outside_an_app_the_words_are_built_each_time():
    built.clear()
    greeting()
    greeting()
    assert len(built) == 2


def test_form_messages_come_from_a_catalog_read_once_per_language(sqlite_settings, monkeypatch):
    """WTForms' own messages: flask-wtf parsed their catalog from disk for every request."""
    from babel import support
    from wtforms import IntegerField

    from core.forms import PlatformForm

    class AgeForm(PlatformForm):
        age = IntegerField("age")

    loads = []
    real_load = support.Translations.load
    monkeypatch.setattr(
        support.Translations,
        "load",
        classmethod(lambda cls, *a, **k: loads.append(a) or real_load(*a, **k)),
    )
    app = probe_app(sqlite_settings)
    messages = {}
    for language in ("nl", "nl", "en", "nl"):
        with app.test_request_context(method="POST", data={"age": "tien"}), force_locale(language):
            form = AgeForm()
            form.validate()
            messages[language] = form.age.errors[0]
    assert messages["nl"] == "Ongeldig getal."
    assert messages["en"] == "Not a valid integer value."
    assert len(loads) <= 2
