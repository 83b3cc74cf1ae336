"""Escalation services: raised once, told to the right people, escalated on
time exactly once, acknowledged with a note; incident drafts (NCC MERP)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections

from caredesk.core import clock, errors, scoping
from caredesk.core.models import AuditEvent, Notification
from caredesk.escalation import queries, schemas, services
from caredesk.escalation.models import (
    AlertRecipient,
    AlertStatus,
    CareAlert,
    EscalationPolicy,
    IncidentDraft,
    NccMerpCategory,
)
from tests.escalation.helpers import assign, make_alert, make_shift, make_stay, on_shift

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 10, 14, 0, tzinfo=clock.UTC)


def _ward(world: Any, *, nurse: bool = True, charge: bool = True) -> tuple[Any, Any]:
    """A day shift on the ICU running at T0, with its nurse and charge nurse."""
    stay = make_stay(world.icu_a, bed=world.bed_a)
    shift = make_shift(world.icu_a, T0 - timedelta(hours=3))
    if nurse:
        on_shift(shift, world.nurse_a)
        assign(shift, stay, world.nurse_a)
    if charge:
        on_shift(shift, world.assistant_a, charge=True)
    return stay, shift


def _raise(stay: Any, *, now: datetime = T0, kind: str = "dose_late", severity: str = "high") -> CareAlert | None:
    return services.raise_alert(
        kind=kind,
        stay=stay,
        source=stay,
        due_at=now - timedelta(minutes=31),
        title="Piperacillin 4.5 g IV late",
        detail="Due 13:29 ±30 min",
        severity=severity,
        now=now,
    )


# --- raised once, told to the assigned nurse ---------------------------------------------


def test_an_alert_is_raised_once_per_kind_and_source(world):
    stay, _ = _ward(world)
    first = _raise(stay)
    assert first is not None
    assert _raise(stay) is None
    assert _raise(stay, now=T0 + timedelta(minutes=5)) is None
    assert CareAlert.objects.count() == 1
    # Another kind about the same source is another alert.
    assert _raise(stay, kind="dose_missed") is not None


def test_the_nurse_assigned_on_the_shift_is_told_in_app_and_by_email(world, django_capture_on_commit_callbacks):
    world.nurse_a.email = "nurse.a@example.org"
    world.nurse_a.save()
    stay, _ = _ward(world)
    with django_capture_on_commit_callbacks(execute=True):
        alert = _raise(stay)
    assert alert is not None
    assert alert.level == 1
    assert list(alert.recipients.values_list("user_id", "level")) == [(world.nurse_a.pk, 1)]
    note = Notification.objects.get(recipient=world.nurse_a)
    assert note.link == f"/escalation/alerts/{alert.pk}/"
    assert "Zephyr" not in note.title + note.body  # the patient's name stays behind the log-in
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nurse.a@example.org"]
    assert not Notification.objects.filter(recipient=world.assistant_a).exists()
    assert AuditEvent.objects.filter(action="escalation.raise_alert", actor_id=None).count() == 1


def test_escalates_after_the_time_critical_delay_and_the_standard_one(world):
    stay, _ = _ward(world)
    high = _raise(stay)
    medium = _raise(stay, kind="dose_missed", severity="medium")
    assert high and medium
    assert high.escalate_at == T0 + timedelta(minutes=15)
    assert medium.escalate_at == T0 + timedelta(minutes=30)
    EscalationPolicy.objects.create(site=world.site_a, critical_delay_minutes=10)
    other = _raise(stay, kind="session_missed")
    assert other and other.escalate_at == T0 + timedelta(minutes=10)


def test_escalation_happens_at_the_instant_not_a_second_before(world):
    stay, _ = _ward(world)
    alert = _raise(stay)
    assert alert is not None
    with time_machine.travel(T0 + timedelta(minutes=15) - timedelta(seconds=1), tick=False):
        assert services.escalate_due() == 0
    alert.refresh_from_db()
    assert alert.level == 1
    with time_machine.travel(T0 + timedelta(minutes=15), tick=False):
        assert services.escalate_due() == 1
    alert.refresh_from_db()
    assert alert.level == 2
    assert alert.escalate_at == T0 + timedelta(minutes=45)  # then leadership after 30 more minutes
    assert set(alert.recipients.filter(level=2).values_list("user_id", flat=True)) == {world.assistant_a.pk}
    assert Notification.objects.filter(recipient=world.assistant_a).count() == 1


def test_compare_and_set_escalates_once_however_often_the_sweep_runs(world):
    stay, _ = _ward(world)
    alert = _raise(stay)
    assert alert is not None
    moment = T0 + timedelta(minutes=20)
    assert services.escalate_due(moment) == 1
    assert services.escalate_due(moment) == 0
    # A worker holding a stale copy (level 1, old escalate_at) cannot apply it again.
    claimed = CareAlert.objects.filter(pk=alert.pk, level=1, escalate_at=T0 + timedelta(minutes=15)).update(level=2)
    assert claimed == 0
    assert AlertRecipient.objects.filter(alert=alert, level=2).count() == 1
    assert Notification.objects.filter(recipient=world.assistant_a).count() == 1


def test_level_three_goes_to_site_leadership_after_the_second_delay(world):
    stay, _ = _ward(world)
    alert = _raise(stay)
    assert alert is not None
    services.escalate_due(T0 + timedelta(minutes=15))
    assert services.escalate_due(T0 + timedelta(minutes=44)) == 0
    assert services.escalate_due(T0 + timedelta(minutes=45)) == 1
    alert.refresh_from_db()
    assert alert.level == 3 and alert.escalate_at is None
    assert set(alert.recipients.filter(level=3).values_list("user_id", flat=True)) == {
        world.director_a.pk,
        world.assistant_a.pk,
    }


def test_without_a_leadership_level_the_alert_stops_at_the_charge_nurse(world):
    EscalationPolicy.objects.create(site=world.site_a, leadership_delay_minutes=None)
    stay, _ = _ward(world)
    alert = _raise(stay)
    assert alert is not None
    services.escalate_due(T0 + timedelta(minutes=15))
    alert.refresh_from_db()
    assert alert.level == 2 and alert.escalate_at is None


def test_no_nurse_assigned_goes_straight_to_the_charge_nurse(world):
    stay, _ = _ward(world, nurse=False)
    alert = _raise(stay)
    assert alert is not None
    assert alert.level == 2
    assert list(alert.recipients.values_list("user_id", flat=True)) == [world.assistant_a.pk]
    assert alert.escalate_at == T0 + timedelta(minutes=30)


def test_no_shift_at_all_goes_to_the_units_coordinator(world):
    stay = make_stay(world.icu_a)
    alert = _raise(stay)
    assert alert is not None
    assert alert.level == 2
    assert list(alert.recipients.values_list("user_id", flat=True)) == [world.coordinator_a.pk]


def test_a_nurse_of_a_shift_that_ended_is_not_told(world):
    stay, _ = _ward(world)
    later = T0 + timedelta(hours=10)  # the day shift (11:00-23:00 UTC) is over
    alert = _raise(stay, now=later)
    assert alert is not None
    assert alert.level == 2
    assert not alert.recipients.filter(user=world.nurse_a).exists()


# --- acknowledge and resolve ---------------------------------------------------------------


def test_acknowledge_needs_a_note_and_stops_the_escalation(world):
    stay, _ = _ward(world)
    alert = _raise(stay)
    assert alert is not None
    with pytest.raises(errors.ValidationFailed) as exc:
        services.acknowledge(world.nurse_a, alert.pk, "  ", now=T0 + timedelta(minutes=5))
    assert "note" in exc.value.fields
    done = services.acknowledge(
        world.nurse_a, alert.pk, "Given at 14:05, prescriber told", now=T0 + timedelta(minutes=5)
    )
    assert done.status == AlertStatus.ACKNOWLEDGED and done.escalate_at is None
    assert done.acknowledged_by == world.nurse_a
    assert services.escalate_due(T0 + timedelta(hours=2)) == 0
    assert not AlertRecipient.objects.filter(alert=alert, level=2).exists()
    with pytest.raises(errors.ValidationFailed) as again:
        services.acknowledge(world.nurse_a, alert.pk, "again")
    assert "status" in again.value.fields
    assert AuditEvent.objects.filter(action="escalation.acknowledge_alert", actor_id=world.nurse_a.pk).count() == 1


def test_a_manager_of_the_unit_may_acknowledge_an_alert_not_sent_to_them(world):
    stay, _ = _ward(world)
    alert = _raise(stay)
    assert alert is not None
    services.acknowledge(world.coordinator_a, alert.pk, "Covered by the charge nurse")


def test_a_colleague_not_told_may_see_but_not_acknowledge(world):
    from tests.conftest import make_user

    colleague = make_user("nurse_colleague", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
    stay, _ = _ward(world)
    alert = _raise(stay)
    assert alert is not None
    assert queries.alert(colleague, alert.pk) == alert
    with pytest.raises(errors.PermissionDenied):
        services.acknowledge(colleague, alert.pk, "seen")


def test_another_site_cannot_find_the_alert(world):
    stay, _ = _ward(world)
    alert = _raise(stay)
    assert alert is not None
    for outsider in (world.director_b, world.nurse_b):
        with pytest.raises(errors.NotFound):
            services.acknowledge(outsider, alert.pk, "seen")


def test_resolve_closes_an_open_alert_with_its_note(world):
    stay, _ = _ward(world)
    alert = _raise(stay)
    assert alert is not None
    with pytest.raises(errors.ValidationFailed):
        services.resolve(world.nurse_a, alert.pk, "")
    done = services.resolve(world.nurse_a, alert.pk, "Dose given; pharmacy informed")
    assert done.status == AlertStatus.RESOLVED
    assert done.acknowledged_at is not None and done.escalate_at is None
    with pytest.raises(errors.ValidationFailed):
        services.resolve(world.nurse_a, alert.pk, "again")


# --- incident drafts ---------------------------------------------------------------------------


def test_an_incident_draft_from_a_missed_dose_is_prefilled_category_c(world):
    stay = make_stay(world.icu_a)
    alert = make_alert(stay, kind="dose_missed", recipients=[world.nurse_a])
    draft = services.draft_incident_for_alert(world.nurse_a, alert.pk)
    assert draft.ncc_merp_category == "C"
    assert draft.is_omission and draft.event_type == "medication"
    assert "Vancomycin" in draft.description
    assert draft.occurred_at == alert.due_at
    # A second click opens the same draft.
    assert services.draft_incident_for_alert(world.nurse_a, alert.pk) == draft


@pytest.mark.parametrize("category", ["A", "B"])
def test_an_omission_cannot_be_category_a_or_b(world, category):
    stay = make_stay(world.icu_a)
    alert = make_alert(stay, kind="dose_missed")
    with pytest.raises(errors.ValidationFailed) as exc:
        services.draft_incident_for_alert(world.nurse_a, alert.pk, category=category)
    assert exc.value.fields["ncc_merp_category"] == ["an omission reaches the patient, so its category is C or more"]
    draft = services.draft_incident_for_alert(world.nurse_a, alert.pk, category="D")
    with pytest.raises(errors.ValidationFailed):
        services.update_incident_draft(
            world.nurse_a,
            draft.pk,
            schemas.IncidentDraftUpdate(version=draft.version, ncc_merp_category=NccMerpCategory(category)),
        )


def test_a_late_dose_may_be_any_category_and_edits_check_the_version(world):
    stay = make_stay(world.icu_a)
    alert = make_alert(stay, kind="dose_late")
    draft = services.draft_incident_for_alert(world.nurse_a, alert.pk, category="B")
    assert not draft.is_omission
    updated = services.update_incident_draft(
        world.nurse_a, draft.pk, schemas.IncidentDraftUpdate(version=draft.version, ncc_merp_category=NccMerpCategory.D)
    )
    assert updated.ncc_merp_category == "D" and updated.version == draft.version + 1
    with pytest.raises(errors.Conflict):
        services.update_incident_draft(
            world.nurse_a, draft.pk, schemas.IncidentDraftUpdate(version=draft.version, description="x")
        )


def test_a_missed_session_draft_is_a_care_delivery_event_without_category(world):
    stay = make_stay(world.icu_a)
    alert = make_alert(stay, kind="session_missed")
    draft = services.draft_incident_for_alert(world.coordinator_a, alert.pk)
    assert draft.event_type == "care_delivery" and draft.ncc_merp_category == ""


def test_drafting_needs_the_permission(world):
    stay = make_stay(world.icu_a)
    alert = make_alert(stay, kind="dose_missed")
    with pytest.raises(errors.PermissionDenied):
        services.draft_incident_for_alert(world.auditor_a, alert.pk)
    with pytest.raises(errors.NotFound):
        services.draft_incident_for_alert(world.nurse_b, alert.pk)
    assert not IncidentDraft.objects.exists()


def test_creating_needs_an_alert_or_a_dose(world):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_incident_draft(world.nurse_a, schemas.IncidentDraftCreate())
    assert "alert_id" in exc.value.fields


def _missed_dose(stay: Any) -> Any:
    """A time-critical q6h dose, six hours ago, never documented: missed at T0."""
    from importlib import import_module

    meds = import_module("caredesk.medications.models")
    if not hasattr(meds, "ScheduledDose"):
        pytest.skip("medications.models.ScheduledDose is not there (helper MEDS)")
    order = meds.MedicationOrder.objects.create(
        stay=stay,
        drug="Vancomycin",
        dose=Decimal("1000"),
        dose_unit="mg",
        route="iv",
        frequency="q6h",
        starts_at=T0 - timedelta(days=1),
        time_critical=True,
        prescriber="Dr Osei",
    )
    scheduled = T0 - timedelta(hours=6)
    return meds.ScheduledDose.objects.create(
        order=order,
        stay=stay,
        scheduled_at=scheduled,
        window_minutes=30,
        window_closes_at=scheduled + timedelta(minutes=30),
        next_dose_at=T0 - timedelta(minutes=1),
    )


def test_draft_for_a_missed_dose_is_an_omission_prefilled_c(world):
    stay = make_stay(world.icu_a)
    dose = _missed_dose(stay)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.draft_incident_for_missed_dose(world.nurse_a, dose.pk, now=T0, category="B")
    assert "ncc_merp_category" in exc.value.fields
    draft = services.draft_incident_for_missed_dose(world.nurse_a, dose.pk, now=T0)
    assert draft.ncc_merp_category == "C" and draft.is_omission and draft.event_type == "medication"
    assert draft.source_type == "medications.scheduleddose" and draft.source_id == dose.pk
    assert "Vancomycin 1000 mg" in draft.description and "±30 min" in draft.description
    assert "missed" in draft.description
    assert draft.occurred_at == dose.scheduled_at
    with pytest.raises(errors.NotFound):
        services.draft_incident_for_missed_dose(world.nurse_b, dose.pk, now=T0)


def test_a_missed_dose_alert_from_medications_drafts_from_the_dose(world):
    stay = make_stay(world.icu_a)
    dose = _missed_dose(stay)
    alert = make_alert(stay, kind="dose_missed", source=dose)
    draft = services.draft_incident_for_alert(world.nurse_a, alert.pk, now=T0)
    assert draft.source_id == dose.pk and "Vancomycin 1000 mg" in draft.description
    assert services.draft_incident_for_missed_dose(world.nurse_a, dose.pk, now=T0) == draft


# --- policy ---------------------------------------------------------------------------------


def test_site_leadership_sets_the_delays(world):
    policy = services.update_policy(
        world.director_a, world.site_a.pk, schemas.EscalationPolicyUpdate(version=1, critical_delay_minutes=10)
    )
    assert policy.critical_delay_minutes == 10 and policy.version == 2
    policy = services.update_policy(
        world.director_a, world.site_a.pk, schemas.EscalationPolicyUpdate(version=2, no_leadership_level=True)
    )
    assert policy.leadership_delay_minutes is None
    with pytest.raises(errors.PermissionDenied):
        services.update_policy(world.coordinator_a, world.site_a.pk, schemas.EscalationPolicyUpdate(version=3))
    with pytest.raises(errors.NotFound):
        services.update_policy(world.director_b, world.site_a.pk, schemas.EscalationPolicyUpdate(version=3))


# --- permissions: allowed and refused ----------------------------------------------------------


@pytest.mark.parametrize(
    ("permission", "allowed", "refused"),
    [
        ("escalation.view", ["nurse_a", "coordinator_a", "auditor_a", "director_a"], ["hr_a", "finance_a", "nurse_b"]),
        ("escalation.manage", ["coordinator_a", "director_a"], ["nurse_a", "auditor_a", "director_b"]),
        ("escalation.draft_incident", ["nurse_a", "coordinator_a"], ["auditor_a", "hr_a", "nurse_b"]),
    ],
)
def test_unit_permissions(world, permission, allowed, refused):
    for name in allowed:
        assert scoping.has(world.persona(name), permission, site_id=world.site_a.pk, unit_id=world.icu_a.pk), name
    for name in refused:
        assert not scoping.has(world.persona(name), permission, site_id=world.site_a.pk, unit_id=world.icu_a.pk), name


def test_policy_permission_is_site_leadership(world):
    assert scoping.has(world.director_a, "escalation.manage_policy", site_id=world.site_a.pk)
    assert scoping.has(world.assistant_a, "escalation.manage_policy", site_id=world.site_a.pk)
    assert not scoping.has(world.coordinator_a, "escalation.manage_policy", site_id=world.site_a.pk)
    assert not scoping.has(world.director_b, "escalation.manage_policy", site_id=world.site_a.pk)


# --- reads ----------------------------------------------------------------------------------------


def test_badge_counts_take_two_queries(world, django_assert_num_queries):
    stay = make_stay(world.icu_a)
    make_alert(stay, recipients=[world.nurse_a])
    make_alert(stay, kind="dose_late")
    scoping.reach(world.nurse_a, "escalation.view")  # the per-user grant cache, filled once per request
    with django_assert_num_queries(2):
        counts = queries.badge_counts(world.nurse_a)
    assert counts == {"mine": 1, "units": 2}


def test_unit_list_shows_open_alerts_first(world):
    stay = make_stay(world.icu_a)
    closed = make_alert(stay, kind="dose_late", status="acknowledged")
    opened = make_alert(stay, kind="dose_missed", now=closed.raised_at - timedelta(hours=1))
    assert list(queries.unit_alerts(world.coordinator_a)) == [opened, closed]
    assert list(queries.unit_alerts(world.director_b)) == []


# --- concurrency (PostgreSQL) ---------------------------------------------------------------------


def _race(n: int, target: Any) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        except BaseException as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_raises_create_one_alert(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency runs in the PostgreSQL pass of the suite (DATABASE_URL=postgres://...)")
    stay, _ = _ward(world)
    results = _race(4, lambda: _raise(stay))
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert len([r for r in results if r is not None]) == 1
    assert CareAlert.objects.count() == 1
    assert Notification.objects.filter(recipient=world.nurse_a).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_escalate_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency runs in the PostgreSQL pass of the suite (DATABASE_URL=postgres://...)")
    stay, _ = _ward(world)
    alert = _raise(stay)
    assert alert is not None
    results = _race(4, lambda: services.escalate_due(T0 + timedelta(minutes=16)))
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == 1
    assert AlertRecipient.objects.filter(alert=alert, level=2).count() == 1
    assert Notification.objects.filter(recipient=world.assistant_a).count() == 1
