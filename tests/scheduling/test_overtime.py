"""Overtime by basis, worked by hand (RULES.md §7), and its properties."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.scheduling import overtime as ot

NY = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
SUNDAY = date(2026, 1, 4)  # a Sunday, 14 days after... any Sunday will do for FLSA weeks


def shift(day: date, start: time, hours: float, zone=NY, break_minutes: int = 0) -> ot.Interval:
    begin = datetime.combine(day, start, tzinfo=zone)
    return ot.Interval(begin, (begin.astimezone(ZoneInfo("UTC")) + timedelta(hours=hours)), break_minutes)


def test_flsa_three_13h_and_one_8h_is_7h_overtime():
    ivs = [shift(SUNDAY + timedelta(days=i), time(7), 13) for i in range(3)]
    ivs.append(shift(SUNDAY + timedelta(days=4), time(7), 8))
    r = ot.compute(ivs, basis=ot.FLSA_40, zone=NY)
    assert r.worked == 47 * 60
    assert r.overtime == {ot.RATE_1_5: 7 * 60}
    assert r.regular == 40 * 60


def test_flsa_weeks_are_fixed_not_rolling():
    # 36 h at the end of one workweek + 36 h at the start of the next: no overtime.
    saturday = SUNDAY + timedelta(days=6)
    ivs = [shift(saturday - timedelta(days=i), time(7), 12) for i in range(3)]
    ivs += [shift(saturday + timedelta(days=1 + i), time(7), 12) for i in range(3)]
    r = ot.compute(ivs, basis=ot.FLSA_40, zone=NY)
    assert r.overtime == {}
    assert len(r.blocks) == 2


def test_workweek_start_is_the_employers_choice():
    # Mon..Thu 12 h: one Sunday-week (48 h -> 8 h OT); with weeks starting Wednesday, two blocks of 24 h.
    monday = SUNDAY + timedelta(days=1)
    ivs = [shift(monday + timedelta(days=i), time(7), 12) for i in range(4)]
    assert ot.compute(ivs, basis=ot.FLSA_40, zone=NY).overtime_total == 8 * 60
    assert ot.compute(ivs, basis=ot.FLSA_40, zone=NY, week_start=2).overtime_total == 0


def test_8_80_a_10h_day_gives_2h_even_under_80():
    start = ot.DEFAULT_PERIOD_ANCHOR + timedelta(days=14 * 80)
    ivs = [shift(start + timedelta(days=i), time(7), 8) for i in range(8)]
    ivs.append(shift(start + timedelta(days=9), time(7), 10))
    r = ot.compute(ivs, basis=ot.HOSPITAL_8_80, zone=NY)
    assert r.worked == 74 * 60
    assert r.overtime == {ot.RATE_1_5: 120}


def test_8_80_period_excess_when_it_gives_more():
    start = ot.DEFAULT_PERIOD_ANCHOR
    ivs = [shift(start + timedelta(days=i), time(7), 8) for i in range(11)]  # 88 h, no day over 8
    r = ot.compute(ivs, basis=ot.HOSPITAL_8_80, zone=NY)
    assert r.overtime == {ot.RATE_1_5: 8 * 60}
    # Nine 10-hour days: 18 h daily excess beats 10 h over 80; never 28.
    ivs = [shift(start + timedelta(days=i), time(7), 10) for i in range(9)]
    assert ot.compute(ivs, basis=ot.HOSPITAL_8_80, zone=NY).overtime == {ot.RATE_1_5: 18 * 60}


def test_california_13h_day():
    r = ot.compute([shift(SUNDAY, time(7), 13)], basis=ot.CA_DAILY, zone=NY)
    assert r.overtime == {ot.RATE_1_5: 4 * 60, ot.RATE_2_0: 60}
    assert r.regular == 8 * 60


def test_california_weekly_40_not_double_counted():
    # Five 10 h days: 10 h daily OT; straight time 40 h -> no weekly OT on top.
    ivs = [shift(SUNDAY + timedelta(days=i), time(7), 10) for i in range(5)]
    assert ot.compute(ivs, basis=ot.CA_DAILY, zone=NY).overtime == {ot.RATE_1_5: 10 * 60}
    # Six 8 h days: 48 h straight -> 8 h over 40 at 1.5.
    ivs = [shift(SUNDAY + timedelta(days=i), time(7), 8) for i in range(6)]
    assert ot.compute(ivs, basis=ot.CA_DAILY, zone=NY).overtime == {ot.RATE_1_5: 8 * 60}


def test_california_seventh_consecutive_day():
    ivs = [shift(SUNDAY + timedelta(days=i), time(7), 4) for i in range(6)]
    ivs.append(shift(SUNDAY + timedelta(days=6), time(7), 9))
    r = ot.compute(ivs, basis=ot.CA_DAILY, zone=NY)
    assert r.overtime == {ot.RATE_1_5: 8 * 60, ot.RATE_2_0: 60}


def test_fr_overtime_beyond_planned_and_48h_warning():
    monday = date(2026, 3, 2)
    ivs = [shift(monday + timedelta(days=i), time(7), 12.5, zone=PARIS, break_minutes=30) for i in range(4)]
    r = ot.compute(ivs, basis=ot.FR_FPH, zone=PARIS, week_start=0, planned_minutes_per_week=35 * 60)
    assert r.worked == 48 * 60
    assert r.overtime == {ot.RATE_FR: 13 * 60}
    assert not [w for w in r.warnings if w.code == "fr_week_48"]  # 48 h is the limit, not over it
    ivs.append(shift(monday + timedelta(days=4), time(7), 2, zone=PARIS))
    r = ot.compute(ivs, basis=ot.FR_FPH, zone=PARIS, week_start=0, planned_minutes_per_week=35 * 60)
    codes = [w.code for w in r.warnings]
    assert codes.count("fr_week_48") == 1
    assert "fr_amplitude_12" in codes  # 12.5 h from clock-in to clock-out


def test_fr_break_warning_and_average():
    monday = date(2026, 3, 2)
    r = ot.compute([shift(monday, time(7), 7, zone=PARIS)], basis=ot.FR_FPH, zone=PARIS)
    assert [w.code for w in r.warnings] == ["fr_break_20"]
    ivs = [
        shift(monday + timedelta(weeks=w, days=d), time(8), 12, zone=PARIS, break_minutes=30)
        for w in range(12)
        for d in range(4)
    ]
    r = ot.compute(ivs, basis=ot.FR_FPH, zone=PARIS, week_start=0)
    assert "fr_average_44" in [w.code for w in r.warnings]


def test_pack_limits_are_warnings_for_any_basis():
    ivs = [shift(SUNDAY + timedelta(days=i), time(7), 13) for i in range(4)]
    r = ot.compute(ivs, basis=ot.NONE, zone=NY, max_day_minutes=12 * 60, max_week_minutes=48 * 60)
    assert r.overtime == {} and r.regular == r.worked
    codes = [w.code for w in r.warnings]
    assert codes.count("day_max") == 4
    assert codes.count("week_max") == 1


@pytest.mark.parametrize(("day", "hours"), [(date(2026, 3, 7), 11), (date(2026, 10, 31), 13)])
def test_night_across_dst_has_its_true_length(day, hours):
    begin = datetime.combine(day, time(19), tzinfo=NY)
    end = datetime.combine(day + timedelta(days=1), time(7), tzinfo=NY)
    iv = ot.Interval(begin, end)
    assert iv.worked_minutes() == hours * 60
    r = ot.compute([iv], basis=ot.FLSA_40, zone=NY)
    assert r.days == {day: hours * 60}  # counted in the workday it starts in


def test_night_and_weekend_minutes():
    friday = date(2026, 1, 9)
    iv = ot.Interval(datetime.combine(friday, time(19), tzinfo=NY), datetime.combine(friday, time(23), tzinfo=NY))
    assert ot.night_weekend_minutes(iv, NY) == (240, 0)
    iv = ot.Interval(
        datetime.combine(friday, time(23), tzinfo=NY), datetime.combine(friday + timedelta(days=1), time(9), tzinfo=NY)
    )
    assert ot.night_weekend_minutes(iv, NY) == (8 * 60, 9 * 60)


# --- properties ------------------------------------------------------------------------

shifts = st.lists(
    st.tuples(st.integers(0, 27), st.integers(0, 23), st.integers(30, 16 * 60), st.integers(0, 60)),
    max_size=20,
)


def _intervals(spec: list[tuple[int, int, int, int]]) -> list[ot.Interval]:
    out = []
    for day, hour, minutes, brk in spec:
        begin = datetime.combine(SUNDAY + timedelta(days=day), time(hour), tzinfo=NY)
        out.append(ot.Interval(begin, begin + timedelta(minutes=minutes), brk))
    return out


@settings(max_examples=150, deadline=None)
@given(spec=shifts, basis=st.sampled_from(ot.BASES))
def test_totals_conserve_minutes_and_are_never_negative(spec, basis):
    ivs = _intervals(spec)
    r = ot.compute(ivs, basis=basis, zone=NY)
    assert r.worked == sum(iv.worked_minutes() for iv in ivs)
    assert r.regular + r.overtime_total == r.worked
    assert r.regular >= 0
    assert all(m > 0 for m in r.overtime.values())
    assert sum(b.worked for b in r.blocks) == r.worked


@settings(max_examples=150, deadline=None)
@given(spec=shifts, extra=st.tuples(st.integers(0, 27), st.integers(0, 23), st.integers(30, 12 * 60)))
@pytest.mark.parametrize("basis", [ot.FLSA_40, ot.HOSPITAL_8_80, ot.CA_DAILY, ot.FR_FPH])
def test_overtime_is_monotonic_in_added_hours(spec, extra, basis):
    before = ot.compute(_intervals(spec), basis=basis, zone=NY)
    after = ot.compute(_intervals([*spec, (*extra, 0)]), basis=basis, zone=NY)
    assert after.overtime_total >= before.overtime_total
    assert after.worked >= before.worked
