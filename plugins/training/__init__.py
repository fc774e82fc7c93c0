"""Childcare worker training (training)."""
