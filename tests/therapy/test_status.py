"""The pure functions: session state at its boundaries, ISO weeks in the
site's zone across daylight saving, prescriptions and intensity rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from caredesk.therapy import status as st

NY = "America/New_York"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_session_state_at_each_boundary():
    start = at(2026, 3, 4, 14, 0)
    grace = timedelta(minutes=60)
    state = lambda now: st.session_state("scheduled", start, 45, now, grace)  # noqa: E731
    assert state(start - timedelta(seconds=1)) == st.UPCOMING
    assert state(start) == st.IN_PROGRESS
    assert state(start + timedelta(minutes=45)) == st.TO_RECORD
    assert state(start + timedelta(minutes=105) - timedelta(seconds=1)) == st.TO_RECORD
    assert state(start + timedelta(minutes=105)) == st.OVERDUE
    assert st.session_state("done", start, 45, start + timedelta(days=1), grace) == "done"
    assert st.overdue_at(start, 45, grace) == start + timedelta(minutes=105)


def test_grace_is_a_setting(settings):
    settings.CAREDESK_THERAPY_RECORD_GRACE_MINUTES = 15
    assert st.record_grace() == timedelta(minutes=15)
    start = at(2026, 3, 4, 14, 0)
    assert st.session_state("scheduled", start, 30, start + timedelta(minutes=45)) == st.OVERDUE


def test_iso_week_starts_monday_in_the_site_zone():
    # Sunday 23:30 in New York is already Monday in UTC: still the week before.
    sunday_night = at(2026, 3, 2, 4, 30)  # 2026-03-01 23:30 EST
    week = st.week_at(sunday_night, NY)
    assert week.monday == date(2026, 2, 23) and week.label == "2026-W09"
    assert st.week_at(at(2026, 3, 2, 5, 0), NY).monday == date(2026, 3, 2)


def test_a_week_across_daylight_saving_has_its_true_length():
    spring = st.week_of(date(2026, 3, 4), NY)  # clocks go forward on Sunday 8 March
    assert spring.end - spring.start == timedelta(hours=167)
    autumn = st.week_of(date(2026, 10, 28), NY)  # back on Sunday 1 November
    assert autumn.end - autumn.start == timedelta(hours=169)
    # Sunday 1 November 23:30 EST (after the change) is in that week, Monday 00:30 is not.
    assert autumn.local_day(at(2026, 11, 2, 4, 30)) == date(2026, 11, 1)
    assert autumn.start <= at(2026, 11, 2, 4, 30) < autumn.end
    assert not at(2026, 11, 2, 5, 30) < autumn.end
    day_start, day_end = st.day_bounds(date(2026, 11, 1), NY)
    assert day_end - day_start == timedelta(hours=25)


def test_prescribed_minutes_full_and_partial_weeks():
    week = st.week_of(date(2026, 3, 2), NY)
    kw: dict[str, Any] = {"minutes_per_week": None, "minutes_per_day": 90, "days_per_week": 5, "week": week}
    assert st.prescribed_minutes(starts_on=date(2026, 1, 1), ends_on=None, **kw) == 450
    # Starting on Thursday: 4 days left, 90 a day on at most 4 days.
    assert st.prescribed_minutes(starts_on=date(2026, 3, 5), ends_on=None, **kw) == 360
    assert st.prescribed_minutes(starts_on=date(2026, 3, 9), ends_on=None, **kw) == 0
    weekly: dict[str, Any] = {"minutes_per_week": 700, "minutes_per_day": None, "days_per_week": None, "week": week}
    assert st.prescribed_minutes(starts_on=date(2026, 1, 1), ends_on=None, **weekly) == 700
    assert st.prescribed_minutes(starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 3), **weekly) == 200


def test_intensity_three_hours_on_five_days():
    rule = {"minutes_per_day": 180, "days_per_week": 5, "minutes_per_week": None}
    met = st.intensity([180, 200, 180, 185, 180, 0, 0], **rule)
    assert met.met and met.days_meeting == 5 and met.gap_minutes == 0
    short = st.intensity([180, 90, 150, 180, 90, 0, 0], **rule)
    assert not short.met and short.days_meeting == 2
    assert short.gap_minutes == 0 + 0 + 30 + 90 + 90
    # 900 minutes but only on 3 days: the daily rule is not met.
    assert not st.intensity([300, 300, 300, 0, 0, 0, 0], **rule).met


def test_intensity_weekly_alternative():
    rule = {"minutes_per_day": None, "days_per_week": None, "minutes_per_week": 900}
    assert st.intensity([300, 300, 300], **rule).met
    assert st.intensity([300, 300], **rule).gap_minutes == 300
    both = {"minutes_per_day": 180, "days_per_week": 5, "minutes_per_week": 900}
    assert st.intensity([300, 300, 300, 0, 0, 0, 0], **both).met  # met by the weekly alternative
