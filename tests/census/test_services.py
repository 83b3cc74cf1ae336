"""Census services: admission, transfer, discharge, acuity, flags, contacts, scales."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from caredesk.census import schemas, services
from caredesk.census.models import (
    CodeStatus,
    FlagKind,
    IsolationType,
    MovementKind,
    Patient,
    PatientFlag,
    Stay,
    StayMovement,
)
from caredesk.core import clock, errors
from caredesk.core.models import AuditEvent
from tests.census.helpers import (
    admit_patient,
    make_bed,
    make_checklist_scale,
    make_contact,
    make_flag,
    make_level_scale,
    make_patient,
)

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[list, list, int]:
    return (list(Stay.objects.values()), list(StayMovement.objects.values()), AuditEvent.objects.count())


# --- patients ----------------------------------------------------------------------------


def test_register_patient_defaults_the_wristband_to_the_mrn(world):
    data = schemas.PatientCreate(
        site_id=world.site_a.pk, mrn=" A-1001 ", family_name="Okafor", given_name="Ngozi", birth_date=date(1961, 3, 2)
    )
    patient = services.register_patient(world.coordinator_a, data)
    assert patient.mrn == "A-1001" and patient.wristband_id == "A-1001"
    assert AuditEvent.objects.filter(action="census.register_patient", object_id=str(patient.pk)).exists()


def test_register_patient_refuses_a_duplicate_mrn_whatever_its_case(world):
    make_patient(world.site_a, mrn="abc-1")
    data = schemas.PatientCreate(
        site_id=world.site_a.pk, mrn="ABC-1", family_name="X", given_name="Y", birth_date=date(1970, 1, 1)
    )
    with pytest.raises(errors.ValidationFailed) as exc:
        services.register_patient(world.director_a, data)
    assert "mrn" in exc.value.fields


def test_register_patient_refuses_a_future_birth_date_and_contradictory_allergies(world):
    base = {"site_id": world.site_a.pk, "mrn": "N1", "family_name": "X", "given_name": "Y"}
    with pytest.raises(errors.ValidationFailed) as exc:
        services.register_patient(world.director_a, schemas.PatientCreate(**base, birth_date=date(2999, 1, 1)))
    assert "birth_date" in exc.value.fields
    with pytest.raises(errors.ValidationFailed) as exc:
        services.register_patient(
            world.director_a,
            schemas.PatientCreate(**base, birth_date=date(1990, 1, 1), allergies="Penicillin", no_known_allergies=True),
        )
    assert "no_known_allergies" in exc.value.fields
    assert not Patient.objects.exists()


@pytest.mark.parametrize("persona", ["nurse_a", "hr_a", "finance_a", "auditor_a"])
def test_register_patient_is_refused_without_census_admit(world, persona):
    data = schemas.PatientCreate(
        site_id=world.site_a.pk, mrn="Z1", family_name="X", given_name="Y", birth_date=date(1970, 1, 1)
    )
    with pytest.raises(errors.PermissionDenied):
        services.register_patient(world.persona(persona), data)


def test_register_patient_on_another_site_is_not_found(world):
    data = schemas.PatientCreate(
        site_id=world.site_a.pk, mrn="Z1", family_name="X", given_name="Y", birth_date=date(1970, 1, 1)
    )
    with pytest.raises(errors.NotFound):
        services.register_patient(world.director_b, data)


def test_update_patient_splits_identity_and_clinical_fields(world):
    stay = admit_patient(world.icu_a)
    patient = stay.patient
    # A nurse of the unit records an allergy and the code status...
    updated = services.update_patient(
        world.nurse_a, patient.pk, schemas.PatientUpdate(version=1, allergies="Latex", code_status=CodeStatus.DNR)
    )
    assert updated.allergies == "Latex" and updated.version == 2
    # ...but may not change the identity.
    with pytest.raises(errors.PermissionDenied):
        services.update_patient(world.nurse_a, patient.pk, schemas.PatientUpdate(version=2, family_name="Other"))
    # The coordinator may; a stale version is refused.
    with pytest.raises(errors.Conflict):
        services.update_patient(world.coordinator_a, patient.pk, schemas.PatientUpdate(version=1, family_name="New"))
    services.update_patient(world.coordinator_a, patient.pk, schemas.PatientUpdate(version=2, family_name="New"))
    patient.refresh_from_db()
    assert patient.family_name == "New" and patient.allergies == "Latex"


# --- admission, transfer, discharge --------------------------------------------------------


def test_admit_creates_the_stay_and_its_admission_movement(world):
    patient = make_patient(world.site_a)
    stay = services.admit(
        world.coordinator_a,
        schemas.StayAdmit(patient_id=patient.pk, unit_id=world.icu_a.pk, bed_id=world.bed_a.pk, reason="Sepsis"),
    )
    assert stay.bed_id == world.bed_a.pk and stay.status == "admitted"
    [move] = stay.movements.all()
    assert move.kind == MovementKind.ADMISSION and move.to_bed_id == world.bed_a.pk
    assert move.recorded_by_id == world.coordinator_a.pk
    assert AuditEvent.objects.filter(action="census.admit").count() == 1


def test_admit_refuses_an_occupied_bed_and_changes_nothing(world):
    admit_patient(world.icu_a, world.bed_a)
    other = make_patient(world.site_a)
    before = _snapshot()
    with pytest.raises(errors.ValidationFailed) as exc:
        services.admit(
            world.coordinator_a, schemas.StayAdmit(patient_id=other.pk, unit_id=world.icu_a.pk, bed_id=world.bed_a.pk)
        )
    assert exc.value.fields == {"bed_id": ["bed A201-A is occupied"]}
    assert _snapshot() == before


def test_admit_refuses_a_patient_already_admitted(world):
    stay = admit_patient(world.ms_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.admit(world.director_a, schemas.StayAdmit(patient_id=stay.patient_id, unit_id=world.icu_a.pk))
    assert "patient_id" in exc.value.fields and "4 West" in exc.value.fields["patient_id"][0]


def test_admit_refuses_a_bed_of_another_unit_or_out_of_service(world):
    patient = make_patient(world.site_a)
    other_bed = make_bed(world.ms_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.admit(
            world.director_a, schemas.StayAdmit(patient_id=patient.pk, unit_id=world.icu_a.pk, bed_id=other_bed.pk)
        )
    assert "bed_id" in exc.value.fields
    world.bed_a.is_active = False
    world.bed_a.save()
    with pytest.raises(errors.ValidationFailed) as exc:
        services.admit(
            world.director_a, schemas.StayAdmit(patient_id=patient.pk, unit_id=world.icu_a.pk, bed_id=world.bed_a.pk)
        )
    assert exc.value.fields["bed_id"] == ["this bed is out of service"]


def test_admit_refuses_a_patient_of_another_site_and_a_future_time(world):
    foreign = make_patient(world.site_b)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.admit(world.director_a, schemas.StayAdmit(patient_id=foreign.pk, unit_id=world.icu_a.pk))
    assert "patient_id" in exc.value.fields
    patient = make_patient(world.site_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.admit(
            world.director_a,
            schemas.StayAdmit(
                patient_id=patient.pk, unit_id=world.icu_a.pk, admitted_at=clock.now() + timedelta(hours=2)
            ),
        )
    assert "admitted_at" in exc.value.fields


def test_admit_permission(world):
    patient = make_patient(world.site_a)
    data = schemas.StayAdmit(patient_id=patient.pk, unit_id=world.icu_a.pk)
    with pytest.raises(errors.PermissionDenied):
        services.admit(world.nurse_a, data)
    with pytest.raises((errors.PermissionDenied, errors.NotFound)):  # coordinator of the ICU, not of 4 West
        services.admit(world.coordinator_a, schemas.StayAdmit(patient_id=patient.pk, unit_id=world.ms_a.pk))
    with pytest.raises(errors.NotFound):
        services.admit(world.director_b, data)
    assert services.admit(world.coordinator_a, data).unit_id == world.icu_a.pk


def test_transfer_moves_the_stay_and_records_the_movement(world):
    stay = admit_patient(world.icu_a, world.bed_a)
    bed_4w = make_bed(world.ms_a, "401")
    moved = services.transfer(
        world.director_a,
        stay.pk,
        schemas.StayTransfer(version=1, unit_id=world.ms_a.pk, bed_id=bed_4w.pk, note="stepped down"),
    )
    assert moved.unit_id == world.ms_a.pk and moved.bed_id == bed_4w.pk and moved.version == 2
    move = stay.movements.get(kind=MovementKind.TRANSFER)
    assert (move.from_unit_id, move.to_unit_id) == (world.icu_a.pk, world.ms_a.pk)
    assert (move.from_bed_id, move.to_bed_id) == (world.bed_a.pk, bed_4w.pk)
    # The ICU bed is free again.
    other = make_patient(world.site_a)
    services.admit(
        world.director_a, schemas.StayAdmit(patient_id=other.pk, unit_id=world.icu_a.pk, bed_id=world.bed_a.pk)
    )


def test_transfer_within_the_unit_to_another_bed(world):
    stay = admit_patient(world.icu_a, world.bed_a)
    bed_b = make_bed(world.icu_a, "A201", label="B")
    services.transfer(world.coordinator_a, stay.pk, schemas.StayTransfer(version=1, bed_id=bed_b.pk))
    stay.refresh_from_db()
    assert stay.bed_id == bed_b.pk and stay.unit_id == world.icu_a.pk


def test_transfer_refusals_change_nothing(world):
    stay = admit_patient(world.icu_a, world.bed_a)
    occupied = make_bed(world.icu_a, "A202")
    admit_patient(world.icu_a, occupied)
    before = _snapshot()
    cases = [
        (schemas.StayTransfer(version=1, bed_id=occupied.pk), errors.ValidationFailed, "bed_id"),
        (schemas.StayTransfer(version=1, unit_id=world.ltc_b.pk), errors.ValidationFailed, "unit_id"),
        (schemas.StayTransfer(version=1), errors.ValidationFailed, "bed_id"),
        (schemas.StayTransfer(version=1, bed_id=world.bed_a.pk), errors.ValidationFailed, "bed_id"),
        (schemas.StayTransfer(version=7, unit_id=world.ms_a.pk), errors.Conflict, "version"),
    ]
    for data, error, field in cases:
        with pytest.raises(error) as exc:
            services.transfer(world.director_a, stay.pk, data)
        assert field in exc.value.fields, data
    assert _snapshot() == before


def test_transfer_to_a_unit_the_coordinator_does_not_hold_is_refused(world):
    stay = admit_patient(world.icu_a, world.bed_a)
    with pytest.raises(errors.PermissionDenied):
        services.transfer(world.coordinator_a, stay.pk, schemas.StayTransfer(version=1, unit_id=world.ms_a.pk))
    with pytest.raises(errors.PermissionDenied):
        services.transfer(world.nurse_a, stay.pk, schemas.StayTransfer(version=1, unit_id=world.ms_a.pk))
    with pytest.raises(errors.NotFound):
        services.transfer(world.director_b, stay.pk, schemas.StayTransfer(version=1, unit_id=world.ms_a.pk))


def test_discharge_frees_the_bed_and_clears_the_flags(world):
    stay = admit_patient(world.icu_a, world.bed_a, at=clock.now() - timedelta(days=2))
    make_flag(stay, world.nurse_a, "fall_risk")
    done = services.discharge(world.coordinator_a, stay.pk, schemas.StayDischarge(version=1, disposition="Home"))
    assert done.status == "discharged" and done.discharged_at is not None
    assert done.discharge_disposition == "Home"
    assert stay.movements.filter(kind=MovementKind.DISCHARGE, from_bed=world.bed_a).exists()
    assert not PatientFlag.objects.filter(stay=stay, cleared_at__isnull=True).exists()
    # Discharged: no second discharge, no transfer; the patient may be admitted again.
    with pytest.raises(errors.ValidationFailed):
        services.discharge(world.coordinator_a, stay.pk, schemas.StayDischarge(version=2, disposition="Home"))
    with pytest.raises(errors.ValidationFailed):
        services.transfer(world.coordinator_a, stay.pk, schemas.StayTransfer(version=2, bed_id=world.bed_a.pk))
    again = services.admit(
        world.coordinator_a,
        schemas.StayAdmit(patient_id=stay.patient_id, unit_id=world.icu_a.pk, bed_id=world.bed_a.pk),
    )
    assert again.pk != stay.pk


def test_discharge_before_the_last_movement_is_refused(world):
    stay = admit_patient(world.icu_a, at=clock.now() - timedelta(hours=3))
    with pytest.raises(errors.ValidationFailed) as exc:
        services.discharge(
            world.director_a,
            stay.pk,
            schemas.StayDischarge(version=1, disposition="Home", at=clock.now() - timedelta(hours=5)),
        )
    assert "at" in exc.value.fields
    with pytest.raises(errors.PermissionDenied):
        services.discharge(world.nurse_a, stay.pk, schemas.StayDischarge(version=1, disposition="Home"))


# --- acuity --------------------------------------------------------------------------------


def test_checklist_score_sums_points_and_maps_the_level(world):
    stay = admit_patient(world.icu_a)
    scale = make_checklist_scale()
    score = services.score_acuity(
        world.nurse_a,
        stay.pk,
        schemas.AcuityScoreCreate(
            scale_id=scale.pk, items=["vitals", "iv"], shift=schemas.ShiftRef(day=date(2026, 3, 1), label="Day")
        ),
    )
    assert (score.points, score.level, score.items) == (6, 3, ["iv", "vitals"])
    assert score.scored_by_id == world.nurse_a.pk
    with pytest.raises(errors.ValidationFailed) as exc:
        services.score_acuity(world.nurse_a, stay.pk, schemas.AcuityScoreCreate(scale_id=scale.pk, items=["nope"]))
    assert "items" in exc.value.fields


def test_level_scale_takes_the_level_chosen(world):
    stay = admit_patient(world.icu_a)
    scale = make_level_scale()
    score = services.score_acuity(world.coordinator_a, stay.pk, schemas.AcuityScoreCreate(scale_id=scale.pk, level=4))
    assert (score.points, score.level) == (4, 4)
    for bad in ({"level": 9}, {}):
        with pytest.raises(errors.ValidationFailed) as exc:
            services.score_acuity(world.nurse_a, stay.pk, schemas.AcuityScoreCreate(scale_id=scale.pk, **bad))  # type: ignore[arg-type]
        assert "level" in exc.value.fields


def test_scoring_is_refused_without_the_permission_or_with_another_sites_scale(world):
    stay = admit_patient(world.icu_a)
    foreign = make_level_scale(site=world.site_b, code="bravo-own")
    with pytest.raises(errors.ValidationFailed) as exc:
        services.score_acuity(world.nurse_a, stay.pk, schemas.AcuityScoreCreate(scale_id=foreign.pk, level=1))
    assert "scale_id" in exc.value.fields
    scale = make_level_scale()
    with pytest.raises(errors.NotFound):  # HR does not see patients at all
        services.score_acuity(world.hr_a, stay.pk, schemas.AcuityScoreCreate(scale_id=scale.pk, level=1))
    with pytest.raises(errors.NotFound):
        services.score_acuity(world.nurse_b, stay.pk, schemas.AcuityScoreCreate(scale_id=scale.pk, level=1))


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # New York, the night DST starts (8 March 2026, 02:00 -> 03:00): 06:59 EDT is still the night.
        (datetime(2026, 3, 8, 10, 59, tzinfo=clock.UTC), (date(2026, 3, 7), "Night")),
        (datetime(2026, 3, 8, 11, 0, tzinfo=clock.UTC), (date(2026, 3, 8), "Day")),
        # 18:59 EDT is the day, 19:00 the night of the same date.
        (datetime(2026, 3, 8, 22, 59, tzinfo=clock.UTC), (date(2026, 3, 8), "Day")),
        (datetime(2026, 3, 8, 23, 0, tzinfo=clock.UTC), (date(2026, 3, 8), "Night")),
        # The night DST ends (1 November 2026): 01:30 happens twice, both in the night of 31 October.
        (datetime(2026, 11, 1, 5, 30, tzinfo=clock.UTC), (date(2026, 10, 31), "Night")),
        (datetime(2026, 11, 1, 6, 30, tzinfo=clock.UTC), (date(2026, 10, 31), "Night")),
    ],
)
def test_fallback_shift_in_the_site_zone_across_daylight_saving(world, utc, expected):
    assert services.fallback_shift(world.site_a, utc) == expected


def test_score_without_a_shift_uses_the_current_one(world):
    stay = admit_patient(world.icu_a, at=datetime(2026, 3, 7, 12, tzinfo=clock.UTC))
    scale = make_level_scale()
    with time_machine.travel(datetime(2026, 3, 8, 10, 59, tzinfo=clock.UTC), tick=False):
        score = services.score_acuity(world.nurse_a, stay.pk, schemas.AcuityScoreCreate(scale_id=scale.pk, level=2))
    assert (score.shift_date, score.shift_label) == (date(2026, 3, 7), "Night")


# --- flags ---------------------------------------------------------------------------------


def test_one_active_flag_per_kind_with_a_clear_message(world):
    stay = admit_patient(world.icu_a)
    flag = services.raise_flag(world.nurse_a, stay.pk, schemas.FlagRaise(kind=FlagKind.FALL_RISK, note="Morse 55"))
    with pytest.raises(errors.ValidationFailed) as exc:
        services.raise_flag(world.nurse_a, stay.pk, schemas.FlagRaise(kind=FlagKind.FALL_RISK))
    assert exc.value.fields["kind"] == ["the flag 'Fall risk' is already raised for this patient: clear it first"]
    cleared = services.clear_flag(world.nurse_a, flag.pk, schemas.FlagClear(version=1))
    assert cleared.cleared_at is not None and cleared.cleared_by_id == world.nurse_a.pk
    with pytest.raises(errors.ValidationFailed):
        services.clear_flag(world.nurse_a, flag.pk, schemas.FlagClear(version=2))
    assert services.raise_flag(world.nurse_a, stay.pk, schemas.FlagRaise(kind=FlagKind.FALL_RISK)).pk != flag.pk


def test_isolation_needs_its_type_and_difficult_needs_a_care_plan(world):
    stay = admit_patient(world.icu_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.raise_flag(world.nurse_a, stay.pk, schemas.FlagRaise(kind=FlagKind.ISOLATION))
    assert "isolation_type" in exc.value.fields
    with pytest.raises(errors.ValidationFailed) as exc:
        services.raise_flag(world.nurse_a, stay.pk, schemas.FlagRaise(kind=FlagKind.DIFFICULT, care_plan="  "))
    assert "care_plan" in exc.value.fields
    flag = services.raise_flag(
        world.nurse_a,
        stay.pk,
        schemas.FlagRaise(kind=FlagKind.ISOLATION, isolation_type=IsolationType.CONTACT, note="MRSA"),
    )
    assert flag.isolation_type == "contact"


def test_flag_permissions(world):
    stay = admit_patient(world.icu_a)
    for persona in ("hr_a", "auditor_a", "director_b"):
        with pytest.raises((errors.NotFound, errors.PermissionDenied)):
            services.raise_flag(world.persona(persona), stay.pk, schemas.FlagRaise(kind=FlagKind.CONFUSED))
    flag = make_flag(stay, world.nurse_a, "confused")
    with pytest.raises(errors.NotFound):
        services.clear_flag(world.nurse_b, flag.pk, schemas.FlagClear(version=1))


# --- family contacts -------------------------------------------------------------------------


def test_contacts_add_one_primary_update_and_deactivate(world):
    stay = admit_patient(world.icu_a)
    first = make_contact(stay.patient, "Ana Diaz", is_primary=True)
    second = services.add_contact(
        world.nurse_a,
        stay.patient_id,
        schemas.ContactCreate(name="Luis Diaz", relationship="son", phone="555-0101", is_primary=True),
    )
    first.refresh_from_db()
    assert second.is_primary and not first.is_primary
    with pytest.raises(errors.ValidationFailed) as exc:
        services.update_contact(world.nurse_a, second.pk, schemas.ContactUpdate(version=1, email="not-an-email"))
    assert "email" in exc.value.fields
    with pytest.raises(errors.Conflict):
        services.update_contact(world.nurse_a, second.pk, schemas.ContactUpdate(version=5, phone="1"))
    services.update_contact(world.nurse_a, second.pk, schemas.ContactUpdate(version=1, email="luis@example.org"))
    done = services.deactivate_contact(world.coordinator_a, second.pk, schemas.ContactDeactivate(version=2))
    assert not done.is_active and not done.is_primary


def test_contacts_are_refused_outside_the_care_team(world):
    stay = admit_patient(world.icu_a)
    data = schemas.ContactCreate(name="X", relationship="friend")
    for persona in ("hr_a", "finance_a", "nurse_b"):
        with pytest.raises((errors.NotFound, errors.PermissionDenied)):
            services.add_contact(world.persona(persona), stay.patient_id, data)


# --- scales ----------------------------------------------------------------------------------


def test_directors_create_their_sites_scales(world):
    scale = services.create_acuity_scale(
        world.director_a,
        schemas.AcuityScaleCreate(site_id=world.site_a.pk, code="alpha-icu", name="Alpha ICU acuity"),
    )
    assert scale.site_id == world.site_a.pk and [lv["level"] for lv in scale.levels] == [1, 2, 3, 4]
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_acuity_scale(
            world.director_a, schemas.AcuityScaleCreate(site_id=world.site_a.pk, code="ALPHA-ICU", name="Again")
        )
    assert "code" in exc.value.fields
    with pytest.raises(errors.PermissionDenied):
        services.create_acuity_scale(
            world.coordinator_a, schemas.AcuityScaleCreate(site_id=world.site_a.pk, code="c2", name="C2")
        )
    updated = services.update_acuity_scale(
        world.director_a, scale.pk, schemas.AcuityScaleUpdate(version=1, name="Alpha ICU acuity v2")
    )
    assert updated.version == 2


def test_scale_levels_are_validated_and_shared_scales_are_read_only(world):
    bad = schemas.AcuityScaleCreate(
        site_id=world.site_a.pk,
        code="bad",
        name="Bad",
        items=[schemas.AcuityItem(code="a", label="A", points=1)],
        levels=[schemas.AcuityLevel(level=1, label="One", min_points=2)],
    )
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_acuity_scale(world.director_a, bad)
    assert "levels" in exc.value.fields
    shared = make_level_scale()
    with pytest.raises(errors.PermissionDenied):
        services.update_acuity_scale(world.director_a, shared.pk, schemas.AcuityScaleUpdate(version=1, name="X"))
