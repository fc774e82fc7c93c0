"""Access guards for core pages: the tenant admin pages need the ``core.admin`` permission."""

from __future__ import annotations

from core.identity.access import require_permission

require_tenant_admin = require_permission("core.admin")
