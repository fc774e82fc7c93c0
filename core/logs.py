"""Log lines an operator can follow: every line carries the request id (also in the access log,
see ``gunicorn.conf.py``), as text for a developer's terminal or one JSON object per line for a
log collector (``OPVANGPLEIN_LOG_FORMAT``, JSON in production)."""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter

from core.request_context import RequestIdFilter

TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        timestamp=False,
    )


def handler_for(log_format: str) -> logging.Handler:
    """A stream handler in ``log_format`` that puts the request id on every record."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        json_formatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    handler.addFilter(RequestIdFilter())
    return handler
