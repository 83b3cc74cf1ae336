"""The board and the late-dose list: right content, constant number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.assignment.models import CareShift, PatientAssignment
from caredesk.medications import queries, schemas, services
from tests.medications.helpers import dose_at, make_order, make_stay

pytestmark = pytest.mark.django_db


def fill(world, meds, n):
    for i in range(n):
        stay = make_stay(world.site_a, world.icu_a, family_name=f"P{i}", admitted_at=meds.now - timedelta(days=5))
        make_order(stay, times=["09:00", "21:00"], starts_at=meds.now - timedelta(days=1), now=meds.now)
        make_order(
            stay,
            drug="Heparin",
            dose="5000",
            dose_unit="units",
            route="sc",
            frequency="q8h",
            time_critical=True,
            starts_at=meds.now - timedelta(days=1),
            now=meds.now,
        )


def board_queries(user, unit_id, now):
    with CaptureQueriesContext(connection) as ctx:
        b = queries.board(user, unit_id, now)
        [v.dose.stay.patient for v in b.items()]
    return len(ctx.captured_queries), b


def test_board_query_count_does_not_grow_with_patients(world, meds, django_assert_max_num_queries):
    fill(world, meds, 5)
    small, b5 = board_queries(world.coordinator_a, world.icu_a.pk, meds.now)
    fill(world, meds, 25)
    world.coordinator_a.__dict__.pop("_caredesk_reach", None)
    large, b30 = board_queries(world.coordinator_a, world.icu_a.pk, meds.now)
    assert b30.patients == 32 and len(b30.items()) > len(b5.items())
    assert small == large
    with django_assert_max_num_queries(8):
        queries.board(world.coordinator_a, world.icu_a.pk, meds.now)


def test_board_groups(world, meds):
    given_dose = dose_at(meds.order, meds.now)
    b = queries.board(world.nurse_a, world.icu_a.pk, meds.now)
    assert [v.dose.pk for v in b.groups["due"]] == [given_dose.pk]
    assert len(b.groups["missed"]) == 2  # yesterday's 09:00 and 21:00: the next ones came
    services.record_administration(
        world.nurse_a,
        given_dose.pk,
        schemas.AdministrationCreate(wristband_id="WB-A1", drug="Metoprolol", dose=Decimal("25"), route="po"),
        now=meds.now,
    )
    b = queries.board(world.nurse_a, world.icu_a.pk, meds.now + timedelta(minutes=5))
    assert b.groups["due"] == [] and [v.dose.pk for v in b.groups["recent"]] == [given_dose.pk]
    soon = queries.board(world.nurse_a, world.icu_a.pk, meds.now + timedelta(hours=10, minutes=30))
    assert [v.dose.scheduled_at for v in soon.groups["due_soon"]] == [meds.now + timedelta(hours=12)]


def test_my_board_shows_only_my_patients(world, meds):
    shift = CareShift.objects.create(
        unit=world.icu_a,
        date=meds.now.date(),
        label="Day",
        starts_at=meds.now - timedelta(hours=6),
        ends_at=meds.now + timedelta(hours=6),
    )
    PatientAssignment.objects.create(
        shift=shift, stay=meds.stay, staff=meds.nurse_staff, source="manual", assigned_at=meds.now
    )
    make_order(meds.other, now=meds.now, times=["09:00", "21:00"], starts_at=meds.now - timedelta(hours=1))
    mine = queries.my_board(world.nurse_a, meds.now)
    assert {v.dose.stay_id for v in mine.items()} == {meds.stay.pk}
    assert mine.items()[0].nurse == str(meds.nurse_staff)
    unit = queries.board(world.nurse_a, world.icu_a.pk, meds.now, nurse=meds.nurse_staff)
    assert {v.dose.stay_id for v in unit.items()} == {meds.stay.pk}
    assert queries.my_board(world.coordinator_a, meds.now).items() == []


def test_late_doses_hospital_wide(world, meds, nurse_4w):
    stay_4w = make_stay(world.site_a, world.ms_a, family_name="FourWest", admitted_at=meds.now - timedelta(days=3))
    make_order(stay_4w, times=["09:00", "21:00"], starts_at=meds.now - timedelta(days=1), now=meds.now)
    later = meds.now + timedelta(hours=2)
    total, views = queries.late_doses(world.director_a, since=meds.now - timedelta(days=1), until=later, now=later)
    assert total == 6 and {str(v.status) for v in views} == {"late", "missed"}
    total, _ = queries.late_doses(world.coordinator_a, since=meds.now - timedelta(days=1), until=later, now=later)
    assert total == 3  # ICU only
    total, views = queries.late_doses(
        world.director_a, since=meds.now - timedelta(days=1), until=later, now=later, kind="late"
    )
    assert total == 2 and all(v.status == "late" for v in views)
    total, _ = queries.late_doses(world.director_b, since=meds.now - timedelta(days=1), until=later, now=later)
    assert total == 0
