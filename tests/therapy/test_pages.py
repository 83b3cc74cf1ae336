"""Therapy pages through the test client: GET and POST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caredesk.core import clock
from caredesk.core.models import AuditEvent
from caredesk.therapy.models import SessionStatus, TherapyPlan, TherapySession
from tests.conftest import make_user
from tests.therapy.helpers import irf_rule, make_plan, make_session, make_stay, make_therapist

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midweek_afternoon(time_machine):
    """A Wednesday afternoon in New York (site A), so "3 hours ago" and "in 5
    minutes" fall in the same local day and week."""
    time_machine.move_to(datetime(2026, 3, 4, 19, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def short_patient(world):
    stay = make_stay(world.icu_a, family="Shortfall")
    plan = make_plan(stay, discipline="pt", rule=irf_rule(), starts_on=(clock.now() - timedelta(days=30)).date())
    make_session(plan, clock.now() - timedelta(hours=3), minutes=90)
    return stay, plan


def test_home_shows_the_shortfall_of_the_unit(world, client, short_patient):
    client.force_login(world.nurse_a)
    r = client.get(f"/therapy/?unit={world.icu_a.pk}")
    assert r.status_code == 200
    text = r.content.decode()
    assert "Shortfall" in text and 'id="shortfall-table"' in text
    assert 'href="/therapy/"' in text  # the nav entry


def test_home_is_refused_without_therapy_view(world, client):
    client.force_login(world.hr_a)
    assert client.get("/therapy/").status_code == 403


def test_unit_week_shows_patients_by_day(world, client, short_patient):
    client.force_login(world.coordinator_a)
    r = client.get(f"/therapy/units/{world.icu_a.pk}/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "Shortfall, Ada" in text and "0/90" in text
    assert client.get(f"/therapy/units/{world.ms_a.pk}/").status_code == 404


def test_patient_page_is_an_audited_view(world, client, short_patient):
    stay, _plan = short_patient
    client.force_login(world.auditor_a)
    r = client.get(f"/therapy/stays/{stay.pk}/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "Weekly minutes" in text and "overdue" in text
    assert "New plan" not in text  # the auditor only reads
    assert AuditEvent.objects.filter(action="view", object_type="census.stay", object_id=str(stay.pk)).exists()


def test_plan_form_creates_a_plan_and_shows_field_errors(world, client):
    stay = make_stay(world.icu_a)
    client.force_login(world.nurse_a)
    assert client.get(f"/therapy/stays/{stay.pk}/plans/new/").status_code == 200
    r = client.post(
        f"/therapy/stays/{stay.pk}/plans/new/",
        {"discipline": "ot", "starts_on": clock.now().date().isoformat(), "minutes_per_day": "60"},
    )
    assert r.status_code == 200 and "is-invalid" in r.content.decode()
    assert not TherapyPlan.objects.exists()
    r = client.post(
        f"/therapy/stays/{stay.pk}/plans/new/",
        {
            "discipline": "ot",
            "starts_on": clock.now().date().isoformat(),
            "minutes_per_day": "60",
            "days_per_week": "5",
            "intensity_rule": str(irf_rule().pk),
        },
    )
    assert r.status_code == 302 and r["Location"] == f"/therapy/stays/{stay.pk}/"
    assert TherapyPlan.objects.get().weekly_minutes == 300


def test_plan_edit_and_end(world, client):
    stay = make_stay(world.icu_a)
    plan = make_plan(stay, starts_on=(clock.now() - timedelta(days=3)).date())
    client.force_login(world.coordinator_a)
    assert client.get(f"/therapy/plans/{plan.pk}/edit/").status_code == 200
    r = client.post(f"/therapy/plans/{plan.pk}/edit/", {"version": 1, "minutes_per_day": "45", "days_per_week": "6"})
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.weekly_minutes == 270
    r = client.post(f"/therapy/plans/{plan.pk}/end/", {"version": 2, "reason": "Discharged home"})
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "ended"


def test_schedule_a_week_and_a_session_from_the_patient_page(world, client):
    stay = make_stay(world.icu_a)
    plan = make_plan(stay, starts_on=(clock.now() - timedelta(days=10)).date())
    client.force_login(world.nurse_a)
    r = client.post(f"/therapy/plans/{plan.pk}/schedule-week/", {"start_time": "10:00"})
    assert r.status_code == 302 and TherapySession.objects.exists()
    count = TherapySession.objects.count()
    start = (clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT08:00")
    r = client.post(f"/therapy/plans/{plan.pk}/sessions/new/", {"scheduled_start": start, "planned_minutes": "45"})
    assert r.status_code == 302 and TherapySession.objects.count() == count + 1


def test_record_form_done_and_missed(world, client, short_patient):
    _stay, plan = short_patient
    session = TherapySession.objects.get()
    client.force_login(world.nurse_a)
    assert client.get(f"/therapy/sessions/{session.pk}/record/").status_code == 200
    r = client.post(f"/therapy/sessions/{session.pk}/record/", {"outcome": "missed", "version": 1})
    assert r.status_code == 200 and "Give the reason" in r.content.decode()
    r = client.post(
        f"/therapy/sessions/{session.pk}/record/", {"outcome": "done", "delivered_minutes": "500", "version": 1}
    )
    assert r.status_code == 200 and "is-invalid" in r.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    r = client.post(
        f"/therapy/sessions/{session.pk}/record/", {"outcome": "done", "delivered_minutes": "85", "version": 1}
    )
    assert r.status_code == 302
    session.refresh_from_db()
    assert session.status == "done" and session.delivered_minutes == 85
    other = make_session(plan, clock.now() - timedelta(hours=1), minutes=30)
    r = client.post(
        f"/therapy/sessions/{other.pk}/record/?next=https://evil.example/",
        {"outcome": "missed", "reason": "patient_refused", "version": 1},
    )
    assert r.status_code == 302 and r["Location"] == f"/therapy/stays/{other.plan.stay_id}/"
    other.refresh_from_db()
    assert other.status == "missed" and other.missed_reason == "patient_refused"


def test_record_form_refused_to_the_auditor(world, client, short_patient):
    session = TherapySession.objects.get()
    client.force_login(world.auditor_a)
    assert "Record" not in client.get(f"/therapy/sessions/{session.pk}/record/").content.decode().split("</h1>")[1]
    r = client.post(
        f"/therapy/sessions/{session.pk}/record/", {"outcome": "done", "delivered_minutes": "60", "version": 1}
    )
    assert r.status_code == 403


def test_cancel_from_the_record_page(world, client):
    stay = make_stay(world.icu_a)
    session = make_session(make_plan(stay), clock.now() + timedelta(hours=3))
    client.force_login(world.nurse_a)
    r = client.post(f"/therapy/sessions/{session.pk}/cancel/", {"version": 1, "reason": "Patient to radiology"})
    assert r.status_code == 302
    session.refresh_from_db()
    assert session.status == "cancelled"


def test_my_sessions_today_for_a_therapist(world, client):
    user = make_user("ot_alpha", role="clinician", site=world.site_a, unit=world.icu_a, discipline="ot")
    staff = make_therapist(user, world.site_a, world.icu_a, "ot")
    plan = make_plan(make_stay(world.icu_a, family="Tablet"), discipline="ot", therapist=staff)
    make_session(plan, clock.now() + timedelta(minutes=5))
    client.force_login(user)
    r = client.get("/therapy/my-sessions/")
    assert (
        r.status_code == 200 and "Tablet, Ada" in r.content.decode() and 'hx-trigger="every 60s"' in r.content.decode()
    )
    partial = client.get("/therapy/my-sessions/", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "Tablet, Ada" in partial.content.decode()


def test_my_sessions_without_a_staff_record(world, client):
    client.force_login(world.coordinator_a)
    assert "no staff record" in client.get("/therapy/my-sessions/").content.decode()
    client.force_login(world.hr_a)
    assert client.get("/therapy/my-sessions/").status_code == 403
