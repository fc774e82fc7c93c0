"""Dutch (nl-BE) by default, English as second language."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, session
from flask_babel import Babel, get_locale

SUPPORTED_LOCALES = {"nl": "nl-BE", "en": "en"}
DEFAULT_LOCALE = "nl"


def select_locale() -> str:
    chosen = session.get("lang")
    return chosen if chosen in SUPPORTED_LOCALES else DEFAULT_LOCALE


def html_lang() -> str:
    return SUPPORTED_LOCALES.get(str(get_locale()), "nl-BE")


def current_language() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


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
