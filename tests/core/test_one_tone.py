"""Issue 19: the platform speaks to people in one tone, "je", in every Dutch text: the pages and
mails of the core and every plugin (their catalogs) and the default texts of the decision letter.
A formal "u", "uw" or "U" as a word is a slip; words like "uur", "uit" or "gebruik" are not."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from plugins.starters import letter_defaults

ROOT = Path(__file__).resolve().parents[2]
FORMAL = re.compile(r"(?<![\w'’-])(?:u|uw|uzelf)(?![\w'’-])", re.IGNORECASE)


def formal_words(text: str) -> list[str]:
    return FORMAL.findall(text)


def _dutch_catalogs() -> list[Path]:
    return [
        ROOT / "core/translations/nl/LC_MESSAGES/messages.po",
        *sorted(ROOT.glob("plugins/*/translations/nl/LC_MESSAGES/messages.po")),
    ]


def test_the_finder_tells_the_formal_words_from_words_that_start_with_u():
    assert formal_words("Volg uw aanvraag. U kunt het uur kiezen, uit of aan.") == ["uw", "U"]
    assert formal_words("We laten het u weten; bedankt, Uzelf") == ["u", "Uzelf"]
    assert formal_words("Je kunt 8 uur per week, nu of uiterlijk morgen") == []


def test_no_dutch_catalog_entry_speaks_formally():
    formal = []
    for path in _dutch_catalogs():
        with path.open("rb") as handle:
            for message in read_po(handle):
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                for text in strings:
                    if text and formal_words(text):
                        formal.append(f"{path.relative_to(ROOT).parts[1]}: {text[:90]}")
    assert len(_dutch_catalogs()) >= 6
    assert formal == []


def test_the_decision_letters_default_texts_speak_with_je():
    texts = [letter_defaults.DEFAULT_OPENING, letter_defaults.DEFAULT_APPEAL_ROUTE]
    assert [word for text in texts for word in formal_words(text)] == []
    assert all(re.search(r"\bje\b", text) for text in texts)
