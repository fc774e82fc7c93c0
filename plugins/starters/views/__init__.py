"""The starters pages (Dutch URLs under /starters), one module per resource.

Thin views: parse with a form (plugins/starters/forms.py), authorise, call a service, render.
"""

from plugins.starters.views import (  # noqa: F401  (the modules register their routes)
    agreements,
    applications,
    building_admin,
    buildings,
    catalogue,
    documents,
    letters,
    review,
)
from plugins.starters.views.common import blueprint

__all__ = ["blueprint"]
