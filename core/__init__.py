"""Opvangplein core: ``flask --app core`` finds :func:`create_app` here."""

from core.app import create_app

__all__ = ["create_app"]
