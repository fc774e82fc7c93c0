"""Comparing two answers as a person would read them."""

from __future__ import annotations

import re

# A CSRF token carries the second it was made: two identical pages a second apart differ there.
_CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*(")')
_CSRF_HEADER = re.compile(r'("X-CSRFToken": ")[^"]*(")')


def without_csrf_tokens(html: str) -> str:
    return _CSRF_HEADER.sub(r"\1TOKEN\2", _CSRF_VALUE.sub(r"\1TOKEN\2", html))
