"""The status of a dose as a pure function of now and the record, at every boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from caredesk.medications import status as st
from caredesk.medications.status import AdminFacts, DoseStatus

T = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # scheduled
W = 30  # ± minutes
NEXT = T + timedelta(hours=4)
MIN = timedelta(minutes=1)
US = st.EPSILON


def status_at(now: datetime, admins: tuple[AdminFacts, ...] = (), **kw: object) -> DoseStatus:
    return st.dose_status(
        scheduled_at=T,
        window_minutes=W,
        now=now,
        administrations=admins,
        next_dose_at=NEXT,
        due_soon_minutes=60,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (T - timedelta(minutes=90) - US, DoseStatus.UPCOMING),
        (T - timedelta(minutes=90), DoseStatus.DUE_SOON),  # due soon opens, inclusive
        (T - timedelta(minutes=30) - US, DoseStatus.DUE_SOON),
        (T - timedelta(minutes=30), DoseStatus.DUE),  # window opens, inclusive
        (T, DoseStatus.DUE),
        (T + timedelta(minutes=30), DoseStatus.DUE),  # window closes, inclusive
        (T + timedelta(minutes=30) + US, DoseStatus.LATE),  # strictly after the close
        (NEXT - US, DoseStatus.LATE),
        (NEXT, DoseStatus.MISSED),  # the next dose is due: an omission
        (NEXT + timedelta(days=3), DoseStatus.MISSED),
    ],
)
def test_open_dose_at_each_boundary(now, expected):
    assert status_at(now) == expected


@pytest.mark.parametrize(
    ("given_at", "expected"),
    [
        (T - timedelta(minutes=30) - US, DoseStatus.GIVEN_EARLY),
        (T - timedelta(minutes=30), DoseStatus.GIVEN_ON_TIME),
        (T + timedelta(minutes=30), DoseStatus.GIVEN_ON_TIME),
        (T + timedelta(minutes=30) + US, DoseStatus.GIVEN_LATE),
    ],
)
def test_given_at_each_window_edge(given_at, expected):
    admin = AdminFacts(id=1, status="completed", given_at=given_at)
    assert status_at(NEXT + timedelta(days=1), (admin,)) == expected


def test_held_and_refused_are_documented_not_missed():
    held = AdminFacts(id=1, status="not_done", given_at=T, not_done_reason="npo")
    refused = AdminFacts(id=2, status="not_done", given_at=T, not_done_reason="refused")
    assert status_at(NEXT + MIN, (held,)) == DoseStatus.HELD
    assert status_at(NEXT + MIN, (refused,)) == DoseStatus.REFUSED


def test_entered_in_error_reopens_the_dose():
    wrong = AdminFacts(id=1, status="completed", given_at=T)
    fix = AdminFacts(id=2, status="entered_in_error", given_at=T, corrects_id=1)
    assert status_at(T + MIN, (wrong, fix)) == DoseStatus.DUE
    right = AdminFacts(id=3, status="completed", given_at=T + timedelta(minutes=5))
    assert status_at(T + timedelta(minutes=10), (wrong, fix, right)) == DoseStatus.GIVEN_ON_TIME


def test_order_end_makes_an_open_dose_missed():
    ends = T + timedelta(hours=1)
    assert status_at(ends - US, order_ends_at=ends) == DoseStatus.LATE
    assert status_at(ends, order_ends_at=ends) == DoseStatus.MISSED


def test_cancelled_dose():
    assert status_at(T, is_cancelled=True) == DoseStatus.CANCELLED


def test_windows_of_rules_section_1():
    p = st.Policy()
    assert st.window_minutes(st.window_kind("bid", True), p) == 30  # time-critical
    assert st.window_minutes(st.window_kind("q6h", False), p) == 60  # more often than daily
    assert st.window_minutes(st.window_kind("tid", False), p) == 60
    assert st.window_minutes(st.window_kind("daily", False), p) == 120  # daily or less often
    assert st.window_minutes(st.window_kind("weekly", False), p) == 120
    assert st.window_minutes(st.window_kind("q2h", False), p) == 30  # more often than q4h: time-critical (ISMP)
    strict = st.Policy(time_critical_minutes=15, more_than_daily_minutes=45, daily_or_less_minutes=60)
    assert st.window_minutes(st.window_kind("daily", False), strict) == 60


def test_prn_earliest_next():
    assert st.prn_earliest_next(None, 240) is None
    assert st.prn_earliest_next(T, 240) == T + timedelta(hours=4)


def test_alert_check_times():
    closes = T + timedelta(minutes=30)
    args: dict[str, Any] = {"scheduled_at": T, "window_minutes": 30, "next_dose_at": NEXT, "order_ends_at": None}
    assert st.alert_check_at(time_critical=True, late_alerted=False, missed_alerted=False, **args) == closes + US
    assert st.alert_check_at(time_critical=True, late_alerted=True, missed_alerted=False, **args) == NEXT
    assert st.alert_check_at(time_critical=False, late_alerted=False, missed_alerted=False, **args) == NEXT
    assert st.alert_check_at(time_critical=False, late_alerted=False, missed_alerted=True, **args) is None


moments = hs.datetimes(min_value=datetime(2026, 3, 9), max_value=datetime(2026, 3, 12), timezones=hs.just(UTC))


@given(now=moments, minutes=hs.integers(min_value=1, max_value=120), soon=hs.integers(min_value=0, max_value=240))
def test_status_only_moves_forward(now, minutes, soon):
    """As time passes an undocumented dose only moves along
    upcoming → due soon → due → late → missed, never back."""
    order = [DoseStatus.UPCOMING, DoseStatus.DUE_SOON, DoseStatus.DUE, DoseStatus.LATE, DoseStatus.MISSED]
    a = st.dose_status(scheduled_at=T, window_minutes=minutes, now=now, next_dose_at=NEXT, due_soon_minutes=soon)
    b = st.dose_status(
        scheduled_at=T, window_minutes=minutes, now=now + timedelta(minutes=7), next_dose_at=NEXT, due_soon_minutes=soon
    )
    assert order.index(b) >= order.index(a)


@given(now=moments, minutes=hs.integers(min_value=1, max_value=120))
def test_next_change_is_a_real_change(now, minutes):
    """Just before `next_change_at` the status is the same as now; at it, different."""
    kw = {"scheduled_at": T, "window_minutes": minutes, "next_dose_at": NEXT, "due_soon_minutes": 60}
    change = st.next_change_at(now=now, **kw)  # type: ignore[arg-type]
    current = st.dose_status(now=now, **kw)  # type: ignore[arg-type]
    if change is None:
        assert current == DoseStatus.MISSED
        return
    assert st.dose_status(now=change - US, **kw) == current  # type: ignore[arg-type]
    assert st.dose_status(now=change, **kw) != current  # type: ignore[arg-type]


@given(given_at=moments, minutes=hs.integers(min_value=1, max_value=120))
def test_given_status_matches_the_window(given_at, minutes):
    w = st.window(T, minutes)
    s = st.given_status(given_at, w)
    assert (s == DoseStatus.GIVEN_ON_TIME) == w.contains(given_at)
