"""Reads of timesheets: a unit's pay period (people x days), a person's period
with overtime by the basis of their work-rule pack (scheduling.overtime), and
totals per unit with labour cost for those who may see it.

Who sees what: one's own entries always; everyone's entries of a unit with
scheduling.manage there; cost only with scheduling.view_cost on the site.

Periods: the pay period is 14 days, starting on the fixed anchor
(settings.SCHEDULING_PAY_PERIOD_ANCHOR, default the workweek start on or before
2023-01-01) and every 14 days from it; the workweek starts at local midnight on
settings.SCHEDULING_WORKWEEK_START (0 = Monday ... 6 = Sunday, default Sunday).
Overtime counts every entry of the person in the period (all units), submitted
or approved; rejected entries and call-outs count no hours.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from caredesk.core import clock, errors, scoping
from caredesk.org.models import Unit
from caredesk.scheduling import overtime
from caredesk.scheduling.models import TimeKind, TimesheetEntry, TimesheetStatus
from caredesk.scheduling.services.timesheets import scheduled_start
from caredesk.workforce.models import StaffMember

PERIOD_DAYS = 14


def week_start() -> int:
    return int(getattr(settings, "SCHEDULING_WORKWEEK_START", overtime.DEFAULT_WEEK_START))


def period_anchor() -> date:
    anchor = getattr(settings, "SCHEDULING_PAY_PERIOD_ANCHOR", None)
    if anchor:
        return anchor if isinstance(anchor, date) else date.fromisoformat(str(anchor))
    return overtime.week_start_of(overtime.DEFAULT_PERIOD_ANCHOR, week_start())


def period_of(day: date) -> tuple[date, date]:
    start = overtime.period_start_of(day, period_anchor())
    return start, start + timedelta(days=PERIOD_DAYS - 1)


def local_today(zone: str) -> date:
    return clock.to_zone(clock.now(), zone).date()


# --- lists --------------------------------------------------------------------------------


def _base() -> QuerySet[TimesheetEntry]:
    return TimesheetEntry.objects.select_related(
        "staff", "staff__user", "unit", "unit__site", "roster_entry", "roster_entry__pattern"
    )


def visible(user: Any) -> QuerySet[TimesheetEntry]:
    """Own entries, and every entry of the units the user manages."""
    if not getattr(user, "is_authenticated", False):
        return _base().none()
    q = scoping.scope_filter(TimesheetEntry, scoping.reach(user, "scheduling.manage"))
    if q is None:
        return _base()
    return _base().filter(q | Q(staff__user_id=user.pk))


def entries(
    user: Any,
    *,
    unit_id: int | None = None,
    staff_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
    mine: bool = False,
) -> QuerySet[TimesheetEntry]:
    qs = visible(user)
    if mine:
        qs = qs.filter(staff__user_id=user.pk)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if staff_id is not None:
        qs = qs.filter(staff_id=staff_id)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-date", "staff__user__last_name", "pk")


def entry(user: Any, entry_id: int) -> TimesheetEntry:
    found = visible(user).filter(pk=entry_id).first()
    if found is None:
        raise errors.NotFound()
    return found


def _hhmm(moment: Any, zone: str) -> str | None:
    return clock.to_zone(moment, zone).strftime("%H:%M") if moment else None


def hours_text(minutes: int) -> str:
    """Minutes as hours with at most two decimals: 450 -> "7.5"."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def worked_minutes(e: TimesheetEntry) -> int:
    if e.kind == TimeKind.CALL_OUT or e.clock_in is None or e.clock_out is None:
        return 0
    return overtime.Interval(e.clock_in, e.clock_out, e.break_minutes).worked_minutes()


