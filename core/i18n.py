"""Dutch (nl-BE) by default, English as second language."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import Flask, current_app, has_app_context, session
from flask_babel import Babel, get_locale

SUPPORTED_LOCALES = {"nl": "nl-BE", "en": "en"}
DEFAULT_LOCALE = "nl"
WORDS_EXTENSION = "opvangplein.words"

Words = TypeVar("Words")


def select_locale() -> str:
    chosen = session.get("lang")
    return chosen if chosen in SUPPORTED_LOCALES else DEFAULT_LOCALE


def html_lang() -> str:
    return SUPPORTED_LOCALES.get(str(get_locale()), "nl-BE")


def current_language() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def words_per_language(build: Callable[[], Words]) -> Callable[[], Words]:
    """Build ``build()``'s words (``gettext`` results) once per app and language.

    The catalogs do not change while the app runs, so a table of words (labels of statuses,
    care needs, priority grounds) is the same for every request in one language; a list page
    that words each row would otherwise ask the catalog for the same words hundreds of times.
    The result is shared: read it, never change it. Outside an app it is built each time.
    """
    key = f"{build.__module__}.{build.__qualname__}"

    @functools.wraps(build)
    def cached() -> Words:
        if not has_app_context():
            return build()
        store = current_app.extensions.setdefault(WORDS_EXTENSION, {})
        language = current_language()
        try:
            return store[key, language]
        except KeyError:
            words = store[key, language] = build()
            return words

    return cached


def init_app(app: Flask, registry) -> None:
    translation_dirs = [str(Path(__file__).parent / "translations")]
    for name in registry.names:
        path = registry.part_path(name, "translations")
        if path is not None:
            translation_dirs.append(str(path))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Brussels")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_dirs)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(html_lang=html_lang, current_language=current_language)
