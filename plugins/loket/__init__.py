"""Local childcare counter (loket)."""