def entry_out(e: TimesheetEntry) -> dict[str, Any]:
    zone = e.unit.site.time_zone
    shift = e.roster_entry
    return {
        "id": e.pk,
        "staff_id": e.staff_id,
        "staff_name": str(e.staff),
        "employee_number": e.staff.employee_number,
        "unit_id": e.unit_id,
        "date": e.date,
        "kind": e.kind,
        "clock_in": e.clock_in,
        "clock_out": e.clock_out,
        "local_clock_in": _hhmm(e.clock_in, zone),
        "local_clock_out": _hhmm(e.clock_out, zone),
        "break_minutes": e.break_minutes,
        "worked_minutes": worked_minutes(e),
        "worked_hours": hours_text(worked_minutes(e)),
        "late_minutes": e.late_minutes,
        "roster_entry_id": e.roster_entry_id,
        "scheduled_start": _hhmm(scheduled_start(shift, zone), zone) if shift else None,
        "note": e.note,
        "source": e.source,
        "status": e.status,
        "decided_by_id": e.decided_by_id,
        "decided_at": e.decided_at,
        "decision_reason": e.decision_reason,
        "version": e.version,
    }


# --- overtime and cost -------------------------------------------------------------------

WARNING_TEXT = {
    "day_max": _("%(hours)s h worked in the day, over the pack's %(limit)s h"),
    "week_max": _("%(hours)s h in 7 days, over the pack's %(limit)s h"),
    "fr_week_48": _("%(hours)s h in 7 days: over 48 h including overtime (décret 2002-9, art. 6)"),
    "fr_amplitude_12": _("%(hours)s h from clock-in to clock-out: over the 12 h amplitude (décret 2002-9, art. 7)"),
    "fr_break_20": _("a break of %(minutes)s minutes only: at least 20 minutes are due beyond 6 hours"),
    "fr_average_44": _("an average of %(hours)s h a week: over 44 h over 12 weeks"),
}


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


def warning_out(f: overtime.Finding) -> dict[str, Any]:
    template = str(WARNING_TEXT.get(f.code, "%(hours)s h (%(limit)s h)"))
    return {
        "code": f.code,
        "date": f.day,
        "message": template % {"hours": _hours(f.minutes), "limit": _hours(f.limit), "minutes": f.minutes},
    }


def _intervals(rows: list[TimesheetEntry]) -> list[overtime.Interval]:
    return [
        overtime.Interval(e.clock_in, e.clock_out, e.break_minutes)
        for e in rows
        if e.kind != TimeKind.CALL_OUT
        and e.status != TimesheetStatus.REJECTED
        and e.clock_in is not None
        and e.clock_out is not None
    ]


def compute_for(staff: StaffMember, rows: list[TimesheetEntry], zone: str) -> overtime.Result:
    rules = staff.work_rules
    return overtime.compute(
        _intervals(rows),
        basis=rules.overtime_basis,
        zone=zone,
        week_start=week_start(),
        period_anchor=period_anchor(),
        planned_minutes_per_week=staff.contracted_minutes_per_week,
        max_day_minutes=rules.max_minutes_per_day,
        max_week_minutes=rules.max_minutes_per_week,
    )


def cost_of(staff: StaffMember, rows: list[TimesheetEntry], result: overtime.Result, zone: str) -> Decimal:
    """hourly rate x regular hours + rate x multiplier x overtime hours + night
    and weekend differentials per hour worked in them (19:00-07:00; Sat-Sun)."""
    rate = Decimal(staff.hourly_rate)
    total = rate * result.regular / 60
    for multiplier, minutes in result.overtime.items():
        total += rate * Decimal(multiplier) * minutes / 60
    night = weekend = 0
    for iv in _intervals(rows):
        n, w = overtime.night_weekend_minutes(iv, zone)
        night += n
        weekend += w
    total += Decimal(staff.night_differential) * night / 60 + Decimal(staff.weekend_differential) * weekend / 60
    return total.quantize(Decimal("0.01"))


