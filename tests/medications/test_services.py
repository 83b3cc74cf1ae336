"""Orders, doses and administrations through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from caredesk.core import errors
from caredesk.medications import schemas, services
from caredesk.medications.models import (
    Administration,
    MedicationOrder,
    ScheduledDose,
    TimeCriticalDrug,
    TimingPolicy,
)
from caredesk.medications.queries import dose_view
from tests.medications.helpers import dose_at, make_order

pytestmark = pytest.mark.django_db


def order_data(**kw: Any) -> schemas.OrderCreate:
    return schemas.OrderCreate.model_validate(kw)


def change_data(**kw: Any) -> schemas.OrderChange:
    return schemas.OrderChange.model_validate(kw)


def admin_data(**kw: Any) -> schemas.AdministrationCreate:
    return schemas.AdministrationCreate.model_validate(kw)


def give(meds, _dose, **over):
    data = {
        "wristband_id": "WB-A1",
        "drug": "Metoprolol",
        "dose": Decimal("25"),
        "route": "po",
        "idempotency_key": "k1",
    }
    data.update(over)
    return schemas.AdministrationCreate.model_validate(data)


def test_order_generates_doses_for_48_hours_in_site_zone(world, meds):
    times = list(ScheduledDose.objects.filter(order=meds.order).values_list("scheduled_at", flat=True))
    assert times[0] == meds.now.replace(day=9, hour=13)  # 09:00 EDT on the 9th
    assert times[-1] < meds.now + timedelta(hours=48)
    assert all(t.hour in (1, 13) for t in times)
    d = dose_at(meds.order, meds.now)
    assert d.window_minutes == 60  # BID, not time-critical: ±1 h
    assert d.next_dose_at == meds.now + timedelta(hours=12)


def test_create_order_uses_the_site_time_critical_list(world, meds):
    order = services.create_order(
        world.coordinator_a,
        order_data(
            stay_id=meds.stay.pk,
            drug="Insulin glargine",
            dose=Decimal("10"),
            dose_unit="units",
            route="sc",
            frequency="daily",
            times_of_day=["21:00"],
            prescriber="Dr. A",
        ),
        now=meds.now,
    )
    assert order.time_critical
    assert order.doses.all()[0].window_minutes == 30
    TimeCriticalDrug.objects.create(site=world.site_a, name="heparin")  # the site's own list replaces ISMP's
    other = services.create_order(
        world.coordinator_a,
        order_data(
            stay_id=meds.stay.pk,
            drug="Insulin lispro",
            dose=Decimal("4"),
            dose_unit="units",
            route="sc",
            frequency="tid",
            prescriber="Dr. A",
        ),
        now=meds.now,
    )
    assert not other.time_critical


def test_create_order_validates_times_and_prn(world, meds):
    base = {
        "stay_id": meds.stay.pk,
        "drug": "X",
        "dose": Decimal("1"),
        "dose_unit": "mg",
        "route": "po",
        "prescriber": "Dr",
    }
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_order(
            world.coordinator_a, order_data(**base, frequency="bid", times_of_day=["08:00"]), now=meds.now
        )
    assert "times_of_day" in exc.value.fields
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_order(
            world.coordinator_a, order_data(**base, frequency="daily", times_of_day=["25:00"]), now=meds.now
        )
    assert "times_of_day" in exc.value.fields
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_order(world.coordinator_a, order_data(**base, frequency="prn"), now=meds.now)
    assert "prn_min_interval_minutes" in exc.value.fields


def test_record_on_time(world, meds):
    d = dose_at(meds.order, meds.now)
    admin, created = services.record_administration(world.nurse_a, d.pk, give(meds, d), now=meds.now)
    assert created and admin.status == "completed" and admin.performer == meds.nurse_staff
    assert dose_view(world.nurse_a, d.pk, meds.now).status == "given_on_time"
    d.refresh_from_db()
    assert d.outcome == "given_on_time" and d.next_check_at is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("wristband_id", "WB-A2", "this wristband belongs to another patient"),
        ("wristband_id", "NOPE", "this wristband does not match the patient of this order"),
        ("wristband_id", "", "scan the patient's wristband"),
        ("drug", "Metformin", "this is not the ordered drug (Metoprolol)"),
        ("dose", Decimal("50"), "the ordered dose is 25 mg"),
        ("route", "iv", "the ordered route is By mouth (PO)"),
    ],
)
def test_five_rights_each_failure_names_its_field_and_saves_nothing(world, meds, field, value, message):
    d = dose_at(meds.order, meds.now)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_administration(world.nurse_a, d.pk, give(meds, d, **{field: value}), now=meds.now)
    assert exc.value.fields[field] == [message]
    assert not Administration.objects.exists()


def test_outside_window_needs_a_reason_and_shows_late(world, meds):
    d = dose_at(meds.order, meds.now)
    later = meds.now + timedelta(minutes=61)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_administration(world.nurse_a, d.pk, give(meds, d), now=later)
    assert "reason" in exc.value.fields
    services.record_administration(world.nurse_a, d.pk, give(meds, d, reason="patient in imaging"), now=later)
    assert dose_view(world.nurse_a, d.pk, later).status == "given_late"


def test_held_needs_a_reason(world, meds):
    d = dose_at(meds.order, meds.now)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_administration(
            world.nurse_a, d.pk, schemas.AdministrationCreate(status="not_done"), now=meds.now
        )
    assert "not_done_reason" in exc.value.fields
    services.record_administration(
        world.nurse_a,
        d.pk,
        admin_data(status="not_done", not_done_reason="held", reason="HR 48, held per parameters"),
        now=meds.now,
    )
    assert dose_view(world.nurse_a, d.pk, meds.now + timedelta(days=1)).status == "held"


def test_second_recording_is_a_conflict_and_same_key_replays(world, meds):
    d = dose_at(meds.order, meds.now)
    first, created = services.record_administration(world.nurse_a, d.pk, give(meds, d), now=meds.now)
    again, created_again = services.record_administration(world.nurse_a, d.pk, give(meds, d), now=meds.now)
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(errors.Conflict):
        services.record_administration(world.nurse_a, d.pk, give(meds, d, idempotency_key="k2"), now=meds.now)
    other = dose_at(meds.order, meds.now + timedelta(hours=12))
    with pytest.raises(errors.Conflict) as exc:  # the same key for another dose
        services.record_administration(world.nurse_a, other.pk, give(meds, other), now=meds.now)
    assert "idempotency_key" in exc.value.fields
    assert Administration.objects.count() == 1


def test_entered_in_error_is_a_new_event_and_reopens_the_dose(world, meds):
    d = dose_at(meds.order, meds.now)
    wrong, _ = services.record_administration(world.nurse_a, d.pk, give(meds, d), now=meds.now)
    before = Administration.objects.filter(pk=wrong.pk).values().get()
    fix = services.mark_entered_in_error(
        world.nurse_a, wrong.pk, schemas.EnteredInError(reason="wrong patient chart"), now=meds.now
    )
    assert fix.status == "entered_in_error" and fix.corrects_id == wrong.pk
    assert Administration.objects.filter(pk=wrong.pk).values().get() == before  # never edited in place
    assert dose_view(world.nurse_a, d.pk, meds.now).status == "due"
    right, created = services.record_administration(
        world.nurse_a, d.pk, give(meds, d, idempotency_key="k3"), now=meds.now
    )
    assert created and right.slot == 1
    assert dose_view(world.nurse_a, d.pk, meds.now).status == "given_on_time"
    with pytest.raises(errors.Conflict):
        services.mark_entered_in_error(world.nurse_a, wrong.pk, schemas.EnteredInError(reason="again"), now=meds.now)
    with pytest.raises(errors.ValidationFailed):
        services.mark_entered_in_error(world.nurse_a, fix.pk, schemas.EnteredInError(reason="x"), now=meds.now)


def test_database_refuses_two_effective_administrations(world, meds):
    from django.db import IntegrityError, transaction

    d = dose_at(meds.order, meds.now)
    services.record_administration(world.nurse_a, d.pk, give(meds, d), now=meds.now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Administration.objects.create(
            order=meds.order,
            dose=d,
            stay=meds.stay,
            slot=0,
            status="completed",
            given_at=meds.now,
            recorded_at=meds.now,
            idempotency_key="raw",
        )


def test_prn_minimum_interval(world, meds):
    prn = make_order(
        meds.stay, drug="Acetaminophen", dose="650", frequency="prn", prn_min_interval_minutes=240, now=meds.now
    )
    assert not prn.doses.exists()
    data = give(meds, None, drug="acetaminophen", dose=Decimal("650"), idempotency_key="p1")
    services.record_prn(world.nurse_a, prn.pk, data, now=meds.now)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_prn(
            world.nurse_a,
            prn.pk,
            data.model_copy(update={"idempotency_key": "p2"}),
            now=meds.now + timedelta(hours=3, minutes=59),
        )
    assert "earliest next dose" in exc.value.fields["given_at"][0]
    _, created = services.record_prn(
        world.nurse_a, prn.pk, data.model_copy(update={"idempotency_key": "p3"}), now=meds.now + timedelta(hours=4)
    )
    assert created


def test_order_changed_mid_day_keeps_given_and_regenerates_future(world, meds):
    morning = dose_at(meds.order, meds.now)
    services.record_administration(world.nurse_a, morning.pk, give(meds, morning), now=meds.now)
    noon = meds.now + timedelta(hours=3)  # 12:00 EDT
    order = services.change_order(
        world.coordinator_a,
        meds.order.pk,
        change_data(version=1, dose=Decimal("50"), frequency="tid", times_of_day=["08:00", "14:00", "20:00"]),
        now=noon,
    )
    assert order.version == 2
    morning.refresh_from_db()
    assert not morning.is_cancelled and morning.outcome == "given_on_time"
    live = ScheduledDose.objects.filter(order=order, is_cancelled=False, scheduled_at__gt=noon).order_by("scheduled_at")
    assert [d.scheduled_at.hour for d in live[:3]] == [18, 0, 12]  # 14:00, 20:00, 08:00 EDT
    assert all(d.window_minutes == 60 and d.order_version == 2 for d in live)
    assert ScheduledDose.objects.filter(
        order=order, is_cancelled=True, scheduled_at=meds.now + timedelta(hours=12)
    ).exists()
    morning.refresh_from_db()
    assert morning.next_dose_at == noon.replace(hour=18)
    with pytest.raises(errors.Conflict):
        services.change_order(world.coordinator_a, order.pk, change_data(version=1, dose=Decimal("5")), now=noon)


def test_stop_order_cancels_future_and_overdue_becomes_missed(world, meds):
    d = dose_at(meds.order, meds.now)
    later = meds.now + timedelta(hours=2)
    assert dose_view(world.nurse_a, d.pk, later).status == "late"
    services.stop_order(
        world.coordinator_a, meds.order.pk, schemas.OrderStop(version=1, reason="switched to IV"), now=later
    )
    assert dose_view(world.nurse_a, d.pk, later).status == "missed"
    assert not ScheduledDose.objects.filter(order=meds.order, is_cancelled=False, scheduled_at__gt=later).exists()
    assert MedicationOrder.objects.get(pk=meds.order.pk).status == "stopped"


def test_policy_only_stricter(world, meds):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.update_policy(
            world.director_a, world.site_a.pk, schemas.TimingPolicyUpdate(version=1, daily_or_less_minutes=180)
        )
    assert "daily_or_less_minutes" in exc.value.fields
    row = services.update_policy(
        world.director_a,
        world.site_a.pk,
        schemas.TimingPolicyUpdate(version=1, time_critical_minutes=15, time_critical_drugs=["Insulin", "heparin"]),
    )
    assert row.time_critical_minutes == 15 and TimingPolicy.objects.count() == 1
    assert set(TimeCriticalDrug.objects.filter(is_active=True).values_list("name", flat=True)) == {"insulin", "heparin"}
    with pytest.raises(errors.PermissionDenied):
        services.update_policy(
            world.coordinator_a, world.site_a.pk, schemas.TimingPolicyUpdate(version=2, time_critical_minutes=10)
        )
