"""Pure functions of therapy: the time-driven state of a session, the ISO week
in a site's zone, the minutes prescribed for a week, and whether an intensity
rule is met. No database access: tests call them with plain values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

# A scheduled session not recorded this long after its planned end is
# "overdue, not recorded". A policy parameter (settings.CAREDESK_THERAPY_RECORD_GRACE_MINUTES).
DEFAULT_RECORD_GRACE_MINUTES = 60


def record_grace() -> timedelta:
    return timedelta(
        minutes=int(getattr(settings, "CAREDESK_THERAPY_RECORD_GRACE_MINUTES", DEFAULT_RECORD_GRACE_MINUTES))
    )


# --- sessions -------------------------------------------------------------------------

UPCOMING = "upcoming"
IN_PROGRESS = "in_progress"
TO_RECORD = "to_record"  # ended, within the grace to record it
OVERDUE = "overdue"  # ended more than the grace ago, still not recorded


def overdue_at(scheduled_start: datetime, planned_minutes: int, grace: timedelta | None = None) -> datetime:
    """When a scheduled session not yet recorded becomes overdue."""
    return scheduled_start + timedelta(minutes=planned_minutes) + (grace if grace is not None else record_grace())


def session_state(
    status: str, scheduled_start: datetime, planned_minutes: int, now: datetime, grace: timedelta | None = None
) -> str:
    """The state shown for a session: its recorded status (done, missed,
    cancelled), or for a scheduled one, where `now` falls: upcoming, in
    progress, to record (within the grace after its end) or overdue."""
    if status != "scheduled":
        return status
    end = scheduled_start + timedelta(minutes=planned_minutes)
    if now < scheduled_start:
        return UPCOMING
    if now < end:
        return IN_PROGRESS
    if now < overdue_at(scheduled_start, planned_minutes, grace):
        return TO_RECORD
    return OVERDUE


def still_possible(status: str, scheduled_start: datetime, planned_minutes: int, now: datetime) -> bool:
    """A scheduled session that can still count: not yet overdue."""
    return status == "scheduled" and now < overdue_at(scheduled_start, planned_minutes)


# --- weeks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    """An ISO week (Monday to Sunday) in a site's zone, with its true UTC bounds
    (a week across a daylight-saving change is 167 or 169 hours long)."""

    monday: date
    zone: str

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time(0), tzinfo=ZoneInfo(self.zone)).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.monday + timedelta(days=7), time(0), tzinfo=ZoneInfo(self.zone)).astimezone(UTC)

    @property
    def label(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def previous(self) -> Week:
        return Week(self.monday - timedelta(days=7), self.zone)

    @property
    def next(self) -> Week:
        return Week(self.monday + timedelta(days=7), self.zone)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.zone)).date()


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The true UTC-comparable bounds of a local day (23 or 25 hours across DST)."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start.astimezone(UTC), datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


def week_of(day: date, zone: str) -> Week:
    return Week(day - timedelta(days=day.weekday()), zone)


def week_at(moment: datetime, zone: str) -> Week:
    return week_of(moment.astimezone(ZoneInfo(zone)).date(), zone)


# --- prescriptions --------------------------------------------------------------------


def days_covered(starts_on: date, ends_on: date | None, week: Week) -> int:
    """Days of the week within the plan's dates."""
    first = max(starts_on, week.monday)
    last = min(ends_on, week.sunday) if ends_on else week.sunday
    return max(0, (last - first).days + 1)


def prescribed_minutes(
    *,
    minutes_per_week: int | None,
    minutes_per_day: int | None,
    days_per_week: int | None,
    starts_on: date,
    ends_on: date | None,
    week: Week,
) -> int:
    """Minutes a plan prescribes for one week. A week only partly inside the
    plan gets its share: days a week capped by the days covered, or the weekly
    minutes pro rata (rounded to the minute)."""
    covered = days_covered(starts_on, ends_on, week)
    if covered == 0:
        return 0
    if minutes_per_week is not None:
        return round(minutes_per_week * covered / 7) if covered < 7 else minutes_per_week
    return int(minutes_per_day or 0) * min(int(days_per_week or 0), covered)


# --- intensity rules ------------------------------------------------------------------


@dataclass(frozen=True)
class IntensityResult:
    met: bool
    days_meeting: int  # days with at least the daily minutes
    total_minutes: int
    gap_minutes: int  # the fewest extra minutes that would meet the rule


def intensity(
    minutes_by_day: Mapping[date, int] | Iterable[int],
    *,
    minutes_per_day: int | None,
    days_per_week: int | None,
    minutes_per_week: int | None,
) -> IntensityResult:
    """Is the rule met by these minutes (all disciplines together, per day of
    one week)? Met by `minutes_per_day` on `days_per_week` days, or by the
    weekly alternative `minutes_per_week` when the rule has one. The gap is the
    fewest minutes still needed, by whichever way is closer."""
    values = list(minutes_by_day.values() if isinstance(minutes_by_day, Mapping) else minutes_by_day)
    total = sum(values)
    gaps: list[int] = []
    days_meeting = 0
    if minutes_per_day is not None and days_per_week is not None:
        days_meeting = sum(1 for m in values if m >= minutes_per_day)
        padded = sorted([*values, *([0] * max(0, 7 - len(values)))], reverse=True)
        best = padded[:days_per_week]
        gaps.append(sum(max(0, minutes_per_day - m) for m in best))
    if minutes_per_week is not None:
        gaps.append(max(0, minutes_per_week - total))
    gap = min(gaps) if gaps else 0
    return IntensityResult(met=gap == 0, days_meeting=days_meeting, total_minutes=total, gap_minutes=gap)
