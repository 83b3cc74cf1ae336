"""Timesheet pages: My hours (phone), the unit's period with inline decisions,
call-outs and import, a person's period."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caredesk.scheduling.models import TimesheetEntry, TimesheetStatus
from tests.scheduling.helpers_timesheets import make_entry, make_staff

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def nurse(world):
    return make_staff(world.nurse_a, world.site_a, world.icu_a, number="A-100")


def test_my_hours_form_records_own_hours(client, world, nurse):
    client.force_login(world.nurse_a)
    url = reverse("scheduling:timesheets_mine")
    assert client.get(url).status_code == 200
    r = client.post(
        url, {"date": "2026-03-11", "clock_in": "07:00", "clock_out": "15:00", "break_minutes": "30", "kind": "worked"}
    )
    assert r.status_code == 302
    page = client.get(url).content.decode()
    assert "07:00–15:00" in page and "Submitted" in page


def test_my_hours_shows_errors(client, world, nurse):
    client.force_login(world.nurse_a)
    r = client.post(
        reverse("scheduling:timesheets_mine"),
        {"date": "2026-03-11", "clock_in": "19:00", "clock_out": "23:00", "break_minutes": "0", "kind": "worked"},
    )
    assert r.status_code == 200 and "ahead" in r.content.decode()
    assert not TimesheetEntry.objects.exists()


def test_unit_page_for_the_coordinator_only(client, world, nurse):
    make_entry(nurse, world.icu_a, date(2026, 3, 10), hours=12)
    url = reverse("scheduling:timesheets_unit", args=[world.icu_a.pk])
    client.force_login(world.nurse_a)
    assert client.get(url).status_code == 404
    client.force_login(world.coordinator_a)
    page = client.get(url + "?day=2026-03-10").content.decode()
    assert "pending-table" in page and "Nurse A" in page and "Labour cost" not in page
    client.force_login(world.director_a)
    assert "Labour cost" in client.get(url + "?day=2026-03-10").content.decode()


def test_inline_approve_and_reject_with_htmx(client, world, nurse):
    first = make_entry(nurse, world.icu_a, date(2026, 3, 9), hours=12)
    second = make_entry(nurse, world.icu_a, date(2026, 3, 10), hours=12)
    client.force_login(world.nurse_a)
    r = client.post(reverse("scheduling:timesheets_approve", args=[first.pk]), {"version": first.version})
    assert r.status_code == 403
    client.force_login(world.coordinator_a)
    r = client.post(
        reverse("scheduling:timesheets_approve", args=[first.pk]), {"version": first.version}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200 and "Approved" in r.content.decode()
    r = client.post(
        reverse("scheduling:timesheets_reject", args=[second.pk]), {"version": second.version}, HTTP_HX_REQUEST="true"
    )
    assert "Say why the hours are rejected" in r.content.decode()
    r = client.post(
        reverse("scheduling:timesheets_reject", args=[second.pk]),
        {"version": second.version, "decision_reason": "double entry"},
        HTTP_HX_REQUEST="true",
    )
    assert "Rejected: double entry" in r.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (TimesheetStatus.APPROVED, TimesheetStatus.REJECTED)


def test_rejection_reason_shown_to_the_person_and_the_unit(client, world, nurse):
    entry = make_entry(nurse, world.icu_a, date(2026, 3, 10), hours=12)
    TimesheetEntry.objects.filter(pk=entry.pk).update(note="my own words")
    client.force_login(world.coordinator_a)
    r = client.post(
        reverse("scheduling:timesheets_reject", args=[entry.pk]),
        {"version": entry.version, "decision_reason": "no badge record"},
    )
    assert r.status_code == 302
    person = client.get(reverse("scheduling:timesheets_person", args=[nurse.pk]) + "?day=2026-03-10").content.decode()
    assert "Rejected: no badge record" in person and "my own words" in person
    client.force_login(world.nurse_a)
    mine = client.get(reverse("scheduling:timesheets_mine")).content.decode()
    assert "Rejected: no badge record" in mine and "my own words" in mine


def test_coordinator_correction_form_asks_a_reason_not_the_note(client, world, nurse):
    entry = make_entry(nurse, world.icu_a, date(2026, 3, 10), hours=12)
    TimesheetEntry.objects.filter(pk=entry.pk).update(note="my own words")
    url = reverse("scheduling:timesheets_edit", args=[entry.pk])
    client.force_login(world.coordinator_a)
    page = client.get(url).content.decode()
    assert 'name="decision_reason"' in page and 'name="note"' not in page and "my own words" in page
    r = client.post(
        url,
        {
            "version": entry.version,
            "clock_in": "07:00",
            "clock_out": "18:00",
            "break_minutes": "0",
            "decision_reason": "left at 18:00",
        },
    )
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.note == "my own words" and entry.decision_reason == "left at 18:00"
    client.force_login(world.nurse_a)
    page = client.get(url).content.decode()
    assert 'name="note"' in page and 'name="decision_reason"' not in page
    assert "Corrected by the coordinator: left at 18:00" in page


def test_call_out_and_import_errors_on_the_unit_page(client, world, nurse):
    client.force_login(world.coordinator_a)
    r = client.post(
        reverse("scheduling:timesheets_call_out", args=[world.icu_a.pk]),
        {"staff": nurse.pk, "date": "2026-03-11", "reason": "sick", "notify": "on"},
    )
    assert r.status_code == 302
    assert TimesheetEntry.objects.get().kind == "call_out"
    bad = SimpleUploadedFile(
        "clock.csv",
        b"employee_number,date,clock_in,clock_out,break_minutes,unit_code\nA-100,2026-03-10,07:00,19:00,x,A-ICU\n",
    )
    r = client.post(reverse("scheduling:timesheets_import", args=[world.icu_a.pk]), {"file": bad})
    page = r.content.decode()
    assert r.status_code == 422 and "Row 2, column break_minutes" in page
    assert TimesheetEntry.objects.count() == 1


def test_person_period_page(client, world, nurse):
    make_entry(nurse, world.icu_a, date(2026, 3, 8), hours=13)
    url = reverse("scheduling:timesheets_person", args=[nurse.pk])
    client.force_login(world.nurse_a)
    page = client.get(url).content.decode()
    assert "period-blocks" in page and "13" in page
    client.force_login(world.director_b)
    assert client.get(url).status_code == 404
