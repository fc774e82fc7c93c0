"""The loket's pages, one module per resource, all on one blueprint.

Views are thin: a form from ``plugins.loket.forms`` parses, the view authorises, a service
acts, a template renders. Importing the resource modules registers their routes.
"""

from plugins.loket.views import (  # noqa: F401  (registers the routes)
    company_places,
    dashboard,
    free_places,
    info_sessions,
    locations,
    places,
    priority,
    requests,
    rounds,
    staff,
)
from plugins.loket.views.common import blueprint

__all__ = ["blueprint"]
