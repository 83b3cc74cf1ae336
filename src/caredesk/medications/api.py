"""Medications over the JSON API."""

from ninja import Router

router = Router(tags=["medications"])
