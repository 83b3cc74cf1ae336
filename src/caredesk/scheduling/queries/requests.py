"""Reads of staff requests: one's own, a unit's queue (managers only: reasons
for leave are private), who is off when, and the days the engine must keep free."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from caredesk.core import scoping
from caredesk.scheduling.models import RequestKind, RequestStatus, StaffRequest
from caredesk.workforce.models import StaffMember

HARD_KINDS = (RequestKind.TIME_OFF, RequestKind.UNAVAILABLE)


def _base() -> QuerySet[StaffRequest]:
    return StaffRequest.objects.select_related("staff", "staff__user", "staff__home_unit", "pattern", "decided_by")


def mine(user: Any) -> QuerySet[StaffRequest]:
    if not getattr(user, "is_authenticated", False):
        return StaffRequest.objects.none()
    return _base().filter(staff__user_id=user.pk).order_by("-start_date", "-pk")


def for_units(
    user: Any,
    *,
    unit_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[StaffRequest]:
    """Requests of the units the user manages: pending time off first, then by first day."""
    qs = scoping.scoped(_base(), user, "scheduling.manage")
    if unit_id is not None:
        qs = qs.filter(staff__home_unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if start is not None:
        qs = qs.filter(end_date__gte=start)
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    return qs.annotate(
        _first=Case(
            When(kind=RequestKind.TIME_OFF, status=RequestStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("_first", "start_date", "staff__user__last_name", "pk")


def visible(user: Any, request_id: int) -> StaffRequest | None:
    found = mine(user).filter(pk=request_id).first()
    if found is not None:
        return found
    return for_units(user).filter(pk=request_id).first()


def hard_days(staff_ids: list[int], start: date, end: date) -> dict[int, set[date]]:
    """Whole days each person cannot work in [start, end]: approved time off and
    "not available" without a shift (one with a shift only blocks that shift)."""
    out: dict[int, set[date]] = {}
    rows = StaffRequest.objects.filter(
        staff_id__in=staff_ids,
        start_date__lte=end,
        end_date__gte=start,
        pattern__isnull=True,
        kind__in=HARD_KINDS,
        status__in=(RequestStatus.APPROVED, RequestStatus.NOTED),
    )
    for r in rows:
        day = max(r.start_date, start)
        while day <= min(r.end_date, end):
            out.setdefault(r.staff_id, set()).add(day)
            day += timedelta(days=1)
    return out


@dataclass
class OffRow:
    staff: StaffMember
    cells: list[str] = field(default_factory=list)  # "" | "off" | "pending" | "unavailable"


def who_is_off(user: Any, unit_id: int, start: date, days: int = 28) -> list[OffRow]:
    """Per person of the unit with any time off or unavailability in the period:
    one cell per day (approved off, pending, not available)."""
    end = start + timedelta(days=days - 1)
    reqs = for_units(user, unit_id=unit_id, start=start, end=end).filter(
        kind__in=HARD_KINDS, status__in=(RequestStatus.APPROVED, RequestStatus.PENDING, RequestStatus.NOTED)
    )
    rows: dict[int, OffRow] = {}
    rank = {"": 0, "pending": 1, "unavailable": 2, "off": 3}
    for r in reqs:
        row = rows.setdefault(r.staff_id, OffRow(staff=r.staff, cells=[""] * days))
        mark = (
            "off"
            if r.status == RequestStatus.APPROVED
            else "pending"
            if r.status == RequestStatus.PENDING
            else "unavailable"
        )
        day = max(r.start_date, start)
        while day <= min(r.end_date, end):
            i = (day - start).days
            if rank[mark] > rank[row.cells[i]]:
                row.cells[i] = mark
            day += timedelta(days=1)
    return sorted(rows.values(), key=lambda r: (r.staff.user.last_name, r.staff.pk))
