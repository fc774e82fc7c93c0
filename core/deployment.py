"""How web and worker processes start (``core.wsgi``, ``core.worker``).

Before serving, the deployment is held against the production rules (``core.doctor``): a
dangerous setting, a schema behind its migrations or an application connecting as the table
owner stops the process with one line per problem and exit status 3 — which gunicorn reads as
"worker failed to boot" and stops on — instead of a traceback.
"""

from __future__ import annotations

import sys

from flask import Flask

from core.app import create_app
from core.config import ConfigurationError, refusal

BOOT_ERROR = 3  # gunicorn's WORKER_BOOT_ERROR: the arbiter halts instead of respawning


def deployable_app() -> Flask:
    try:
        app = create_app()
        settings = app.extensions["opvangplein.settings"]
        if settings.is_production:
            refuse_unless_deployable(app)
    except ConfigurationError as error:
        sys.stderr.write(f"{error}\n")
        sys.stderr.flush()
        raise SystemExit(BOOT_ERROR) from None
    return app


def refuse_unless_deployable(app: Flask) -> None:
    from core.doctor import database_findings

    findings = database_findings(
        app.extensions["opvangplein.db"], app.extensions["opvangplein.plugins"]
    )
    if findings:
        raise ConfigurationError(refusal(finding.line() for finding in findings))
