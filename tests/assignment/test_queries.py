"""The reads other apps rely on, at the exact boundaries: a shift runs from its
start (inclusive) to its end (exclusive)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.assignment import queries
from caredesk.assignment.models import ShiftStaff
from tests.assignment.helpers import assign, make_bed, make_nurse, make_pack, make_shift, make_stay

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")
START = datetime(2026, 5, 4, 11, tzinfo=UTC)
MS = timedelta(microseconds=1)


@pytest.fixture
def scene(world):
    world.icu_a.ratio_pack = make_pack()
    world.icu_a.save()
    a, b = make_nurse(world.site_a, world.icu_a), make_nurse(world.site_a, world.icu_a)
    stays = [
        make_stay(world.icu_a, make_bed(world.icu_a, f"R{i}", i), admitted_at=START - timedelta(days=1))
        for i in range(3)
    ]
    day = make_shift(world.icu_a, START, [a, b], label="Day", charge=a)
    night = make_shift(world.icu_a, START + timedelta(hours=12), [b], label="Night")
    assign(day, stays[0], a)
    assign(day, stays[1], b)
    assign(night, stays[0], b)
    return world, a, b, stays, day, night


def test_current_shift_start_inclusive_end_exclusive(scene):
    world, _a, _b, _s, day, night = scene
    assert queries.current_shift(world.icu_a, START - MS) is None
    assert queries.current_shift(world.icu_a, START) == day
    assert queries.current_shift(world.icu_a, day.ends_at - MS) == day
    assert queries.current_shift(world.icu_a, day.ends_at) == night
    assert queries.current_shift(world.ms_a, START) is None


def test_nurse_for_follows_the_running_shift(scene):
    _w, a, b, stays, day, _night = scene
    assert queries.nurse_for(stays[0], START - MS) is None
    assert queries.nurse_for(stays[0], START) == a
    assert queries.nurse_for(stays[0], day.ends_at - MS) == a
    assert queries.nurse_for(stays[0], day.ends_at) == b
    assert queries.nurse_for(stays[2], START) is None


def test_nurses_for_is_batched(scene):
    _w, a, b, stays, _day, _night = scene
    with CaptureQueriesContext(connection) as ctx:
        found = queries.nurses_for(stays, START + timedelta(hours=1))
    assert found == {stays[0].pk: a, stays[1].pk: b}
    assert len(ctx.captured_queries) == 1
    assert queries.nurses_for([], START) == {}


def test_charge_for_is_the_charge_nurse_else_the_coordinators(scene):
    world, a, _b, _s, day, _night = scene
    assert queries.charge_for(world.icu_a, START) == [a.user]
    # The night has no charge nurse: the unit's coordinator (and site-level ones) answer.
    assert queries.charge_for(world.icu_a, day.ends_at) == [world.coordinator_a]
    assert queries.charge_for(world.icu_a, START - MS) == [world.coordinator_a]


def test_workload_counts_points_caps_and_warnings(scene):
    _world, a, b, stays, day, _night = scene
    assign(day, stays[2], a)
    ShiftStaff.objects.filter(shift=day, staff=a).update(max_patients=1)
    board = queries.workload(day)
    loads = {n.row.staff_id: n for n in board.nurses}
    assert loads[a.pk].count == 2 and loads[a.pk].cap == 1 and loads[a.pk].over_cap
    assert loads[a.pk].warnings and loads[b.pk].cap == 2 and not loads[b.pk].warnings
    assert loads[a.pk].points == 2
    assert not board.unassigned


def test_history_feeds_continuity(scene):
    _w, _a, b, stays, day, night = scene
    assert [x.shift_id for x in queries.history(stays[0])] == [night.pk, day.pk]
    later = make_shift(scene[0].icu_a, START + timedelta(hours=24), [b], label="Day 2")
    assert queries.previous_nurses(later, [stays[0].pk, stays[1].pk]) == {stays[0].pk: b.pk}
