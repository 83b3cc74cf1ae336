"""Writes of timesheets: hours actually worked, call-outs, and the
coordinator's approval. These feed payroll later.

- Hours are entered in the site's local time (date, clock-in, clock-out: a
  clock-out at or before the clock-in is the next morning) and stored in UTC.
  The workday is the local date of the clock-in (scheduling.overtime).
- A person enters their own hours (scheduling.request on the unit); a
  coordinator (scheduling.manage) enters anyone's hours on the unit, records
  call-outs, and approves or rejects (a reason is required; the person is
  told). Nobody approves their own hours.
- The note is the person's own and is never overwritten by a coordinator: the
  coordinator's reason for rejecting or correcting someone's hours is kept in
  `decision_reason` (audited with the change, shown on the timesheet pages,
  sent to the person).
- An entry is linked to the person's shift that day in a PUBLISHED roster of
  the unit, if any: lateness is the minutes between the shift's scheduled
  start and the clock-in, recorded only past a grace period
  (settings.SCHEDULING_LATE_GRACE_MINUTES, default 7 minutes: the usual
  7-minute rounding of time clocks). Within the grace it is 0.
- An entry can be edited (with its version) while it is submitted: by its
  owner, or by a coordinator of the unit. Approved and rejected entries are
  final; a rejected day may be entered again.
- A call-out (someone who did not come) is where re-planning starts: the
  coordinator records it here, then posts an open shift or re-plans the roster
  (scheduling.engine.replan).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from caredesk.core import clock, errors, notifications, scoping, writes
from caredesk.org.models import Unit
from caredesk.scheduling.models import (
    RosterEntry,
    RosterStatus,
    TimeKind,
    TimesheetEntry,
    TimesheetStatus,
    TimeSource,
)
from caredesk.scheduling.schemas import timesheets as schemas
from caredesk.workforce.models import StaffMember

# Clock-out may be entered a little ahead of the clock on the wall (end of shift).
CLOCK_OUT_TOLERANCE = timedelta(minutes=15)


def late_grace_minutes() -> int:
    return int(getattr(settings, "SCHEDULING_LATE_GRACE_MINUTES", 7))


def local_moment(day: date, at: time, zone: str) -> datetime:
    """A local wall-clock time on a local date, in UTC (a time skipped by a
    daylight-saving change is read with the offset before it)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def interval_of(day: date, clock_in: time, clock_out: time, zone: str) -> tuple[datetime, datetime]:
    """Clock-in on `day`; a clock-out at or before it is on the next day."""
    start = local_moment(day, clock_in, zone)
    end_day = day + timedelta(days=1) if clock_out <= clock_in else day
    return start, local_moment(end_day, clock_out, zone)


def scheduled_shift(staff_id: int, unit_id: int, day: date) -> RosterEntry | None:
    """The person's shift that day in a published roster of the unit."""
    return (
        RosterEntry.objects.filter(
            staff_id=staff_id, date=day, roster__unit_id=unit_id, roster__status=RosterStatus.PUBLISHED
        )
        .select_related("pattern")
        .order_by("-roster__start_date")
        .first()
    )


def scheduled_start(entry: RosterEntry, zone: str) -> datetime:
    return local_moment(entry.date, entry.pattern.start_time, zone)


