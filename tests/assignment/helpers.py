"""Builders for assignment tests, usable by other apps' tests: a care shift with
its staff (`make_shift`), an assignment (`assign`), a licensed nurse
(`make_nurse`), a patient's stay on a bed (`make_stay`) and the ratio packs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from caredesk.assignment.models import AssignmentSource, CareShift, PatientAssignment, ShiftStaff
from caredesk.census.models import Patient, Stay
from caredesk.core import clock
from caredesk.org.models import Bed, RatioPack, RatioRule, Room
from caredesk.workforce.models import StaffMember, WorkRules
from tests.conftest import make_user

_seq = count(1)


def rules() -> WorkRules:
    found, _ = WorkRules.objects.get_or_create(
        code="test-rules", defaults={"name": "Test rules", "source": "test", "min_rest_minutes": 600}
    )
    return found


def make_nurse(
    site: Any, unit: Any, username: str | None = None, *, discipline: str = "rn", user: Any = None
) -> StaffMember:
    n = next(_seq)
    user = user or make_user(
        username or f"rn{n}_{unit.code.lower()}", role="clinician", site=site, unit=unit, discipline=discipline
    )
    return StaffMember.objects.create(
        user=user,
        site=site,
        home_unit=unit,
        employee_number=f"AS-{user.pk}",
        discipline=discipline,
        job_title="Staff Nurse",
        fte=Decimal("1.00"),
        contracted_minutes_per_week=2400,
        work_rules=rules(),
        hourly_rate=Decimal("48.00"),
        hire_date=date(2020, 1, 6),
    )


def make_bed(unit: Any, room: str, position: int, label: str = "A") -> Bed:
    r, _ = Room.objects.get_or_create(unit=unit, name=room, defaults={"position": position})
    return Bed.objects.create(room=r, label=label)


def make_stay(
    unit: Any,
    bed: Any = None,
    *,
    admitted_at: datetime | None = None,
    family: str | None = None,
    birth: date = date(1950, 5, 5),
    reason: str = "",
) -> Stay:
    n = next(_seq)
    patient = Patient.objects.create(
        site=unit.site,
        mrn=f"MRN{n:05d}",
        wristband_id=f"WB{n:05d}",
        family_name=family or f"Patient{n}",
        given_name="Test",
        birth_date=birth,
    )
    return Stay.objects.create(
        patient=patient,
        unit=unit,
        bed=bed,
        admitted_at=admitted_at or clock.now() - timedelta(days=3),
        reason=reason,
    )


def make_shift(
    unit: Any,
    start: datetime,
    staff: list[Any] | None = None,
    *,
    hours: int = 12,
    label: str | None = None,
    is_night: bool = False,
    charge: Any = None,
) -> CareShift:
    """A care shift starting at `start` (aware) with these staff members on it."""
    local = clock.to_zone(start, unit.site.time_zone)
    shift = CareShift.objects.create(
        unit=unit,
        date=local.date(),
        label=label or f"Shift {local:%H%M}",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        is_night=is_night,
    )
    for person in staff or []:
        ShiftStaff.objects.create(shift=shift, staff=person, is_charge=person == charge)
    return shift


def assign(shift: CareShift, stay: Any, staff: Any, *, pinned: bool = False) -> PatientAssignment:
    return PatientAssignment.objects.create(
        shift=shift,
        stay=stay,
        staff=staff,
        pinned=pinned,
        source=AssignmentSource.MANUAL,
        assigned_at=shift.starts_at,
    )


def make_pack(
    code: str = "test-ca", rules: list[tuple[str, str, int, int]] | None = None, site: Any = None
) -> RatioPack:
    pack = RatioPack.objects.create(
        code=code,
        name=f"Pack {code}",
        jurisdiction="US-CA",
        citation="22 CCR §70217",
        effective_from=date(2008, 1, 1),
        site=site,
    )
    for kind, shift, nurses, patients in rules or [("icu", "any", 1, 2), ("med_surg", "any", 1, 5)]:
        RatioRule.objects.create(pack=pack, unit_kind=kind, shift=shift, nurses=nurses, patients=patients)
    return pack
