"""Minutes delivered against prescribed, the shortfall list computed by hand,
weeks in the site's zone (a daylight-saving week too) and a constant number
of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.therapy import queries
from caredesk.therapy import status as st
from caredesk.therapy.models import SessionStatus
from tests.therapy import helpers
from tests.therapy.helpers import irf_rule, make_plan, make_session

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
# Wednesday 4 March 2026, 18:00 in New York (site A); the week runs 2-8 March
# and its Sunday is the day clocks go forward.
NOW = datetime(2026, 3, 4, 18, 0, tzinfo=NY).astimezone(UTC)
WEEK = st.week_of(date(2026, 3, 4), "America/New_York")


ADMITTED = datetime(2026, 2, 1, tzinfo=UTC)


def make_stay(unit, **kw):
    return helpers.make_stay(unit, admitted=kw.pop("admitted", ADMITTED), **kw)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=NY)


def build_week(stay):
    """PT 90 min/day and OT 90 min/day, 5 days, counting towards the 3-h rule."""
    rule = irf_rule()
    pt = make_plan(stay, discipline="pt", rule=rule)
    ot = make_plan(stay, discipline="ot", rule=rule)
    done, missed = SessionStatus.DONE, SessionStatus.MISSED
    for day in (2, 3, 4):  # PT Monday to Wednesday: done, 90 each
        make_session(pt, local(day, 9), minutes=90, status=done, delivered=90)
    for day in (5, 6):  # PT Thursday and Friday: still scheduled
        make_session(pt, local(day, 9), minutes=90)
    make_session(ot, local(2, 13), minutes=90, status=done, delivered=90)
    make_session(ot, local(3, 13), minutes=90, status=missed, reason="patient_unwell")
    make_session(ot, local(4, 13), minutes=90, status=done, delivered=60)
    make_session(ot, local(5, 13), minutes=90)  # Thursday scheduled; nothing on Friday
    make_session(ot, local(6, 13), minutes=90, status=SessionStatus.CANCELLED)
    return pt, ot


def test_minutes_per_discipline_and_day_by_hand(world):
    stay = make_stay(world.icu_a)
    build_week(stay)
    [row] = queries.week_minutes([stay], WEEK, NOW)
    by = {d.discipline: d for d in row.disciplines}
    assert (by["pt"].prescribed, by["pt"].delivered, by["pt"].remaining, by["pt"].gap) == (450, 270, 180, 0)
    assert (by["ot"].prescribed, by["ot"].delivered, by["ot"].remaining, by["ot"].gap) == (450, 150, 90, 210)
    assert by["ot"].missed == 1
    assert [d.delivered for d in row.days] == [180, 90, 150, 0, 0, 0, 0]
    assert [d.planned for d in row.days] == [180, 180, 180, 180, 90, 0, 0]  # the cancelled one does not count
    assert row.prescribed == 900 and row.delivered == 420 and row.remaining == 270 and row.gap == 210
    # Intensity (180 a day on 5 days): projected Mon 180, Tue 90, Wed 150, Thu 180, Fri 90.
    assert row.intensity_so_far is not None and row.intensity_projected is not None
    assert row.intensity_so_far.days_meeting == 1
    assert not row.intensity_projected.met
    assert row.intensity_projected.gap_minutes == 30 + 90 + 90
    assert row.shortfall


def test_shortfall_list_keeps_only_the_short_patients(world):
    short = make_stay(world.icu_a, family="Short")
    build_week(short)
    fine = make_stay(world.icu_a, family="Fine")
    plan = make_plan(fine, discipline="pt", minutes_per_day=None, days_per_week=None, minutes_per_week=120)
    make_session(plan, local(2, 10), minutes=60, status=SessionStatus.DONE, delivered=60)
    make_session(plan, local(6, 10), minutes=60)
    rows = queries.shortfall(world.director_a, world.icu_a, WEEK, NOW)
    assert [r.stay.patient.family_name for r in rows] == ["Short"]
    assert rows[0].gap == 210 and rows[0].intensity_gap == 210


def test_an_overdue_unrecorded_session_no_longer_counts_as_remaining(world):
    stay = make_stay(world.icu_a)
    plan = make_plan(stay, discipline="pt", minutes_per_day=None, days_per_week=None, minutes_per_week=60)
    make_session(plan, local(4, 16), minutes=60)  # ends 17:00, overdue from 18:00 (60 min grace)
    [row] = queries.week_minutes([stay], WEEK, NOW - timedelta(minutes=1))
    assert row.remaining == 60 and row.gap == 0
    [row] = queries.week_minutes([stay], WEEK, NOW)
    assert row.remaining == 0 and row.gap == 60


def test_sessions_fall_in_the_week_of_their_local_day_across_dst(world):
    stay = make_stay(world.icu_a)
    plan = make_plan(stay, discipline="pt", minutes_per_day=None, days_per_week=None, minutes_per_week=100)
    autumn = st.week_of(date(2026, 10, 26), "America/New_York")
    late_sunday = datetime(2026, 11, 1, 23, 0, tzinfo=NY)  # after clocks went back
    early_monday = datetime(2026, 11, 2, 0, 30, tzinfo=NY)
    make_session(plan, late_sunday, minutes=30, status=SessionStatus.DONE, delivered=30)
    make_session(plan, early_monday, minutes=40, status=SessionStatus.DONE, delivered=40)
    later = datetime(2026, 11, 10, tzinfo=UTC)
    [row] = queries.week_minutes([stay], autumn, later)
    assert row.delivered == 30 and row.days[6].delivered == 30
    [row] = queries.week_minutes([stay], autumn.next, later)
    assert row.delivered == 40 and row.days[0].delivered == 40


def test_a_plan_ending_mid_week_and_a_discharge_prescribe_their_share(world):
    stay = make_stay(world.icu_a)
    make_plan(stay, discipline="pt", minutes_per_day=60, days_per_week=5, ends_on=date(2026, 3, 3))
    [row] = queries.week_minutes([stay], WEEK, NOW)
    assert row.prescribed == 120  # Monday and Tuesday
    stay.discharged_at = local(4, 11)
    stay.status = "discharged"
    stay.save()
    other = make_stay(world.icu_a)
    make_plan(other, discipline="ot", minutes_per_day=60, days_per_week=5)
    other.discharged_at = local(3, 11)
    other.save()
    [row] = queries.week_minutes([other], WEEK, NOW)
    assert row.prescribed == 120


def test_week_figures_take_a_constant_number_of_queries(world):
    def run() -> int:
        with CaptureQueriesContext(connection) as ctx:
            rows = queries.unit_week(world.director_a, world.icu_a, WEEK, NOW)
            for r in rows:
                r.as_dict()
        return len(ctx.captured_queries)

    build_week(make_stay(world.icu_a, family="One"))
    run()  # the user's reach is read once, then cached
    small = run()
    for n in range(4):
        build_week(make_stay(world.icu_a, family=f"More{n}"))
    assert run() == small


def test_therapist_day_in_the_site_zone(world):
    from tests.conftest import make_user
    from tests.therapy.helpers import make_therapist

    user = make_user("pt_a", role="clinician", site=world.site_a, unit=world.icu_a, discipline="pt")
    staff = make_therapist(user, world.site_a, world.icu_a)
    plan = make_plan(make_stay(world.icu_a), discipline="pt", therapist=staff)
    make_session(plan, local(4, 9))
    make_session(plan, local(4, 23, 30))  # still Wednesday in New York, Thursday in UTC
    make_session(plan, local(5, 0, 30))
    assert len(queries.therapist_day(user, staff, date(2026, 3, 4))) == 2