@dataclass
class PersonPeriod:
    staff: StaffMember
    start: date
    end: date
    result: overtime.Result
    entries: list[TimesheetEntry]  # shown: the unit's (unit view) or all (person view)
    cells: dict[date, list[TimesheetEntry]] = field(default_factory=dict)
    cost: Decimal | None = None

    @property
    def late_arrivals(self) -> int:
        return sum(1 for e in self.entries if e.late_minutes > 0 and e.status != TimesheetStatus.REJECTED)

    @property
    def call_outs(self) -> int:
        return sum(1 for e in self.entries if e.kind == TimeKind.CALL_OUT and e.status != TimesheetStatus.REJECTED)

    @property
    def pending(self) -> int:
        return sum(1 for e in self.entries if e.status == TimesheetStatus.SUBMITTED)

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return [warning_out(f) for f in self.result.warnings]

    @property
    def overtime_total(self) -> int:
        return self.result.overtime_total

    @property
    def hours(self) -> dict[str, Any]:
        """The figures as hour strings, for the pages."""
        r = self.result
        return {
            "worked": hours_text(r.worked),
            "regular": hours_text(r.regular),
            "overtime": hours_text(r.overtime_total),
            "by_rate": [(rate, hours_text(m)) for rate, m in sorted(r.overtime.items())],
            "blocks": [
                {
                    "start": b.start,
                    "end": b.end,
                    "worked": hours_text(b.worked),
                    "regular": hours_text(b.regular),
                    "by_rate": [(rate, hours_text(m)) for rate, m in sorted(b.overtime.items())],
                }
                for b in r.blocks
            ],
        }

    def row(self, days: list[date]) -> list[list[dict[str, Any]]]:
        return [[entry_out(e) for e in self.cells.get(d, [])] for d in days]


def _may_see_person(user: Any, staff: StaffMember) -> bool:
    if staff.user_id == getattr(user, "pk", None):
        return True
    if scoping.has(user, "scheduling.manage", site_id=staff.site_id, unit_id=staff.home_unit_id):
        return True
    return any(
        scoping.has(user, "scheduling.manage", site_id=staff.site_id, unit_id=u.pk) for u in staff.other_units.all()
    )


def person_period(user: Any, staff_id: int, day: date | None = None) -> PersonPeriod:
    staff = StaffMember.objects.select_related("site", "home_unit", "user", "work_rules").filter(pk=staff_id).first()
    if staff is None or not _may_see_person(user, staff):
        raise errors.NotFound()
    zone = staff.site.time_zone
    start, end = period_of(day or local_today(zone))
    rows = list(_base().filter(staff=staff, date__gte=start, date__lte=end).order_by("date", "clock_in", "pk"))
    result = compute_for(staff, rows, zone)
    period = PersonPeriod(staff=staff, start=start, end=end, result=result, entries=rows)
    if scoping.has(user, "scheduling.view_cost", site_id=staff.site_id):
        period.cost = cost_of(staff, rows, result, zone)
    return period


@dataclass
class UnitPeriod:
    unit: Unit
    start: date
    end: date
    days: list[date]
    people: list[PersonPeriod]
    can_cost: bool

    @property
    def worked(self) -> int:
        return sum(p.result.worked for p in self.people)

    @property
    def regular(self) -> int:
        return sum(p.result.regular for p in self.people)

    @property
    def overtime(self) -> int:
        return sum(p.result.overtime_total for p in self.people)

    @property
    def late_arrivals(self) -> int:
        return sum(p.late_arrivals for p in self.people)

    @property
    def call_outs(self) -> int:
        return sum(p.call_outs for p in self.people)

    @property
    def pending(self) -> int:
        return sum(p.pending for p in self.people)

    @property
    def hours(self) -> dict[str, str]:
        return {
            "worked": hours_text(self.worked),
            "regular": hours_text(self.regular),
            "overtime": hours_text(self.overtime),
        }

    @property
    def grid(self) -> list[tuple[PersonPeriod, list[list[dict[str, Any]]]]]:
        return [(p, p.row(self.days)) for p in self.people]

    @property
    def cost(self) -> Decimal | None:
        if not self.can_cost:
            return None
        return sum((p.cost or Decimal(0) for p in self.people), Decimal("0.00"))


