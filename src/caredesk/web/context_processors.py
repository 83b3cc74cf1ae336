from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from caredesk.core import notifications
from caredesk.org import queries as org_queries
from caredesk.web import navigation as nav
from caredesk.web import scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    base: dict[str, Any] = {"idle_timeout_minutes": settings.CAREDESK_IDLE_TIMEOUT_MINUTES}
    if user is None or not user.is_authenticated:
        return base
    focus = scope.current(request)
    sites = list(org_queries.sites(user).only("id", "name"))
    units = list(org_queries.units(user, site_id=focus.site_id).only("id", "name", "site_id")) if focus.site else []
    return {
        **base,
        "nav_items": nav.items_for(user, request.path),
        "personal_items": nav.personal_items(user),
        "focus": focus,
        "switcher_sites": sites,
        "switcher_units": units,
        "unread_count": notifications.unread_count(user),
    }
