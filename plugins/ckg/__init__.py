"""Centre for Childcare and Family Support (ckg)."""
