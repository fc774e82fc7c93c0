"""What the current request (if any) tells the layers below it: request id and actor."""

from __future__ import annotations

import logging

from flask import g, has_request_context


def current_request_id() -> str:
    if has_request_context():
        return getattr(g, "request_id", "")
    return ""


def current_actor() -> str:
    """Who acts: the signed-in user, else the client address, else the command line."""
    if has_request_context():
        user = getattr(g, "user", None)
        if user is not None:
            return f"user:{user.id}"
        from flask import request

        return f"anonymous:{request.remote_addr or '-'}"
    return "cli"


class RequestIdFilter(logging.Filter):
    """Puts the request id on every log record so a line can be traced to its request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True
