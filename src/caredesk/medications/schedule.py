"""Scheduled doses from an order, in the site's time zone.

`times_of_day` are local wall-clock times: a dose at 08:00 is at 08:00 on the
clock of the ward, summer and winter. Interval frequencies (q4h, q6h...) use
standard administration times (e.g. q6h at 00:00, 06:00, 12:00, 18:00), so on
a daylight-saving day the real interval across the change is one hour shorter
or longer, as on a paper MAR.

Daylight saving:
- a wall time that does not exist (02:30 on a spring-forward day) is shifted to
  the first valid instant after the gap (03:00 local); two times falling in the
  gap become one dose;
- a wall time that happens twice (01:30 on a fall-back day) is given once, at
  its first occurrence (fold=0).

`occurrences()` is pure; `generate()` writes the doses of an order up to a
horizon, and `regenerate()` replaces the doses still to come after a change,
never touching a dose with an administration.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from caredesk.medications import status as st

UTC = ZoneInfo("UTC")
HORIZON = timedelta(hours=48)

DEFAULT_TIMES: dict[str, list[str]] = {
    "daily": ["09:00"],
    "bid": ["09:00", "21:00"],
    "tid": ["08:00", "14:00", "20:00"],
    "qid": ["08:00", "12:00", "16:00", "20:00"],
    "q2h": [f"{h:02d}:00" for h in range(0, 24, 2)],
    "q3h": [f"{h:02d}:00" for h in range(0, 24, 3)],
    "q4h": ["02:00", "06:00", "10:00", "14:00", "18:00", "22:00"],
    "q6h": ["00:00", "06:00", "12:00", "18:00"],
    "q8h": ["06:00", "14:00", "22:00"],
    "q12h": ["09:00", "21:00"],
    "weekly": ["09:00"],
}
EXPECTED_COUNT = {"daily": 1, "weekly": 1, "bid": 2, "q12h": 2, "tid": 3, "q8h": 3, "qid": 4, "q6h": 4, "q4h": 6}


def parse_time(text: str) -> time:
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))


def times_for(frequency: str, times_of_day: list[str] | None) -> list[time]:
    chosen = times_of_day or DEFAULT_TIMES.get(frequency, [])
    return sorted({parse_time(t) for t in chosen})


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time, with the DST rules above."""
    wall = datetime.combine(day, at, tzinfo=zone)  # fold=0: the first of a repeated time
    utc = wall.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return utc
    # A wall time inside a spring-forward gap: find the transition instant.
    low = wall.replace(fold=1).astimezone(UTC)  # read with the offset after the change: before the gap
    high = utc  # read with the offset before the change: after the gap
    if low > high:
        low, high = high, low
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(zone).utcoffset() == high.astimezone(zone).utcoffset():
            high = mid
        else:
            low = mid
    return high.replace(microsecond=0)


def occurrences(
    *,
    frequency: str,
    times_of_day: list[str] | None,
    starts_at: datetime,
    ends_at: datetime | None,
    zone: str,
    until: datetime,
) -> list[datetime]:
    """Every scheduled instant (UTC) in [starts_at, min(ends_at, until)), sorted."""
    if frequency == "prn":
        return []
    limit = until if ends_at is None else min(until, ends_at)
    if frequency == "once":
        return [starts_at.astimezone(UTC)] if starts_at < limit else []
    tz = ZoneInfo(zone)
    times = times_for(frequency, times_of_day)
    first_day = starts_at.astimezone(tz).date()
    last_day = limit.astimezone(tz).date()
    found: set[datetime] = set()
    day = first_day
    while day <= last_day:
        if frequency != "weekly" or (day - first_day).days % 7 == 0:
            for at in times:
                moment = local_instant(day, at, tz)
                if starts_at <= moment < limit:
                    found.add(moment)
        day += timedelta(days=1)
    return sorted(found)


def following(order: Any, zone: str, after: datetime) -> datetime | None:
    """The first occurrence of the order strictly after `after` (for next_dose_at)."""
    if order.frequency in ("prn", "once"):
        return None
    ahead = occurrences(
        frequency=order.frequency,
        times_of_day=order.times_of_day,
        starts_at=after + st.EPSILON,
        ends_at=order.ends_at,
        zone=zone,
        until=after + timedelta(days=8),
    )
    return ahead[0] if ahead else None


# --- writing doses ------------------------------------------------------------------


