"""Collaboration networks (networks)."""
