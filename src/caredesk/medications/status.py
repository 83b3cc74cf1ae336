"""The status of a dose: a pure function of `now` and the record (no ORM, no clock).

Timing windows follow RULES.md §1 (CMS A-0405, ISMP 2011):
±30 min for time-critical medications, ±1 h for medications given more often
than daily, ±2 h for daily or less often; a site's policy may only narrow them.

Boundaries (all inclusive where a person would read "within ±30 min"):
- the window is the closed interval [scheduled - w, scheduled + w];
- *due soon* from `opens - due_soon` (inclusive) until `opens` (exclusive);
- *due* from `opens` to `closes`, both inclusive;
- *late* strictly after `closes`, while the next dose is not yet due;
- *missed* from the moment the next dose of the order is scheduled (inclusive),
  or the order ends, with nothing documented (ASHP omission error);
- a dose given at exactly `opens` or `closes` is *given on time*.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

EPSILON = timedelta(microseconds=1)


class WindowKind(StrEnum):
    TIME_CRITICAL = "time_critical"
    MORE_THAN_DAILY = "more_than_daily"
    DAILY_OR_LESS = "daily_or_less"


class DoseStatus(StrEnum):
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    DUE = "due"
    LATE = "late"
    MISSED = "missed"
    GIVEN_ON_TIME = "given_on_time"
    GIVEN_EARLY = "given_early"
    GIVEN_LATE = "given_late"
    HELD = "held"
    REFUSED = "refused"
    CANCELLED = "cancelled"


OPEN_STATES = frozenset({DoseStatus.UPCOMING, DoseStatus.DUE_SOON, DoseStatus.DUE, DoseStatus.LATE, DoseStatus.MISSED})
GIVEN_STATES = frozenset({DoseStatus.GIVEN_ON_TIME, DoseStatus.GIVEN_EARLY, DoseStatus.GIVEN_LATE})
DOCUMENTED_STATES = GIVEN_STATES | {DoseStatus.HELD, DoseStatus.REFUSED}

# Frequencies given more often than daily (their window is ±1 h unless time-critical).
MORE_THAN_DAILY = frozenset({"bid", "tid", "qid", "q2h", "q3h", "q4h", "q6h", "q8h", "q12h"})
# ISMP: any medication prescribed more often than every 4 hours is time-critical.
MORE_OFTEN_THAN_Q4H = frozenset({"q2h", "q3h"})


@dataclass(frozen=True)
class Policy:
    time_critical_minutes: int = 30
    more_than_daily_minutes: int = 60
    daily_or_less_minutes: int = 120
    due_soon_minutes: int = 60


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime

    def contains(self, moment: datetime) -> bool:
        return self.opens_at <= moment <= self.closes_at


@dataclass(frozen=True)
class AdminFacts:
    """What the status needs of one administration event."""

    id: int
    status: str  # completed | not_done | entered_in_error
    given_at: datetime
    not_done_reason: str = ""
    corrects_id: int | None = None


def window_kind(frequency: str, time_critical: bool) -> WindowKind:
    """One-time/STAT doses are not eligible for scheduled windows (CMS): they take
    the strictest, time-critical window."""
    if time_critical or frequency in MORE_OFTEN_THAN_Q4H or frequency == "once":
        return WindowKind.TIME_CRITICAL
    if frequency in MORE_THAN_DAILY:
        return WindowKind.MORE_THAN_DAILY
    return WindowKind.DAILY_OR_LESS


def window_minutes(kind: WindowKind | str, policy: Policy) -> int:
    return {
        WindowKind.TIME_CRITICAL: policy.time_critical_minutes,
        WindowKind.MORE_THAN_DAILY: policy.more_than_daily_minutes,
        WindowKind.DAILY_OR_LESS: policy.daily_or_less_minutes,
    }[WindowKind(kind)]


def window(scheduled_at: datetime, minutes: int) -> Window:
    span = timedelta(minutes=minutes)
    return Window(scheduled_at - span, scheduled_at + span)


def effective(administrations: Iterable[AdminFacts]) -> AdminFacts | None:
    """The administration that counts: the latest one not corrected by an
    entered-in-error event (and not itself such an event)."""
    items = list(administrations)
    corrected = {a.corrects_id for a in items if a.status == "entered_in_error" and a.corrects_id is not None}
    live = [a for a in items if a.status != "entered_in_error" and a.id not in corrected]
    if not live:
        return None
    return max(live, key=lambda a: (a.given_at, a.id))


def given_status(given_at: datetime, w: Window) -> DoseStatus:
    if given_at < w.opens_at:
        return DoseStatus.GIVEN_EARLY
    if given_at > w.closes_at:
        return DoseStatus.GIVEN_LATE
    return DoseStatus.GIVEN_ON_TIME


def missed_from(next_dose_at: datetime | None, order_ends_at: datetime | None) -> datetime | None:
    """From when an undocumented dose is missed: the next dose, or the order's end."""
    moments = [m for m in (next_dose_at, order_ends_at) if m is not None]
    return min(moments) if moments else None


