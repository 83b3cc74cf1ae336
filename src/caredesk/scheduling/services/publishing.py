"""Publishing a roster: the rule check that must pass, the frozen version staff
see, the notification of each person whose shifts changed, the people put on
the unit's care shifts, and re-planning after a change.

A published version is a snapshot of the working copy: `RosterVersion.entries`
is `[{"staff_id", "date" (ISO), "pattern_id"}, ...]`. Staff pages, the calendar
feed and swaps read the latest version, never the working copy, so the
coordinator can edit (and re-plan) without anyone seeing half-done work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.core import audit, clock, errors, notifications, scoping, writes
from caredesk.scheduling.models import Roster, RosterEntry, RosterStatus, RosterVersion

# How many rule problems a refusal names (the roster page lists them all).
PROBLEMS_SHOWN = 5


# --- the rule check (ROSTERS' scheduling.checks), behind names tests can replace ----------


def check_roster(roster: Roster) -> list[Any]:
    from caredesk.scheduling import checks

    return list(checks.check_roster(roster))


def check_change(roster: Roster, staff: Any, day: date, pattern: Any) -> list[Any]:
    from caredesk.scheduling import checks

    return list(checks.check_change(roster, staff, day, pattern))


Move = tuple[int, date, int | None]  # (staff_id, day, pattern_id or None: not working)


def check_moves(roster: Roster, moves: Sequence[Move]) -> list[Any]:
    """What breaks if the working copy changes by `moves` (a swap moves up to four
    cells at once): the problems of the people concerned after the change that
    were not there before. Unlike one `check_change` per cell, a person who gives
    one day and takes another is judged with both changes made."""
    from caredesk.scheduling import checks

    ids = {m[0] for m in moves}
    current = list(RosterEntry.objects.filter(roster=roster, staff_id__in=ids).only("staff_id", "date", "pattern_id"))
    cells = {(e.staff_id, e.date): e.pattern_id for e in current}
    for staff_id, day, pattern_id in moves:
        if pattern_id is None:
            cells.pop((staff_id, day), None)
        else:
            cells[(staff_id, day)] = pattern_id
    after_entries = [RosterEntry(roster=roster, staff_id=s, date=d, pattern_id=p) for (s, d), p in cells.items()]
    before = {_key(p) for p in checks.check_roster(roster, entries=current, staff_ids=ids)}
    return [p for p in checks.check_roster(roster, entries=after_entries, staff_ids=ids) if _key(p) not in before]


def _key(problem: Any) -> tuple[Any, ...]:
    return (problem.rule, problem.staff_id, problem.date)


def hard_problems(problems: Iterable[Any]) -> list[Any]:
    return [p for p in problems if getattr(p, "hard", False)]


def describe_problems(problems: Sequence[Any], *, limit: int = PROBLEMS_SHOWN) -> str:
    """ "Ann SMITH, 2026-03-08, rest: only 8 h between shifts; ..." (the first few)."""
    from caredesk.workforce.models import StaffMember

    names = {s.pk: str(s) for s in StaffMember.objects.filter(pk__in={p.staff_id for p in problems[:limit]})}
    parts = [
        f"{names.get(p.staff_id, p.staff_id)}, {p.date.isoformat() if p.date else ''}, {p.rule}: {p.message}"
        for p in problems[:limit]
    ]
    more = len(problems) - limit
    text = "; ".join(parts)
    if more > 0:
        text += " " + _("(and %(n)d more)") % {"n": more}
    return text


def problems_payload(problems: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "rule": p.rule,
            "staff_id": p.staff_id,
            "date": p.date.isoformat() if p.date else None,
            "message": str(p.message),
            "hard": bool(p.hard),
        }
        for p in problems
    ]


# --- snapshots and differences --------------------------------------------------------------

Key = tuple[int, str]  # (staff_id, ISO date)


def snapshot(entries: Iterable[RosterEntry]) -> list[dict[str, Any]]:
    rows = [{"staff_id": e.staff_id, "date": e.date.isoformat(), "pattern_id": e.pattern_id} for e in entries]
    return sorted(rows, key=lambda r: (r["date"], r["staff_id"]))


def working_snapshot(roster: Roster) -> list[dict[str, Any]]:
    return snapshot(RosterEntry.objects.filter(roster=roster).only("staff_id", "date", "pattern_id"))


def as_map(rows: Iterable[Mapping[str, Any]]) -> dict[Key, int]:
    return {(int(r["staff_id"]), str(r["date"])): int(r["pattern_id"]) for r in rows}


def latest_version(roster: Roster) -> RosterVersion | None:
    if not roster.published_version:
        return None
    return RosterVersion.objects.filter(roster=roster, number=roster.published_version).first()


@dataclass(frozen=True)
class Change:
    staff_id: int
    date: str
    before: int | None  # pattern id, None: not working
    after: int | None


def differences(old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]) -> dict[int, list[Change]]:
    """Per person, the days whose shift differs between two snapshots."""
    a, b = as_map(old), as_map(new)
    out: dict[int, list[Change]] = {}
    for key in sorted(set(a) | set(b), key=lambda k: (k[1], k[0])):
        if a.get(key) != b.get(key):
            out.setdefault(key[0], []).append(Change(key[0], key[1], a.get(key), b.get(key)))
    return out


def describe_changes(changes: Sequence[Change], pattern_names: Mapping[int, str]) -> str:
    lines = []
    for c in changes:
        before = pattern_names.get(c.before, "") if c.before else _("off")
        after = pattern_names.get(c.after, "") if c.after else _("off")
        lines.append(f"{c.date}: {before} → {after}")
    return "\n".join(lines)


# --- publishing -------------------------------------------------------------------------------


def _roster_for_manager(actor: Any, roster_id: int) -> Roster:
    roster = scoping.get_scoped(
        Roster.objects.select_for_update(of=("self",)).select_related("unit", "unit__site"),
        actor,
        "scheduling.view",
        pk=roster_id,
    )
    scoping.require(actor, "scheduling.manage", site_id=roster.unit.site_id, unit_id=roster.unit_id)
    return roster


@transaction.atomic
def publish(
    actor: Any, roster_id: int, *, expected_version: int | None, note: str = "", now: datetime | None = None
) -> RosterVersion:
    """Freeze the working copy as the next published version, after the rule
    check: any hard problem (rest, hours, credentials, time off...) refuses it."""
    moment = now or clock.now()
    roster = _roster_for_manager(actor, roster_id)
    writes.check_version(roster, expected_version)
    if roster.status == RosterStatus.ARCHIVED:
        raise errors.ValidationFailed.field("status", _("an archived roster cannot be published"))
    hard = hard_problems(check_roster(roster))
    if hard:
        raise errors.ValidationFailed(
            _("This roster breaks %(n)d hard rule(s) and cannot be published: %(problems)s")
            % {"n": len(hard), "problems": describe_problems(hard)},
            fields={"problems": [describe_problems(hard, limit=len(hard))]},
        )
    entries = working_snapshot(roster)
    previous = latest_version(roster)
    version = _freeze(roster, actor, entries, previous=previous, note=note.strip()[:300], now=moment, action="publish")
    if roster.has_unpublished_changes or roster.status != RosterStatus.PUBLISHED:
        Roster.objects.filter(pk=roster.pk).update(has_unpublished_changes=False, status=RosterStatus.PUBLISHED)
        roster.has_unpublished_changes = False
        roster.status = RosterStatus.PUBLISHED
    return version


def _freeze(
    roster: Roster,
    actor: Any,
    entries: list[dict[str, Any]],
    *,
    previous: RosterVersion | None,
    note: str,
    now: datetime,
    action: str,
    notify_staff_ids: Iterable[int] | None = None,
) -> RosterVersion:
    """Store version n+1 with `entries`, update the roster, notify each person whose
    shifts changed since `previous`, and put people on the unit's care shifts."""
    number = (
        max(
            roster.published_version,
            RosterVersion.objects.filter(roster=roster).order_by("-number").values_list("number", flat=True).first()
            or 0,
        )
        + 1
    )
    version = RosterVersion.objects.create(
        roster=roster, number=number, published_at=now, published_by=actor, entries=entries, note=note
    )
    before = {"published_version": roster.published_version, "status": roster.status}
    roster.status = RosterStatus.PUBLISHED
    roster.published_version = number
    roster.published_at = now
    roster.version += 1
    roster.save(update_fields=["status", "published_version", "published_at", "version", "updated_at"])
    audit.record(
        actor=actor,
        action=f"scheduling.{action}",
        obj=roster,
        before=before,
        after={"published_version": number, "status": roster.status, "entries": len(entries), "note": note},
        at=now,
    )
    changes = differences(previous.entries if previous else [], entries)
    if notify_staff_ids is not None:
        wanted = set(notify_staff_ids)
        changes = {k: v for k, v in changes.items() if k in wanted}
    _notify_changes(roster, number, changes, first=previous is None, now=now)
    sync_care_shifts(roster, entries)
    return version


