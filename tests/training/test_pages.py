"""Training pages through the test client: GET and POST."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.core import clock
from caredesk.training.models import (
    BudgetEntry,
    Completion,
    Enrollment,
    EnrollmentStatus,
    ProposalStatus,
    TrainingBudget,
    TrainingProgram,
    TrainingProposal,
    TrainingSession,
)
from tests.training.helpers import bls_type, make_budget, make_enrollment, make_program, make_session, make_staff

pytestmark = pytest.mark.django_db


def test_everyone_sees_their_own_record_on_the_home_page(world, client):
    program, _ = make_program(world.site_a, title="Alpha BLS renewal", disciplines=["rn"])
    make_staff(world.nurse_a, world.site_a, world.icu_a)
    client.force_login(world.nurse_a)
    r = client.get("/training/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "My training" in text and "Alpha BLS renewal" in text and "Never done" in text
    assert "/training/programs/" not in text  # no catalogue for a nurse
    assert client.get("/training/programs/").status_code == 403
    assert client.get("/training/compliance/").status_code == 403
    assert program


def test_nav_entry_shows_for_everyone(world, client):
    client.force_login(world.auditor_a)
    assert 'href="/training/"' in client.get("/training/").content.decode()


def test_propose_page_creates_a_proposal(world, client):
    client.force_login(world.hr_a)
    assert client.get("/training/programs/new/").status_code == 200
    r = client.post(
        "/training/programs/new/",
        {
            "site": world.site_a.pk,
            "unit": "",
            "title": "Alpha sepsis workshop",
            "delivery": "simulation",
            "hours": "4",
            "cost_per_person": "60",
            "fixed_cost": "800",
            "expected_participants": "10",
            "year": "2026",
            "disciplines": ["rn"],
            "grants_credential_type": "",
        },
    )
    program = TrainingProgram.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/training/programs/{program.pk}/"
    assert program.disciplines == ["rn"]
    assert program.proposals.get().amount == 1400


def test_propose_page_shows_field_errors(world, client):
    client.force_login(world.hr_a)
    r = client.post("/training/programs/new/", {"site": world.site_a.pk, "title": "", "delivery": "classroom"})
    assert r.status_code == 200 and not TrainingProgram.objects.exists()
    assert "is-invalid" in r.content.decode() or "invalid-feedback" in r.content.decode()


def test_director_approves_from_the_program_page_and_sees_the_overspend_warning(world, client):
    make_budget(world.site_a, amount=100)
    program, proposal = make_program(world.site_a, status="proposed", proposed_by=world.hr_a)
    client.force_login(world.director_a)
    page = client.get(f"/training/programs/{program.pk}/").content.decode()
    assert "would overspend the budget by 400.00" in page
    assert "I confirm the overspend" in page
    client.post(f"/training/proposals/{proposal.pk}/approve/", {"reason": ""})
    assert TrainingProposal.objects.get().status == ProposalStatus.PENDING
    r = client.post(f"/training/proposals/{proposal.pk}/approve/", {"reason": "", "confirm_overspend": "on"})
    assert r.status_code == 302
    assert TrainingProposal.objects.get().status == ProposalStatus.APPROVED
    assert BudgetEntry.objects.count() == 1


def test_own_proposal_shows_no_decision_form_and_is_refused(world, client):
    make_budget(world.site_a)
    program, proposal = make_program(world.site_a, status="proposed", proposed_by=world.director_a)
    client.force_login(world.director_a)
    page = client.get(f"/training/programs/{program.pk}/").content.decode()
    assert "You proposed this" in page and f"/training/proposals/{proposal.pk}/approve/" not in page
    r = client.post(f"/training/proposals/{proposal.pk}/approve/", {"reason": "x"}, follow=True)
    assert "another director or assistant director must approve" in r.content.decode()
    assert TrainingProposal.objects.get().status == ProposalStatus.PENDING


def test_decline_from_the_page(world, client):
    program, proposal = make_program(world.site_a, status="proposed", proposed_by=world.hr_a)
    client.force_login(world.assistant_a)
    client.post(f"/training/proposals/{proposal.pk}/decline/", {"reason": "Not this year"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED and proposal.reason == "Not this year"
    assert program


def test_schedule_enrol_attend_complete_through_the_pages(world, client):
    make_budget(world.site_a)
    program, _ = make_program(world.site_a, proposed_by=world.hr_a, grants=bls_type())
    nurse = make_staff(world.nurse_a, world.site_a, world.icu_a)
    client.force_login(world.hr_a)
    assert client.get(f"/training/programs/{program.pk}/sessions/new/").status_code == 200
    r = client.post(
        f"/training/programs/{program.pk}/sessions/new/",
        {"starts_at": "2027-03-01T09:00", "location": "Alpha room 2", "capacity": "6", "trainer": "Dana"},
    )
    session = TrainingSession.objects.get()
    assert r.status_code == 302
    assert clock.to_zone(session.starts_at, "America/New_York").hour == 9
    client.post(f"/training/sessions/{session.pk}/enrol/", {"staff": nurse.pk})
    assert Enrollment.objects.filter(session=session, staff=nurse).exists()
    page = client.get(f"/training/sessions/{session.pk}/").content.decode()
    assert "Nurse A" in page or str(nurse) in page
    past = make_session(program, starts=clock.now() - timedelta(days=1))
    enrollment = make_enrollment(past, nurse)
    client.post(f"/training/enrollments/{enrollment.pk}/attendance/", {"version": 1, "attended": "on"})
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ATTENDED
    client.post(f"/training/enrollments/{enrollment.pk}/complete/", {})
    assert Completion.objects.filter(enrollment=enrollment).exists()
    client.post(f"/training/sessions/{session.pk}/cancel/", {"version": 1, "reason": "Trainer ill"})
    session.refresh_from_db()
    assert session.status == "cancelled"


def test_budget_pages(world, client):
    client.force_login(world.finance_a)
    assert client.get("/training/budgets/").status_code == 200
    r = client.post("/training/budgets/new/", {"site": world.site_a.pk, "unit": "", "year": "2027", "amount": "50000"})
    assert r.status_code == 302
    budget = TrainingBudget.objects.get()
    assert client.get(f"/training/budgets/{budget.pk}/").status_code == 200
    client.post(f"/training/budgets/{budget.pk}/", {"version": 1, "amount": "55000"})
    budget.refresh_from_db()
    assert budget.amount == 55000
    client.force_login(world.coordinator_a)
    assert client.get("/training/budgets/").status_code == 403


def test_compliance_page_shows_the_matrix_and_who_is_overdue(world, client):
    program, _ = make_program(world.site_a, title="Alpha BLS renewal", disciplines=["rn"])
    make_staff(world.nurse_a, world.site_a, world.icu_a)
    client.force_login(world.coordinator_a)
    r = client.get("/training/compliance/")
    text = r.content.decode()
    assert r.status_code == 200
    assert "0 % of staff on Alpha ICU are current on Alpha BLS renewal" in text
    assert "Never done" in text and "Nurse A" in text
    r = client.get("/training/compliance/?discipline=rn")
    assert "of Registered nurse (RN) on Alpha ICU" in r.content.decode()
    assert program


def test_person_page_and_profile_section(world, client, rf):
    from caredesk.training.profile import sections

    nurse = make_staff(world.nurse_a, world.site_a, world.icu_a)
    client.force_login(world.coordinator_a)
    assert client.get(f"/training/people/{nurse.pk}/").status_code == 200
    client.force_login(world.director_b)
    assert client.get(f"/training/people/{nurse.pk}/").status_code == 404
    request = rf.get("/")
    request.user = world.nurse_a
    assert len(sections(request, nurse)) == 1
    request.user = world.finance_a
    assert sections(request, nurse) == []
    request.user = world.hr_a
    assert sections(request, nurse)[0].template == "training/_profile_section.html"


def test_profile_section_renders(world, rf):
    from django.template.loader import render_to_string

    from caredesk.training.profile import sections

    program, _ = make_program(world.site_a, title="Alpha BLS renewal", disciplines=["rn"])
    nurse = make_staff(world.nurse_a, world.site_a, world.icu_a)
    request = rf.get("/")
    request.user = world.nurse_a
    [section] = sections(request, nurse)
    html = render_to_string(section.template, section.context)
    assert "Alpha BLS renewal" in html and "Never done" in html and f"/training/people/{nurse.pk}/" in html
    assert program


def test_hr_sees_a_budget_but_cannot_change_it(world, client):
    budget = make_budget(world.site_a, amount=5000)
    client.force_login(world.hr_a)
    page = client.get(f"/training/budgets/{budget.pk}/").content.decode()
    assert "remaining 5000.00" in page and 'name="amount"' not in page
    assert client.post(f"/training/budgets/{budget.pk}/", {"version": 1, "amount": "1"}).status_code == 403
    budget.refresh_from_db()
    assert budget.amount == 5000


def test_propose_again_and_retire_from_the_program_page(world, client):
    program, proposal = make_program(world.site_a, status="declined", proposed_by=world.hr_a)
    client.force_login(world.hr_a)
    assert "Propose again" in client.get(f"/training/programs/{program.pk}/").content.decode()
    client.post(f"/training/programs/{program.pk}/proposals/", {"year": "2031", "expected_participants": "2"})
    program.refresh_from_db()
    assert program.status == "proposed" and program.proposals.filter(year=2031, status="pending").exists()
    approved, _ = make_program(world.site_a, title="Alpha fire safety", proposed_by=world.hr_a)
    client.force_login(world.director_a)
    client.post(f"/training/programs/{approved.pk}/retire/", {"version": 1})
    approved.refresh_from_db()
    assert approved.status == "retired"
    assert proposal
