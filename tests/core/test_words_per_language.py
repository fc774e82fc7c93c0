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