def _notify_changes(
    roster: Roster, number: int, changes: Mapping[int, list[Change]], *, first: bool, now: datetime
) -> None:
    from django.urls import reverse

    from caredesk.assignment.models import ShiftPattern
    from caredesk.workforce.models import StaffMember

    if not changes:
        return
    names = dict(ShiftPattern.objects.filter(unit_id=roster.unit_id).values_list("pk", "name"))
    link = reverse("scheduling:publishing_mine")
    for staff in StaffMember.objects.filter(pk__in=list(changes)).select_related("user"):
        items = changes[staff.pk]
        if first:
            title = _("Your shifts on %(unit)s from %(start)s are published") % {
                "unit": roster.unit.name,
                "start": roster.start_date.isoformat(),
            }
        else:
            title = _("Your shifts on %(unit)s changed (%(n)d day(s))") % {"unit": roster.unit.name, "n": len(items)}
        notifications.notify(
            staff.user,
            kind="scheduling.roster_published",
            title=title,
            body=describe_changes(items, names),
            link=link,
            dedupe_key=f"scheduling.roster:{roster.pk}:v{number}:staff{staff.pk}",
            site_id=roster.unit.site_id,
            now=now,
        )


def sync_care_shifts(roster: Roster, entries: Iterable[Mapping[str, Any]]) -> None:
    """Put the published people on the unit's care shifts that already exist on
    those days (`assignment.ShiftShift`, source "roster"); take off the people the
    roster put there earlier and no longer names, unless they have patients."""
    from caredesk.assignment.models import CareShift, PatientAssignment, ShiftStaff, StaffSource

    end = roster.start_date + timedelta(days=roster.days - 1)
    shifts = {
        (s.date.isoformat(), s.pattern_id): s
        for s in CareShift.objects.filter(
            unit_id=roster.unit_id, date__gte=roster.start_date, date__lte=end, pattern__isnull=False
        )
    }
    if not shifts:
        return
    wanted: dict[int, set[int]] = {}
    for row in entries:
        shift = shifts.get((str(row["date"]), int(row["pattern_id"])))
        if shift is not None:
            wanted.setdefault(shift.pk, set()).add(int(row["staff_id"]))
    existing: dict[int, dict[int, ShiftStaff]] = {}
    for link in ShiftStaff.objects.filter(shift_id__in=[s.pk for s in shifts.values()]):
        existing.setdefault(link.shift_id, {})[link.staff_id] = link
    for shift in shifts.values():
        have = existing.get(shift.pk, {})
        for staff_id in wanted.get(shift.pk, set()) - set(have):
            ShiftStaff.objects.create(shift=shift, staff_id=staff_id, source=StaffSource.ROSTER)
        for staff_id, link in have.items():
            if (
                link.source == StaffSource.ROSTER
                and staff_id not in wanted.get(shift.pk, set())
                and not PatientAssignment.objects.filter(shift=shift, staff_id=staff_id).exists()
            ):
                link.delete()


