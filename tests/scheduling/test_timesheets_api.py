"""Timesheets over the JSON API: enter, correct, approve, reject, call-outs,
import, period summaries; allowed and refused."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
import time_machine

from caredesk.scheduling.models import TimesheetEntry
from tests.scheduling.helpers_timesheets import make_staff

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 20, 0, tzinfo=UTC)
BASE = "/scheduling/timesheets"


@pytest.fixture
def nurse(world):
    return make_staff(world.nurse_a, world.site_a, world.icu_a, number="A-100")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def create(api, user, **kw):
    body = {"date": "2026-03-11", "clock_in": "07:00", "clock_out": "15:00", "break_minutes": 30, **kw}
    return api.post(f"{BASE}/entries", body, user=user)


def test_nurse_enters_own_hours_and_lists_them(api, world, nurse):
    r = create(api, world.nurse_a)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["local_clock_in"] == "07:00" and data["worked_minutes"] == 450 and data["status"] == "submitted"
    listed = api.get(f"{BASE}/entries?mine=true", user=world.nurse_a).json()
    assert [e["id"] for e in listed["items"]] == [data["id"]]
    assert api.get(f"{BASE}/entries", user=world.nurse_b).json()["items"] == []


def test_nurse_cannot_approve_coordinator_can(api, world, nurse):
    entry = create(api, world.nurse_a).json()
    r = api.post(f"{BASE}/entries/{entry['id']}/approve", {"version": entry["version"]}, user=world.nurse_a)
    assert r.status_code == 403
    r = api.post(f"{BASE}/entries/{entry['id']}/approve", {"version": entry["version"]}, user=world.coordinator_a)
    assert r.status_code == 200 and r.json()["status"] == "approved"


def test_reject_requires_decision_reason(api, world, nurse):
    entry = create(api, world.nurse_a, note="covered the rapid response").json()
    r = api.post(f"{BASE}/entries/{entry['id']}/reject", {"version": entry["version"]}, user=world.coordinator_a)
    assert r.status_code == 422 and "decision_reason" in r.json()["error"]["fields"]
    r = api.post(
        f"{BASE}/entries/{entry['id']}/reject",
        {"version": entry["version"], "decision_reason": "  "},
        user=world.coordinator_a,
    )
    assert r.status_code == 422 and "decision_reason" in r.json()["error"]["fields"]
    assert TimesheetEntry.objects.get(pk=entry["id"]).status == "submitted"
    r = api.post(
        f"{BASE}/entries/{entry['id']}/reject",
        {"version": entry["version"], "decision_reason": "no badge record"},
        user=world.coordinator_a,
    )
    assert r.status_code == 200
    data = r.json()
    assert data["status"] == "rejected" and data["decision_reason"] == "no badge record"
    assert data["note"] == "covered the rapid response"
    mine = api.get(f"{BASE}/entries?mine=true", user=world.nurse_a).json()["items"]
    assert mine[0]["decision_reason"] == "no badge record"


def test_coordinator_correction_keeps_the_note_and_gives_a_reason(api, world, nurse):
    entry = create(api, world.nurse_a, note="stayed late for a transfer").json()
    url = f"{BASE}/entries/{entry['id']}"
    r = api.patch(url, {"version": entry["version"], "note": "fixed"}, user=world.coordinator_a)
    assert r.status_code == 422 and "note" in r.json()["error"]["fields"]
    r = api.patch(
        url,
        {"version": entry["version"], "clock_out": "14:30", "decision_reason": "badge out at 14:30"},
        user=world.coordinator_a,
    )
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["note"] == "stayed late for a transfer" and data["decision_reason"] == "badge out at 14:30"
    r = api.patch(url, {"version": data["version"], "decision_reason": "mine"}, user=world.nurse_a)
    assert r.status_code == 422 and "decision_reason" in r.json()["error"]["fields"]


def test_patch_with_stale_version_is_409(api, world, nurse):
    entry = create(api, world.nurse_a).json()
    ok = api.patch(
        f"{BASE}/entries/{entry['id']}", {"version": entry["version"], "break_minutes": 0}, user=world.nurse_a
    )
    assert ok.status_code == 200 and ok.json()["worked_minutes"] == 480
    stale = api.patch(f"{BASE}/entries/{entry['id']}", {"version": entry["version"], "note": "x"}, user=world.nurse_a)
    assert stale.status_code == 409


def test_site_b_sees_nothing(api, world, nurse):
    entry = create(api, world.nurse_a).json()
    assert api.get(f"{BASE}/entries/{entry['id']}", user=world.director_b).status_code == 404
    assert api.get(f"{BASE}/people/{nurse.pk}/period", user=world.director_b).status_code == 404
    assert api.get(f"{BASE}/units/{world.icu_a.pk}/period", user=world.director_b).status_code == 404
    assert create(api, world.coordinator_b, staff_id=nurse.pk).status_code == 404


def test_call_out_and_period_summary(api, world, nurse):
    r = api.post(
        f"{BASE}/call-outs", {"staff_id": nurse.pk, "date": "2026-03-10", "reason": "flu"}, user=world.coordinator_a
    )
    assert r.status_code == 201 and r.json()["kind"] == "call_out"
    assert (
        api.post(
            f"{BASE}/call-outs", {"staff_id": nurse.pk, "date": "2026-03-09", "reason": "flu"}, user=world.nurse_a
        ).status_code
        == 403
    )
    create(api, world.nurse_a)
    period = api.get(f"{BASE}/people/{nurse.pk}/period", user=world.nurse_a).json()
    assert period["call_outs"] == 1 and period["worked_minutes"] == 450 and period["cost"] is None
    unit = api.get(f"{BASE}/units/{world.icu_a.pk}/period", user=world.director_a).json()
    assert unit["pending"] == 1 and unit["cost"] is not None
    assert api.get(f"{BASE}/units/{world.icu_a.pk}/period", user=world.nurse_a).status_code == 404


def test_import_via_api_all_or_nothing(api, world, nurse):
    csv = "employee_number,date,clock_in,clock_out,break_minutes,unit_code\nA-100,2026-03-09,07:00,19:00,30,A-ICU\nA-100,2026-03-10,07:00,19:00,30,NOPE\n"
    body = {"file_name": "clock.csv", "file_base64": base64.b64encode(csv.encode()).decode()}
    r = api.post(
        f"/scheduling/timesheets/import?site_id={world.site_a.pk}&dry_run=false", body, user=world.coordinator_a
    )
    assert r.status_code == 422
    assert "row 3: unit_code" in r.json()["error"]["fields"]
    assert not TimesheetEntry.objects.exists()
    r = api.post(f"/scheduling/timesheets/import?site_id={world.site_a.pk}", body, user=world.coordinator_a)
    assert r.status_code == 200 and r.json()["refused"][0]["row"] == 3
    r = api.post(f"/scheduling/timesheets/import?site_id={world.site_a.pk}", body, user=world.nurse_a)
    assert r.status_code == 403
