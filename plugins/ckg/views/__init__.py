"""The CKG pages (Dutch URLs under /ckg), one module per resource.

Importing the resource modules registers their routes on the one blueprint of common.py.
"""

from plugins.ckg.views import capacity, consent, referrals, referring, workspace  # noqa: F401
from plugins.ckg.views.common import blueprint

__all__ = ["blueprint"]
