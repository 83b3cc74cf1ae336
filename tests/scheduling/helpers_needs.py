"""Builders for the needs and requests tests: shift types, ratio packs, staff
records, requests and a published roster entry."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from caredesk.assignment.models import ShiftPattern
from caredesk.core import clock
from caredesk.org.models import RatioPack, RatioRule
from caredesk.scheduling.models import RequestStatus, Roster, RosterEntry, RosterStatus, StaffRequest
from caredesk.workforce.models import StaffMember
from tests.assignment.helpers import make_nurse

__all__ = ["make_nurse", "make_request", "pack", "patterns", "published_entry", "staff_for", "today"]


def patterns(unit: Any) -> tuple[ShiftPattern, ShiftPattern]:
    day = ShiftPattern.objects.create(unit=unit, code="day", name="Day", start_time=time(7), length_minutes=720)
    night = ShiftPattern.objects.create(
        unit=unit, code="night", name="Night", start_time=time(19), length_minutes=720, is_night=True
    )
    return day, night


CALIFORNIA = [("icu", "any", 1, 2), ("med_surg", "any", 1, 5)]
FRANCE = [("icu", "any", 2, 5)]


def pack(code: str, rules: list[tuple[str, str, int, int]], citation: str = "22 CCR §70217(a)") -> RatioPack:
    p = RatioPack.objects.create(
        code=code, name=f"Pack {code}", jurisdiction="XX", citation=citation, effective_from=date(2002, 1, 1)
    )
    for kind, shift, nurses, patients in rules:
        RatioRule.objects.create(pack=p, unit_kind=kind, shift=shift, nurses=nurses, patients=patients)
    return p


def staff_for(user: Any, site: Any, unit: Any) -> StaffMember:
    return make_nurse(site, unit, user=user)


def today(site: Any) -> date:
    return clock.to_zone(clock.now(), site.time_zone).date()


def make_request(
    staff: StaffMember, kind: str = "time_off", *, start: date | None = None, days: int = 2, **kw: Any
) -> StaffRequest:
    first = start or today(staff.site) + timedelta(days=10)
    return StaffRequest.objects.create(
        staff=staff,
        kind=kind,
        start_date=first,
        end_date=first + timedelta(days=days - 1),
        status=kw.pop("status", RequestStatus.PENDING if kind == "time_off" else RequestStatus.NOTED),
        **kw,
    )


def published_entry(unit: Any, staff: StaffMember, day: date, pattern: ShiftPattern, by: Any) -> RosterEntry:
    roster = Roster.objects.filter(unit=unit).first() or Roster.objects.create(
        unit=unit, start_date=day - timedelta(days=day.weekday()), days=42, status=RosterStatus.PUBLISHED, created_by=by
    )
    return RosterEntry.objects.create(roster=roster, staff=staff, date=day, pattern=pattern)
