"""Builders for timesheet tests: staff with a work-rule pack of a given overtime
basis, a published roster shift, and entries in the site's local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from caredesk.assignment.models import ShiftPattern
from caredesk.scheduling.models import Roster, RosterEntry, RosterStatus, TimesheetEntry, TimesheetStatus
from caredesk.workforce.models import StaffMember, WorkRules


def rules(basis: str = "flsa_40", **extra: Any) -> WorkRules:
    found, _ = WorkRules.objects.get_or_create(
        code=f"ts-{basis}",
        defaults={"name": f"Timesheet rules {basis}", "source": "test", "overtime_basis": basis, **extra},
    )
    return found


def make_staff(
    user: Any, site: Any, unit: Any, *, number: str | None = None, basis: str = "flsa_40", rate: str = "40.00"
) -> StaffMember:
    return StaffMember.objects.create(
        user=user,
        site=site,
        home_unit=unit,
        employee_number=number or f"TS-{user.pk}",
        discipline="rn",
        job_title="Staff Nurse",
        fte=Decimal("1.00"),
        contracted_minutes_per_week=2400,
        work_rules=rules(basis),
        hourly_rate=Decimal(rate),
        night_differential=Decimal("2.00"),
        weekend_differential=Decimal("1.00"),
        hire_date=date(2020, 1, 6),
    )


def day_pattern(unit: Any, start: time = time(7), code: str = "day") -> ShiftPattern:
    found, _ = ShiftPattern.objects.get_or_create(
        unit=unit, code=code, defaults={"name": code.title(), "start_time": start, "length_minutes": 720}
    )
    return found


def scheduled(staff: StaffMember, unit: Any, day: date, *, by: Any, start: time = time(7)) -> RosterEntry:
    """`staff` works the day shift of `day` in a published roster of `unit`."""
    roster_start = day - timedelta(days=day.weekday())
    roster, _ = Roster.objects.get_or_create(
        unit=unit,
        start_date=roster_start,
        defaults={"days": 28, "status": RosterStatus.PUBLISHED, "published_version": 1, "created_by": by},
    )
    return RosterEntry.objects.create(roster=roster, staff=staff, date=day, pattern=day_pattern(unit, start))


def local(site: Any, day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(site.time_zone)).astimezone(UTC)


def make_entry(
    staff: StaffMember,
    unit: Any,
    day: date,
    *,
    start: time = time(7),
    hours: float = 12,
    break_minutes: int = 0,
    status: str = TimesheetStatus.SUBMITTED,
    kind: str = "worked",
) -> TimesheetEntry:
    begin = local(unit.site, day, start)
    return TimesheetEntry.objects.create(
        staff=staff,
        unit=unit,
        date=day,
        kind=kind,
        clock_in=begin if kind != "call_out" else None,
        clock_out=begin + timedelta(hours=hours) if kind != "call_out" else None,
        break_minutes=break_minutes,
        status=status,
    )
