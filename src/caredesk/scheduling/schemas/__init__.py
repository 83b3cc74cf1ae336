"""Pydantic shapes of the scheduling API, one module per area."""
