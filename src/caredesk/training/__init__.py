"""Training (see issue 3)."""