def build_doses(
    order: Any, *, zone: str, policy: st.Policy, start: datetime, until: datetime, skip: set[datetime] | None = None
) -> list[Any]:
    """Unsaved ScheduledDose rows of `order` in [start, until)."""
    from caredesk.medications.models import ScheduledDose

    moments = occurrences(
        frequency=order.frequency,
        times_of_day=order.times_of_day,
        starts_at=max(start, order.starts_at),
        ends_at=order.ends_at,
        zone=zone,
        until=until,
    )
    if not moments:
        return []
    kind = st.window_kind(order.frequency, order.time_critical)
    minutes = st.window_minutes(kind, policy)
    nexts: list[datetime | None] = [*moments[1:], following(order, zone, moments[-1])]
    doses = []
    for moment, nxt in zip(moments, nexts, strict=True):
        if skip and moment in skip:
            continue
        w = st.window(moment, minutes)
        doses.append(
            ScheduledDose(
                order=order,
                stay_id=order.stay_id,
                scheduled_at=moment,
                window_minutes=minutes,
                window_closes_at=w.closes_at,
                next_dose_at=nxt,
                order_version=order.version,
                next_check_at=st.alert_check_at(
                    scheduled_at=moment,
                    window_minutes=minutes,
                    time_critical=kind == st.WindowKind.TIME_CRITICAL,
                    late_alerted=False,
                    missed_alerted=False,
                    next_dose_at=nxt,
                    order_ends_at=order.ends_at,
                ),
            )
        )
    return doses


def generate(order: Any, *, zone: str, policy: st.Policy, now: datetime, horizon: timedelta = HORIZON) -> int:
    """Create the doses of `order` from where generation stopped up to now + horizon."""
    from caredesk.medications.models import OrderStatus

    if order.is_prn or order.status != OrderStatus.ACTIVE:
        return 0
    until = now + horizon
    start = order.generated_until or order.starts_at
    if start >= until:
        return 0
    existing = set(
        order.doses.filter(is_cancelled=False, scheduled_at__gte=start).values_list("scheduled_at", flat=True)
    )
    doses = build_doses(order, zone=zone, policy=policy, start=start, until=until, skip=existing)
    if doses:
        type(doses[0]).objects.bulk_create(doses)
    order.generated_until = until
    type(order).objects.filter(pk=order.pk).update(generated_until=until)
    return len(doses)


def regenerate(order: Any, *, zone: str, policy: st.Policy, now: datetime, horizon: timedelta = HORIZON) -> int:
    """After a change: cancel the doses after `now` that have no administration,
    and generate the new schedule from `now` on. Doses in the past (given, late
    or missed under the old version) and every dose with an administration are kept."""
    from caredesk.medications.models import ScheduledDose

    ScheduledDose.objects.filter(
        order=order, is_cancelled=False, scheduled_at__gt=now, administrations__isnull=True
    ).update(is_cancelled=True, cancelled_at=now, next_check_at=None)
    order.generated_until = now
    type(order).objects.filter(pk=order.pk).update(generated_until=now)
    created = generate(order, zone=zone, policy=policy, now=now, horizon=horizon)
    relink(order, zone=zone)
    return created


def relink(order: Any, *, zone: str) -> None:
    """Recompute `next_dose_at` (and the alert check) of the order's live doses
    after its schedule or its end changed."""
    from caredesk.medications.models import ScheduledDose

    doses = list(ScheduledDose.objects.filter(order=order, is_cancelled=False).order_by("scheduled_at"))
    for i, dose in enumerate(doses):
        if i + 1 < len(doses):
            nxt: datetime | None = doses[i + 1].scheduled_at
        else:
            nxt = following(order, zone, dose.scheduled_at) if order.status == "active" else None
        ends = order.ends_at if order.status == "active" else (order.stopped_at or order.ends_at)
        check = None
        if dose.outcome == "":
            check = st.alert_check_at(
                scheduled_at=dose.scheduled_at,
                window_minutes=dose.window_minutes,
                time_critical=st.window_kind(order.frequency, order.time_critical) == st.WindowKind.TIME_CRITICAL,
                late_alerted=dose.late_alerted_at is not None,
                missed_alerted=dose.missed_alerted_at is not None,
                next_dose_at=nxt,
                order_ends_at=ends,
            )
        if nxt != dose.next_dose_at or check != dose.next_check_at:
            ScheduledDose.objects.filter(pk=dose.pk).update(next_dose_at=nxt, next_check_at=check)
