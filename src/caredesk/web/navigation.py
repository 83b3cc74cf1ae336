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
from django.utils.translation import gettext_lazy as _

from caredesk.core import scoping


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str
    order: int = 50  # position in the bar, lowest first
    group: str = ""  # items of one group show as one drop-down menu; "me" goes to the user menu


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


# Labels of the groups (kept here so every app uses the same words).
GROUPS: dict[str, Promise] = {
    "care": _("Patient care"),
    "organisation": _("Organisation"),
    "workforce": _("Workforce"),
}


def items_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    """Entries of the bar: single links, or groups with their `children`;
    a group with a single visible item shows as that item."""
    out: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in all_items():
        if item.group == "me" or not scoping.has_anywhere(user, item.permission):
            continue
        url = reverse(item.url_name)
        entry = {"label": item.label, "url": url, "active": current_path.startswith(url)}
        if not item.group:
            out.append(entry)
            continue
        if item.group not in groups:
            groups[item.group] = {"label": GROUPS.get(item.group, item.group), "children": [], "active": False}
            out.append(groups[item.group])
        groups[item.group]["children"].append(entry)
        groups[item.group]["active"] |= entry["active"]
    return [g["children"][0] if "children" in g and len(g["children"]) == 1 else g for g in out]


def personal_items(user: Any) -> list[dict[str, Any]]:
    """Entries of the user menu ("My record"...)."""
    return [
        {"label": item.label, "url": reverse(item.url_name)}
        for item in all_items()
        if item.group == "me" and scoping.has_anywhere(user, item.permission)
    ]
