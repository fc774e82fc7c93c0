"""Childcare starters (starters)."""
