"""Every user-facing string has a Dutch translation (Dutch is the default language).

Checked for the core and for every plugin that ships a catalog.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_CATALOGS = sorted(path.parent for path in ROOT.glob("plugins/*/translations"))


def extracted_messages(mapping: str, source: Path, template: Path) -> set[str]:
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            str(ROOT / mapping),
            "-k",
            "_l",
            "-o",
            str(template),
            "--ignore-dirs=.venv tests bench",
            str(source),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def untranslated(wanted: set[str], catalog: Path) -> list[str]:
    if not catalog.exists():
        return sorted(str(message) for message in wanted)
    with catalog.open("rb") as handle:
        dutch = {message.id: message.string for message in read_po(handle) if message.id}
    return sorted(str(message) for message in wanted if not dutch.get(message))


def test_every_core_message_is_translated_to_dutch(tmp_path):
    wanted = extracted_messages("babel.cfg", ROOT, tmp_path / "core.pot")
    missing = untranslated(wanted, ROOT / "core/translations/nl/LC_MESSAGES/messages.po")
    assert missing == [], "run `make extract` and translate: " + "; ".join(missing)


def test_every_plugin_message_is_translated_to_dutch(tmp_path):
    missing = [
        f"{plugin.name}: {message}"
        for plugin in PLUGIN_CATALOGS
        for message in untranslated(
            extracted_messages("babel-plugin.cfg", plugin, tmp_path / f"{plugin.name}.pot"),
            plugin / "translations/nl/LC_MESSAGES/messages.po",
        )
    ]
    assert missing == [], "run `make extract` and translate: " + "; ".join(missing)


def test_plugins_with_user_facing_strings_ship_a_catalog(tmp_path):
    without = [
        plugin.name
        for plugin in sorted(path for path in (ROOT / "plugins").iterdir() if path.is_dir())
        if not (plugin / "translations").exists()
        and extracted_messages("babel-plugin.cfg", plugin, tmp_path / f"{plugin.name}.pot")
    ]
    assert without == []


def test_no_two_catalogs_translate_the_same_message_differently():
    """All catalogs are merged into one gettext domain: a clash would silently override one."""
    catalogs = [
        ROOT / "core/translations",
        *(plugin / "translations" for plugin in PLUGIN_CATALOGS),
    ]
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for directory in catalogs:
        path = directory / "nl/LC_MESSAGES/messages.po"
        if not path.exists():
            continue
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id or not message.string:
                    continue
                owner, translation = seen.setdefault(
                    str(message.id), (directory.parent.name, message.string)
                )
                if translation != message.string:
                    clashes.append(
                        f"{message.id!r}: {owner} says {translation!r}, {directory.parent.name} says {message.string!r}"
                    )
    assert clashes == []
