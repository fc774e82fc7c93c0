"""gunicorn's access log with the request id of each line (the ``X-Request-ID`` the platform
answers with, the same id as in the app's log lines and an outbox message's record), as JSON
when ``OPVANGPLEIN_LOG_FORMAT=json``. Paths are logged without their query string: a search
for a child's name must not end up in the logs."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

from gunicorn.glogging import Logger

from core.config import default_log_format

TEXT_ACCESS_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms [%({x-request-id}o)s]'


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        found = super().atoms(resp, req, environ, request_time)
        found["U"] = req.path  # as requested: the app moves a tenant prefix out of PATH_INFO
        return found

    def access(self, resp, req, environ, request_time) -> None:
        default = default_log_format(os.environ.get("OPVANGPLEIN_ENV", "development"))
        if os.environ.get("OPVANGPLEIN_LOG_FORMAT", default) != "json":
            return super().access(resp, req, environ, request_time)
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return None
        headers = {name.lower(): value for name, value in resp.headers}
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "access",
            "remote": environ.get("REMOTE_ADDR", "-"),
            "method": environ.get("REQUEST_METHOD", "-"),
            "path": req.path,
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", 0),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": headers.get("x-request-id", "-"),
        }
        self.access_log.info(json.dumps(line, ensure_ascii=False))
        return None
