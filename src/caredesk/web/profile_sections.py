"""Sections of the staff profile page contributed by other apps.

The workforce app renders one page per person; training, performance and
later apps add their part by defining `sections(request, staff)` in their
`profile.py`, returning ProfileSection objects (each app checks its own
permissions and returns nothing the viewer may not see).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.utils.functional import Promise


@dataclass(frozen=True)
class ProfileSection:
    title: str | Promise
    template: str  # rendered with `context` merged into the page's context
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


def sections_for(request: HttpRequest, staff: Any) -> list[ProfileSection]:
    found: list[ProfileSection] = []
    for app in apps.get_app_configs():
        if not app.name.startswith("caredesk.") or app.name == "caredesk.workforce":
            continue
        try:
            module = import_module(f"{app.name}.profile")
        except ModuleNotFoundError as exc:
            if exc.name == f"{app.name}.profile":
                continue
            raise
        found.extend(module.sections(request, staff))
    return sorted(found, key=lambda s: s.order)
