"""Recruiting (see issue 3)."""
