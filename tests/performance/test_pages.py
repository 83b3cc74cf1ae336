"""The pages: GET and POST through the test client."""

from __future__ import annotations

import pytest

from caredesk.performance.models import EvaluationCycle, EvaluationTemplate, Review, ReviewState
from tests.performance.test_services import bring_to

pytestmark = pytest.mark.django_db


def test_home_lists_reviews_to_write_and_my_own(world, perf, client):
    client.force_login(world.coordinator_a)
    page = client.get("/performance/").content.decode()
    assert "Nurse A" in page and "Reviews to write" in page
    client.force_login(world.nurse_a)
    page = client.get("/performance/")
    assert page.status_code == 200 and "Alpha annual review 2026" not in page.content.decode()  # only a draft


def test_reviewer_fills_and_submits_the_review_from_the_page(world, perf, client):
    client.force_login(world.coordinator_a)
    url = f"/performance/reviews/{perf.review.pk}/"
    assert "review-form" in client.get(url).content.decode()
    comps = list(perf.template.competencies.all())
    data = {
        "version": perf.review.version,
        "comments": "Great teamwork.",
        f"rating_{comps[0].pk}": "4",
        f"rating_{comps[1].pk}": "5",
        "goal_0": "Become a preceptor",
        "goal_date_0": "2027-05-01",
    }
    response = client.post(f"/performance/reviews/{perf.review.pk}/save/", data)
    assert response.status_code == 302
    review = Review.objects.get(pk=perf.review.pk)
    assert review.state == ReviewState.DRAFT and str(review.score) == "4.25"
    response = client.post(
        f"/performance/reviews/{perf.review.pk}/save/", data | {"version": review.version, "submit": "1"}
    )
    assert response.status_code == 302
    assert Review.objects.get(pk=perf.review.pk).state == ReviewState.SUBMITTED


def test_submitting_an_incomplete_review_shows_why(world, perf, client):
    client.force_login(world.coordinator_a)
    comps = list(perf.template.competencies.all())
    response = client.post(
        f"/performance/reviews/{perf.review.pk}/save/",
        {"version": perf.review.version, "comments": "x", f"rating_{comps[0].pk}": "3", "submit": "1"},
    )
    assert response.status_code == 200 and "Communication" in response.content.decode()
    assert Review.objects.get(pk=perf.review.pk).state == ReviewState.DRAFT


def test_a_goal_without_a_date_is_refused_on_the_page(world, perf, client):
    client.force_login(world.coordinator_a)
    response = client.post(
        f"/performance/reviews/{perf.review.pk}/save/", {"version": perf.review.version, "goal_1": "No date"}
    )
    assert response.status_code == 200 and "target date" in response.content.decode()
    assert not perf.review.goals.exists()


def test_employee_acknowledges_and_director_signs_off_from_the_page(world, perf, client):
    bring_to(world, perf.review, "submitted")
    review = Review.objects.get(pk=perf.review.pk)
    client.force_login(world.nurse_a)
    page = client.get(f"/performance/reviews/{review.pk}/").content.decode()
    assert "acknowledge-form" in page and "does not mean you agree" in page
    client.post(
        f"/performance/reviews/{review.pk}/transition/",
        {"version": review.version, "action": "acknowledge", "comments": "Thanks"},
    )
    review.refresh_from_db()
    assert review.state == ReviewState.ACKNOWLEDGED
    client.force_login(world.director_a)
    assert "sign-off-form" in client.get(f"/performance/reviews/{review.pk}/").content.decode()
    client.post(f"/performance/reviews/{review.pk}/transition/", {"version": review.version, "action": "sign_off"})
    review.refresh_from_db()
    assert review.state == ReviewState.SIGNED_OFF


def test_a_refused_transition_is_shown_as_a_message(world, perf, client):
    client.force_login(world.director_a)
    response = client.post(
        f"/performance/reviews/{perf.review.pk}/transition/",
        {"version": perf.review.version, "action": "sign_off"},
        follow=True,
    )
    assert "acknowledged" in response.content.decode()
    assert Review.objects.get(pk=perf.review.pk).state == ReviewState.DRAFT


