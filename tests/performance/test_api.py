"""The performance API: happy paths and the error shapes."""

from __future__ import annotations

import pytest

from caredesk.performance.models import EvaluationCycle, Review, ReviewState

pytestmark = pytest.mark.django_db


def test_template_create_read_and_update(world, api):
    body = {
        "site_id": world.site_a.pk,
        "name": "ICU competencies",
        "competencies": [
            {"name": "Haemodynamic monitoring", "weight": "2", "description": "Arterial lines, CVP"},
            {"name": "Teamwork"},
        ],
    }
    created = api.post("/performance/templates", body, user=world.hr_a)
    assert created.status_code == 201, created.content
    t = created.json()
    assert t["scale_labels"][0] == "Does not meet" and t["scale_labels"][-1] == "Exceeds"
    assert [c["name"] for c in t["competencies"]] == ["Haemodynamic monitoring", "Teamwork"]
    got = api.get(f"/performance/templates/{t['id']}", user=world.coordinator_a)
    assert got.status_code == 200  # coordinators read their site's templates
    patched = api.patch(
        f"/performance/templates/{t['id']}", {"version": t["version"], "is_active": False}, user=world.hr_a
    )
    assert patched.json()["is_active"] is False
    assert api.get(f"/performance/templates/{t['id']}", user=world.director_b).status_code == 404


def test_template_errors_have_the_common_shape(world, api):
    bad = api.post("/performance/templates", {"site_id": world.site_a.pk, "name": ""}, user=world.hr_a)
    assert bad.status_code == 422 and "name" in bad.json()["error"]["fields"]
    refused = api.post("/performance/templates", {"site_id": world.site_a.pk, "name": "X"}, user=world.coordinator_a)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"


def test_full_review_journey_over_the_api(world, perf, api):
    cycles = api.get("/performance/cycles", user=world.coordinator_a).json()
    assert [c["name"] for c in cycles["items"]] == ["Alpha annual review 2026"]
    assert cycles["items"][0]["review_count"] == 3
    rid = perf.review.pk
    review = api.get(f"/performance/reviews/{rid}", user=world.coordinator_a).json()
    assert review["state"] == "draft" and review["reviewer_id"] == world.coordinator_a.pk
    comps = [r["competency_id"] for r in review["ratings"]]
    saved = api.patch(
        f"/performance/reviews/{rid}",
        {
            "version": review["version"],
            "comments": "Reliable and calm under pressure.",
            "ratings": [{"competency_id": comps[0], "rating": 5}, {"competency_id": comps[1], "rating": 3}],
            "goals": [
                {"description": "CCRN certification", "target_date": "2027-09-30"},
                {"description": "Lead a skills day", "target_date": "2027-03-31"},
            ],
        },
        user=world.coordinator_a,
    )
    assert saved.status_code == 200, saved.content
    review = saved.json()
    assert review["score"] == "4.50" and [r["label"] for r in review["ratings"]] == ["Exceeds", "Meets"]
    assert len(review["goals"]) == 2

    def move(action, user, **extra):
        current = api.get(f"/performance/reviews/{rid}", user=world.coordinator_a).json()
        return api.post(
            f"/performance/reviews/{rid}/transitions",
            {"version": current["version"], "action": action, **extra},
            user=user,
        )

    assert move("acknowledge", world.nurse_a).status_code == 404  # not visible to the employee as a draft
    assert move("submit", world.coordinator_a).json()["state"] == "submitted"
    premature = move("sign_off", world.director_a)
    assert premature.status_code == 422 and "acknowledged" in premature.json()["error"]["message"]
    acknowledged = move("acknowledge", world.nurse_a, comments="I would like more night shifts.")
    assert acknowledged.json()["employee_comments"] == "I would like more night shifts."
    assert move("sign_off", world.coordinator_a).status_code == 403
    assert move("sign_off", world.director_a).json()["state"] == "signed_off"
    assert move("close", world.hr_a).json()["state"] == "closed"

    history = api.get(f"/performance/staff/{perf.nurse.pk}/history", user=world.nurse_a).json()
    assert [(p["cycle_name"], p["score"]) for p in history["points"]] == [("Alpha annual review 2026", "4.50")]
    assert api.get(f"/performance/staff/{perf.nurse.pk}/history", user=world.finance_a).status_code == 404
    assert api.get(f"/performance/staff/{perf.nurse.pk}/history", user=perf.other_nurse_user).status_code == 404


def test_a_stale_version_answers_409(world, perf, api):
    response = api.post(
        f"/performance/reviews/{perf.review.pk}/transitions",
        {"version": 99, "action": "cancel", "comments": "x"},
        user=world.hr_a,
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"


def test_start_cycle_over_the_api(world, perf, api):
    body = {
        "site_id": world.site_a.pk,
        "unit_id": world.icu_a.pk,
        "template_id": perf.template.pk,
        "name": "ICU spot check",
        "kind": "ad_hoc",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "due_on": "2026-07-31",
        "staff_ids": [perf.nurse.pk],
    }
    created = api.post("/performance/cycles", body, user=world.director_a)
    assert created.status_code == 201, created.content
    assert created.json()["review_count"] == 1
    refused = api.post("/performance/cycles", body, user=world.coordinator_a)
    assert refused.status_code == 403
    invalid = api.post("/performance/cycles", body | {"due_on": "2025-01-01"}, user=world.director_a)
    assert invalid.status_code == 422 and "due_on" in invalid.json()["error"]["fields"]
    assert EvaluationCycle.objects.count() == 2


def test_lists_hide_what_the_caller_may_not_see(world, perf, api):
    assert api.get("/performance/reviews", user=world.finance_a).json()["count"] == 0
    assert api.get("/performance/reviews", user=world.nurse_a).json()["count"] == 0  # only a draft so far
    assert api.get("/performance/reviews", user=world.hr_a).json()["count"] == 3
    assert api.get(f"/performance/reviews?reviewer_id={world.coordinator_a.pk}", user=world.hr_a).json()["count"] == 2
    assert api.get("/performance/reviews", user=world.director_b).json()["count"] == 0
    assert api.get(f"/performance/reviews/{perf.review.pk}", user=perf.other_nurse_user).status_code == 404


def test_reviewer_assignment_over_the_api(world, perf, api):
    response = api.post(
        f"/performance/reviews/{perf.review.pk}/reviewer",
        {"version": perf.review.version, "reviewer_id": world.assistant_a.pk},
        user=world.hr_a,
    )
    assert response.status_code == 200 and response.json()["reviewer_id"] == world.assistant_a.pk
    self_review = api.post(
        f"/performance/reviews/{perf.review.pk}/reviewer",
        {"version": response.json()["version"], "reviewer_id": world.nurse_a.pk},
        user=world.hr_a,
    )
    assert self_review.status_code == 422 and "reviewer_id" in self_review.json()["error"]["fields"]
    assert Review.objects.get(pk=perf.review.pk).state == ReviewState.DRAFT


def test_close_cycle_over_the_api(world, perf, api):
    response = api.post(f"/performance/cycles/{perf.cycle.pk}/close", {"version": perf.cycle.version}, user=world.hr_a)
    assert response.status_code == 422 and "status" in response.json()["error"]["fields"]
