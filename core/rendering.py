"""One template serves the full page and its htmx fragment."""

from __future__ import annotations

from flask import render_template
from flask_htmx import HTMX
from jinja2_fragments.flask import render_block

htmx = HTMX()


def is_htmx_fragment_request() -> bool:
    """htmx asked for a part of the page (a boosted navigation wants the whole page)."""
    return bool(htmx) and not htmx.boosted


def render(template: str, *, block: str = "content", **context) -> str:
    """Render ``template`` whole, or only ``block`` when htmx asks for a fragment."""
    if is_htmx_fragment_request():
        return render_block(template, block, **context)
    return render_template(template, **context)


ANNOUNCE_HEADER = "X-Announce"


def announce_when_swapped(page, message: str):
    """``page``, announced with ``message`` when htmx swaps it in as a fragment: a filtered
    list says what it now holds (WCAG 4.1.3) through the page's live region, which stays in
    place, instead of being its own live region that the swap replaces."""
    return announce(page, message) if is_htmx_fragment_request() else page


def announce(response, message: str):
    """Have the page's live region say ``message`` after htmx swaps ``response`` in.

    The convention: the ``X-Announce`` header carries the message, percent-encoded (headers are
    Latin-1 and a message is Dutch text); core/static/js/opvangplein.js reads it after the swap
    and writes it into ``#live-announcer`` (``aria-live="polite"`` in base.html), so a screen
    reader hears what changed without losing its place. A full page load ignores the header.
    """
    from urllib.parse import quote

    from flask import make_response

    response = make_response(response)
    response.headers[ANNOUNCE_HEADER] = quote(str(message), safe=" ,.:;!?()'")
    return response
