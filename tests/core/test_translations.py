"""Every user-facing string has a Dutch translation (Dutch is the default language)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_every_extracted_message_is_translated_to_dutch(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(template),
            "--ignore-dirs=.venv tests bench",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (ROOT / "core/translations/nl/LC_MESSAGES/messages.po").open("rb") as handle:
        dutch = {message.id: message.string for message in read_po(handle) if message.id}
    untranslated = sorted(str(m) for m in wanted if not dutch.get(m))
    assert untranslated == [], "run `make extract` and translate: " + "; ".join(untranslated)
