"""Every write on rosters: create one, generate it with the engine (in the
background), stop a generation, edit a cell by hand (checked at once against
every rule), pin or unpin a cell.

Every edit names the roster version it started from: two coordinators editing
the same roster cannot overwrite each other (409 with a clear message).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caredesk.assignment.models import ShiftPattern
from caredesk.core import audit, clock, errors, scoping, writes
from caredesk.org.models import Unit
from caredesk.scheduling import checks
from caredesk.scheduling.models import (
    EntrySource,
    Roster,
    RosterEntry,
    RosterRun,
    RosterStatus,
    RunStatus,
)
from caredesk.workforce.models import StaffMember

ROSTER_DAYS = (28, 42)
TIME_LIMITS = (30, 60, 120, 300)
MAX_TIME_LIMIT = 600
STALE_AFTER_S = 300


class RosterConflict(errors.Conflict):
    default_message = gettext_lazy("Someone changed this roster since you opened it; reload it and try again.")


def _roster(actor: Any, roster_id: int, *, lock: bool = False) -> Roster:
    qs = Roster.objects.select_related("unit", "unit__site")
    if lock:
        qs = qs.select_for_update(of=("self",))
    roster = scoping.get_scoped(qs, actor, "scheduling.view", pk=roster_id)
    scoping.require(actor, "scheduling.manage", site_id=roster.unit.site_id, unit_id=roster.unit_id)
    return roster


def _check_version(roster: Roster, expected_version: int | None) -> None:
    if expected_version is not None and roster.version != expected_version:
        raise RosterConflict(
            fields={
                "expected_version": [
                    _("you opened version %(expected)s; the roster is now at version %(now)s")
                    % {"expected": expected_version, "now": roster.version}
                ]
            }
        )


def _bump(roster: Roster) -> None:
    roster.version += 1
    roster.has_unpublished_changes = True
    Roster.objects.filter(pk=roster.pk).update(
        version=roster.version, has_unpublished_changes=True, updated_at=clock.now()
    )


@transaction.atomic
def create_roster(actor: Any, unit_id: int, start_date: date, days: int = 28, *, now: datetime | None = None) -> Roster:
    """A new draft roster of the unit, 4 or 6 weeks from a Monday."""
    unit = scoping.get_scoped(Unit.objects.select_related("site"), actor, "scheduling.view", pk=unit_id)
    scoping.require(actor, "scheduling.manage", site_id=unit.site_id, unit_id=unit.pk)
    if days not in ROSTER_DAYS:
        raise errors.ValidationFailed.field("days", _("a roster covers 4 or 6 weeks (28 or 42 days)"))
    if start_date.weekday() != 0:
        raise errors.ValidationFailed.field("start_date", _("a roster starts on a Monday"))
    end = start_date + timedelta(days=days - 1)
    overlap = (
        Roster.objects.filter(unit=unit, start_date__lte=end)
        .exclude(status=RosterStatus.ARCHIVED)
        .only("start_date", "days")
    )
    for other in overlap:
        if other.start_date + timedelta(days=other.days - 1) >= start_date:
            raise errors.ValidationFailed.field(
                "start_date",
                _("this unit already has a roster from %(start)s covering some of these days")
                % {"start": other.start_date},
            )
    roster = Roster(unit=unit, start_date=start_date, days=days, created_by=actor)
    return writes.save_new(roster, actor=actor, action="scheduling.create_roster")


@transaction.atomic
def generate(
    actor: Any,
    roster_id: int,
    *,
    time_limit_s: int = 60,
    now: datetime | None = None,
    replan: bool = False,
    enqueue: bool = True,
) -> RosterRun:
    """Queue a generation of the roster by the engine (one at a time per roster)."""
    roster = _roster(actor, roster_id, lock=True)
    if roster.status == RosterStatus.ARCHIVED:
        raise errors.ValidationFailed.field("roster_id", _("this roster is archived"))
    if not 5 <= int(time_limit_s) <= MAX_TIME_LIMIT:
        raise errors.ValidationFailed.field(
            "time_limit_s", _("the time limit is between 5 and %(max)s seconds") % {"max": MAX_TIME_LIMIT}
        )
    if not ShiftPattern.objects.filter(unit=roster.unit, is_active=True).exists():
        raise errors.ValidationFailed.field("roster_id", _("this unit has no shifts defined"))
    moment = now or clock.now()
    # a run whose worker died (no news for its time limit and five minutes more) is closed
    for stale in RosterRun.objects.filter(roster=roster, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)):
        if stale.updated_at + timedelta(seconds=stale.time_limit_s + STALE_AFTER_S) < moment:
            RosterRun.objects.filter(pk=stale.pk).update(
                status=RunStatus.FAILED, finished_at=moment, error=_("The engine stopped answering; generate again.")
            )
    if RosterRun.objects.filter(roster=roster, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).exists():
        raise errors.Conflict(_("This roster is already being generated: wait for it to finish, or stop it."))
    run = RosterRun(
        roster=roster,
        requested_by=actor,
        time_limit_s=int(time_limit_s),
        breakdown={"replan": 1} if replan else {},
    )
    try:
        with transaction.atomic():
            run.save(force_insert=True)
    except IntegrityError:
        raise errors.Conflict(_("This roster is already being generated: wait for it to finish, or stop it.")) from None
    audit.record(
        actor=actor,
        action="scheduling.generate_roster",
        obj=run,
        after={"roster_id": roster.pk, "time_limit_s": run.time_limit_s},
    )
    if enqueue:
        from caredesk.scheduling.tasks import generate_roster_task

        run_id = run.pk
        transaction.on_commit(lambda: generate_roster_task.enqueue(run_id))
    return run


@transaction.atomic
def stop_run(actor: Any, run_id: int, *, now: datetime | None = None) -> RosterRun:
    """Ask a running generation to stop: it keeps the best roster found so far."""
    run = scoping.get_scoped(
        RosterRun.objects.select_related("roster", "roster__unit"), actor, "scheduling.view", pk=run_id
    )
    scoping.require(actor, "scheduling.manage", site_id=run.roster.unit.site_id, unit_id=run.roster.unit_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        raise errors.ValidationFailed.field("status", _("this generation has already ended"))
    if run.status == RunStatus.QUEUED:
        RosterRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.STOPPED,
            stop_requested=True,
            finished_at=now or clock.now(),
            error=_("Stopped before it started; the roster is unchanged."),
        )
    RosterRun.objects.filter(pk=run.pk).update(stop_requested=True, updated_at=clock.now())
    audit.record(actor=actor, action="scheduling.stop_generation", obj=run, after={"stop_requested": True})
    run.refresh_from_db()
    return run


def _person(roster: Roster, staff_id: int) -> StaffMember:
    staff = StaffMember.objects.filter(pk=staff_id, site_id=roster.unit.site_id).select_related("user").first()
    if staff is None:
        raise errors.ValidationFailed.field("staff_id", _("no such person at this site"))
    return staff


@transaction.atomic
def set_entry(
    actor: Any,
    roster_id: int,
    staff_id: int,
    day: date,
    pattern_id: int | None,
    *,
    expected_version: int | None,
    pinned: bool | None = None,
    override: bool = False,
    now: datetime | None = None,
) -> tuple[RosterEntry | None, list[checks.RuleProblem]]:
    """Put a person on a shift (or off: `pattern_id` None) on a day, by hand.

    Checked at once against every rule: a hard problem (rest, hours, consecutive
    days, days off, weekends, credentials, leave, skills) refuses the edit with its
    message; a soft one (overtime, a wish) needs `override`. Returns the entry (None
    when the day is off) and the soft problems accepted."""
    roster = _roster(actor, roster_id, lock=True)
    _check_version(roster, expected_version)
    if roster.status == RosterStatus.ARCHIVED:
        raise errors.ValidationFailed.field("roster_id", _("this roster is archived"))
    last = roster.start_date + timedelta(days=roster.days - 1)
    if not roster.start_date <= day <= last:
        raise errors.ValidationFailed.field("date", _("this day is not part of the roster"))
    staff = _person(roster, staff_id)
    pattern = None
    if pattern_id is not None:
        pattern = ShiftPattern.objects.filter(pk=pattern_id, unit=roster.unit, is_active=True).first()
        if pattern is None:
            raise errors.ValidationFailed.field("pattern_id", _("this unit has no such shift"))
    entry = RosterEntry.objects.filter(roster=roster, staff=staff, date=day).first()
    current = entry.pattern_id if entry else None
    if current == pattern_id:
        if pinned is not None and entry is not None and entry.pinned != pinned:
            entry.pinned = pinned
            entry.save(update_fields=["pinned", "updated_at"])
            _bump(roster)
        return entry, []
    problems = checks.check_change(roster, staff, day, pattern)
    hard = checks.hard(problems)
    if hard:
        raise errors.ValidationFailed(
            " ".join(p.message for p in hard), fields={"pattern_id": [p.message for p in hard]}
        )
    soft = [p for p in problems if not p.hard]
    if soft and not override:
        raise errors.ValidationFailed(
            _("%(problems)s Confirm to save anyway.") % {"problems": " ".join(p.message for p in soft)},
            fields={"override": [p.message for p in soft]},
        )
    before = {"pattern_id": current, "pinned": entry.pinned if entry else None}
    if pattern is None:
        assert entry is not None
        entry.delete()
        entry = None
    elif entry is None:
        entry = RosterEntry.objects.create(
            roster=roster, staff=staff, date=day, pattern=pattern, pinned=bool(pinned), source=EntrySource.MANUAL
        )
    else:
        entry.pattern = pattern
        entry.source = EntrySource.MANUAL
        if pinned is not None:
            entry.pinned = pinned
        entry.version += 1
        entry.save()
    _bump(roster)
    audit.record(
        actor=actor,
        action="scheduling.edit_roster",
        obj=roster,
        before={"staff_id": staff.pk, "date": day.isoformat(), **before},
        after={
            "staff_id": staff.pk,
            "date": day.isoformat(),
            "pattern_id": pattern_id,
            "pinned": entry.pinned if entry else None,
            "accepted": [p.message for p in soft],
        },
    )
    return entry, soft


@transaction.atomic
def pin(
    actor: Any,
    roster_id: int,
    staff_id: int,
    day: date,
    pinned: bool,
    *,
    expected_version: int | None,
    now: datetime | None = None,
) -> RosterEntry:
    """Keep (or release) a cell when the roster is generated again."""
    roster = _roster(actor, roster_id, lock=True)
    _check_version(roster, expected_version)
    entry = RosterEntry.objects.filter(roster=roster, staff_id=staff_id, date=day).first()
    if entry is None:
        raise errors.ValidationFailed.field("date", _("this person does not work that day: there is nothing to pin"))
    if entry.pinned != pinned:
        entry.pinned = pinned
        entry.version += 1
        entry.save(update_fields=["pinned", "version", "updated_at"])
        _bump(roster)
        audit.record(
            actor=actor,
            action="scheduling.pin_entry" if pinned else "scheduling.unpin_entry",
            obj=entry,
            after={"pinned": pinned},
        )
    return entry
