"""A tiny, safe rich-text subset that plugins offer where people write longer texts (a measure's
description, a meeting's minutes).

Writers use plain text with a few markdown-like marks; everything is escaped first and only the
markup produced here reaches the page, so no HTML a writer types can ever run. Supported:

* blank line: new paragraph; ``- item`` lines: a bulleted list
* ``**bold**`` and ``*italic*``
* ``[text](https://…)`` links (``https``, ``http`` and ``mailto`` only)
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
# Runs on escaped text: the URL cannot contain a quote or angle bracket any more (escaped), and
# whitespace or a closing parenthesis ends it.
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s()]+)\)")


def _inline(escaped: str) -> str:
    text = _LINK.sub(
        r'<a class="utrecht-link" href="\2" rel="noopener noreferrer nofollow">\1</a>', escaped
    )
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return _ITALIC.sub(r"<em>\1</em>", text)


def render_rich_text(source: str | None) -> Markup:
    """The source rendered as paragraphs and lists, with every character of it escaped."""
    blocks = re.split(r"\n\s*\n", (source or "").replace("\r\n", "\n").strip())
    parts: list[str] = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(str(escape(line[2:].strip())))}</li>" for line in lines)
            parts.append(f'<ul class="utrecht-unordered-list">{items}</ul>')
        else:
            text = "<br>".join(_inline(str(escape(line))) for line in lines)
            parts.append(f'<p class="utrecht-paragraph">{text}</p>')
    return Markup("".join(parts))