def unit_period(user: Any, unit_id: int, day: date | None = None) -> UnitPeriod:
    """The unit's pay period: its people (home staff, floats and anyone with
    hours there) x days, with each person's overtime. A constant number of
    queries whatever the number of people and days."""
    unit = scoping.get_scoped(Unit.objects.select_related("site"), user, "scheduling.manage", pk=unit_id)
    zone = unit.site.time_zone
    start, end = period_of(day or local_today(zone))
    unit_rows = list(_base().filter(unit=unit, date__gte=start, date__lte=end).order_by("date", "clock_in", "pk"))
    staff_ids = {e.staff_id for e in unit_rows}
    people = {
        s.pk: s
        for s in StaffMember.objects.select_related("user", "work_rules")
        .filter(Q(home_unit=unit) | Q(other_units=unit) | Q(pk__in=staff_ids), status="active")
        .distinct()
    }
    for e in unit_rows:  # people no longer active but with hours here
        people.setdefault(e.staff_id, e.staff)
    all_rows: dict[int, list[TimesheetEntry]] = defaultdict(list)
    for e in _base().filter(staff_id__in=list(people), date__gte=start, date__lte=end).order_by("date", "clock_in"):
        all_rows[e.staff_id].append(e)
    can_cost = scoping.has(user, "scheduling.view_cost", site_id=unit.site_id)
    out = []
    for staff in sorted(people.values(), key=lambda s: (s.user.last_name, s.user.first_name, s.pk)):
        mine = [e for e in unit_rows if e.staff_id == staff.pk]
        result = compute_for(staff, all_rows.get(staff.pk, []), zone)
        cells: dict[date, list[TimesheetEntry]] = defaultdict(list)
        for e in mine:
            cells[e.date].append(e)
        p = PersonPeriod(staff=staff, start=start, end=end, result=result, entries=mine, cells=dict(cells))
        if can_cost:
            p.cost = cost_of(staff, all_rows.get(staff.pk, []), result, zone)
        out.append(p)
    days = [start + timedelta(days=i) for i in range(PERIOD_DAYS)]
    return UnitPeriod(unit=unit, start=start, end=end, days=days, people=out, can_cost=can_cost)


def person_period_out(p: PersonPeriod) -> dict[str, Any]:
    return {
        "staff_id": p.staff.pk,
        "staff_name": str(p.staff),
        "start": p.start,
        "end": p.end,
        "basis": p.result.basis,
        "worked_minutes": p.result.worked,
        "regular_minutes": p.result.regular,
        "overtime_minutes": p.result.overtime,
        "blocks": [
            {
                "start": b.start,
                "end": b.end,
                "worked_minutes": b.worked,
                "regular_minutes": b.regular,
                "overtime_minutes": b.overtime,
            }
            for b in p.result.blocks
        ],
        "warnings": p.warnings,
        "late_arrivals": p.late_arrivals,
        "call_outs": p.call_outs,
        "pending": p.pending,
        "cost": p.cost,
        "entries": [entry_out(e) for e in p.entries],
    }


def unit_period_out(u: UnitPeriod) -> dict[str, Any]:
    return {
        "unit_id": u.unit.pk,
        "start": u.start,
        "end": u.end,
        "worked_minutes": u.worked,
        "regular_minutes": u.regular,
        "overtime_minutes": u.overtime,
        "late_arrivals": u.late_arrivals,
        "call_outs": u.call_outs,
        "pending": u.pending,
        "cost": u.cost,
        "people": [
            {
                "staff_id": p.staff.pk,
                "staff_name": str(p.staff),
                "basis": p.result.basis,
                "worked_minutes": p.result.worked,
                "regular_minutes": p.result.regular,
                "overtime_minutes": p.result.overtime,
                "late_arrivals": p.late_arrivals,
                "call_outs": p.call_outs,
                "pending": p.pending,
                "warnings": p.warnings,
                "cost": p.cost,
            }
            for p in u.people
        ],
    }