def apply_to_published(
    roster: Roster,
    actor: Any,
    *,
    remove: Iterable[Key],
    add: Iterable[tuple[int, str, int]],
    note: str,
    now: datetime,
    action: str,
) -> RosterVersion:
    """A new published version: the last one with only these changes (an approved
    swap or open shift). Other unpublished edits of the working copy stay unpublished."""
    previous = latest_version(roster)
    current = as_map(previous.entries if previous else [])
    touched: set[int] = set()
    for key in remove:
        current.pop(key, None)
        touched.add(key[0])
    for staff_id, day, pattern_id in add:
        current[(staff_id, day)] = pattern_id
        touched.add(staff_id)
    rows = sorted(
        ({"staff_id": s, "date": d, "pattern_id": p} for (s, d), p in current.items()),
        key=lambda r: (r["date"], r["staff_id"]),
    )
    return _freeze(roster, actor, rows, previous=previous, note=note, now=now, action=action, notify_staff_ids=touched)


# --- after publication ------------------------------------------------------------------------


@transaction.atomic
def mark_changed(roster: Roster) -> None:
    """The working copy of a published roster differs from what staff see."""
    if roster.published_version and not roster.has_unpublished_changes:
        Roster.objects.filter(pk=roster.pk).update(has_unpublished_changes=True)
        roster.has_unpublished_changes = True


def refresh_unpublished_flag(roster: Roster) -> bool:
    """True when the working copy differs from the last published version (and store it)."""
    previous = latest_version(roster)
    if previous is None:
        return False
    changed = as_map(previous.entries) != as_map(working_snapshot(roster))
    if changed != roster.has_unpublished_changes:
        Roster.objects.filter(pk=roster.pk).update(has_unpublished_changes=changed)
        roster.has_unpublished_changes = changed
    return changed


@transaction.atomic
def replan(actor: Any, roster_id: int, *, expected_version: int | None, now: datetime | None = None) -> Any:
    """Re-plan a published roster after a change (a call-out, approved time off):
    the engine keeps as many published assignments as it can (ROSTERS' engine.replan).
    The result is the working copy; publishing it notifies whoever it moved."""
    from caredesk.scheduling import engine

    moment = now or clock.now()
    roster = _roster_for_manager(actor, roster_id)
    writes.check_version(roster, expected_version)
    if not roster.published_version:
        raise errors.ValidationFailed.field(
            "status", _("this roster was never published: generate it instead of re-planning")
        )
    run = engine.replan(actor, roster, now=moment)
    audit.record(
        actor=actor, action="scheduling.replan", obj=roster, after={"run_id": getattr(run, "pk", None)}, at=moment
    )
    return run