def dose_status(
    *,
    scheduled_at: datetime,
    window_minutes: int,
    now: datetime,
    administrations: Sequence[AdminFacts] = (),
    next_dose_at: datetime | None = None,
    order_ends_at: datetime | None = None,
    is_cancelled: bool = False,
    due_soon_minutes: int = 60,
) -> DoseStatus:
    w = window(scheduled_at, window_minutes)
    done = effective(administrations)
    if done is not None:
        if done.status == "not_done":
            return DoseStatus.REFUSED if done.not_done_reason == "refused" else DoseStatus.HELD
        return given_status(done.given_at, w)
    if is_cancelled:
        return DoseStatus.CANCELLED
    if now < w.opens_at - timedelta(minutes=due_soon_minutes):
        return DoseStatus.UPCOMING
    if now < w.opens_at:
        return DoseStatus.DUE_SOON
    if now <= w.closes_at:
        return DoseStatus.DUE
    missed = missed_from(next_dose_at, order_ends_at)
    if missed is not None and now >= missed:
        return DoseStatus.MISSED
    return DoseStatus.LATE


def next_change_at(
    *,
    scheduled_at: datetime,
    window_minutes: int,
    now: datetime,
    next_dose_at: datetime | None = None,
    order_ends_at: datetime | None = None,
    due_soon_minutes: int = 60,
) -> datetime | None:
    """The next instant after `now` at which an undocumented dose changes status
    (None when it cannot change any more by the passing of time)."""
    w = window(scheduled_at, window_minutes)
    missed = missed_from(next_dose_at, order_ends_at)
    candidates = [w.opens_at - timedelta(minutes=due_soon_minutes), w.opens_at, w.closes_at + EPSILON]
    if missed is not None:
        candidates.append(max(missed, w.closes_at + EPSILON))
    later = [c for c in candidates if c > now]
    return min(later) if later else None


def alert_check_at(
    *,
    scheduled_at: datetime,
    window_minutes: int,
    time_critical: bool,
    late_alerted: bool,
    missed_alerted: bool,
    next_dose_at: datetime | None,
    order_ends_at: datetime | None,
) -> datetime | None:
    """When the alert sweep must next look at an undocumented dose: at the close
    of the window of a time-critical dose (late alert), then when it becomes
    missed (missed alert). None when nothing is left to raise."""
    w = window(scheduled_at, window_minutes)
    if time_critical and not late_alerted:
        return w.closes_at + EPSILON
    if not missed_alerted:
        missed = missed_from(next_dose_at, order_ends_at)
        if missed is not None:
            return max(missed, w.closes_at + EPSILON)
    return None


def prn_earliest_next(last_given_at: datetime | None, min_interval_minutes: int) -> datetime | None:
    """PRN: no due time; the earliest next dose is the last one plus the interval."""
    if last_given_at is None:
        return None
    return last_given_at + timedelta(minutes=min_interval_minutes)
