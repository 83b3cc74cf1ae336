"""The rule check of a roster (scheduling.checks), on hand-made cases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from caredesk.scheduling import checks
from caredesk.scheduling.models import RosterStatus
from tests.scheduling import helpers_rosters as h

pytestmark = pytest.mark.django_db

D = h.MONDAY


def rules_of(problems: list[checks.RuleProblem], *, hard: bool | None = True) -> set[str]:
    return {p.rule for p in problems if hard is None or p.hard == hard}


@pytest.fixture
def unit(world: Any) -> Any:
    day, night = h.patterns(world.icu_a)
    r = h.roster(world.icu_a, world.coordinator_a)
    person = h.nurse(world.site_a, world.icu_a, "rn_check")
    return {"roster": r, "day": day, "night": night, "person": person, "world": world}


def test_a_fine_shift_has_no_problem(unit: Any) -> None:
    assert checks.check_change(unit["roster"], unit["person"], D, unit["day"]) == []


def test_rest_between_night_and_next_morning(unit: Any) -> None:
    h.entry(unit["roster"], unit["person"], D, unit["night"])
    problems = checks.check_change(unit["roster"], unit["person"], D + timedelta(days=1), unit["day"])
    assert "rest" in rules_of(problems)
    msg = next(p.message for p in problems if p.rule == "rest")
    assert "0 h" in msg and "11 h" in msg


def test_rest_across_the_dst_change_uses_real_hours(world: Any) -> None:
    """Day 07:00-19:00 on Saturday, Day 07:00 on Sunday: 12 h of rest on the wall
    clock, but only 11 real hours on the night the clocks go forward (US,
    2027-03-14). With 11 h 30 of rest required, the same pair is fine a week
    before and refused across the change."""
    day, night = h.patterns(world.icu_a)
    pack = h.rules("rost-dst", min_rest_minutes=11 * 60 + 30)
    r = h.roster(world.icu_a, world.coordinator_a)
    person = h.nurse(world.site_a, world.icu_a, "rn_dst", work_rules=pack)
    h.entry(r, person, date(2027, 3, 6), day)
    assert checks.check_change(r, person, date(2027, 3, 7), day) == []
    h.entry(r, person, date(2027, 3, 13), day)
    problems = checks.check_change(r, person, date(2027, 3, 14), day)
    assert rules_of(problems) == {"rest"}
    assert "11 h" in problems[0].message
    # and the night across the change lasts 11 real hours
    facts = checks.load_facts(r, [person.pk])
    start, end = facts.times(date(2027, 3, 13), night.pk)
    assert (end - start).total_seconds() == 11 * 3600


def test_maximum_hours_in_seven_days(unit: Any) -> None:
    r, p, day = unit["roster"], unit["person"], unit["day"]
    for k in range(4):
        h.entry(r, p, D + timedelta(days=k), day)
    # 4 x 12 = 48 h; a fifth day (also the 5th in a row) breaks both limits
    problems = checks.check_change(r, p, D + timedelta(days=4), day)
    assert {"max_week", "consecutive_days"} <= rules_of(problems)


def test_consecutive_days(world: Any) -> None:
    day, _night = h.patterns(world.icu_a)
    pack = h.rules("rost-consec", max_consecutive_days=2, max_minutes_per_week=None)
    r = h.roster(world.icu_a, world.coordinator_a)
    p = h.nurse(world.site_a, world.icu_a, "rn_consec", work_rules=pack)
    h.entry(r, p, D, day)
    h.entry(r, p, D + timedelta(days=1), day)
    problems = checks.check_change(r, p, D + timedelta(days=2), day)
    assert rules_of(problems) == {"consecutive_days"}
    assert "3 days in a row" in problems[0].message


def test_days_off_too_short(world: Any) -> None:
    day, _night = h.patterns(world.icu_a)
    pack = h.rules("rost-off", min_consecutive_days_off=2)
    r = h.roster(world.icu_a, world.coordinator_a)
    p = h.nurse(world.site_a, world.icu_a, "rn_off", work_rules=pack)
    h.entry(r, p, D, day)
    problems = checks.check_change(r, p, D + timedelta(days=2), day)
    assert rules_of(problems) == {"days_off"}


def test_weekends_pro_rata(unit: Any) -> None:
    r, p, day = unit["roster"], unit["person"], unit["day"]
    # 28 days, 2 weekends per 4 weeks: a third weekend is refused
    h.entry(r, p, D + timedelta(days=5), day)  # Sat of week 1
    h.entry(r, p, D + timedelta(days=12), day)  # Sat of week 2
    problems = checks.check_change(r, p, D + timedelta(days=19), day)
    assert rules_of(problems) == {"weekends"}


def test_credential_expired_on_that_date(unit: Any) -> None:
    r, p, day = unit["roster"], unit["person"], unit["day"]
    ctype = h.licence_rule("rn")
    h.credential(p, ctype, issued=date(2025, 1, 1), expires=D + timedelta(days=9))
    assert checks.check_change(r, p, D + timedelta(days=9), day) == []
    problems = checks.check_change(r, p, D + timedelta(days=10), day)
    assert rules_of(problems) == {"credentials"}
    assert "expires" in problems[0].message


def test_approved_leave_blocks_pending_does_not(unit: Any) -> None:
    r, p, day = unit["roster"], unit["person"], unit["day"]
    h.time_off(p, D + timedelta(days=3), D + timedelta(days=5))
    h.time_off(p, D + timedelta(days=8), D + timedelta(days=8), status="pending")
    assert rules_of(checks.check_change(r, p, D + timedelta(days=4), day)) == {"leave"}
    assert checks.check_change(r, p, D + timedelta(days=8), day) == []


def test_required_skill_of_the_shift(unit: Any) -> None:
    r, p, night = unit["roster"], unit["person"], unit["night"]
    night.required_skills = ["critical_care"]
    night.save()
    problems = checks.check_change(r, p, D, night)
    assert rules_of(problems) == {"skills"}


def test_double_booking_on_another_roster(unit: Any) -> None:
    world = unit["world"]
    other_day, _n = h.patterns(world.ms_a)
    other = h.roster(world.ms_a, world.coordinator_a)
    h.entry(other, unit["person"], D + timedelta(days=2), other_day)
    problems = checks.check_change(unit["roster"], unit["person"], D + timedelta(days=2), unit["day"])
    assert "double_booked" in rules_of(problems)
    other.status = RosterStatus.ARCHIVED
    other.save()
    assert "double_booked" not in rules_of(
        checks.check_change(unit["roster"], unit["person"], D + timedelta(days=2), unit["day"])
    )


def test_overtime_and_wishes_are_soft(unit: Any) -> None:
    r, p, day = unit["roster"], unit["person"], unit["day"]
    p.contracted_minutes_per_week = 60  # 4 h a week: any 12-h shift is overtime... over 28 days, 16 h
    p.save()
    h.entry(r, p, D, day)
    h.time_off(p, D + timedelta(days=2), D + timedelta(days=2), status="noted", kind="shift_unwanted")
    problems = checks.check_change(r, p, D + timedelta(days=2), day)
    assert rules_of(problems, hard=False) == {"overtime", "wish"}
    assert rules_of(problems) == set()


def test_check_roster_lists_every_problem(unit: Any) -> None:
    r, p, day, night = unit["roster"], unit["person"], unit["day"], unit["night"]
    h.entry(r, p, D, night)
    h.entry(r, p, D + timedelta(days=1), day)
    h.time_off(p, D + timedelta(days=1), D + timedelta(days=1))
    found = checks.check_roster(r)
    assert {"rest", "leave"} <= rules_of(found)
    assert all(x.staff_id == p.pk for x in found)


def test_charge_skill_comes_with_two_years_as_an_rn(unit: Any) -> None:
    r, p, night = unit["roster"], unit["person"], unit["night"]
    night.required_skills = ["charge"]
    night.save()
    assert checks.check_change(r, p, D, night) == []  # hired in 2020
    p.hire_date = D - timedelta(days=300)
    p.save()
    assert rules_of(checks.check_change(r, p, D, night)) == {"skills"}
