"""Reads of the organisation, always through the access scope of core."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from caredesk.core import scoping
from caredesk.org.models import Bed, Room, Site, Unit


def sites(user: Any, *, include_inactive: bool = False) -> QuerySet[Site]:
    qs = scoping.scoped(Site.objects.all(), user, "org.view_site")
    return qs if include_inactive else qs.filter(is_active=True)


def units(user: Any, *, site_id: int | None = None, include_inactive: bool = False) -> QuerySet[Unit]:
    qs = scoping.scoped(Unit.objects.select_related("site"), user, "org.view_unit")
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    return qs if include_inactive else qs.filter(is_active=True)


def units_with_bed_counts(user: Any, *, site_id: int | None = None, include_inactive: bool = False) -> QuerySet[Unit]:
    return units(user, site_id=site_id, include_inactive=include_inactive).annotate(
        bed_count=Count("rooms__beds", filter=Q(rooms__is_active=True, rooms__beds__is_active=True)),
        room_count=Count("rooms", filter=Q(rooms__is_active=True), distinct=True),
    )


def rooms(user: Any, *, unit_id: int | None = None, include_inactive: bool = False) -> QuerySet[Room]:
    qs = scoping.scoped(Room.objects.select_related("unit"), user, "org.view_unit")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs if include_inactive else qs.filter(is_active=True)


def beds(
    user: Any, *, unit_id: int | None = None, room_id: int | None = None, include_inactive: bool = False
) -> QuerySet[Bed]:
    qs = scoping.scoped(Bed.objects.select_related("room", "room__unit"), user, "org.view_unit")
    if unit_id is not None:
        qs = qs.filter(room__unit_id=unit_id)
    if room_id is not None:
        qs = qs.filter(room_id=room_id)
    return qs if include_inactive else qs.filter(is_active=True)


@dataclass(frozen=True)
class OrgFigures:
    sites: int
    units: int
    rooms: int
    beds: int


def figures(user: Any, *, site_id: int | None = None, unit_id: int | None = None) -> OrgFigures:
    """Counts of active sites, units, rooms and beds within the user's scope."""
    s = sites(user)
    u = units(user)
    r = rooms(user).filter(unit__is_active=True)
    b = beds(user).filter(room__is_active=True, room__unit__is_active=True)
    if site_id is not None:
        s, u = s.filter(pk=site_id), u.filter(site_id=site_id)
        r, b = r.filter(unit__site_id=site_id), b.filter(room__unit__site_id=site_id)
    if unit_id is not None:
        u, r, b = u.filter(pk=unit_id), r.filter(unit_id=unit_id), b.filter(room__unit_id=unit_id)
    return OrgFigures(sites=s.count(), units=u.count(), rooms=r.count(), beds=b.count())
