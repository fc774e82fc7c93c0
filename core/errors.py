"""Error pages in the tenant's look, in the visitor's language; JSON bodies for JSON clients."""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError


def wants_json() -> bool:
    if request.path.endswith(".json") or request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("Bad request"),
            _("The request could not be processed. Check what you entered and try again."),
        ),
        401: (_("Sign-in required"), _("Sign in to see this page.")),
        403: (
            _("No access"),
            _(
                "You do not have access to this page. Ask your municipality's administrator if you think you should."
            ),
        ),
        404: (
            _("Page not found"),
            _("This page does not exist, or it is not available for this municipality."),
        ),
        405: (_("Not allowed"), _("This action is not possible on this page.")),
        422: (
            _("Not saved"),
            _(
                "What you sent holds a character that cannot be stored (an invisible NUL byte). "
                "Remove it and try again."
            ),
        ),
        413: (_("File too large"), _("The file you sent is larger than allowed.")),
        429: (
            _("Too many attempts"),
            _("This was sent too often from your connection. Wait a minute and try again."),
        ),
        500: (
            _("Something went wrong"),
            _(
                "An unexpected error happened on our side. It has been logged; please try again later."
            ),
        ),
    }


def _roll_back_the_request_session() -> None:
    # A failed flush leaves the session unusable until rolled back; the error page reads the
    # signed-in person and the tenant through it and would fail in turn.
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:
            current_app.logger.exception("rolling back the failed request's session failed")


def render_error(code: int, detail: str | None = None):
    _roll_back_the_request_session()
    title, message = _messages().get(code, (_("Error"), _("Something went wrong.")))
    if detail:
        message = detail
    request_id = g.get("request_id", "")
    if wants_json():
        return jsonify(
            error={"status": code, "title": title, "message": message, "request_id": request_id}
        ), code
    try:
        return render_template(
            "errors/error.html", code=code, title=title, message=message, request_id=request_id
        ), code
    except Exception:  # the error page itself must never fail into a stack trace
        current_app.logger.exception("error page failed to render")
        return f"{code} {title}", code, {"Content-Type": "text/plain; charset=utf-8"}


def _is_unstorable_text(error: Exception) -> bool:
    """PostgreSQL's refusal of a NUL byte: the backstop behind the forms, which refuse it first."""
    return isinstance(error, DataError) and "NUL" in str(error.orig)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(
            400,
            _("Your form has expired or was sent from elsewhere. Reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        code = error.code or 500
        user_message = getattr(error, "user_message", None)
        body, status, *headers = render_error(code, user_message() if user_message else None)
        headers = dict(headers[0]) if headers else {}
        if getattr(error, "retry_after", None):
            headers["Retry-After"] = str(error.retry_after)
        return body, status, headers

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return _http(error)
        if _is_unstorable_text(error):
            current_app.logger.warning("refused text the database cannot store: %s", error)
            return render_error(422)
        current_app.logger.exception("unhandled error")
        return render_error(InternalServerError.code)
