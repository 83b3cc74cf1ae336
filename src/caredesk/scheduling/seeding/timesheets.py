"""Demo timesheets: the hours worked over the last 14 days on the ICU and 4W
of each new hospital.

For each past day, the source is the unit's published roster when the rosters
seed produced entries for it, else the people on the unit's care shifts of
that day (assignment.ShiftStaff, which the demo always has for the last
week). Clock-ins fall within ±10 minutes of the start, with a few late
arrivals, a few overtime stretches and one call-out per unit; the days more
than three days back are approved, the last few are waiting for approval.
Deterministic (seeded RNG) and only for newly created sites (idempotent).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from caredesk.accounts.models import RoleGrant
from caredesk.assignment.models import ShiftStaff
from caredesk.core import clock
from caredesk.core.seeding import SeedContext
from caredesk.org.models import Site, Unit
from caredesk.scheduling.models import (
    RosterEntry,
    RosterStatus,
    TimeKind,
    TimesheetEntry,
    TimesheetStatus,
    TimeSource,
)
from caredesk.scheduling.services.timesheets import late_grace_minutes, local_moment

UNITS = ("ICU", "4W")
DAYS = 14
APPROVED_BEFORE = 3  # days back: older days are approved, the last ones submitted


@dataclass
class Worked:
    staff_id: int
    day: date
    start: datetime
    end: datetime
    roster_entry_id: int | None


def run(ctx: SeedContext) -> None:
    now = clock.now()
    made = 0
    for k, hospital, _home in ctx.shared.get("new_pairs", []):
        if hospital is None:
            continue
        for unit in Unit.objects.filter(site=hospital, code__in=UNITS).select_related("site").order_by("pk"):
            rng = random.Random(f"{ctx.seed}:scheduling-timesheets:{k}:{unit.code}")  # noqa: S311 - demo data, seeded
            made += _seed_unit(rng, hospital, unit, now)
    ctx.report.add("timesheet entries", made)


def _sources(unit: Unit, days: list[date], now: datetime) -> list[Worked]:
    zone = unit.site.time_zone
    from_roster: dict[date, list[Worked]] = {}
    for e in RosterEntry.objects.filter(
        roster__unit=unit, roster__status=RosterStatus.PUBLISHED, date__in=days
    ).select_related("pattern"):
        start = local_moment(e.date, e.pattern.start_time, zone)
        end = start + timedelta(minutes=e.pattern.length_minutes)
        if end <= now:
            from_roster.setdefault(e.date, []).append(Worked(e.staff_id, e.date, start, end, e.pk))
    from_shifts: dict[date, list[Worked]] = {}
    for s in ShiftStaff.objects.filter(shift__unit=unit, shift__date__in=days, shift__ends_at__lte=now).select_related(
        "shift"
    ):
        from_shifts.setdefault(s.shift.date, []).append(
            Worked(s.staff_id, s.shift.date, s.shift.starts_at, s.shift.ends_at, None)
        )
    out: list[Worked] = []
    for day in days:
        rows = from_roster.get(day) or from_shifts.get(day) or []
        out += sorted(rows, key=lambda w: (w.start, w.staff_id))
    return out


def _decider(site: Site, unit: Unit) -> Any:
    grant = (
        RoleGrant.objects.filter(unit=unit, role="coordinator").select_related("user").first()
        or RoleGrant.objects.filter(site=site, unit__isnull=True, role__in=("director", "coordinator"))
        .select_related("user")
        .first()
    )
    return grant.user if grant else None


def _seed_unit(rng: random.Random, site: Site, unit: Unit, now: datetime) -> int:
    today = clock.to_zone(now, site.time_zone).date()
    days = [today - timedelta(days=d) for d in range(DAYS, 0, -1)]
    worked = _sources(unit, days, now)
    if not worked:
        return 0
    decider = _decider(site, unit)
    taken = set(TimesheetEntry.objects.filter(unit=unit, date__in=days).values_list("staff_id", "date"))
    call_out_at = rng.randrange(len(worked))
    rows = []
    for n, w in enumerate(worked):
        if (w.staff_id, w.day) in taken:
            continue  # one entry per person, day and unit
        taken.add((w.staff_id, w.day))
        approved = (today - w.day).days > APPROVED_BEFORE
        status = TimesheetStatus.APPROVED if approved else TimesheetStatus.SUBMITTED
        decided = {"decided_by": decider, "decided_at": w.end + timedelta(days=1)} if approved and decider else {}
        if n == call_out_at:
            rows.append(
                TimesheetEntry(
                    staff_id=w.staff_id,
                    unit=unit,
                    date=w.day,
                    roster_entry_id=w.roster_entry_id,
                    kind=TimeKind.CALL_OUT,
                    note="Called in sick",
                    status=TimesheetStatus.APPROVED,
                    decided_by=decider,
                    decided_at=w.start - timedelta(hours=2),
                )
            )
            continue
        roll = rng.random()
        offset = rng.randint(-10, 10)
        note = ""
        if roll < 0.07:
            offset = rng.randint(12, 40)
            note = "Traffic" if rng.random() < 0.5 else ""
        clock_in = w.start + timedelta(minutes=offset)
        extra = rng.randint(-5, 15)
        if rng.random() < 0.06:
            extra = rng.choice((60, 90, 120, 180))
            note = "Stayed for a rapid response" if extra >= 120 else "Handover ran late"
        clock_out = w.end + timedelta(minutes=extra)
        length = (clock_out - clock_in).total_seconds() / 60
        late = int((clock_in - w.start).total_seconds() // 60)
        rows.append(
            TimesheetEntry(
                staff_id=w.staff_id,
                unit=unit,
                date=w.day,
                roster_entry_id=w.roster_entry_id,
                kind=TimeKind.WORKED,
                clock_in=clock_in,
                clock_out=clock_out,
                break_minutes=30 if length >= 6 * 60 else 0,
                late_minutes=late if late > late_grace_minutes() else 0,
                note=note,
                source=TimeSource.IMPORT if rng.random() < 0.5 else TimeSource.MANUAL,
                status=status,
                **decided,
            )
        )
    TimesheetEntry.objects.bulk_create(rows)
    return len(rows)
