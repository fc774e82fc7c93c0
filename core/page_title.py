"""A page that answers a form with errors says so first, in its title: "Fout: …" (WCAG 3.3.1,
GOV.UK's error pattern). A screen reader announces the title on load, before the error summary.

Every refused submission in the platform answers 422 with the page and its messages, however
the errors were found (a form's validators, a service's rule), so the status decides — no view
has to remember it.
"""

from __future__ import annotations

from flask import Flask, Response
from flask_babel import gettext as _

_TITLE = b"<title>"


def init_app(app: Flask) -> None:
    app.after_request(_prefix_error_pages)


def _prefix_error_pages(response: Response) -> Response:
    if response.status_code != 422 or response.mimetype != "text/html" or response.is_streamed:
        return response
    body = response.get_data()
    start = body.find(_TITLE, 0, 4096)
    if start == -1:
        return response
    prefix = (_("Error") + ": ").encode()
    at = start + len(_TITLE)
    if not body.startswith(prefix, at):
        response.set_data(body[:at] + prefix + body[at:])
    return response
