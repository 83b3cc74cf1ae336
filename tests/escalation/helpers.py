"""Builders for escalation tests (usable by other apps' tests): a patient's stay,
a care shift with its nurses, an assignment, an alert."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from caredesk.assignment.models import CareShift, PatientAssignment, ShiftStaff
from caredesk.census.models import Patient, Stay
from caredesk.core import clock
from caredesk.escalation.models import AlertLevel, AlertRecipient, AlertStatus, CareAlert
from caredesk.workforce.models import StaffMember
from tests.training.helpers import make_staff


def make_stay(unit: Any, *, mrn: str = "MRN-1", family: str = "Zephyr", given: str = "Quinn", bed: Any = None) -> Stay:
    patient = Patient.objects.create(
        site=unit.site,
        mrn=mrn,
        wristband_id=f"WB-{mrn}",
        family_name=family,
        given_name=given,
        birth_date=date(1950, 3, 4),
    )
    return Stay.objects.create(patient=patient, unit=unit, bed=bed, admitted_at=clock.now() - timedelta(days=2))


def staff_of(user: Any, unit: Any) -> StaffMember:
    found = StaffMember.objects.filter(user=user).first()
    return found or make_staff(user, unit.site, unit, number=f"E-{user.pk}")


def make_shift(unit: Any, starts: datetime, *, hours: int = 12, label: str = "Day") -> CareShift:
    local = clock.to_zone(starts, unit.site.time_zone)
    return CareShift.objects.create(
        unit=unit, date=local.date(), label=label, starts_at=starts, ends_at=starts + timedelta(hours=hours)
    )


def on_shift(shift: CareShift, user: Any, *, charge: bool = False) -> ShiftStaff:
    return ShiftStaff.objects.create(shift=shift, staff=staff_of(user, shift.unit), is_charge=charge)


def assign(shift: CareShift, stay: Stay, user: Any) -> PatientAssignment:
    return PatientAssignment.objects.create(
        shift=shift, stay=stay, staff=staff_of(user, shift.unit), source="manual", assigned_at=shift.starts_at
    )


def make_alert(
    stay: Stay,
    *,
    kind: str = "dose_missed",
    source: Any = None,
    title: str = "Vancomycin 1 g IV missed",
    level: int = AlertLevel.NURSE,
    status: str = AlertStatus.OPEN,
    recipients: list[Any] | None = None,
    now: datetime | None = None,
    escalate_in: timedelta | None = timedelta(minutes=15),
) -> CareAlert:
    """An alert row as raise_alert would leave it (no notification sent)."""
    moment = now or clock.now()
    src = source if source is not None else stay
    alert = CareAlert.objects.create(
        site=stay.unit.site,
        unit=stay.unit,
        stay=stay,
        kind=kind,
        source_type=src._meta.label_lower,
        source_id=src.pk,
        title=title,
        detail="Scheduled 08:00, window ±30 min.",
        due_at=moment - timedelta(minutes=40),
        raised_at=moment,
        level=level,
        escalate_at=moment + escalate_in if escalate_in is not None and status == AlertStatus.OPEN else None,
        status=status,
        acknowledged_at=moment if status != AlertStatus.OPEN else None,
    )
    for user in recipients or []:
        AlertRecipient.objects.create(alert=alert, user=user, level=level, notified_at=moment)
    return alert
