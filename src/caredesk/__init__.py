"""CareDesk: the operations desk of clinical services."""

__version__ = "0.1.0"
