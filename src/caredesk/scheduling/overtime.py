"""Overtime of hours actually worked, by the person's overtime basis (RULES.md §7).

Pure: plain datetimes and dataclasses in, plain dataclasses out; no Django.

Conventions (the pages and the user guide repeat them):

- A worked interval counts, whole, toward the WORKDAY it starts in (the local
  date of the clock-in in the site's zone): a night from 19:00 to 07:30 is
  12.5 hours of the day it began. Its workweek and 14-day period are those of
  that workday. (The FLSA allows splitting at the workweek boundary; hospitals
  commonly count a shift in the day it starts, which is what is done here.)
- An interval's length is real elapsed time (computed in UTC), so a night
  across a daylight-saving change is 11 or 13 hours long, as worked.
- The unpaid break is taken off the interval's worked minutes.
- Workweek: a fixed, recurring 7-day period starting at local midnight on
  `week_start` (0 = Monday ... 6 = Sunday; default Sunday, the employer may
  choose another). The 8/80 14-day period is fixed too, starting on
  `period_anchor` and every 14 days before and after it.

Bases:

- ``flsa_40``: 29 USC 207(a)(1), minutes over 40 h in a workweek at 1.5x.
- ``hospital_8_80``: 29 USC 207(j), 29 CFR 778.601: minutes over 8 h in any
  workday and over 80 h in the 14-day period at 1.5x, whichever gives more, an
  hour never counted twice. (Daily excess D plus the straight-time hours left
  over 80, D + max(0, T - D - 80 h), equals max(D, T - 80 h).)
- ``ca_daily``: California Labor Code §510: per workday over 8 h at 1.5x and
  over 12 h at 2x; the straight-time minutes of a workweek over 40 h at 1.5x
  (daily overtime is not counted again); on the 7th consecutive day worked in
  one workweek, the first 8 h at 1.5x and beyond 8 h at 2x.
- ``fr_fph``: French public hospital (décret 2002-9): heures supplémentaires
  are the minutes of a workweek beyond the cycle's planned minutes
  (`planned_minutes_per_week`, the contract), reported at rate 1.25 (the IHTS
  rate of the first hours, décret 2002-60). Limits are reported as warnings:
  48 h in any rolling 7 days, an amplitude over 12 h in one interval, a break
  under 20 min beyond 6 h, and (over 12 weeks or more of data) an average
  above 44 h a week.
- ``none``: no premium; everything is regular.

Whatever the basis, the pack's own `max_day_minutes` / `max_week_minutes`
(WorkRules.max_minutes_per_day / max_minutes_per_week, any rolling 7 days) are
checked and breaches reported as warnings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo

FLSA_40 = "flsa_40"
HOSPITAL_8_80 = "hospital_8_80"
CA_DAILY = "ca_daily"
FR_FPH = "fr_fph"
NONE = "none"
BASES = (FLSA_40, HOSPITAL_8_80, CA_DAILY, FR_FPH, NONE)

RATE_1_5 = "1.5"
RATE_2_0 = "2.0"
RATE_FR = "1.25"

DAY = 8 * 60
DAY_DOUBLE = 12 * 60
WEEK = 40 * 60
PERIOD_80 = 80 * 60
FR_WEEK_MAX = 48 * 60
FR_WEEK_AVERAGE = 44 * 60
FR_AMPLITUDE = 12 * 60
FR_BREAK_AFTER = 6 * 60
FR_BREAK_MIN = 20

DEFAULT_WEEK_START = 6  # Sunday
DEFAULT_PERIOD_ANCHOR = date(2023, 1, 1)  # a Sunday


@dataclass(frozen=True)
class Interval:
    """One stretch of work: aware start and end, and its unpaid break."""

    start: datetime
    end: datetime
    break_minutes: int = 0

    def elapsed_minutes(self) -> int:
        return int((self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds() // 60)

    def worked_minutes(self) -> int:
        return max(0, self.elapsed_minutes() - max(0, self.break_minutes))


@dataclass(frozen=True)
class Finding:
    """A limit breached: `code` names it (the app words it), on `day`, with the
    minutes found and the limit."""

    code: str
    day: date
    minutes: int
    limit: int


@dataclass
class Block:
    """One workweek (or 14-day period for 8/80) and its split."""

    start: date
    end: date  # inclusive
    worked: int = 0
    regular: int = 0
    overtime: dict[str, int] = field(default_factory=dict)


@dataclass
class Result:
    basis: str
    worked: int = 0
    regular: int = 0
    overtime: dict[str, int] = field(default_factory=dict)
    days: dict[date, int] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def overtime_total(self) -> int:
        return sum(self.overtime.values())


def _zone(zone: str | tzinfo) -> tzinfo:
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def workday(interval: Interval, zone: str | tzinfo) -> date:
    """The local date the interval starts on."""
    return interval.start.astimezone(_zone(zone)).date()


def week_start_of(day: date, week_start: int = DEFAULT_WEEK_START) -> date:
    return day - timedelta(days=(day.weekday() - week_start) % 7)


def period_start_of(day: date, anchor: date = DEFAULT_PERIOD_ANCHOR) -> date:
    return day - timedelta(days=(day - anchor).days % 14)


def daily_minutes(intervals: list[Interval], zone: str | tzinfo) -> dict[date, int]:
    days: dict[date, int] = defaultdict(int)
    for iv in intervals:
        days[workday(iv, zone)] += iv.worked_minutes()
    return dict(sorted(days.items()))


def _add(target: dict[str, int], rate: str, minutes: int) -> None:
    if minutes > 0:
        target[rate] = target.get(rate, 0) + minutes


def _blocks(days: dict[date, int], start_of: Callable[[date], date]) -> dict[date, dict[date, int]]:
    grouped: dict[date, dict[date, int]] = defaultdict(dict)
    for day, minutes in days.items():
        grouped[start_of(day)][day] = minutes
    return dict(sorted(grouped.items()))


def _flsa(block: dict[date, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    _add(out, RATE_1_5, sum(block.values()) - WEEK)
    return out


def _eight_eighty(block: dict[date, int]) -> dict[str, int]:
    daily = sum(max(0, m - DAY) for m in block.values())
    out: dict[str, int] = {}
    _add(out, RATE_1_5, max(daily, sum(block.values()) - PERIOD_80))
    return out


def _california(block: dict[date, int], week: date) -> dict[str, int]:
    out: dict[str, int] = {}
    straight = 0
    worked_all_seven = all(block.get(week + timedelta(days=i), 0) > 0 for i in range(7))
    for day in sorted(block):
        minutes = block[day]
        if worked_all_seven and day == week + timedelta(days=6):
            _add(out, RATE_1_5, min(minutes, DAY))
            _add(out, RATE_2_0, minutes - DAY)
            continue
        straight_today = min(minutes, DAY)
        _add(out, RATE_1_5, min(minutes, DAY_DOUBLE) - DAY)
        _add(out, RATE_2_0, minutes - DAY_DOUBLE)
        # Straight-time minutes past 40 in the week become 1.5x (never counted twice).
        over_week = max(0, straight + straight_today - WEEK)
        over_week = min(over_week, straight_today)
        _add(out, RATE_1_5, over_week)
        straight += straight_today - over_week
    return out


def _fr(block: dict[date, int], planned: int) -> dict[str, int]:
    out: dict[str, int] = {}
    _add(out, RATE_FR, sum(block.values()) - planned)
    return out


def compute(
    intervals: list[Interval],
    *,
    basis: str,
    zone: str | tzinfo,
    week_start: int = DEFAULT_WEEK_START,
    period_anchor: date = DEFAULT_PERIOD_ANCHOR,
    planned_minutes_per_week: int = WEEK,
    max_day_minutes: int | None = None,
    max_week_minutes: int | None = None,
) -> Result:
    """Regular and overtime minutes (by rate) of `intervals`, with warnings.

    Give whole workweeks (or whole 14-day periods for 8/80): a block is only
    what it holds."""
    if basis not in BASES:
        raise ValueError(f"unknown overtime basis {basis!r}")
    tz = _zone(zone)
    days = daily_minutes(intervals, tz)
    result = Result(basis=basis, days=days, worked=sum(days.values()))
    if basis == HOSPITAL_8_80:
        grouped = _blocks(days, lambda d: period_start_of(d, period_anchor))
        span = 13
    else:
        grouped = _blocks(days, lambda d: week_start_of(d, week_start))
        span = 6
    for start, block in grouped.items():
        if basis == FLSA_40:
            ot = _flsa(block)
        elif basis == HOSPITAL_8_80:
            ot = _eight_eighty(block)
        elif basis == CA_DAILY:
            ot = _california(block, start)
        elif basis == FR_FPH:
            ot = _fr(block, max(0, planned_minutes_per_week))
        else:
            ot = {}
        worked = sum(block.values())
        b = Block(start=start, end=start + timedelta(days=span), worked=worked, overtime=ot)
        b.regular = worked - sum(ot.values())
        result.blocks.append(b)
        for rate, minutes in ot.items():
            _add(result.overtime, rate, minutes)
    result.regular = result.worked - result.overtime_total
    result.warnings = limit_findings(
        intervals,
        days,
        tz,
        basis=basis,
        week_start=week_start,
        max_day_minutes=max_day_minutes,
        max_week_minutes=max_week_minutes,
    )
    return result


def _rolling_week_breaches(days: dict[date, int], limit: int, code: str) -> list[Finding]:
    """Each window of 7 consecutive days over `limit`, reported once per run of
    breaching windows (at the window's last day)."""
    found: list[Finding] = []
    if not days:
        return found
    first, last = min(days), max(days)
    in_breach = False
    day = first
    while day <= last + timedelta(days=6):
        total = sum(days.get(day - timedelta(days=i), 0) for i in range(7))
        if total > limit and not in_breach:
            found.append(Finding(code, day, total, limit))
        in_breach = total > limit
        day += timedelta(days=1)
    return found


def limit_findings(
    intervals: list[Interval],
    days: dict[date, int],
    tz: tzinfo,
    *,
    basis: str,
    week_start: int = DEFAULT_WEEK_START,
    max_day_minutes: int | None = None,
    max_week_minutes: int | None = None,
) -> list[Finding]:
    found: list[Finding] = []
    if max_day_minutes:
        found += [Finding("day_max", d, m, max_day_minutes) for d, m in days.items() if m > max_day_minutes]
    if max_week_minutes:
        found += _rolling_week_breaches(days, max_week_minutes, "week_max")
    if basis == FR_FPH:
        found += _rolling_week_breaches(days, FR_WEEK_MAX, "fr_week_48")
        for iv in intervals:
            d = workday(iv, tz)
            if iv.elapsed_minutes() > FR_AMPLITUDE:
                found.append(Finding("fr_amplitude_12", d, iv.elapsed_minutes(), FR_AMPLITUDE))
            if iv.worked_minutes() > FR_BREAK_AFTER and iv.break_minutes < FR_BREAK_MIN:
                found.append(Finding("fr_break_20", d, iv.break_minutes, FR_BREAK_MIN))
        if days:
            first, last = week_start_of(min(days), week_start), max(days)
            weeks = ((last - first).days // 7) + 1
            if weeks >= 12:
                average = int(sum(days.values()) / weeks)
                if average > FR_WEEK_AVERAGE:
                    found.append(Finding("fr_average_44", last, average, FR_WEEK_AVERAGE))
    return sorted(found, key=lambda f: (f.day, f.code))


# --- night and weekend minutes (for differentials) ---------------------------------------


def night_weekend_minutes(
    interval: Interval,
    zone: str | tzinfo,
    *,
    night_start: time = time(19, 0),
    night_end: time = time(7, 0),
) -> tuple[int, int]:
    """(night, weekend) worked minutes of one interval: local clock time between
    `night_start` and `night_end`, and local Saturdays and Sundays. The break is
    taken off in proportion."""
    tz = _zone(zone)
    start = interval.start.astimezone(UTC)
    end = interval.end.astimezone(UTC)
    if end <= start:
        return 0, 0
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    cuts = {start, end}
    day = first
    while day <= last:
        for t in (time(0), night_start, night_end):
            moment = datetime.combine(day, t, tzinfo=tz).astimezone(UTC)
            if start < moment < end:
                cuts.add(moment)
        day += timedelta(days=1)
    points = sorted(cuts)
    night = weekend = 0.0
    for a, b in pairwise(points):
        seconds = (b - a).total_seconds()
        middle = (a + (b - a) / 2).astimezone(tz)
        clock = middle.time()
        is_night = (
            (clock >= night_start or clock < night_end)
            if night_start > night_end
            else (night_start <= clock < night_end)
        )
        if is_night:
            night += seconds
        if middle.weekday() >= 5:
            weekend += seconds
    elapsed = (end - start).total_seconds()
    share = interval.worked_minutes() * 60 / elapsed if elapsed else 0
    return int(night * share // 60), int(weekend * share // 60)
