"""The recruiting API: the whole path from an opening to a hire, and the error shapes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.recruiting.models import Stage
from tests.recruiting import factories

pytestmark = pytest.mark.django_db

BASE = "/recruiting"


def test_from_opening_to_hire_through_the_api(world, api):
    factories.work_rules()
    r = api.post(
        f"{BASE}/requisitions",
        {
            "unit_id": world.icu_a.pk,
            "job_title": "ICU Nurse",
            "hourly_rate_min": "45.00",
            "hourly_rate_max": "58.00",
            "reason": "growth",
            "positions": 1,
        },
        user=world.hr_a,
    )
    assert r.status_code == 201, r.content
    req = r.json()
    assert req["status"] == "draft" and req["unit_name"] == "Alpha ICU" and req["annual_cost"] == "120640.00"
    r = api.post(f"{BASE}/requisitions/{req['id']}/transitions", {"action": "submit", "version": 1}, user=world.hr_a)
    assert r.json()["status"] == "pending_approval"
    r = api.post(
        f"{BASE}/requisitions/{req['id']}/transitions", {"action": "approve", "version": 2}, user=world.director_a
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"

    r = api.post(
        f"{BASE}/candidates",
        {
            "site_id": world.site_a.pk,
            "first_name": "Jo",
            "last_name": "March",
            "email": "jo@example.org",
            "source": "referral",
        },
        user=world.hr_a,
    )
    assert r.status_code == 201
    cand = r.json()
    r = api.post(f"{BASE}/applications", {"candidate_id": cand["id"], "requisition_id": req["id"]}, user=world.hr_a)
    assert r.status_code == 201 and r.json()["stage"] == "applied"
    app = r.json()
    r = api.post(f"{BASE}/applications/{app['id']}/move", {"to_stage": "screened", "version": 1}, user=world.hr_a)
    assert r.json()["stage"] == "screened" and [h["to_stage"] for h in r.json()["history"]] == ["applied", "screened"]

    when = clock.now() - timedelta(hours=3)
    r = api.post(
        f"{BASE}/applications/{app['id']}/interviews",
        {"starts_at": when.isoformat(), "interviewer_ids": [world.coordinator_a.pk, world.hr_a.pk]},
        user=world.hr_a,
    )
    assert r.status_code == 201, r.content
    interview = r.json()
    r = api.post(
        f"{BASE}/interviews/{interview['id']}/feedback",
        {"criterion_scores": [{"criterion": "Clinical knowledge", "score": 5}], "recommendation": "strong_yes"},
        user=world.coordinator_a,
    )
    assert r.status_code == 201 and r.json()["interviewer_name"] == "Coordinator A"
    r = api.post(f"{BASE}/applications/{app['id']}/move", {"to_stage": "interviewed", "version": 2}, user=world.hr_a)
    assert r.json()["stage"] == "interviewed"

    start = (clock.now() + timedelta(days=21)).date().isoformat()
    r = api.post(
        f"{BASE}/applications/{app['id']}/offers", {"hourly_rate": "52.00", "start_date": start}, user=world.hr_a
    )
    assert r.status_code == 201 and r.json()["state"] == "open"
    offer = r.json()
    r = api.post(f"{BASE}/offers/{offer['id']}/response", {"accepted": True, "version": 1}, user=world.hr_a)
    assert r.json()["status"] == "accepted"
    r = api.post(f"{BASE}/offers/{offer['id']}/hire", {"version": 2}, user=world.hr_a)
    assert r.status_code == 201, r.content
    hired = r.json()
    assert hired["username"] == "jo.march" and hired["requisition_status"] == "filled"
    assert User.objects.get(pk=hired["user_id"]).check_password(hired["initial_password"])

    r = api.get(f"{BASE}/metrics", user=world.director_a)
    icu = next(u for u in r.json() if u["unit_id"] == world.icu_a.pk)
    assert icu["hires_last_year"] == 1 and icu["open_positions"] == 0 and icu["median_days_to_fill"] == 0.0
    r = api.get(f"{BASE}/requisitions?status=filled", user=world.coordinator_a)
    assert r.json()["count"] == 1 and r.json()["items"][0]["positions_filled"] == 1


def test_approval_by_the_requester_is_a_403(world, api):
    req = factories.requisition(world, status="pending_approval", requested_by=world.director_a)
    r = api.post(
        f"{BASE}/requisitions/{req.pk}/transitions", {"action": "approve", "version": 1}, user=world.director_a
    )
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "permission_denied" and "another director" in r.json()["error"]["message"]


def test_an_invalid_move_is_a_422_naming_the_field(world, api):
    app = factories.application(world, factories.requisition(world), stage=Stage.DECLINED)
    r = api.post(f"{BASE}/applications/{app.pk}/move", {"to_stage": "screened", "version": 1}, user=world.hr_a)
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["code"] == "validation_error" and "closed" in body["fields"]["to_stage"][0]
    r = api.post(f"{BASE}/applications/{app.pk}/move", {"to_stage": "hired", "version": 1}, user=world.hr_a)
    assert r.status_code == 422 and "to_stage" in r.json()["error"]["fields"]


def test_scores_outside_one_to_five_are_refused(world, api):
    app = factories.application(world, factories.requisition(world), stage=Stage.SCREENED)
    iv = factories.interview(world, app)
    r = api.post(
        f"{BASE}/interviews/{iv.pk}/feedback",
        {"criterion_scores": [{"criterion": "Teamwork", "score": 6}], "recommendation": "yes"},
        user=world.hr_a,
    )
    assert r.status_code == 422 and "criterion_scores.0.score" in r.json()["error"]["fields"]


def test_stale_versions_are_409(world, api):
    req = factories.requisition(world, status="draft")
    r = api.post(f"{BASE}/requisitions/{req.pk}/transitions", {"action": "submit", "version": 3}, user=world.hr_a)
    assert r.status_code == 409


def test_clinicians_see_no_candidate(world, api):
    app = factories.application(world, factories.requisition(world))
    for path in ("/candidates", "/requisitions", "/applications", "/interviews", "/offers"):
        r = api.get(f"{BASE}{path}", user=world.nurse_a)
        assert r.status_code == 200 and r.json()["count"] == 0, path
    assert api.get(f"{BASE}/candidates/{app.candidate_id}", user=world.nurse_a).status_code == 404
    assert api.get(f"{BASE}/applications/{app.pk}", user=world.nurse_a).status_code == 404
    assert api.get(f"{BASE}/candidates/{app.candidate_id}", user=world.coordinator_a).json()["email"]


def test_patch_requisition_and_candidate(world, api):
    req = factories.requisition(world, status="draft")
    r = api.patch(f"{BASE}/requisitions/{req.pk}", {"version": 1, "job_title": "Charge Nurse"}, user=world.hr_a)
    assert r.status_code == 200 and r.json()["job_title"] == "Charge Nurse" and r.json()["version"] == 2
    cand = factories.candidate(world)
    r = api.patch(f"{BASE}/candidates/{cand.pk}", {"version": 1, "email": None, "is_active": False}, user=world.hr_a)
    assert r.status_code == 200 and r.json()["email"] == "" and r.json()["is_active"] is False
