"""Shift times across daylight saving, the staff on a shift, the optimiser end
to end (pins, continuity, caps), and assignments by hand with overrides."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from caredesk.assignment import schemas, services
from caredesk.assignment.models import CareShift, PatientAssignment, ShiftStaff
from caredesk.census.models import FlagKind, PatientFlag
from caredesk.core import errors
from caredesk.core.models import AuditEvent
from tests.assignment.helpers import assign, make_bed, make_nurse, make_pack, make_shift, make_stay

pytestmark = pytest.mark.django_db
NY = "America/New_York"
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("day", "start", "hours"),
    [
        (date(2026, 3, 6), time(19), 12),
        (date(2026, 3, 7), time(19), 11),  # 2026-03-08 02:00 springs forward
        (date(2026, 3, 8), time(7), 12),
        (date(2026, 10, 31), time(19), 13),  # 2026-11-01 02:00 falls back
        (date(2026, 11, 1), time(19), 12),
    ],
)
def test_shift_has_its_true_length_across_dst(day, start, hours):
    starts, ends = services.shift_times(NY, day, start, 720)
    assert (ends - starts).total_seconds() / 3600 == hours
    local_start, local_end = starts.astimezone(ZoneInfo(NY)), ends.astimezone(ZoneInfo(NY))
    assert (local_start.hour, local_end.hour) == (start.hour, (start.hour + 12) % 24)


def test_open_care_shift_computes_utc_in_the_site_zone(world):
    pattern = services.create_pattern(
        world.coordinator_a,
        schemas.PatternCreate(
            unit_id=world.icu_a.pk, code="night", name="Night", start_time=time(19), length_minutes=720, is_night=True
        ),
    )
    shift = services.open_care_shift(
        world.coordinator_a,
        schemas.ShiftOpen(unit_id=world.icu_a.pk, shift_pattern_id=pattern.pk, shift_date=date(2026, 3, 7)),
    )
    assert shift.starts_at == datetime(2026, 3, 8, 0, 0, tzinfo=UTC)
    assert shift.ends_at == datetime(2026, 3, 8, 11, 0, tzinfo=UTC)  # 07:00 EDT
    assert shift.is_night
    with pytest.raises(errors.ValidationFailed):
        services.open_care_shift(
            world.coordinator_a,
            schemas.ShiftOpen(unit_id=world.icu_a.pk, shift_pattern_id=pattern.pk, shift_date=date(2026, 3, 7)),
        )


def test_managing_patterns_needs_the_permission(world):
    data = schemas.PatternCreate(unit_id=world.icu_a.pk, code="day", name="Day", start_time=time(7), length_minutes=720)
    with pytest.raises(errors.PermissionDenied):
        services.create_pattern(world.nurse_a, data)
    with pytest.raises(errors.NotFound):
        services.create_pattern(world.director_b, data)


def test_add_staff_checks_who_may_work_the_unit(world):
    shift = make_shift(world.icu_a, datetime(2026, 5, 4, 11, tzinfo=UTC))
    icu = make_nurse(world.site_a, world.icu_a)
    ward = make_nurse(world.site_a, world.ms_a)
    other_site = make_nurse(world.site_b, world.ltc_b)
    row = services.add_staff(
        world.coordinator_a, shift.pk, schemas.ShiftStaffAdd(staff_member_id=icu.pk, is_charge=True)
    )
    assert row.is_charge and row.source == "manual"
    with pytest.raises(errors.ValidationFailed) as exc:
        services.add_staff(world.coordinator_a, shift.pk, schemas.ShiftStaffAdd(staff_member_id=ward.pk))
    assert "oriented" in exc.value.message
    with pytest.raises(errors.ValidationFailed):
        services.add_staff(world.coordinator_a, shift.pk, schemas.ShiftStaffAdd(staff_member_id=other_site.pk))
    with pytest.raises(errors.ValidationFailed):
        services.add_staff(world.coordinator_a, shift.pk, schemas.ShiftStaffAdd(staff_member_id=icu.pk))
    with pytest.raises(errors.PermissionDenied):
        services.add_staff(world.nurse_a, shift.pk, schemas.ShiftStaffAdd(staff_member_id=icu.pk))
    updated = services.update_staff(
        world.coordinator_a,
        shift.pk,
        row.pk,
        schemas.ShiftStaffUpdate(version=row.version, max_patients=1, skills=["Chemotherapy"]),
    )
    assert updated.max_patients == 1 and updated.skills == ["chemotherapy"]


def _icu_scene(world, n_patients=4, n_nurses=2):
    world.icu_a.ratio_pack = make_pack()
    world.icu_a.save()
    start = datetime(2026, 5, 4, 11, tzinfo=UTC)
    nurses = [make_nurse(world.site_a, world.icu_a) for _ in range(n_nurses)]
    stays = [
        make_stay(world.icu_a, make_bed(world.icu_a, f"R{i}", i), admitted_at=start - timedelta(days=2))
        for i in range(n_patients)
    ]
    return start, nurses, stays


def test_optimise_keeps_pins_rewards_continuity_and_holds_caps(world):
    start, nurses, stays = _icu_scene(world, n_patients=4, n_nurses=2)
    previous = make_shift(world.icu_a, start - timedelta(hours=12), nurses, label="Night", is_night=True)
    assign(previous, stays[0], nurses[1])
    assign(previous, stays[3], nurses[0])
    shift = make_shift(world.icu_a, start, nurses, label="Day")
    assign(shift, stays[1], nurses[1], pinned=True)
    outcome = services.optimise_shift(world.coordinator_a, shift.pk, time_limit_s=2)
    assert outcome.result.assignment
    got = dict(PatientAssignment.objects.filter(shift=shift).values_list("stay_id", "staff_id"))
    assert len(got) == 4
    assert got[stays[1].pk] == nurses[1].pk  # pinned
    assert got[stays[0].pk] == nurses[1].pk and got[stays[3].pk] == nurses[0].pk  # continuity
    per_nurse = [list(got.values()).count(n.pk) for n in nurses]
    assert max(per_nurse) <= 2  # ICU 1:2
    shift.refresh_from_db()
    assert shift.last_solve["status"] in ("optimal", "feasible") and "objective" in shift.last_solve
    assert PatientAssignment.objects.get(shift=shift, stay=stays[1]).pinned
    assert AuditEvent.objects.filter(action="assignment.optimise").exists()


def test_optimise_without_enough_nurses_changes_nothing_and_explains(world):
    start, nurses, _stays = _icu_scene(world, n_patients=3, n_nurses=1)
    shift = make_shift(world.icu_a, start, nurses)
    outcome = services.optimise_shift(world.coordinator_a, shift.pk, time_limit_s=1)
    assert not outcome.result.assignment and outcome.explanations
    assert not PatientAssignment.objects.filter(shift=shift).exists()


def test_optimise_is_refused_to_a_clinician_and_to_another_site(world):
    start, nurses, _ = _icu_scene(world, 1, 1)
    shift = make_shift(world.icu_a, start, nurses)
    with pytest.raises(errors.PermissionDenied):
        services.optimise_shift(world.nurse_a, shift.pk)
    with pytest.raises(errors.NotFound):
        services.optimise_shift(world.director_b, shift.pk)


def test_one_to_one_patient_is_alone_with_their_nurse(world):
    start, nurses, stays = _icu_scene(world, n_patients=3, n_nurses=2)
    PatientFlag.objects.create(
        stay=stays[0], kind=FlagKind.ONE_TO_ONE, raised_at=start - timedelta(days=1), raised_by=world.nurse_a
    )
    shift = make_shift(world.icu_a, start, nurses)
    services.optimise_shift(world.coordinator_a, shift.pk, time_limit_s=1)
    got = dict(PatientAssignment.objects.filter(shift=shift).values_list("stay_id", "staff_id"))
    mine = got[stays[0].pk]
    assert list(got.values()).count(mine) == 1


def test_override_breaking_a_cap_needs_a_reason(world):
    start, nurses, stays = _icu_scene(world, n_patients=3, n_nurses=2)
    shift = make_shift(world.icu_a, start, nurses)
    assign(shift, stays[0], nurses[0])
    assign(shift, stays[1], nurses[0])
    with pytest.raises(errors.ValidationFailed) as exc:
        services.assign_patient(world.coordinator_a, shift.pk, stays[2].pk, nurses[0].pk)
    assert "override_reason" in exc.value.fields and "ratio cap" in exc.value.message
    outcome = services.assign_patient(
        world.coordinator_a, shift.pk, stays[2].pk, nurses[0].pk, override_reason="Colleague on break, 20 min"
    )
    assert outcome.warnings and outcome.assignment.override_reason == "Colleague on break, 20 min"
    assert AuditEvent.objects.filter(action="assignment.override").exists()
    fine = services.assign_patient(world.coordinator_a, shift.pk, stays[2].pk, nurses[1].pk, pinned=True)
    assert not fine.warnings and fine.assignment.pinned and fine.assignment.override_reason == ""


def test_skill_mismatch_is_an_override(world):
    start, nurses, _ = _icu_scene(world, n_patients=0, n_nurses=2)
    chemo = make_stay(
        world.icu_a,
        make_bed(world.icu_a, "C1", 9),
        admitted_at=start - timedelta(days=1),
        reason="AML skill:chemotherapy",
    )
    shift = make_shift(world.icu_a, start, nurses)
    ShiftStaff.objects.filter(shift=shift, staff=nurses[1]).update(skills=["chemotherapy"])
    with pytest.raises(errors.ValidationFailed):
        services.assign_patient(world.coordinator_a, shift.pk, chemo.pk, nurses[0].pk)
    assert not services.assign_patient(world.coordinator_a, shift.pk, chemo.pk, nurses[1].pk).warnings


def test_assign_refuses_people_off_shift_and_patients_off_unit(world):
    start, nurses, stays = _icu_scene(world, n_patients=1, n_nurses=2)
    shift = make_shift(world.icu_a, start, nurses[:1])
    with pytest.raises(errors.ValidationFailed):
        services.assign_patient(world.coordinator_a, shift.pk, stays[0].pk, nurses[1].pk)
    elsewhere = make_stay(world.ms_a, admitted_at=start - timedelta(days=1))
    with pytest.raises(errors.ValidationFailed):
        services.assign_patient(world.coordinator_a, shift.pk, elsewhere.pk, nurses[0].pk)


def test_pin_unpin_copy_previous_and_remove_staff(world):
    start, nurses, stays = _icu_scene(world, n_patients=2, n_nurses=2)
    previous = make_shift(world.icu_a, start - timedelta(hours=12), nurses, label="Night")
    assign(previous, stays[0], nurses[0])
    assign(previous, stays[1], nurses[1])
    shift = make_shift(world.icu_a, start, nurses, label="Day")
    assert services.copy_from_previous_shift(world.coordinator_a, shift.pk) == 2
    assert services.pin(world.coordinator_a, shift.pk, stays[0].pk).pinned
    assert not services.unpin(world.coordinator_a, shift.pk, stays[0].pk).pinned
    row = ShiftStaff.objects.get(shift=shift, staff=nurses[0])
    services.remove_staff(world.coordinator_a, shift.pk, row.pk)
    assert not PatientAssignment.objects.filter(shift=shift, staff=nurses[0]).exists()
    assert CareShift.objects.get(pk=shift.pk).staff.count() == 1


def test_background_task_runs_the_optimiser(world):
    from caredesk.assignment.tasks import optimise_shift_task

    start, nurses, _ = _icu_scene(world, n_patients=2, n_nurses=1)
    shift = make_shift(world.icu_a, start, nurses)
    out = optimise_shift_task.call(shift.pk, world.coordinator_a.pk, 1.0)
    assert out["assigned"] == 2
