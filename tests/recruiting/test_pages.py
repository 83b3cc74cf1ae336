"""Recruiting pages: the overview's figures, forms that call the services, the board
with its htmx moves, feedback, and the hire page that shows the password once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.recruiting import services
from caredesk.recruiting.models import Application, Candidate, InterviewFeedback, Requisition, Stage
from tests.recruiting import factories

pytestmark = pytest.mark.django_db


def test_overview_shows_the_figures(world, client):
    now = clock.now()
    req = factories.requisition(world, approved_at=now - timedelta(days=30), positions=3)
    factories.application(world, req, stage=Stage.HIRED, hired_at=now - timedelta(days=2))
    pending = factories.requisition(world, status="pending_approval", job_title="Alpha Night Nurse")
    client.force_login(world.director_a)
    page = client.get("/recruiting/").content.decode()
    assert 'id="fig-open-positions">2<' in page and 'id="fig-time-to-fill">28.0<' in page
    assert 'id="fig-pending">1<' in page and f"/recruiting/requisitions/{pending.pk}/" in page
    client.force_login(world.hr_a)  # the requester's own requisition is not "awaiting your approval"
    assert "awaiting-approval" not in client.get("/recruiting/").content.decode()


@pytest.mark.parametrize(("persona", "status"), [("nurse_a", 403), ("finance_a", 403), ("coordinator_a", 200)])
def test_who_may_open_the_recruiting_pages(world, client, persona, status):
    client.force_login(world.persona(persona))
    for url in ("/recruiting/", "/recruiting/requisitions/", "/recruiting/board/", "/recruiting/candidates/"):
        assert client.get(url).status_code == status, url


def test_requisition_form_creates_a_draft_and_shows_field_errors(world, client):
    client.force_login(world.hr_a)
    data = {
        "unit": world.icu_a.pk,
        "job_title": "ICU Nurse",
        "discipline": "rn",
        "positions": 1,
        "fte": "1.00",
        "hourly_rate_min": "50",
        "hourly_rate_max": "40",
        "reason": "vacancy",
    }
    response = client.post("/recruiting/requisitions/new/", data)
    assert response.status_code == 200 and "maximum rate is below" in response.content.decode()
    assert not Requisition.objects.exists()
    response = client.post("/recruiting/requisitions/new/", data | {"hourly_rate_max": "60"})
    req = Requisition.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/recruiting/requisitions/{req.pk}/"
    client.post(f"/recruiting/requisitions/{req.pk}/transition/", {"action": "submit", "version": 1})
    req.refresh_from_db()
    assert req.status == "pending_approval"
    # The director sees the decision form; the requester (HR) does not.
    assert 'id="decision"' not in client.get(f"/recruiting/requisitions/{req.pk}/").content.decode()
    client.force_login(world.director_a)
    assert 'id="decision"' in client.get(f"/recruiting/requisitions/{req.pk}/").content.decode()
    response = client.post(f"/recruiting/requisitions/{req.pk}/transition/", {"action": "decline", "version": 2})
    req.refresh_from_db()
    assert req.status == "pending_approval"  # no reason: refused
    client.post(f"/recruiting/requisitions/{req.pk}/transition/", {"action": "approve", "version": 2})
    req.refresh_from_db()
    assert req.status == "approved"


def test_edit_page_saves_a_draft(world, client):
    req = factories.requisition(world, status="draft")
    client.force_login(world.hr_a)
    page = client.get(f"/recruiting/requisitions/{req.pk}/edit/")
    assert page.status_code == 200
    data = {
        "job_title": "Senior ICU Nurse",
        "discipline": "rn",
        "positions": 1,
        "fte": "0.90",
        "hourly_rate_min": "40.00",
        "hourly_rate_max": "60.00",
        "annual_cost": "112320.00",
        "reason": "vacancy",
        "justification": "",
        "version": 1,
    }
    assert client.post(f"/recruiting/requisitions/{req.pk}/edit/", data).status_code == 302
    req.refresh_from_db()
    assert req.job_title == "Senior ICU Nurse" and req.version == 2


def test_candidates_are_recorded_and_put_forward(world, client):
    req = factories.requisition(world)
    client.force_login(world.hr_a)
    response = client.post(
        "/recruiting/candidates/new/",
        {
            "site": world.site_a.pk,
            "first_name": "Lena",
            "last_name": "Olsen",
            "email": "lena@example.org",
            "source": "school",
        },
    )
    cand = Candidate.objects.get(last_name="Olsen")
    assert response.status_code == 302
    assert "Lena" in client.get(f"/recruiting/candidates/{cand.pk}/").content.decode()
    assert f'value="{cand.pk}"' in client.get(f"/recruiting/requisitions/{req.pk}/").content.decode()
    client.post(f"/recruiting/requisitions/{req.pk}/applications/", {"candidate": cand.pk})
    assert Application.objects.filter(candidate=cand, requisition=req, stage="applied").exists()
    response = client.post(
        f"/recruiting/candidates/{cand.pk}/edit/",
        {"first_name": "Lena", "last_name": "Olsen", "email": "", "phone": "555", "source": "school", "version": 1},
    )
    cand.refresh_from_db()
    assert response.status_code == 302 and cand.phone == "555" and cand.email == ""


def test_the_board_moves_cards_with_htmx(world, client):
    req = factories.requisition(world)
    app = factories.application(world, req)
    client.force_login(world.hr_a)
    page = client.get(f"/recruiting/board/?requisition={req.pk}").content.decode()
    assert f'id="card-{app.pk}"' in page and 'id="col-applied"' in page
    response = client.post(
        f"/recruiting/applications/{app.pk}/move/",
        {"to_stage": "screened", "version": 1, "back": "board", "requisition": req.pk},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith('<div id="board">') and "moved to Screened" in body
    screened_column = body.split('id="col-screened"')[1].split('id="col-interviewed"')[0]
    assert f'id="card-{app.pk}"' in screened_column
    assert 'value="interviewed"' not in screened_column  # no interview held yet: no such button
    # A refused move comes back on the board with the reason.
    response = client.post(
        f"/recruiting/applications/{app.pk}/move/",
        {"to_stage": "interviewed", "version": 2, "back": "board", "requisition": req.pk},
        HTTP_HX_REQUEST="true",
    )
    assert "no interview has taken place yet" in response.content.decode()
    app.refresh_from_db()
    assert app.stage == "screened"
    # Without htmx: a redirect back to the board.
    response = client.post(
        f"/recruiting/applications/{app.pk}/move/",
        {"to_stage": "declined", "version": 2, "back": "board", "requisition": req.pk},
    )
    assert response.status_code == 302 and response["Location"] == f"/recruiting/board/?requisition={req.pk}"


def test_coordinator_sees_the_board_without_move_buttons(world, client):
    req = factories.requisition(world)
    app = factories.application(world, req)
    client.force_login(world.coordinator_a)
    page = client.get("/recruiting/board/").content.decode()
    assert f'id="card-{app.pk}"' in page and f"/recruiting/applications/{app.pk}/move/" not in page
    assert (
        client.post(f"/recruiting/applications/{app.pk}/move/", {"to_stage": "screened", "version": 1}).status_code
        == 403
    )


def test_interview_scheduling_and_feedback_pages(world, client):
    app = factories.application(world, factories.requisition(world), stage=Stage.SCREENED)
    client.force_login(world.hr_a)
    page = client.get(f"/recruiting/applications/{app.pk}/interviews/new/").content.decode()
    assert "Coordinator A" in page and "Nurse A" not in page
    day = (clock.now() - timedelta(days=1)).date().isoformat()
    response = client.post(
        f"/recruiting/applications/{app.pk}/interviews/new/",
        {
            "day": day,
            "start": "09:30",
            "duration_minutes": 45,
            "kind": "in_person",
            "location": "Room 2",
            "interviewers": [world.coordinator_a.pk],
        },
    )
    assert response.status_code == 302
    interview = app.interviews.get()
    assert clock.to_zone(interview.starts_at, "America/New_York").strftime("%H:%M") == "09:30"
    client.force_login(world.coordinator_a)
    page = client.get(f"/recruiting/interviews/{interview.pk}/").content.decode()
    assert "Your feedback" in page
    response = client.post(
        f"/recruiting/interviews/{interview.pk}/",
        {"score_0": "4", "comment_0": "Solid", "score_2": "5", "recommendation": "yes", "comments": "Hire"},
    )
    assert response.status_code == 302
    fb = InterviewFeedback.objects.get()
    assert fb.interviewer == world.coordinator_a and sorted(s.score for s in fb.scores.all()) == [4, 5]
    assert "Your feedback" not in client.get(f"/recruiting/interviews/{interview.pk}/").content.decode()


def test_offer_and_hire_pages(world, client):
    factories.work_rules()
    app = factories.application(world, factories.requisition(world), stage=Stage.INTERVIEWED)
    client.force_login(world.hr_a)
    assert client.get(f"/recruiting/applications/{app.pk}/offers/new/").status_code == 200
    start = (clock.now() + timedelta(days=20)).date().isoformat()
    expires = (clock.now() + timedelta(days=5)).date().isoformat()
    response = client.post(
        f"/recruiting/applications/{app.pk}/offers/new/",
        {"hourly_rate": "75.00", "fte": "0.90", "start_date": start, "expires_on": expires, "version": 1},
    )
    assert response.status_code == 200 and "outside the budgeted range" in response.content.decode()
    response = client.post(
        f"/recruiting/applications/{app.pk}/offers/new/",
        {"hourly_rate": "50.00", "fte": "0.90", "start_date": start, "expires_on": expires, "version": 1},
    )
    assert response.status_code == 302
    offer = app.offers.get()
    page = client.get(f"/recruiting/offers/{offer.pk}/hire/").content.decode()
    assert f'value="{services.suggested_username(app.candidate)}"' in page  # a suggested log-in is filled in
    response = client.post(
        f"/recruiting/offers/{offer.pk}/hire/",
        {"work_rules": factories.work_rules().pk, "username": "new.nurse", "employee_number": "ALPHA-1", "version": 1},
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="initial-password"' in body
    password = body.split('id="initial-password">')[1].split("<")[0]
    assert User.objects.get(username="new.nurse").check_password(password)
    app.refresh_from_db()
    assert app.stage == "hired"
    assert "new.nurse" in client.get(f"/recruiting/applications/{app.pk}/").content.decode()


def test_offer_answers_from_the_application_page(world, client):
    app = factories.application(world, factories.requisition(world), stage=Stage.OFFERED)
    offer = factories.offer(world, app)
    client.force_login(world.hr_a)
    page = client.get(f"/recruiting/applications/{app.pk}/").content.decode()
    assert f"/recruiting/offers/{offer.pk}/respond/" in page and f"/recruiting/offers/{offer.pk}/hire/" in page
    client.post(f"/recruiting/offers/{offer.pk}/rescind/", {"reason": "Budget", "version": 1})
    offer.refresh_from_db()
    assert offer.status == "rescinded"
