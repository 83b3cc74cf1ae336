"""Timesheet writes: entering hours, lateness, call-outs, corrections, the
coordinator's decision, and who may do what."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pydantic
import pytest
import time_machine

from caredesk.core import errors
from caredesk.core.models import AuditEvent, Notification
from caredesk.scheduling.models import TimeKind, TimesheetEntry, TimesheetStatus
from caredesk.scheduling.schemas import timesheets as schemas
from caredesk.scheduling.services import timesheets as services
from tests.conftest import make_user
from tests.scheduling.helpers_timesheets import make_staff, scheduled

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 20, 0, tzinfo=UTC)  # 16:00 in Hartford (EDT)
TODAY = date(2026, 3, 11)


@pytest.fixture
def nurse(world):
    return make_staff(world.nurse_a, world.site_a, world.icu_a, number="A-100")


def entry_data(**kw):
    base = {"date": TODAY, "clock_in": time(7, 0), "clock_out": time(15, 30), "break_minutes": 30}
    return schemas.TimesheetEntryCreate(**{**base, **kw})


def test_nurse_records_own_hours_in_local_time(world, nurse):
    entry = services.record_time(world.nurse_a, entry_data(), now=NOW)
    assert entry.staff == nurse and entry.unit == world.icu_a
    assert entry.clock_in == datetime(2026, 3, 11, 11, 0, tzinfo=UTC)  # 07:00 EDT
    assert entry.status == TimesheetStatus.SUBMITTED
    assert entry.late_minutes == 0 and entry.roster_entry is None


def test_late_minutes_against_the_published_shift_with_grace(world, nurse):
    shift = scheduled(nurse, world.icu_a, TODAY, by=world.coordinator_a)
    entry = services.record_time(world.nurse_a, entry_data(clock_in=time(7, 20)), now=NOW)
    assert entry.roster_entry == shift
    assert entry.late_minutes == 20
    other = make_user("nurse_a_two", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
    staff2 = make_staff(other, world.site_a, world.icu_a, number="A-101")
    scheduled(staff2, world.icu_a, TODAY, by=world.coordinator_a)
    within = services.record_time(other, entry_data(clock_in=time(7, 7)), now=NOW)
    assert within.late_minutes == 0  # 7 minutes of grace


def test_night_across_dst_has_its_true_length(world, nurse):
    with time_machine.travel(NOW, tick=False):
        entry = services.record_time(
            world.nurse_a,
            entry_data(date=date(2026, 3, 7), clock_in=time(19), clock_out=time(7), break_minutes=0),
            now=NOW,
        )
    assert entry.clock_in is not None and entry.clock_out is not None
    assert entry.clock_out - entry.clock_in == timedelta(hours=11)  # the clocks sprang forward
    assert entry.date == date(2026, 3, 7)


def test_hours_cannot_be_entered_ahead(world, nurse):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_time(world.nurse_a, entry_data(clock_in=time(19), clock_out=time(23)), now=NOW)
    assert "clock_in" in exc.value.fields


def test_one_entry_per_person_day_unit(world, nurse):
    services.record_time(world.nurse_a, entry_data(), now=NOW)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_time(world.nurse_a, entry_data(), now=NOW)
    assert "date" in exc.value.fields


def test_nurse_enters_own_hours_only(world, nurse):
    other = make_user("nurse_a_three", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
    staff2 = make_staff(other, world.site_a, world.icu_a, number="A-102")
    with pytest.raises(errors.PermissionDenied):
        services.record_time(world.nurse_a, entry_data(staff_id=staff2.pk), now=NOW)
    entry = services.record_time(world.coordinator_a, entry_data(staff_id=staff2.pk), now=NOW)
    assert entry.staff == staff2


def test_another_site_sees_nothing(world, nurse):
    with pytest.raises(errors.NotFound):
        services.record_time(world.coordinator_b, entry_data(staff_id=nurse.pk), now=NOW)
    entry = services.record_time(world.nurse_a, entry_data(), now=NOW)
    with pytest.raises(errors.NotFound):
        services.approve(world.coordinator_b, entry.pk, schemas.TimesheetDecision(version=entry.version), now=NOW)
    with pytest.raises(errors.NotFound):
        services.update_entry(world.director_b, entry.pk, schemas.TimesheetEntryUpdate(version=1), now=NOW)


def test_coordinator_approves_and_the_person_is_told(world, nurse):
    entry = services.record_time(world.nurse_a, entry_data(), now=NOW)
    with pytest.raises(errors.PermissionDenied):
        services.approve(world.nurse_a, entry.pk, schemas.TimesheetDecision(version=entry.version), now=NOW)
    done = services.approve(world.coordinator_a, entry.pk, schemas.TimesheetDecision(version=entry.version), now=NOW)
    assert done.status == TimesheetStatus.APPROVED and done.decided_by == world.coordinator_a
    assert Notification.objects.filter(recipient=world.nurse_a, kind="scheduling.timesheet").count() == 1
    with pytest.raises(errors.ValidationFailed):
        services.approve(world.coordinator_a, entry.pk, schemas.TimesheetDecision(version=done.version), now=NOW)


def test_reject_needs_a_reason_and_tells_it(world, nurse):
    entry = services.record_time(world.nurse_a, entry_data(note="stayed for a rapid response"), now=NOW)
    with pytest.raises(pydantic.ValidationError):
        schemas.TimesheetRejection(version=entry.version)  # type: ignore[call-arg]
    with pytest.raises(errors.ValidationFailed) as refused:
        services.reject(
            world.coordinator_a,
            entry.pk,
            schemas.TimesheetRejection(version=entry.version, decision_reason="   "),
            now=NOW,
        )
    assert "decision_reason" in refused.value.fields
    entry.refresh_from_db()
    assert entry.status == TimesheetStatus.SUBMITTED and entry.decision_reason == ""
    done = services.reject(
        world.coordinator_a,
        entry.pk,
        schemas.TimesheetRejection(version=entry.version, decision_reason="badge shows 08:00"),
        now=NOW,
    )
    assert done.status == TimesheetStatus.REJECTED
    done.refresh_from_db()
    assert done.decision_reason == "badge shows 08:00"
    assert done.note == "stayed for a rapid response"  # the person's own note, untouched
    event = AuditEvent.objects.filter(action="scheduling.reject_time", object_id=str(done.pk)).get()
    after = json.loads(event.after)
    assert after["decision_reason"] == "badge shows 08:00" and "note" not in after
    note = Notification.objects.get(recipient=world.nurse_a, kind="scheduling.timesheet")
    assert note.body == "badge shows 08:00"
    # A rejected day may be entered again.
    again = services.record_time(world.nurse_a, entry_data(clock_in=time(8)), now=NOW)
    assert again.pk != entry.pk


def test_coordinator_correction_keeps_the_persons_note_and_tells_why(world, nurse):
    entry = services.record_time(world.nurse_a, entry_data(note="stayed for a rapid response"), now=NOW)
    with pytest.raises(errors.ValidationFailed) as refused:
        services.update_entry(
            world.coordinator_a,
            entry.pk,
            schemas.TimesheetEntryUpdate(version=entry.version, note="overwritten"),
            now=NOW,
        )
    assert "note" in refused.value.fields
    done = services.update_entry(
        world.coordinator_a,
        entry.pk,
        schemas.TimesheetEntryUpdate(
            version=entry.version, clock_out=time(15), note="stayed for a rapid response", decision_reason="badge 15:00"
        ),
        now=NOW,
    )
    done.refresh_from_db()
    assert done.note == "stayed for a rapid response" and done.decision_reason == "badge 15:00"
    assert done.status == TimesheetStatus.SUBMITTED
    told = Notification.objects.get(recipient=world.nurse_a, kind="scheduling.timesheet")
    assert told.body == "badge 15:00" and "corrected" in told.title
    with pytest.raises(errors.ValidationFailed) as own:
        services.update_entry(
            world.nurse_a, entry.pk, schemas.TimesheetEntryUpdate(version=done.version, decision_reason="x"), now=NOW
        )
    assert "decision_reason" in own.value.fields
    # The person still edits their own note.
    mine = services.update_entry(
        world.nurse_a,
        entry.pk,
        schemas.TimesheetEntryUpdate(version=done.version, note="rapid response, bed 4"),
        now=NOW,
    )
    assert mine.note == "rapid response, bed 4" and mine.decision_reason == "badge 15:00"


def test_nobody_approves_their_own_hours(world):
    make_staff(world.coordinator_a, world.site_a, world.icu_a, number="A-200")
    entry = services.record_time(world.coordinator_a, entry_data(), now=NOW)
    with pytest.raises(errors.PermissionDenied):
        services.approve(world.coordinator_a, entry.pk, schemas.TimesheetDecision(version=entry.version), now=NOW)


def test_edit_own_entry_while_submitted_with_version(world, nurse):
    scheduled(nurse, world.icu_a, TODAY, by=world.coordinator_a)
    entry = services.record_time(world.nurse_a, entry_data(), now=NOW)
    changed = services.update_entry(
        world.nurse_a,
        entry.pk,
        schemas.TimesheetEntryUpdate(version=entry.version, clock_in=time(7, 45)),
        now=NOW,
    )
    assert changed.late_minutes == 45 and changed.version == entry.version + 1
    with pytest.raises(errors.Conflict):
        services.update_entry(
            world.coordinator_a, entry.pk, schemas.TimesheetEntryUpdate(version=entry.version, break_minutes=0), now=NOW
        )
    services.approve(world.coordinator_a, entry.pk, schemas.TimesheetDecision(version=changed.version), now=NOW)
    with pytest.raises(errors.ValidationFailed):
        services.update_entry(
            world.nurse_a, entry.pk, schemas.TimesheetEntryUpdate(version=changed.version + 1, note="x"), now=NOW
        )


def test_call_out_by_the_coordinator(world, nurse):
    shift = scheduled(nurse, world.icu_a, TODAY, by=world.coordinator_a)
    data = schemas.TimesheetCallOut(staff_id=nurse.pk, date=TODAY, reason="sick child")
    with pytest.raises(errors.PermissionDenied):
        services.record_call_out(world.nurse_a, data, now=NOW)
    entry = services.record_call_out(world.coordinator_a, data, now=NOW)
    assert entry.kind == TimeKind.CALL_OUT and entry.roster_entry == shift
    assert entry.clock_in is None and entry.note == "sick child"
    assert entry.status == TimesheetStatus.APPROVED
    assert Notification.objects.filter(recipient=world.nurse_a).count() == 1
    assert TimesheetEntry.objects.filter(staff=nurse).count() == 1
