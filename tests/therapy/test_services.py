"""Therapy services: plans, scheduling, recording with clear field messages
(nothing saved on error), the missed-session alert raised once, and every
permission allowed and refused."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest

from caredesk.core import clock, errors
from caredesk.core.models import AuditEvent, Notification
from caredesk.therapy import schemas, services, tasks
from caredesk.therapy.models import MissedReason, PlanStatus, SessionStatus, TherapyPlan, TherapySession
from tests.conftest import make_user
from tests.therapy.helpers import irf_rule, make_plan, make_session, make_stay, make_therapist

pytestmark = pytest.mark.django_db

RAISE = "caredesk.escalation.services.raise_alert"


@pytest.fixture
def stay(world):
    return make_stay(world.icu_a)


@pytest.fixture
def therapist(world):
    user = make_user("pt_alpha", role="clinician", site=world.site_a, unit=world.icu_a, discipline="pt")
    return make_therapist(user, world.site_a, world.icu_a, "pt")


def plan_data(stay, **kw):
    base = {
        "stay_id": stay.pk,
        "discipline": "pt",
        "minutes_per_day": 90,
        "days_per_week": 5,
        "starts_on": clock.now().date() - timedelta(days=1),
    }
    return schemas.PlanCreate(**{**base, **kw})


# --- plans ----------------------------------------------------------------------------


def test_create_plan_with_rule_and_therapist_is_audited(world, stay, therapist):
    plan = services.create_plan(
        world.nurse_a, plan_data(stay, intensity_rule_id=irf_rule().pk, therapist_id=therapist.pk)
    )
    assert plan.weekly_minutes == 450 and plan.therapist == therapist and plan.intensity_rule is not None
    assert AuditEvent.objects.filter(action="therapy.create_plan", object_id=str(plan.pk)).exists()


def test_plan_needs_a_prescription_named_by_field(world, stay):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_plan(world.nurse_a, plan_data(stay, minutes_per_day=None, days_per_week=None))
    assert "minutes_per_week" in exc.value.fields
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_plan(world.nurse_a, plan_data(stay, days_per_week=None))
    assert "days_per_week" in exc.value.fields
    assert not TherapyPlan.objects.exists()


def test_plan_refuses_wrong_discipline_therapist_and_a_second_active_plan(world, stay, therapist):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_plan(world.nurse_a, plan_data(stay, discipline="ot", therapist_id=therapist.pk))
    assert "therapist_id" in exc.value.fields
    services.create_plan(world.nurse_a, plan_data(stay))
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_plan(world.nurse_a, plan_data(stay))
    assert "discipline" in exc.value.fields
    assert TherapyPlan.objects.count() == 1


def test_plan_cannot_start_before_admission(world):
    stay = make_stay(world.icu_a, admitted=clock.now() - timedelta(days=2))
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_plan(world.nurse_a, plan_data(stay, starts_on=clock.now().date() - timedelta(days=10)))
    assert "starts_on" in exc.value.fields


def test_update_plan_checks_version(world, stay):
    plan = make_plan(stay)
    services.update_plan(world.nurse_a, plan.pk, schemas.PlanUpdate(version=1, minutes_per_day=60))
    plan.refresh_from_db()
    assert plan.minutes_per_day == 60 and plan.version == 2
    with pytest.raises(errors.Conflict):
        services.update_plan(world.nurse_a, plan.pk, schemas.PlanUpdate(version=1, minutes_per_day=30))


def test_end_plan_cancels_later_sessions(world, stay):
    now = clock.now()
    plan = make_plan(stay, starts_on=now.date() - timedelta(days=5))
    earlier = make_session(plan, now - timedelta(days=1))
    later = make_session(plan, now + timedelta(days=3))
    services.end_plan(world.nurse_a, plan.pk, schemas.PlanEnd(version=1, reason="Goals met"), now=now)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED and plan.end_reason == "Goals met"
    later.refresh_from_db()
    earlier.refresh_from_db()
    assert later.status == SessionStatus.CANCELLED and later.next_check_at is None
    assert earlier.status == SessionStatus.SCHEDULED


# --- scheduling -----------------------------------------------------------------------


def test_schedule_week_splits_three_hours_and_skips_days_taken(world, stay):
    plan = make_plan(stay, minutes_per_day=180, days_per_week=5, starts_on=date(2026, 1, 1))
    now = clock.now()
    created = services.schedule_week(
        world.coordinator_a, plan.pk, schemas.WeekSchedule(week_of=date(2026, 3, 2), from_today=False), now=now
    )
    assert len(created) == 10 and sum(s.planned_minutes for s in created) == 900
    assert all(s.next_check_at == s.scheduled_start + timedelta(minutes=s.planned_minutes + 60) for s in created)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.schedule_week(
            world.coordinator_a, plan.pk, schemas.WeekSchedule(week_of=date(2026, 3, 2), from_today=False), now=now
        )
    assert "days" in exc.value.fields


def test_schedule_session_outside_the_plan_dates(world, stay):
    plan = make_plan(stay, starts_on=clock.now().date())
    with pytest.raises(errors.ValidationFailed) as exc:
        services.schedule_session(
            world.nurse_a,
            schemas.TherapySessionCreate(plan_id=plan.pk, scheduled_start=clock.now() - timedelta(days=3)),
        )
    assert "scheduled_start" in exc.value.fields
    assert not TherapySession.objects.exists()


# --- recording ------------------------------------------------------------------------


def test_record_done_with_minutes_and_therapist(world, stay, therapist):
    plan = make_plan(stay, therapist=therapist)
    session = make_session(plan, clock.now() - timedelta(hours=2))
    done = services.record_done(
        world.nurse_a, session.pk, schemas.SessionDone(version=1, delivered_minutes=55, note="Gait training")
    )
    assert done.status == SessionStatus.DONE and done.delivered_minutes == 55 and done.next_check_at is None
    assert done.recorded_by == world.nurse_a and done.therapist == therapist


@pytest.mark.parametrize(
    ("field", "setup"),
    [
        ("delivered_minutes", "future"),
        ("delivered_minutes", "already_done"),
        ("version", "stale"),
    ],
)
def test_record_done_refusals_name_the_field_and_save_nothing(world, stay, field, setup):
    plan = make_plan(stay)
    start = clock.now() + timedelta(hours=2) if setup == "future" else clock.now() - timedelta(hours=2)
    session = make_session(plan, start)
    if setup == "already_done":
        TherapySession.objects.filter(pk=session.pk).update(status="done", delivered_minutes=30)
    version = 7 if setup == "stale" else 1
    before = list(TherapySession.objects.values())
    with pytest.raises((errors.ValidationFailed, errors.Conflict)) as exc:
        services.record_done(world.nurse_a, session.pk, schemas.SessionDone(version=version, delivered_minutes=30))
    assert field in exc.value.fields
    assert list(TherapySession.objects.values()) == before


def test_delivered_minutes_have_a_sane_maximum():
    with pytest.raises(ValueError, match="240"):
        schemas.SessionDone(version=1, delivered_minutes=600)


def test_missed_other_needs_a_note(world, stay):
    session = make_session(make_plan(stay), clock.now() - timedelta(hours=2))
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_missed(world.nurse_a, session.pk, schemas.SessionMissed(version=1, reason=MissedReason.OTHER))
    assert "note" in exc.value.fields
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_missed_raises_the_alert_once_after_commit(world, stay, django_capture_on_commit_callbacks):
    session = make_session(make_plan(stay), clock.now() - timedelta(hours=2))
    with mock.patch(RAISE) as raise_alert, django_capture_on_commit_callbacks(execute=True):
        services.record_missed(
            world.nurse_a,
            session.pk,
            schemas.SessionMissed(version=1, reason=MissedReason.PATIENT_UNWELL, note="Fever"),
        )
    raise_alert.assert_called_once()
    kwargs = raise_alert.call_args.kwargs
    assert kwargs["kind"] == "session_missed" and kwargs["source"].pk == session.pk and kwargs["stay"] == stay
    assert "Patient unwell" in kwargs["detail"] and "Fever" in kwargs["detail"]
    session.refresh_from_db()
    assert session.next_check_at is None and session.alert_raised_at is not None
    with mock.patch(RAISE) as again:
        assert tasks.raise_due_alerts(now=clock.now() + timedelta(hours=1)) == {"alerts": 0, "reminders": 0}
    again.assert_not_called()


def test_the_sweep_raises_the_alert_when_the_first_attempt_failed(world, stay, django_capture_on_commit_callbacks):
    session = make_session(make_plan(stay), clock.now() - timedelta(hours=2))
    with (
        mock.patch(RAISE, side_effect=RuntimeError("escalation down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.record_missed(
            world.nurse_a, session.pk, schemas.SessionMissed(version=1, reason=MissedReason.PATIENT_REFUSED)
        )
    session.refresh_from_db()
    assert session.status == SessionStatus.MISSED and session.next_check_at is not None  # the record stands
    with mock.patch(RAISE) as raise_alert:
        assert tasks.raise_due_alerts(now=clock.now())["alerts"] == 1
        assert tasks.raise_due_alerts(now=clock.now())["alerts"] == 0
    raise_alert.assert_called_once()
    assert raise_alert.call_args.kwargs["severity"] == "medium"


def test_missed_alert_reaches_the_escalation_app(world, stay, django_capture_on_commit_callbacks):
    from caredesk.escalation.models import CareAlert

    session = make_session(make_plan(stay), clock.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.record_missed(
            world.nurse_a, session.pk, schemas.SessionMissed(version=1, reason=MissedReason.PATIENT_UNWELL)
        )
    alert = CareAlert.objects.get()
    assert alert.kind == "session_missed" and alert.stay_id == stay.pk


def test_overdue_unrecorded_session_reminds_the_therapist_once(world, stay, therapist):
    start = clock.now() - timedelta(hours=3)
    session = make_session(make_plan(stay, therapist=therapist), start, minutes=60)
    assert tasks.raise_due_alerts(now=start + timedelta(minutes=119)) == {"alerts": 0, "reminders": 0}
    assert tasks.raise_due_alerts(now=start + timedelta(minutes=120)) == {"alerts": 0, "reminders": 1}
    assert tasks.raise_due_alerts(now=start + timedelta(minutes=180)) == {"alerts": 0, "reminders": 0}
    note = Notification.objects.get(recipient=therapist.user)
    assert note.kind == "therapy.session_not_recorded" and f"/therapy/sessions/{session.pk}/record/" in note.link


def test_cancel_needs_a_scheduled_session(world, stay):
    session = make_session(make_plan(stay), clock.now() + timedelta(hours=2))
    services.cancel_session(
        world.nurse_a, session.pk, schemas.TherapySessionCancel(version=1, reason="Discharge moved up")
    )
    with pytest.raises(errors.ValidationFailed) as exc:
        services.cancel_session(world.nurse_a, session.pk, schemas.TherapySessionCancel(version=2, reason="again"))
    assert "status" in exc.value.fields


# --- permissions ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["nurse_a", "coordinator_a", "director_a"])
def test_plan_permission_allowed(world, stay, persona):
    assert services.create_plan(world.persona(persona), plan_data(stay)).pk


@pytest.mark.parametrize(
    ("persona", "error"),
    [("auditor_a", errors.PermissionDenied), ("nurse_b", errors.NotFound), ("hr_a", errors.NotFound)],
)
def test_plan_permission_refused(world, stay, persona, error):
    with pytest.raises(error):
        services.create_plan(world.persona(persona), plan_data(stay))


def test_plan_permission_is_per_unit(world):
    other_unit_stay = make_stay(world.ms_a)
    with pytest.raises(errors.NotFound):
        services.create_plan(world.nurse_a, plan_data(other_unit_stay))


@pytest.mark.parametrize("persona", ["nurse_a", "coordinator_a"])
def test_record_permission_allowed(world, stay, persona):
    session = make_session(make_plan(stay), clock.now() - timedelta(hours=2))
    services.record_done(world.persona(persona), session.pk, schemas.SessionDone(version=1, delivered_minutes=60))


@pytest.mark.parametrize(("persona", "error"), [("auditor_a", errors.PermissionDenied), ("nurse_b", errors.NotFound)])
def test_record_permission_refused(world, stay, persona, error):
    session = make_session(make_plan(stay), clock.now() - timedelta(hours=2))
    with pytest.raises(error):
        services.record_done(world.persona(persona), session.pk, schemas.SessionDone(version=1, delivered_minutes=60))
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
