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
