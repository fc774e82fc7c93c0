"""The CKG pages (Dutch URLs under /ckg), one module per resource.

Importing the resource modules registers their routes on the one blueprint of common.py.
"""

from plugins.ckg.views import (  # noqa: F401
    capacity,
    consent,
    loket_advice,
    referrals,
    referring,
    workspace,
)
from plugins.ckg.views.common import blueprint

__all__ = ["blueprint"]
