"""Finding a request on the work list by name, e-mail or phone, matched by the database.

Staff type what the parent said: "peeters mila", "Zoe Celik", "0470 12 34 56", "+32470123456".
The term is normalised in Python and the columns by the same rules in SQL, so no request is
loaded to be compared:

- names: every word of the term must occur in the child's or the parent's name, in any order,
  case- and accent-insensitively: each letter of the term becomes a class of its written forms
  ("e" → e, E, é, ë, …) in a GLOB (SQLite) or regular expression (PostgreSQL) pattern;
- e-mail: case-insensitive, part of the address;
- phone: digits only, a Belgian number written internationally (``+32``/``0032``) compared as
  the national one (``0…``).

Without an index this scans the tenant's requests once per search; an expression or trigram
index would need a migration.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from plugins.loket.models import ChildcareRequest

# Phone numbers need at least this many digits before digits are compared (a house number in a
# name search must not find every phone number containing it).
MIN_PHONE_DIGITS = 4
PHONE_SEPARATORS = " +-./()"
# A pasted essay must not become a pattern of thousands of letter classes.
MAX_TERM_LENGTH = 100
MAX_WORDS = 6


def fold(text: str) -> str:
    """Lower case without accents: "Zoë Çelik" → "zoe celik"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _accent_map() -> list[tuple[str, str]]:
    """Accented Latin letters (upper and lower case) and their plain letter, as ``fold`` does."""
    pairs = []
    for code in range(0x00C0, 0x0180):
        char = chr(code)
        plain = fold(char)
        if plain != char and plain.isascii() and plain.isalpha():
            pairs.append((char, plain))
    return pairs


ACCENTS = _accent_map()


def _letter_variants() -> dict[str, str]:
    """Plain letter → every way it is written: "c" → "cCçÇćĆčČ…"."""
    variants: dict[str, str] = {}
    for letter in "abcdefghijklmnopqrstuvwxyz":
        variants[letter] = letter + letter.upper()
    for char, plain in ACCENTS:
        if len(plain) == 1:
            variants[plain] += char
    return variants


VARIANTS = _letter_variants()


def glob_pattern(word: str) -> str:
    """SQLite GLOB (case-sensitive, so every case is listed): "zoe" → "*[zZ][oO…][eEëË…]*"."""
    parts = []
    for char in word:
        if char in VARIANTS:
            parts.append(f"[{VARIANTS[char]}]")
        elif char in "*?[]":
            parts.append(f"[{char}]")
        else:
            parts.append(char)
    return "*" + "".join(parts) + "*"


def regex_pattern(word: str) -> str:
    """PostgreSQL regular expression with the same letter classes as ``glob_pattern``."""
    return "".join(f"[{VARIANTS[char]}]" if char in VARIANTS else re.escape(char) for char in word)


class WordMatch(ColumnElement[bool]):
    """``column`` contains ``word`` (folded), whatever the case and accents in the column.

    The word becomes a pattern of letter classes, so the column is compared as it is stored:
    no per-row folding (SQLite has no accent-aware lower(), nor PostgreSQL without an extension).
    """

    __visit_name__ = "loket_word_match"
    # Both dialects' patterns travel as bound parameters, so one compiled statement (cached by
    # SQLAlchemy) serves every word; each dialect renders only its own.
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("regex", InternalTraversal.dp_clauseelement),
        ("glob", InternalTraversal.dp_clauseelement),
    ]
    inherit_cache = True
    type = sa.Boolean()

    def __init__(self, column: ColumnElement, word: str) -> None:
        self.column = column
        self.regex = sa.bindparam(None, regex_pattern(word), type_=sa.String, unique=True)
        self.glob = sa.bindparam(None, glob_pattern(word), type_=sa.String, unique=True)


@compiles(WordMatch)
def _word_match_regex(element: WordMatch, compiler, **kw) -> str:
    return f"({compiler.process(element.column, **kw)} ~ {compiler.process(element.regex, **kw)})"


@compiles(WordMatch, "sqlite")
def _word_match_glob(element: WordMatch, compiler, **kw) -> str:
    return f"({compiler.process(element.column, **kw)} GLOB {compiler.process(element.glob, **kw)})"


def phone_digits(text: str) -> str:
    """Digits only, international Belgian notation made national: "+32 470…" → "0470…"."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("0032"):
        return "0" + digits[4:]
    if digits.startswith("32") and len(digits) >= 10:
        return "0" + digits[2:]
    return digits


def _phone_column() -> sa.ColumnElement:
    digits: sa.ColumnElement = ChildcareRequest.parent_phone
    for separator in PHONE_SEPARATORS:
        digits = sa.func.replace(digits, separator, "", type_=sa.String)
    national = sa.literal("0", sa.String)
    return sa.case(
        (digits.like("0032%"), national + sa.func.substr(digits, 5, type_=sa.String)),
        (
            sa.and_(digits.like("32%"), sa.func.length(digits) >= 10),
            national + sa.func.substr(digits, 3, type_=sa.String),
        ),
        else_=digits,
    )


def request_matches(term: str) -> sa.ColumnElement[bool]:
    """A WHERE clause for the requests that ``term`` names (see the module doc)."""
    term = term.strip()[:MAX_TERM_LENGTH]
    clauses: list[sa.ColumnElement[bool]] = []
    words = fold(term).split()[:MAX_WORDS]
    if words:
        names = (
            ChildcareRequest.child_first_name
            + " "
            + ChildcareRequest.child_last_name
            + " "
            + ChildcareRequest.parent_name
        )
        clauses.append(sa.and_(*(WordMatch(names, word) for word in words)))
    if term:
        email = sa.func.lower(ChildcareRequest.parent_email, type_=sa.String)
        clauses.append(email.contains(term.lower(), autoescape=True))
    digits = phone_digits(term)
    if len(digits) >= MIN_PHONE_DIGITS and not re.search(r"[^\d\s+\-./()]", term):
        # A national number typed without its leading 0 ("470123456") still matches.
        clauses.append(_phone_column().contains(digits, autoescape=True))
    return sa.or_(*clauses) if clauses else sa.false()