def test_other_clinician_and_finance_get_404_on_the_review_page(world, perf, client):
    bring_to(world, perf.review, "submitted")
    for user in (perf.other_nurse_user, world.finance_a):
        client.force_login(user)
        assert client.get(f"/performance/reviews/{perf.review.pk}/").status_code == 404
        assert client.get(f"/performance/staff/{perf.nurse.pk}/").status_code == 404


def test_hr_starts_a_cycle_from_the_page(world, perf, client):
    client.force_login(world.hr_a)
    assert client.get("/performance/cycles/new/").status_code == 200
    response = client.post(
        "/performance/cycles/new/",
        {
            "site": world.site_a.pk,
            "unit": world.icu_a.pk,
            "template": perf.template.pk,
            "name": "ICU 2027",
            "kind": "annual",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
            "due_on": "2027-12-15",
        },
    )
    assert response.status_code == 302
    cycle = EvaluationCycle.objects.get(name="ICU 2027")
    assert cycle.reviews.count() == 0 or cycle.reviews.count() == 3
    page = client.get(f"/performance/cycles/{cycle.pk}/").content.decode()
    assert "ICU 2027" in page


def test_start_cycle_form_shows_service_errors(world, perf, client):
    client.force_login(world.hr_a)
    response = client.post(
        "/performance/cycles/new/",
        {
            "site": world.site_a.pk,
            "template": perf.template.pk,
            "name": "Bad",
            "kind": "annual",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
            "due_on": "2026-01-01",
        },
    )
    assert response.status_code == 200 and "the due date is before the period starts" in response.content.decode()
    assert not EvaluationCycle.objects.filter(name="Bad").exists()


def test_coordinator_cannot_open_the_cycle_form(world, perf, client):
    client.force_login(world.coordinator_a)
    assert client.get("/performance/cycles/new/").status_code == 403
    assert client.get("/performance/cycles/").status_code == 200


def test_template_pages(world, client):
    client.force_login(world.hr_a)
    assert client.get("/performance/templates/new/").status_code == 200
    data = {
        "site": world.site_a.pk,
        "name": "Nursing home review",
        "description": "",
        "scale": "Below\nMeets\nAbove",
        "c-TOTAL_FORMS": "8",
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "40",
        "c-0-name": "Resident dignity",
        "c-0-weight": "2",
        "c-1-name": "Safe transfers",
        "c-1-weight": "1",
    }
    response = client.post("/performance/templates/new/", data)
    assert response.status_code == 302
    t = EvaluationTemplate.objects.get(name="Nursing home review")
    assert t.scale_labels == ["Below", "Meets", "Above"] and t.competencies.count() == 2
    page = client.get(f"/performance/templates/{t.pk}/").content.decode()
    assert "Resident dignity" in page
    client.post(f"/performance/templates/{t.pk}/active/", {"version": t.version})
    t.refresh_from_db()
    assert not t.is_active
    assert "Nursing home review" not in client.get("/performance/templates/").content.decode()


def test_history_page_shows_a_trend_chart(world, perf, client):
    bring_to(world, perf.review, "closed")
    client.force_login(world.nurse_a)
    page = client.get(f"/performance/staff/{perf.nurse.pk}/").content.decode()
    assert "<svg" in page and "3.50" in page and "<title>" in page


def test_overdue_page(world, perf, client):
    client.force_login(world.director_a)
    assert client.get("/performance/overdue/").status_code == 200
    client.force_login(world.finance_a)
    assert client.get("/performance/overdue/").status_code == 403


def test_assign_reviewer_from_the_page(world, perf, client):
    client.force_login(world.hr_a)
    page = client.get(f"/performance/reviews/{perf.review.pk}/").content.decode()
    assert "Assign reviewer" in page
    client.post(
        f"/performance/reviews/{perf.review.pk}/reviewer/",
        {"version": perf.review.version, "reviewer": world.assistant_a.pk},
    )
    assert Review.objects.get(pk=perf.review.pk).reviewer == world.assistant_a
