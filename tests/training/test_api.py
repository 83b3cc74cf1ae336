"""The training API: happy paths, the error shape, and the same figures as the pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from caredesk.core import clock
from caredesk.training.models import BudgetEntry, Completion, ProposalStatus, TrainingProposal
from caredesk.workforce.models import Credential
from tests.training.helpers import bls_type, make_budget, make_enrollment, make_program, make_session, make_staff

pytestmark = pytest.mark.django_db


def test_propose_approve_and_see_the_budget(world, api):
    make_budget(world.site_a, amount=2000)
    r = api.post(
        "/training/programs",
        {
            "site_id": world.site_a.pk,
            "title": "Alpha ACLS",
            "cost_per_person": "250",
            "expected_participants": 6,
            "is_mandatory": True,
            "disciplines": ["rn"],
            "unit_kinds": ["icu"],
            "recurrence_months": 24,
            "grants_credential_type": bls_type().code,
        },
        user=world.hr_a,
    )
    assert r.status_code == 201, r.content
    program = r.json()
    assert program["status"] == "proposed" and program["grants_credential_type"] == "bls"
    [proposal] = api.get("/training/proposals?status=pending", user=world.director_a).json()["items"]
    assert proposal["amount"] == "1500.00" or Decimal(str(proposal["amount"])) == Decimal("1500")
    r = api.post(f"/training/proposals/{proposal['id']}/approve", {"reason": "ok"}, user=world.director_a)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    [budget] = api.get("/training/budgets", user=world.finance_a).json()["items"]
    assert Decimal(str(budget["committed"])) == Decimal("1500")
    assert Decimal(str(budget["remaining"])) == Decimal("500")
    entries = api.get(f"/training/budgets/{budget['id']}/entries", user=world.director_a).json()
    assert len(entries) == 1


def test_own_proposal_is_refused_with_a_clear_message(world, api):
    make_budget(world.site_a)
    _program, proposal = make_program(world.site_a, status="proposed", proposed_by=world.director_a)
    r = api.post(f"/training/proposals/{proposal.pk}/approve", {}, user=world.director_a)
    assert r.status_code == 403
    assert "You proposed this program" in r.json()["error"]["message"]
    assert TrainingProposal.objects.get().status == ProposalStatus.PENDING


def test_overspend_error_names_the_confirmation_field(world, api):
    make_budget(world.site_a, amount=100)
    _program, proposal = make_program(world.site_a, status="proposed", proposed_by=world.hr_a)
    r = api.post(f"/training/proposals/{proposal.pk}/approve", {}, user=world.director_a)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"
    assert "confirm_overspend" in r.json()["error"]["fields"]
    assert not BudgetEntry.objects.exists()
    r = api.post(f"/training/proposals/{proposal.pk}/approve", {"confirm_overspend": True}, user=world.director_a)
    assert r.status_code == 200 and r.json()["overspend_confirmed"] is True


def test_decline_requires_a_reason(world, api):
    _program, proposal = make_program(world.site_a, status="proposed", proposed_by=world.hr_a)
    r = api.post(f"/training/proposals/{proposal.pk}/decline", {}, user=world.director_a)
    assert r.status_code == 422 and "reason" in r.json()["error"]["fields"]


def test_finance_sees_the_budget_but_not_the_catalogue(world, api):
    make_budget(world.site_a)
    make_program(world.site_a)
    assert api.get("/training/budgets", user=world.finance_a).json()["count"] == 1
    assert api.get("/training/programs", user=world.finance_a).json()["count"] == 0
    assert api.get("/training/budgets", user=world.coordinator_a).json()["count"] == 0


def test_session_enrolment_completion_and_records(world, api):
    make_budget(world.site_a)
    program, _ = make_program(world.site_a, proposed_by=world.hr_a, grants=bls_type())
    nurse = make_staff(world.nurse_a, world.site_a, world.icu_a)
    r = api.post(
        "/training/sessions",
        {"program_id": program.pk, "starts_at": "2027-02-01T08:30:00", "location": "Alpha room 1", "capacity": 2},
        user=world.hr_a,
    )
    assert r.status_code == 201, r.content
    session = r.json()
    assert session["local_start"].startswith("2027-02-01T08:30:00-05:00")
    r = api.post(f"/training/sessions/{session['id']}/enrollments", {"staff_id": nurse.pk}, user=world.coordinator_a)
    assert r.status_code == 201
    assert api.get(f"/training/sessions/{session['id']}", user=world.hr_a).json()["seats_taken"] == 1
    # A past session: attendance and completion.
    past = make_session(program, starts=clock.now() - timedelta(days=1))
    enrollment = make_enrollment(past, nurse)
    r = api.post(f"/training/enrollments/{enrollment.pk}/attendance", {"version": 1, "attended": True}, user=world.hr_a)
    assert r.status_code == 200 and r.json()["status"] == "attended"
    r = api.post(f"/training/enrollments/{enrollment.pk}/complete", {}, user=world.hr_a)
    assert r.status_code == 201
    assert r.json()["credential_id"] == Credential.objects.get(staff=nurse).pk
    me = api.get("/training/me", user=world.nurse_a).json()
    assert me["staff_id"] == nurse.pk and me["mandatory"][0]["state"] == "current"
    assert api.get(f"/training/people/{nurse.pk}", user=world.coordinator_a).status_code == 200
    assert api.get(f"/training/people/{nurse.pk}", user=world.director_b).status_code == 404
    assert api.get("/training/me", user=world.auditor_a).json()["staff_id"] is None


def test_stale_version_is_a_conflict(world, api):
    make_budget(world.site_a)
    program, _ = make_program(world.site_a, proposed_by=world.hr_a)
    session = make_session(program)
    r = api.post(f"/training/sessions/{session.pk}/cancel", {"version": 7, "reason": "x"}, user=world.hr_a)
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"


def test_compliance_api_returns_the_page_figures(world, api):
    program, _ = make_program(world.site_a, disciplines=["rn"], recurrence=12)
    nurse = make_staff(world.nurse_a, world.site_a, world.icu_a)
    Completion.objects.create(
        staff=nurse,
        program=program,
        completed_on=date(2020, 1, 1),
        expires_on=date(2021, 1, 1),
        recorded_at=clock.now(),
    )
    [cell] = api.get("/training/compliance", user=world.coordinator_a).json()
    assert (cell["unit_name"], cell["applicable"], cell["overdue"], cell["percent_current"]) == ("Alpha ICU", 1, 1, 0.0)
    [row] = api.get("/training/compliance/overdue", user=world.compliance_a).json()
    assert row["staff_id"] == nurse.pk and row["state"] == "overdue"
    assert api.get("/training/compliance", user=world.director_b).json() == []
    assert api.get("/training/compliance/overdue", user=world.nurse_a).json() == []


def test_validation_errors_have_the_one_shape(world, api):
    r = api.post("/training/programs", {"site_id": world.site_a.pk, "title": ""}, user=world.hr_a)
    assert r.status_code == 422
    assert set(r.json()["error"]) == {"code", "message", "fields"}
    assert "title" in r.json()["error"]["fields"]
