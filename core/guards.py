"""Access guards for core pages.

DEVELOPMENT GUARD — replaced by the identity issue's permission checks. Until then the tenant
admin pages open only in development mode and only from the loopback address; in production mode
they always answer 403. This is never an open door in production settings.
"""

from __future__ import annotations

from functools import wraps
from ipaddress import ip_address

from flask import abort, current_app, request


def _development_loopback_request() -> bool:
    settings = current_app.extensions["opvangplein.settings"]
    if settings.is_production:
        return False
    try:
        return ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def require_tenant_admin(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        if not _development_loopback_request():
            abort(403)
        return view(*args, **kwargs)

    return guarded
