"""The training pages (Dutch URLs under /opleiding), one module per resource.

Public: the info sessions and the registration form, the course catalogue and its sign-up, and
the secret-link pages where someone checks or cancels a registration without signing in.
Citizens: their own registrations and path. Training partners and municipal staff: programmes,
cohorts, the pipeline board, candidates, info-session and course lists, figures.
"""

# Importing the resource modules registers their routes on the blueprint.
from plugins.training.views import (  # noqa: F401
    candidates,
    courses,
    documents,
    figures,
    info_sessions,
    internship,
    programmes,
    public,
    vacancies,
)
from plugins.training.views.common import blueprint

__all__ = ["blueprint"]
