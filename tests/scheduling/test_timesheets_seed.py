"""The demo timesheets: from the care shifts already worked (or the published
roster), deterministic, idempotent."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from caredesk.assignment.models import CareShift, ShiftStaff
from caredesk.core.seeding import SeedContext, SeedReport
from caredesk.org.models import Unit
from caredesk.scheduling.models import TimeKind, TimesheetEntry, TimesheetStatus
from caredesk.scheduling.seeding import timesheets as seed
from tests.conftest import make_user
from tests.scheduling.helpers_timesheets import local, make_staff, scheduled

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 20, 0, tzinfo=UTC)


def ctx(world):
    return SeedContext(
        scale=1, seed=1, rng=random.Random(1), report=SeedReport(), shared={"new_pairs": [(0, world.site_a, None)]}
    )


def test_seed_from_care_shifts_and_roster(world):
    icu = Unit.objects.create(site=world.site_a, name="Intensive Care", code="ICU", kind="icu")
    people = []
    for n in range(4):
        user = make_user(f"seed_nurse_{n}", role="clinician", site=world.site_a, unit=icu, discipline="rn")
        people.append(make_staff(user, world.site_a, icu, number=f"S-{n}"))
    today = NOW.date()
    for d in range(1, 8):
        day = today - timedelta(days=d)
        start = local(world.site_a, day, time(7))
        shift = CareShift.objects.create(
            unit=icu, date=day, label="Day", starts_at=start, ends_at=start + timedelta(hours=12)
        )
        for p in people[:3]:
            ShiftStaff.objects.create(shift=shift, staff=p)
    roster_day = today - timedelta(days=10)
    scheduled(people[3], icu, roster_day, by=world.coordinator_a)
    with time_machine.travel(NOW, tick=False):
        seed.run(ctx(world))
        seed.run(ctx(world))  # idempotent
    rows = TimesheetEntry.objects.filter(unit=icu)
    assert rows.count() == 7 * 3 + 1
    assert rows.filter(kind=TimeKind.CALL_OUT).count() == 1
    assert rows.filter(roster_entry__isnull=False, date=roster_day).count() == 1
    assert rows.filter(status=TimesheetStatus.SUBMITTED).exists()
    assert rows.filter(status=TimesheetStatus.APPROVED).exists()
    for e in rows.exclude(kind=TimeKind.CALL_OUT):
        assert e.clock_in is not None and e.clock_out is not None
