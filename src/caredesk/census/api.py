"""Census over the JSON API."""

from ninja import Router

router = Router(tags=["census"])
