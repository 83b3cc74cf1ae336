"""Performance (see issue 3)."""
