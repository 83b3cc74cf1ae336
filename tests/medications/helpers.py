"""Builders for medication tests (and for other apps' tests that need doses)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from caredesk.census.models import Patient, Stay
from caredesk.core import clock
from caredesk.medications import schedule, timing
from caredesk.medications.models import MedicationOrder, ScheduledDose

_numbers = count(1)


def make_stay(
    site: Any,
    unit: Any,
    *,
    bed: Any = None,
    family_name: str = "Doe",
    admitted_at: datetime | None = None,
    **extra: Any,
) -> Stay:
    n = next(_numbers)
    patient = Patient.objects.create(
        site=site,
        mrn=extra.pop("mrn", f"MED{n:06d}"),
        wristband_id=extra.pop("wristband_id", f"WB{n:06d}"),
        family_name=family_name,
        given_name=extra.pop("given_name", "Pat"),
        birth_date=date(1950, 1, 1),
    )
    return Stay.objects.create(
        patient=patient, unit=unit, bed=bed, admitted_at=admitted_at or clock.now() - timedelta(days=3)
    )


def make_order(
    stay: Stay,
    *,
    drug: str = "Metoprolol",
    dose: str = "25",
    dose_unit: str = "mg",
    route: str = "po",
    frequency: str = "bid",
    times: list[str] | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    time_critical: bool = False,
    prn_min_interval_minutes: int | None = None,
    now: datetime | None = None,
    generate: bool = True,
) -> MedicationOrder:
    """An active order with its doses generated (48 h past `now`)."""
    moment = now or clock.now()
    order = MedicationOrder.objects.create(
        stay=stay,
        drug=drug,
        dose=Decimal(dose),
        dose_unit=dose_unit,
        route=route,
        frequency=frequency,
        times_of_day=times if times is not None else [],
        prn_min_interval_minutes=prn_min_interval_minutes,
        starts_at=starts_at or moment - timedelta(days=1),
        ends_at=ends_at,
        time_critical=time_critical,
        prescriber="Dr. Test",
    )
    if generate:
        site = stay.unit.site
        schedule.generate(order, zone=site.time_zone, policy=timing.policy_for(site), now=moment)
    return order


def dose_at(order: MedicationOrder, moment: datetime) -> ScheduledDose:
    return ScheduledDose.objects.get(order=order, scheduled_at=moment, is_cancelled=False)


def make_staff(user: Any, site: Any, unit: Any) -> Any:
    from tests.training.helpers import make_staff as _make

    return _make(user, site, unit)
