"""The navigation by module, as data: a module shows when the user holds its
permission somewhere. Later modules append their entries here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from caredesk.core import scoping


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str
    icon: str = ""  # a short glyph, no icon font needed


NAV: list[NavItem] = [
    NavItem(_("Sites"), "org:site_list", "org.view_site", "⌂"),
    NavItem(_("Units"), "org:unit_list", "org.view_unit", "▦"),
    NavItem(_("People"), "accounts:people", "accounts.view_user", "☺"),
    NavItem(_("Audit trail"), "core:audit", "core.view_audit", "⚲"),
]


def items_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    out = []
    for item in NAV:
        if scoping.has_anywhere(user, item.permission):
            url = reverse(item.url_name)
            out.append({"label": item.label, "url": url, "icon": item.icon, "active": current_path.startswith(url)})
    return out
