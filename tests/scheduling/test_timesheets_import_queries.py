"""Timesheet import (all or nothing, every refused row named) and the period
queries: overtime by the person's pack, cost only for those who may see it,
a constant number of queries."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.core import errors
from caredesk.scheduling import imports
from caredesk.scheduling.models import TimesheetEntry, TimeSource
from caredesk.scheduling.queries import timesheets as queries
from tests.conftest import make_user
from tests.scheduling.helpers_timesheets import make_entry, make_staff, scheduled

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 20, 0, tzinfo=UTC)
HEADER = "employee_number,date,clock_in,clock_out,break_minutes,unit_code\n"


@pytest.fixture
def nurse(world):
    return make_staff(world.nurse_a, world.site_a, world.icu_a, number="A-100")


def test_import_writes_every_row(world, nurse):
    scheduled(nurse, world.icu_a, date(2026, 3, 9), by=world.coordinator_a)
    content = (HEADER + "A-100,2026-03-09,07:12,19:30,30,A-ICU\nA-100,2026-03-10,19:00,07:00,,a-icu\n").encode()
    report = imports.import_file(world.coordinator_a, world.site_a.pk, "clock.csv", content, dry_run=False, now=NOW)
    assert report.ok and report.written
    rows = list(TimesheetEntry.objects.filter(staff=nurse).order_by("date"))
    assert [r.source for r in rows] == [TimeSource.IMPORT, TimeSource.IMPORT]
    assert rows[0].late_minutes == 12 and rows[0].roster_entry is not None
    assert rows[1].clock_in is not None and rows[1].clock_out is not None
    assert rows[1].clock_out - rows[1].clock_in == timedelta(hours=12)


def test_import_is_all_or_nothing_naming_rows_and_columns(world, nurse):
    content = (
        HEADER
        + "A-100,2026-03-09,07:00,19:00,30,A-ICU\n"
        + "A-999,2026-03-09,07:00,19:00,30,A-ICU\n"
        + "A-100,2026-03-10,7h,19:00,30,A-ICU\n"
        + "A-100,2026-03-08,07:00,19:00,30,B-LTC\n"
    ).encode()
    report = imports.import_file(world.coordinator_a, world.site_a.pk, "clock.csv", content, dry_run=False, now=NOW)
    assert not report.ok and not report.written
    refused = {r.row: [p.column for p in r.problems] for r in report.refused}
    assert refused == {3: ["employee_number"], 4: ["clock_in"], 5: ["unit_code"]}
    assert not TimesheetEntry.objects.exists()
    err = report.as_error()
    assert "row 3: employee_number" in err.fields


def test_import_dry_run_and_xlsx(world, nurse):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["employee_number", "date", "clock_in", "clock_out", "break_minutes", "unit_code"])
    ws.append(["A-100", date(2026, 3, 9), time(7), time(19), 30, "A-ICU"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = imports.import_file(world.coordinator_a, world.site_a.pk, "clock.xlsx", buffer.getvalue(), now=NOW)
    assert report.ok and not report.written and len(report.rows) == 1
    assert not TimesheetEntry.objects.exists()


def test_import_refused_to_a_nurse_and_missing_columns(world, nurse):
    with pytest.raises(errors.PermissionDenied):
        imports.import_file(world.nurse_a, world.site_a.pk, "c.csv", HEADER.encode(), now=NOW)
    with pytest.raises(errors.NotFound):
        imports.import_file(world.coordinator_b, world.site_a.pk, "c.csv", HEADER.encode(), now=NOW)
    report = imports.import_file(world.coordinator_a, world.site_a.pk, "c.csv", b"employee_number,date\n", now=NOW)
    assert {p.column for p in report.problems} == {"clock_in", "clock_out", "unit_code"}


def test_person_period_flsa_overtime(world, nurse):
    sunday = date(2026, 3, 1)
    for i in range(3):
        make_entry(nurse, world.icu_a, sunday + timedelta(days=i), hours=13)
    make_entry(nurse, world.icu_a, sunday + timedelta(days=4), hours=8)
    make_entry(nurse, world.icu_a, sunday + timedelta(days=5), kind="call_out", status="approved")
    period = queries.person_period(world.nurse_a, nurse.pk, sunday)
    assert period.start <= sunday <= period.end
    assert period.result.worked == 47 * 60
    assert period.result.overtime == {"1.5": 7 * 60}
    assert period.call_outs == 1 and period.pending == 4
    assert period.cost is None  # a nurse does not see cost


def test_cost_only_with_view_cost(world, nurse):
    sunday = date(2026, 3, 1)
    make_entry(nurse, world.icu_a, sunday + timedelta(days=1), start=time(9), hours=8)  # Monday 09-17
    coordinator = queries.unit_period(world.coordinator_a, world.icu_a.pk, sunday)
    assert coordinator.cost is None
    director = queries.unit_period(world.director_a, world.icu_a.pk, sunday)
    assert director.cost == 8 * 40  # 8 h x 40.00, no night nor weekend
    with pytest.raises(errors.NotFound):
        queries.person_period(world.director_b, nurse.pk, sunday)
    with pytest.raises(errors.NotFound):
        queries.unit_period(world.nurse_a, world.icu_a.pk, sunday)


def test_unit_period_constant_queries(world, nurse):
    sunday = date(2026, 3, 1)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            period = queries.unit_period(world.coordinator_a, world.icu_a.pk, sunday)
            _ = [row for _p, row in period.grid]
        return len(ctx.captured_queries)

    make_entry(nurse, world.icu_a, sunday, hours=12)
    count()  # the user's permissions are cached on the first call
    small = count()
    for n in range(4):
        user = make_user(f"nurse_a_q{n}", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
        staff = make_staff(user, world.site_a, world.icu_a, number=f"A-3{n}")
        for d in range(3):
            make_entry(staff, world.icu_a, sunday + timedelta(days=d), hours=12)
    assert count() == small
