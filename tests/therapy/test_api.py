"""The therapy API: plans, scheduling, recording, minutes and shortfall, the
error shape, and therapy.view allowed and refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caredesk.core import clock
from caredesk.core.models import AuditEvent
from caredesk.therapy.models import SessionStatus, TherapySession
from tests.therapy.helpers import irf_rule, make_plan, make_session, make_stay

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midweek_afternoon(time_machine):
    """A Wednesday afternoon in New York (site A), so "3 hours ago" and "in 5
    minutes" fall in the same local day and week."""
    time_machine.move_to(datetime(2026, 3, 4, 19, 0, tzinfo=UTC), tick=False)


def test_plan_schedule_record_and_minutes(world, api):
    stay = make_stay(world.icu_a, family="Apiwalker")
    rule = irf_rule()
    assert api.get("/therapy/intensity-rules", user=world.nurse_a).json()["items"][0]["code"] == "cms-irf-3h"
    r = api.post(
        "/therapy/plans",
        {
            "stay_id": stay.pk,
            "discipline": "pt",
            "minutes_per_day": 90,
            "days_per_week": 5,
            "starts_on": (clock.now() - timedelta(days=2)).date().isoformat(),
            "intensity_rule_id": rule.pk,
        },
        user=world.nurse_a,
    )
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["weekly_minutes"] == 450 and plan["patient"] == "Apiwalker, Ada"
    start = (clock.now() - timedelta(hours=3)).isoformat()
    r = api.post(
        "/therapy/sessions",
        {"plan_id": plan["id"], "scheduled_start": start, "planned_minutes": 90},
        user=world.nurse_a,
    )
    assert r.status_code == 201, r.content
    session = r.json()
    assert session["state"] == "overdue" or session["state"] == "to_record"
    r = api.post(f"/therapy/sessions/{session['id']}/done", {"version": 1, "delivered_minutes": 80}, user=world.nurse_a)
    assert r.status_code == 200 and r.json()["status"] == "done"
    minutes = api.get(f"/therapy/minutes?stay_id={stay.pk}", user=world.nurse_a).json()
    assert minutes["delivered"] >= 80 and minutes["disciplines"][0]["discipline"] == "pt"
    assert AuditEvent.objects.filter(action="view", object_type="census.stay", object_id=str(stay.pk)).exists()
    listed = api.get(f"/therapy/sessions?stay_id={stay.pk}", user=world.auditor_a).json()
    assert listed["count"] == 1


def test_validation_error_shape_names_the_field(world, api):
    stay = make_stay(world.icu_a)
    session = make_session(make_plan(stay), clock.now() + timedelta(hours=4))
    r = api.post(f"/therapy/sessions/{session.pk}/done", {"version": 1, "delivered_minutes": 30}, user=world.nurse_a)
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["code"] == "validation_error" and "delivered_minutes" in body["fields"]
    r = api.post(f"/therapy/sessions/{session.pk}/done", {"version": 1, "delivered_minutes": 999}, user=world.nurse_a)
    assert r.status_code == 422 and "delivered_minutes" in r.json()["error"]["fields"]
    r = api.post(f"/therapy/sessions/{session.pk}/missed", {"version": 1, "reason": "bored"}, user=world.nurse_a)
    assert r.status_code == 422 and "reason" in r.json()["error"]["fields"]
    assert TherapySession.objects.get().status == SessionStatus.SCHEDULED


def test_missed_and_cancel(world, api):
    stay = make_stay(world.icu_a)
    plan = make_plan(stay)
    past = make_session(plan, clock.now() - timedelta(hours=2))
    later = make_session(plan, clock.now() + timedelta(hours=2))
    r = api.post(
        f"/therapy/sessions/{past.pk}/missed", {"version": 1, "reason": "patient_off_unit"}, user=world.nurse_a
    )
    assert r.status_code == 200 and r.json()["missed_reason"] == "patient_off_unit"
    r = api.post(f"/therapy/sessions/{later.pk}/cancel", {"version": 1, "reason": "Discharged"}, user=world.nurse_a)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


def test_shortfall_by_unit(world, api):
    stay = make_stay(world.icu_a, family="Shortie")
    make_plan(stay, discipline="pt", rule=irf_rule(), starts_on=(clock.now() - timedelta(days=30)).date())
    r = api.get(f"/therapy/shortfall?unit_id={world.icu_a.pk}", user=world.coordinator_a)
    assert r.status_code == 200
    body = r.json()
    assert [p["patient"] for p in body["patients"]] == ["Shortie, Ada"]
    assert body["patients"][0]["gap"] > 0 and body["patients"][0]["intensity"]["met"] is False


def test_plan_patch_and_end(world, api):
    plan = make_plan(make_stay(world.icu_a), starts_on=(clock.now() - timedelta(days=3)).date())
    r = api.patch(f"/therapy/plans/{plan.pk}", {"version": 1, "goals": "Walk 50 m"}, user=world.coordinator_a)
    assert r.status_code == 200 and r.json()["goals"] == "Walk 50 m"
    r = api.patch(f"/therapy/plans/{plan.pk}", {"version": 1, "goals": "stale"}, user=world.coordinator_a)
    assert r.status_code == 409
    r = api.post(f"/therapy/plans/{plan.pk}/end", {"version": 2}, user=world.coordinator_a)
    assert r.status_code == 200 and r.json()["status"] == "ended"
    r = api.post(f"/therapy/plans/{plan.pk}/schedule-week", {}, user=world.coordinator_a)
    assert r.status_code == 422


@pytest.mark.parametrize("persona", ["nurse_a", "coordinator_a", "director_a", "auditor_a"])
def test_view_permission_allowed(world, api, persona):
    plan = make_plan(make_stay(world.icu_a))
    assert api.get(f"/therapy/plans/{plan.pk}", user=world.persona(persona)).status_code == 200
    assert api.get(f"/therapy/shortfall?unit_id={world.icu_a.pk}", user=world.persona(persona)).status_code == 200


@pytest.mark.parametrize("persona", ["hr_a", "finance_a", "nurse_b", "director_b"])
def test_view_permission_refused(world, api, persona):
    plan = make_plan(make_stay(world.icu_a))
    assert api.get(f"/therapy/plans/{plan.pk}", user=world.persona(persona)).status_code == 404
    assert api.get(f"/therapy/shortfall?unit_id={world.icu_a.pk}", user=world.persona(persona)).status_code == 404
    assert api.get("/therapy/plans", user=world.persona(persona)).json()["count"] == 0


def test_nurse_of_the_icu_cannot_see_another_unit(world, api):
    plan = make_plan(make_stay(world.ms_a))
    assert api.get(f"/therapy/plans/{plan.pk}", user=world.nurse_a).status_code == 404
