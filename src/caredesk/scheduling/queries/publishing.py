"""Reads of publishing, swaps, open shifts and feeds: a person's published
shifts, the published grid of a unit, the difference between the working copy
and the last version, and the swap and open-shift queues."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from caredesk.assignment.models import ShiftPattern
from caredesk.assignment.services import shift_times
from caredesk.core import scoping
from caredesk.scheduling.models import (
    OpenShift,
    OpenShiftStatus,
    Roster,
    RosterEntry,
    RosterStatus,
    RosterVersion,
    SwapRequest,
    SwapStatus,
)
from caredesk.scheduling.services import publishing as pub
from caredesk.scheduling.services import swaps
from caredesk.workforce.models import StaffMember


def own_staff(user: Any) -> StaffMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return StaffMember.objects.filter(user_id=user.pk).select_related("site", "home_unit", "user").first()


def may_manage(user: Any, roster: Roster) -> bool:
    return scoping.has(user, "scheduling.manage", site_id=roster.unit.site_id, unit_id=roster.unit_id)


def roster_for_viewer(user: Any, roster_id: int) -> Roster:
    """A roster the user may see: managers any; others only once published."""
    roster = scoping.get_scoped(
        Roster.objects.select_related("unit", "unit__site"), user, "scheduling.view", pk=roster_id
    )
    if not roster.published_version and not may_manage(user, roster):
        from caredesk.core import errors

        raise errors.NotFound()
    return roster


@dataclass(frozen=True)
class PublishedShift:
    roster_id: int
    version: int
    unit_id: int
    unit_name: str
    site_zone: str
    date: date
    pattern_id: int
    pattern_code: str
    pattern_name: str
    starts_at: datetime
    ends_at: datetime
    entry_id: int | None  # the working-copy entry still matching it (for swaps), if any


def published_shifts(staff: StaffMember, *, start: date | None = None, end: date | None = None) -> list[PublishedShift]:
    """The person's shifts in the latest published version of every roster of
    their site that names them, in date order."""
    rosters = (
        Roster.objects.filter(unit__site_id=staff.site_id, published_version__gt=0)
        .exclude(status=RosterStatus.ARCHIVED)
        .select_related("unit", "unit__site")
    )
    if start is not None:
        # A roster's last day is start_date + days - 1; 84 days is the longest roster.
        rosters = rosters.filter(start_date__gt=start - timedelta(days=84))
    if end is not None:
        rosters = rosters.filter(start_date__lte=end)
    rosters_by_id = {r.pk: r for r in rosters}
    if not rosters_by_id:
        return []
    wanted = Q()
    for r in rosters_by_id.values():
        wanted |= Q(roster_id=r.pk, number=r.published_version)
    versions = RosterVersion.objects.filter(wanted)
    rows: list[tuple[Roster, int, date, int]] = []
    for v in versions:
        roster = rosters_by_id[v.roster_id]
        for item in v.entries:
            if int(item["staff_id"]) != staff.pk:
                continue
            day = date.fromisoformat(str(item["date"]))
            if (start is not None and day < start) or (end is not None and day > end):
                continue
            rows.append((roster, v.number, day, int(item["pattern_id"])))
    patterns = {p.pk: p for p in ShiftPattern.objects.filter(pk__in={r[3] for r in rows})}
    entries = {
        (e.roster_id, e.date, e.pattern_id): e.pk
        for e in RosterEntry.objects.filter(roster_id__in=rosters_by_id, staff=staff)
    }
    out = []
    for roster, number, day, pattern_id in sorted(rows, key=lambda r: (r[2], r[0].pk)):
        p = patterns[pattern_id]
        zone = roster.unit.site.time_zone
        starts, ends = shift_times(zone, day, p.start_time, p.length_minutes)
        out.append(
            PublishedShift(
                roster_id=roster.pk,
                version=number,
                unit_id=roster.unit_id,
                unit_name=roster.unit.name,
                site_zone=zone,
                date=day,
                pattern_id=p.pk,
                pattern_code=p.code,
                pattern_name=p.name,
                starts_at=starts,
                ends_at=ends,
                entry_id=entries.get((roster.pk, day, p.pk)),
            )
        )
    return out


# --- the grid (published version or working copy) ---------------------------------------------


def roster_days(roster: Roster) -> list[date]:
    return [roster.start_date + timedelta(days=i) for i in range(roster.days)]


def grid(roster: Roster, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """People × days with shift codes, shifts and hours per person, the number
    of people on each shift each day, and the coverage rows of the rosters grid
    (on the shift and with each required skill, against the needs)."""
    from caredesk.scheduling.queries.rosters import coverage_rows

    days = roster_days(roster)
    index = {d.isoformat(): i for i, d in enumerate(days)}
    patterns = list(ShiftPattern.objects.filter(unit_id=roster.unit_id).order_by("start_time"))
    by_id = {p.pk: p for p in patterns}
    cells: dict[int, list[str]] = {}
    minutes: dict[int, int] = {}
    counts: dict[int, int] = {}
    coverage = {p.pk: [0] * len(days) for p in patterns}
    placed: list[tuple[int, date, int]] = []
    for row in rows:
        i = index.get(str(row["date"]))
        pattern = by_id.get(int(row["pattern_id"]))
        if i is None or pattern is None:
            continue
        staff_id = int(row["staff_id"])
        cells.setdefault(staff_id, [""] * len(days))[i] = pattern.code
        minutes[staff_id] = minutes.get(staff_id, 0) + pattern.length_minutes
        counts[staff_id] = counts.get(staff_id, 0) + 1
        coverage[pattern.pk][i] += 1
        placed.append((staff_id, days[i], pattern.pk))
    people = list(StaffMember.objects.filter(pk__in=list(cells)).select_related("user"))
    people_rows = [
        {
            "staff": s,
            "name": str(s),
            "cells": cells[s.pk],
            "shifts": counts[s.pk],
            "hours": round(minutes[s.pk] / 60, 1),
        }
        for s in sorted(people, key=lambda s: (s.user.last_name, s.user.first_name, s.pk))
    ]
    return {
        "days": days,
        "people": people_rows,
        "coverage": [{"pattern": p, "counts": coverage[p.pk]} for p in patterns],
        "coverage_rows": coverage_rows(roster, patterns, placed, days, people={s.pk: s for s in people}),
    }


def published_rows(roster: Roster) -> list[dict[str, Any]]:
    version = pub.latest_version(roster)
    return list(version.entries) if version else []


def diff(roster: Roster) -> list[dict[str, Any]]:
    """Who changes, which days, between the last published version and the working copy."""
    version = pub.latest_version(roster)
    if version is None:
        return []
    changes = pub.differences(version.entries, pub.working_snapshot(roster))
    names = dict(ShiftPattern.objects.filter(unit_id=roster.unit_id).values_list("pk", "name"))
    people = {s.pk: s for s in StaffMember.objects.filter(pk__in=list(changes)).select_related("user")}
    return [
        {
            "staff_id": staff_id,
            "name": str(people[staff_id]) if staff_id in people else str(staff_id),
            "changes": [
                {
                    "date": c.date,
                    "before": names.get(c.before, "") if c.before else "",
                    "after": names.get(c.after, "") if c.after else "",
                }
                for c in items
            ],
        }
        for staff_id, items in sorted(changes.items(), key=lambda kv: str(people.get(kv[0], kv[0])))
    ]


def versions(roster: Roster) -> QuerySet[RosterVersion]:
    return RosterVersion.objects.filter(roster=roster).select_related("published_by").order_by("-number")


# --- swaps and open shifts -----------------------------------------------------------------


def _swaps() -> QuerySet[SwapRequest]:
    return SwapRequest.objects.select_related(*swaps.SWAP_RELATED)


def my_swaps(staff: StaffMember) -> QuerySet[SwapRequest]:
    return _swaps().filter(Q(requester=staff) | Q(colleague=staff)).order_by("-created_at")


def swaps_to_decide(user: Any) -> QuerySet[SwapRequest]:
    return scoping.scoped(_swaps(), user, "scheduling.manage").filter(status=SwapStatus.ACCEPTED)


def swaps_visible(user: Any) -> QuerySet[SwapRequest]:
    """Managers: the swaps of their units; everyone: their own."""
    staff = own_staff(user)
    managed = scoping.scoped(_swaps(), user, "scheduling.manage")
    if staff is None:
        return managed
    return (managed | _swaps().filter(Q(requester=staff) | Q(colleague=staff))).distinct()


def _open_shifts() -> QuerySet[OpenShift]:
    return OpenShift.objects.select_related(
        "roster", "roster__unit", "roster__unit__site", "pattern", "claimed_by__user"
    )


def open_shifts_for(user: Any, staff: StaffMember | None) -> QuerySet[OpenShift]:
    """Open shifts a person may claim (their home and other units) and the ones they claimed."""
    if staff is None:
        return _open_shifts().none()
    units = [staff.home_unit_id, *staff.other_units.values_list("pk", flat=True)]
    qs = scoping.scoped(_open_shifts(), user, "scheduling.request").filter(roster__unit_id__in=[u for u in units if u])
    return qs.filter(Q(status=OpenShiftStatus.OPEN) | Q(claimed_by=staff)).exclude(
        status__in=[OpenShiftStatus.CANCELLED]
    )


def open_shifts_to_manage(user: Any) -> QuerySet[OpenShift]:
    return scoping.scoped(_open_shifts(), user, "scheduling.manage").filter(
        status__in=[OpenShiftStatus.OPEN, OpenShiftStatus.CLAIMED]
    )


def open_shifts_visible(user: Any) -> QuerySet[OpenShift]:
    staff = own_staff(user)
    managed = scoping.scoped(_open_shifts(), user, "scheduling.manage")
    if staff is None:
        return managed
    return (managed | open_shifts_for(user, staff)).distinct()


def colleagues(staff: StaffMember, roster: Roster) -> QuerySet[StaffMember]:
    """People a shift can be given to: active staff of the roster's unit."""
    return (
        StaffMember.objects.filter(site_id=roster.unit.site_id, status="active")
        .filter(Q(home_unit_id=roster.unit_id) | Q(other_units=roster.unit_id))
        .exclude(pk=staff.pk)
        .select_related("user")
        .distinct()
    )
