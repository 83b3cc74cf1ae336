"""The alert sweep raises each late and missed alert once; horizons move forward."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from caredesk.medications import schemas, services, tasks
from caredesk.medications.models import ScheduledDose
from tests.medications.helpers import dose_at, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(monkeypatch):
    raised: list[tuple[str, int]] = []

    def fake_raise_alert(*, kind, stay, source, due_at, title, detail, severity="high", now):
        raised.append((kind, source.pk))
        return object()

    import caredesk.escalation.services as esc

    monkeypatch.setattr(esc, "raise_alert", fake_raise_alert)
    return raised


def test_time_critical_dose_alerts_late_at_window_close_then_missed_once(world, meds, alerts):
    order = make_order(
        meds.stay,
        drug="Vancomycin",
        dose="1000",
        route="iv",
        frequency="q12h",
        times=["09:00", "21:00"],
        time_critical=True,
        starts_at=meds.now - timedelta(hours=1),
        now=meds.now,
    )
    d = dose_at(order, meds.now)
    closes = meds.now + timedelta(minutes=30)
    tasks.sweep(now=closes)
    assert ("dose_late", d.pk) not in alerts  # the window is still open at its close
    assert tasks.sweep(now=closes + timedelta(seconds=1))["late"] == 1
    assert ("dose_late", d.pk) in alerts
    assert tasks.sweep(now=closes + timedelta(minutes=5))["late"] == 0  # once
    assert alerts.count(("dose_late", d.pk)) == 1
    nxt = meds.now + timedelta(hours=12)
    tasks.sweep(now=nxt)
    assert ("dose_missed", d.pk) in alerts
    tasks.sweep(now=nxt + timedelta(hours=1))
    assert alerts.count(("dose_missed", d.pk)) == 1


def test_non_critical_dose_alerts_only_when_missed(world, meds, alerts):
    d = dose_at(meds.order, meds.now)
    tasks.sweep(now=meds.now + timedelta(hours=2))
    assert [a for a in alerts if a[1] == d.pk] == []  # late, but not time-critical
    tasks.sweep(now=meds.now + timedelta(hours=12))
    assert ("dose_missed", d.pk) in alerts


def test_documented_dose_raises_nothing(world, meds, alerts):
    d = dose_at(meds.order, meds.now)
    services.record_administration(
        world.nurse_a,
        d.pk,
        schemas.AdministrationCreate(wristband_id="WB-A1", drug="Metoprolol", dose=Decimal("25"), route="po"),
        now=meds.now,
    )
    tasks.sweep(now=meds.now + timedelta(hours=13))
    assert all(pk != d.pk for _, pk in alerts)


def test_compare_and_set_claims_once(world, meds, alerts):
    """Two workers that read the same dose: only the first update claims it."""
    d = dose_at(meds.order, meds.now)
    stale = d.next_check_at
    assert stale is not None
    ScheduledDose.objects.filter(pk=d.pk).update(next_check_at=stale - timedelta(seconds=1))
    claimed = ScheduledDose.objects.filter(pk=d.pk, next_check_at=stale).update(next_check_at=None)
    assert claimed == 0


def test_extend_horizons(world, meds):
    before = ScheduledDose.objects.filter(order=meds.order).count()
    created = tasks.extend_horizons(now=meds.now + timedelta(days=2))
    assert created == 4
    assert ScheduledDose.objects.filter(order=meds.order).count() == before + 4
    assert tasks.extend_horizons(now=meds.now + timedelta(days=2)) == 0


def test_sweep_with_the_real_escalation_raises_one_alert_per_kind(world, meds):
    from caredesk.escalation.models import CareAlert

    order = make_order(
        meds.stay,
        drug="Insulin lispro",
        dose="4",
        dose_unit="units",
        route="sc",
        frequency="daily",
        times=["09:00"],
        time_critical=True,
        starts_at=meds.now - timedelta(hours=1),
        now=meds.now,
    )
    d = dose_at(order, meds.now)
    tasks.sweep(now=meds.now + timedelta(minutes=31))
    tasks.sweep(now=meds.now + timedelta(minutes=45))
    late = CareAlert.objects.filter(kind="dose_late", source_type="medications.scheduleddose", source_id=d.pk)
    assert late.count() == 1
