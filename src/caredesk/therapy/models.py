"""Therapy plans, sessions, and minutes delivered against prescribed."""