def late_minutes(shift: RosterEntry | None, clock_in: datetime | None, zone: str) -> int:
    if shift is None or clock_in is None:
        return 0
    late = int((clock_in - scheduled_start(shift, zone)).total_seconds() // 60)
    return late if late > late_grace_minutes() else 0


# --- who and where -------------------------------------------------------------------------


def _is_own(actor: Any, staff: StaffMember) -> bool:
    return staff.user_id == getattr(actor, "pk", None)


def _staff(actor: Any, staff_id: int | None) -> StaffMember:
    if not getattr(actor, "is_authenticated", False):
        raise errors.NotAuthenticated()
    qs = StaffMember.objects.select_related("site", "home_unit", "user", "work_rules")
    staff = qs.filter(user_id=actor.pk).first() if staff_id is None else qs.filter(pk=staff_id).first()
    if staff is None:
        if staff_id is None:
            raise errors.PermissionDenied(_("You have no staff record: ask your coordinator."))
        raise errors.NotFound()
    if not _is_own(actor, staff) and not scoping.has(
        actor, "scheduling.view", site_id=staff.site_id, unit_id=staff.home_unit_id
    ):
        raise errors.NotFound()  # another site's person: indistinguishable from none
    return staff


def _unit_for(staff: StaffMember, unit_id: int | None) -> Unit:
    if unit_id is None:
        if staff.home_unit_id is None:
            raise errors.ValidationFailed.field("unit_id", _("this person has no home unit: choose the unit"))
        unit_id = staff.home_unit_id
    unit = Unit.objects.select_related("site").filter(pk=unit_id, site_id=staff.site_id).first()
    if unit is None:
        raise errors.ValidationFailed.field("unit_id", _("this unit is not part of the person's site"))
    if not staff.may_work_on_unit(unit.pk):
        raise errors.ValidationFailed.field("unit_id", _("this person does not work on this unit"))
    return unit


def _require_entry_right(actor: Any, staff: StaffMember, unit: Unit) -> None:
    """Own hours: scheduling.request; anyone else's: scheduling.manage."""
    permission = "scheduling.request" if _is_own(actor, staff) else "scheduling.manage"
    scoping.require(actor, permission, site_id=unit.site_id, unit_id=unit.pk)


def _locked(actor: Any, entry_id: int) -> TimesheetEntry:
    """The entry if the actor may see it: their own, or one of a unit they manage."""
    qs = TimesheetEntry.objects.select_for_update(of=("self",)).select_related(
        "staff", "staff__user", "unit", "unit__site", "roster_entry", "roster_entry__pattern"
    )
    if getattr(actor, "pk", None) is not None:
        found = qs.filter(pk=entry_id, staff__user_id=actor.pk).first()
        if found is not None:
            return found
    return scoping.get_scoped(qs, actor, "scheduling.manage", pk=entry_id)


def _words(entry: TimesheetEntry) -> dict[str, str]:
    return {"date": entry.date.isoformat(), "unit": entry.unit.name}


def _notify(entry: TimesheetEntry, title: str, moment: datetime, *, suffix: str, body: str = "") -> None:
    notifications.notify(
        entry.staff.user,
        kind="scheduling.timesheet",
        title=title,
        body=body,
        dedupe_key=f"scheduling.timesheet:{entry.pk}:{suffix}:{entry.version}",
        link=reverse("scheduling:timesheets_mine"),
        site_id=entry.unit.site_id,
        now=moment,
    )


# --- entering hours ------------------------------------------------------------------------


def _check_times(start: datetime, end: datetime, break_minutes: int, moment: datetime) -> None:
    if start > moment:
        raise errors.ValidationFailed.field("clock_in", _("hours cannot be entered ahead: this clock-in is to come"))
    if end > moment + CLOCK_OUT_TOLERANCE:
        raise errors.ValidationFailed.field("clock_out", _("hours cannot be entered ahead: this clock-out is to come"))
    if break_minutes >= (end - start).total_seconds() // 60:
        raise errors.ValidationFailed.field("break_minutes", _("the break is as long as the hours worked"))


def build_entry(
    staff: StaffMember,
    unit: Unit,
    day: date,
    clock_in: time,
    clock_out: time,
    break_minutes: int,
    *,
    kind: str,
    note: str,
    source: str,
    moment: datetime,
) -> TimesheetEntry:
    """A new (unsaved) entry with its UTC times, scheduled shift and lateness."""
    zone = unit.site.time_zone
    start, end = interval_of(day, clock_in, clock_out, zone)
    _check_times(start, end, break_minutes, moment)
    shift = scheduled_shift(staff.pk, unit.pk, day)
    return TimesheetEntry(
        staff=staff,
        unit=unit,
        date=day,
        roster_entry=shift,
        kind=kind,
        clock_in=start,
        clock_out=end,
        break_minutes=break_minutes,
        late_minutes=late_minutes(shift, start, zone),
        note=note.strip(),
        source=source,
        status=TimesheetStatus.SUBMITTED,
    )


@transaction.atomic
def record_time(actor: Any, data: schemas.TimesheetEntryCreate, *, now: datetime | None = None) -> TimesheetEntry:
    """Hours worked on one day: one's own (scheduling.request) or anyone's on a
    unit one manages (scheduling.manage)."""
    moment = now or clock.now()
    staff = _staff(actor, data.staff_id)
    unit = _unit_for(staff, data.unit_id)
    _require_entry_right(actor, staff, unit)
    entry = build_entry(
        staff,
        unit,
        data.date,
        data.clock_in,
        data.clock_out,
        data.break_minutes,
        kind=data.kind,
        note=data.note,
        source=TimeSource.MANUAL,
        moment=moment,
    )
    return writes.save_new(entry, actor=actor, action="scheduling.record_time")


@transaction.atomic
def record_call_out(actor: Any, data: schemas.TimesheetCallOut, *, now: datetime | None = None) -> TimesheetEntry:
    """A person who did not come (coordinator only). Recorded as decided; the
    person is told if asked. Re-planning starts from here: post the open shift
    or re-plan the roster."""
    moment = now or clock.now()
    staff = _staff(actor, data.staff_id)
    unit = _unit_for(staff, data.unit_id)
    scoping.require(actor, "scheduling.manage", site_id=unit.site_id, unit_id=unit.pk)
    if data.date > clock.to_zone(moment, unit.site.time_zone).date() + timedelta(days=1):
        raise errors.ValidationFailed.field("date", _("a call-out is for today or a day already past"))
    entry = TimesheetEntry(
        staff=staff,
        unit=unit,
        date=data.date,
        roster_entry=scheduled_shift(staff.pk, unit.pk, data.date),
        kind=TimeKind.CALL_OUT,
        note=data.reason.strip(),
        source=TimeSource.MANUAL,
        status=TimesheetStatus.APPROVED,
        decided_by=actor,
        decided_at=moment,
    )
    writes.save_new(entry, actor=actor, action="scheduling.record_call_out")
    if data.notify and not _is_own(actor, staff):
        _notify(
            entry,
            _("A call-out was recorded for you on %(date)s (%(unit)s)") % _words(entry),
            moment,
            suffix="call_out",
            body=entry.note,
        )
    return entry


@transaction.atomic
def update_entry(
    actor: Any, entry_id: int, data: schemas.TimesheetEntryUpdate, *, now: datetime | None = None
) -> TimesheetEntry:
    """Correct a submitted entry: its owner, or a coordinator of the unit. A
    coordinator correcting someone's hours leaves their note as it is and may
    say why in `decision_reason`; the person is told."""
    moment = now or clock.now()
    entry = _locked(actor, entry_id)
    _require_entry_right(actor, entry.staff, entry.unit)
    own = _is_own(actor, entry.staff)
    writes.check_version(entry, data.version)
    if entry.status != TimesheetStatus.SUBMITTED:
        raise errors.ValidationFailed.field(
            "status", _("this entry was already %(status)s") % {"status": entry.get_status_display().lower()}
        )
    if entry.kind == TimeKind.CALL_OUT:
        raise errors.ValidationFailed.field("kind", _("a call-out has no hours to correct"))
    zone = entry.unit.site.time_zone
    assert entry.clock_in is not None and entry.clock_out is not None
    local_in = clock.to_zone(entry.clock_in, zone).time().replace(second=0, microsecond=0)
    local_out = clock.to_zone(entry.clock_out, zone).time().replace(second=0, microsecond=0)
    clock_in = data.clock_in if data.clock_in is not None else local_in
    clock_out = data.clock_out if data.clock_out is not None else local_out
    brk = data.break_minutes if data.break_minutes is not None else entry.break_minutes
    start, end = interval_of(entry.date, clock_in, clock_out, zone)
    _check_times(start, end, brk, moment)
    shift = scheduled_shift(entry.staff_id, entry.unit_id, entry.date)
    changes: dict[str, Any] = {
        "clock_in": start,
        "clock_out": end,
        "break_minutes": brk,
        "roster_entry": shift,
        "late_minutes": late_minutes(shift, start, zone),
    }
    if data.kind is not None:
        changes["kind"] = data.kind
    if data.note is not None and data.note.strip() != entry.note:
        if not own:
            raise errors.ValidationFailed.field(
                "note", _("this note is the person's own: give your reason for the correction instead")
            )
        changes["note"] = data.note.strip()
    if data.decision_reason is not None:
        if own:
            raise errors.ValidationFailed.field(
                "decision_reason", _("only a coordinator gives a reason for correcting someone's hours")
            )
        changes["decision_reason"] = data.decision_reason.strip()
    version = entry.version
    writes.save_changes(entry, changes, actor=actor, action="scheduling.update_time", expected_version=data.version)
    if not own and entry.version != version:
        _notify(
            entry,
            _("Your hours of %(date)s (%(unit)s) were corrected by your coordinator") % _words(entry),
            moment,
            suffix="corrected",
            body=entry.decision_reason,
        )
    return entry


# --- decisions -----------------------------------------------------------------------------


def _check_decision(actor: Any, entry: TimesheetEntry, version: int) -> None:
    scoping.require(actor, "scheduling.manage", site_id=entry.unit.site_id, unit_id=entry.unit_id)
    writes.check_version(entry, version)
    if entry.status != TimesheetStatus.SUBMITTED:
        raise errors.ValidationFailed.field(
            "status",
            _("this entry was already %(status)s; it cannot be decided again")
            % {"status": entry.get_status_display().lower()},
        )
    if _is_own(actor, entry.staff):
        raise errors.PermissionDenied(_("These are your own hours: another coordinator must approve them."))


@transaction.atomic
def approve(
    actor: Any, entry_id: int, data: schemas.TimesheetDecision, *, now: datetime | None = None
) -> TimesheetEntry:
    moment = now or clock.now()
    entry = _locked(actor, entry_id)
    _check_decision(actor, entry, data.version)
    writes.save_changes(
        entry,
        {"status": TimesheetStatus.APPROVED, "decided_by": actor, "decided_at": moment},
        actor=actor,
        action="scheduling.approve_time",
        expected_version=data.version,
    )
    _notify(entry, _("Your hours of %(date)s (%(unit)s) were approved") % _words(entry), moment, suffix="approved")
    return entry


@transaction.atomic
def reject(
    actor: Any, entry_id: int, data: schemas.TimesheetRejection, *, now: datetime | None = None
) -> TimesheetEntry:
    """Refuse an entry, with the reason (stored in `decision_reason`, apart from
    the person's note; in the audit event of the decision; sent to the person,
    who may enter the day again)."""
    moment = now or clock.now()
    entry = _locked(actor, entry_id)
    _check_decision(actor, entry, data.version)
    reason = data.decision_reason.strip()
    if not reason:
        raise errors.ValidationFailed.field("decision_reason", _("say why the hours are rejected"))
    writes.save_changes(
        entry,
        {
            "status": TimesheetStatus.REJECTED,
            "decided_by": actor,
            "decided_at": moment,
            "decision_reason": reason,
        },
        actor=actor,
        action="scheduling.reject_time",
        expected_version=data.version,
    )
    _notify(
        entry,
        _("Your hours of %(date)s (%(unit)s) were rejected") % _words(entry),
        moment,
        suffix="rejected",
        body=reason,
    )
    return entry
