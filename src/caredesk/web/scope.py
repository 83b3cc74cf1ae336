"""The site/unit switcher: which site and unit the pages are focused on.

Stored in the session; always re-checked against the user's reach, so a stale
or forged choice silently falls back to "all within reach".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from caredesk.org import queries as org_queries
from caredesk.org.models import Site, Unit

SITE_KEY = "caredesk_scope_site"
UNIT_KEY = "caredesk_scope_unit"


@dataclass(frozen=True)
class Focus:
    site: Site | None
    unit: Unit | None

    @property
    def site_id(self) -> int | None:
        return self.site.pk if self.site else None

    @property
    def unit_id(self) -> int | None:
        return self.unit.pk if self.unit else None


def current(request: HttpRequest) -> Focus:
    cached = getattr(request, "_caredesk_focus", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    user: Any = request.user
    site = unit = None
    site_id = request.session.get(SITE_KEY)
    unit_id = request.session.get(UNIT_KEY)
    if site_id:
        site = org_queries.sites(user).filter(pk=site_id).first()
    if site and unit_id:
        unit = org_queries.units(user, site_id=site.pk).filter(pk=unit_id).first()
    focus = Focus(site=site, unit=unit)
    request._caredesk_focus = focus  # type: ignore[attr-defined]
    return focus


def choose(request: HttpRequest, site_id: int | None, unit_id: int | None) -> Focus:
    request.session[SITE_KEY] = site_id
    request.session[UNIT_KEY] = unit_id if site_id else None
    if hasattr(request, "_caredesk_focus"):
        del request._caredesk_focus  # type: ignore[attr-defined]
    return current(request)
