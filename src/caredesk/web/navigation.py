"""The navigation by module, as data: a module shows when the user holds its
permission somewhere. Each app may declare `NAV = [NavItem(...)]` in its
`nav.py`; they are shown by their `order`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise

from caredesk.core import scoping


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str
    order: int = 50  # position in the bar, lowest first


@cache
def all_items() -> tuple[NavItem, ...]:
    found: list[NavItem] = []
    for app in apps.get_app_configs():
        if not app.name.startswith("caredesk."):
            continue
        try:
            module = import_module(f"{app.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name == f"{app.name}.nav":
                continue
            raise
        found.extend(module.NAV)
    return tuple(sorted(found, key=lambda item: item.order))


def items_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    out = []
    for item in all_items():
        if scoping.has_anywhere(user, item.permission):
            url = reverse(item.url_name)
            out.append({"label": item.label, "url": url, "active": current_path.startswith(url)})
    return out
