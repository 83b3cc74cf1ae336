"""Site-A medication records for the cross-site walk (tests/test_cross_site.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from caredesk.core import clock
from caredesk.medications.models import (
    Administration,
    MedicationOrder,
    ScheduledDose,
    TimeCriticalDrug,
    TimingPolicy,
)
from tests.medications.helpers import make_order, make_stay


def targets(world: Any) -> dict[str, Any]:
    now = clock.now()
    stay = make_stay(world.site_a, world.icu_a, family_name="Alpha-Walk", wristband_id="WB-WALK")
    local = now.astimezone(__import__("zoneinfo").ZoneInfo(world.site_a.time_zone))
    order = make_order(stay, frequency="daily", times=[f"{local:%H:%M}"], starts_at=now - timedelta(hours=1), now=now)
    dose = ScheduledDose.objects.filter(order=order).order_by("scheduled_at").first()
    assert dose is not None
    given_order = make_order(
        stay, drug="Senna", frequency="daily", times=[f"{local:%H:%M}"], starts_at=now - timedelta(hours=1), now=now
    )
    given_dose = ScheduledDose.objects.filter(order=given_order).first()
    admin = Administration.objects.create(
        order=given_order,
        dose=given_dose,
        stay=stay,
        status="completed",
        given_at=now,
        recorded_at=now,
        dose_given=Decimal("25"),
        idempotency_key="walk-admin",
    )
    ScheduledDose.objects.filter(pk=given_dose.pk).update(outcome="given_on_time")  # type: ignore[union-attr]
    # The same drug and dose, so the control call's body (below) fits both orders.
    prn = make_order(stay, frequency="prn", prn_min_interval_minutes=240, now=now)
    return {
        # Other apps' walks have a stay of their own: this one is for medications's routes.
        "/api/v1/medications/:stay_id": stay.pk,
        "/medications/:stay_id": stay.pk,
        "order_id": order.pk,
        "prn_order_id": prn.pk,
        "dose_id": dose.pk,
        "administration_id": admin.pk,
        # Bodies of the control calls: the five rights of the walk's patient and dose.
        # Scanned at the bedside; census routes register their own wristbands.
        "/api/v1/medications/:wristband_id": "WB-WALK",
        "drug": order.drug,
        "dose": "25",
        "route": "po",
    }


def state(world: Any) -> list[Any]:
    site = world.site_a
    return [
        list(MedicationOrder.objects.filter(stay__unit__site=site).values()),
        list(ScheduledDose.objects.filter(stay__unit__site=site).values()),
        list(Administration.objects.filter(stay__unit__site=site).values()),
        list(TimingPolicy.objects.filter(site=site).values()),
        list(TimeCriticalDrug.objects.filter(site=site).values()),
    ]
