"""Scheduling over the JSON API: one router per area module in this package
(needs, requests, rosters, publishing, swaps, feeds, timesheets), mounted here."""

import importlib
import pkgutil

from ninja import Router

router = Router(tags=["scheduling"])

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    router.add_router("/", _module.router)
