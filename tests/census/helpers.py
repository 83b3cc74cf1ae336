"""Builders for census objects, for the census tests and for other apps' tests."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count
from typing import Any

from caredesk.census.models import (
    AcuityScale,
    AcuityScore,
    FamilyContact,
    MovementKind,
    Patient,
    PatientFlag,
    Stay,
    StayMovement,
)
from caredesk.core import clock
from caredesk.org.models import Bed, Room

_numbers = count(1)

CHECKLIST_ITEMS = [
    {"code": "iv", "label": "IV therapy or infusions", "points": 2},
    {"code": "mobility", "label": "Total assistance to move", "points": 3},
    {"code": "vitals", "label": "Vital signs every hour", "points": 4},
]
CHECKLIST_LEVELS = [
    {"level": 1, "label": "Low", "min_points": 0},
    {"level": 2, "label": "Moderate", "min_points": 3},
    {"level": 3, "label": "High", "min_points": 6},
    {"level": 4, "label": "Intensive", "min_points": 9},
]
FOUR_LEVELS = [
    {"level": 1, "label": "Stable", "min_points": 0},
    {"level": 2, "label": "Moderate", "min_points": 0},
    {"level": 3, "label": "Complex", "min_points": 0},
    {"level": 4, "label": "Critical", "min_points": 0},
]


def make_patient(
    site: Any,
    *,
    family_name: str = "Doe",
    given_name: str = "Jane",
    mrn: str | None = None,
    birth_date: date = date(1950, 6, 15),
    allergies: str = "",
    **extra: Any,
) -> Patient:
    number = mrn or f"MRN{next(_numbers):06d}"
    return Patient.objects.create(
        site=site,
        mrn=number,
        wristband_id=extra.pop("wristband_id", number),
        family_name=family_name,
        given_name=given_name,
        birth_date=birth_date,
        allergies=allergies,
        **extra,
    )


def make_bed(unit: Any, room: str | None = None, label: str = "A") -> Bed:
    name = room or f"R{next(_numbers):03d}"
    found, _ = Room.objects.get_or_create(unit=unit, name=name, defaults={"position": next(_numbers)})
    return Bed.objects.create(room=found, label=label)


def admit_patient(
    unit: Any,
    bed: Bed | None = None,
    *,
    patient: Patient | None = None,
    at: datetime | None = None,
    by: Any = None,
    **patient_fields: Any,
) -> Stay:
    """An open stay on `unit` (a new patient of the unit's site unless given)."""
    who = patient or make_patient(unit.site, **patient_fields)
    moment = at or clock.now()
    stay = Stay.objects.create(patient=who, unit=unit, bed=bed, admitted_at=moment, reason="Test admission")
    StayMovement.objects.create(
        stay=stay, kind=MovementKind.ADMISSION, at=moment, to_unit=unit, to_bed=bed, recorded_by=by
    )
    return stay


def make_checklist_scale(site: Any = None, code: str = "test-checklist", name: str = "Test checklist") -> AcuityScale:
    return AcuityScale.objects.create(
        code=code, name=name, site=site, items=CHECKLIST_ITEMS, levels=CHECKLIST_LEVELS, citation="test"
    )


def make_level_scale(site: Any = None, code: str = "test-levels", name: str = "Test levels") -> AcuityScale:
    return AcuityScale.objects.create(code=code, name=name, site=site, levels=FOUR_LEVELS, citation="test")


def make_score(
    stay: Stay,
    by: Any,
    *,
    points: int = 2,
    level: int = 2,
    scale: AcuityScale | None = None,
    at: datetime | None = None,
) -> AcuityScore:
    moment = at or clock.now()
    return AcuityScore.objects.create(
        stay=stay,
        scale=scale or make_level_scale(code=f"lv-{next(_numbers)}"),
        shift_date=moment.date(),
        shift_label="Day",
        points=points,
        level=level,
        scored_at=moment,
        scored_by=by,
    )


def make_flag(stay: Stay, by: Any, kind: str = "fall_risk", **extra: Any) -> PatientFlag:
    return PatientFlag.objects.create(stay=stay, kind=kind, raised_at=clock.now(), raised_by=by, **extra)


def make_contact(patient: Patient, name: str = "John Doe", **extra: Any) -> FamilyContact:
    return FamilyContact.objects.create(
        patient=patient, name=name, relationship=extra.pop("relationship", "son"), **extra
    )
