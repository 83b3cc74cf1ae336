"""Reads of the audit trail for the auditor and compliance roles."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from caredesk.core import scoping
from caredesk.core.models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    user: str = ""  # username, or part of it
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    site_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    zone: str = "UTC"  # dates are read in this zone


def events(viewer: Any, f: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """Events of the sites where `viewer` may read the audit trail, plus the
    site-less events (log-ins) of people who hold a role on those sites."""
    f = f or AuditFilter()
    r = scoping.reach(viewer, "core.view_audit")
    qs = AuditEvent.objects.all()
    if r.empty:
        return qs.none()
    if not r.everywhere:
        from caredesk.accounts.models import RoleGrant

        people = RoleGrant.objects.filter(site_id__in=r.site_ids).values("user_id")
        qs = qs.filter(Q(site_id__in=r.site_ids) | Q(site_id__isnull=True, actor_id__in=people))
    if f.user:
        qs = qs.filter(actor_username__icontains=f.user)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.action:
        qs = qs.filter(action__startswith=f.action)
    if f.site_id is not None:
        qs = qs.filter(site_id=f.site_id)
    tz = ZoneInfo(f.zone)
    if f.date_from:
        qs = qs.filter(at__gte=datetime.combine(f.date_from, time.min, tzinfo=tz))
    if f.date_to:
        qs = qs.filter(at__lt=datetime.combine(f.date_to + timedelta(days=1), time.min, tzinfo=tz))
    return qs.order_by("-seq")


CSV_COLUMNS = [
    "seq",
    "at",
    "actor_username",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "site_id",
    "client_address",
    "channel",
    "before",
    "after",
    "seal",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(qs: QuerySet[AuditEvent]) -> Iterator[str]:
    """Stream the events as CSV lines (header first), without loading them all."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for e in qs.iterator(chunk_size=2000):
        yield writer.writerow([e.at.isoformat() if c == "at" else getattr(e, c) for c in CSV_COLUMNS])
