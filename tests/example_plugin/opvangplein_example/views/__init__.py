"""The notice board's pages: the blueprint, then each resource module so its routes register."""

from opvangplein_example.views import notices  # noqa: F401
from opvangplein_example.views.common import blueprint

__all__ = ["blueprint"]
