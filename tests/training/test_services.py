"""Training services: proposals and their approval (never one's own), the
budget and its overspend confirmation, sessions, enrolment within capacity,
attendance, completion renewing the workforce credential."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from caredesk.core import clock, errors
from caredesk.core.models import AuditEvent
from caredesk.training import schemas, services
from caredesk.training.models import (
    BudgetEntry,
    Completion,
    Enrollment,
    EnrollmentStatus,
    ProgramStatus,
    ProposalStatus,
    SessionStatus,
    TrainingBudget,
    TrainingProgram,
    TrainingProposal,
)
from caredesk.workforce import qualification
from caredesk.workforce.models import Credential
from tests.conftest import make_user
from tests.training.helpers import (
    bls_type,
    make_budget,
    make_enrollment,
    make_program,
    make_session,
    make_staff,
)

pytestmark = pytest.mark.django_db


def proposal_data(world, **kw):
    base = {
        "site_id": world.site_a.pk,
        "title": "Alpha BLS renewal",
        "cost_per_person": "85.00",
        "fixed_cost": "100.00",
        "expected_participants": 10,
        "is_mandatory": True,
        "disciplines": ["rn", "lpn"],
        "recurrence_months": 24,
    }
    return schemas.ProgramPropose(**(base | kw))


# --- proposing ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["hr_a", "compliance_a", "director_a", "coordinator_a"])
def test_managers_hr_and_compliance_propose_a_program_with_its_cost(world, persona):
    unit = world.icu_a.pk if persona == "coordinator_a" else None
    program = services.propose_program(world.persona(persona), proposal_data(world, unit_id=unit))
    assert program.status == ProgramStatus.PROPOSED
    proposal = program.proposals.get()
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.amount == Decimal("950.00")  # 100 fixed + 10 x 85
    assert proposal.year == clock.to_zone(clock.now(), "America/New_York").year
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["training.create_proposal", "training.propose_program"]


@pytest.mark.parametrize("persona", ["nurse_a", "finance_a", "auditor_a", "admin_a"])
def test_other_roles_cannot_propose(world, persona):
    with pytest.raises(errors.PermissionDenied):
        services.propose_program(world.persona(persona), proposal_data(world))
    assert not TrainingProgram.objects.exists()


def test_a_coordinator_proposes_only_for_their_unit(world):
    with pytest.raises(errors.PermissionDenied):
        services.propose_program(world.coordinator_a, proposal_data(world))  # whole site
    with pytest.raises(errors.PermissionDenied):
        services.propose_program(world.coordinator_a, proposal_data(world, unit_id=world.ms_a.pk))
    assert not TrainingProgram.objects.exists()


def test_another_sites_director_cannot_propose_there(world):
    with pytest.raises(errors.NotFound):
        services.propose_program(world.director_b, proposal_data(world))


def test_unknown_credential_type_is_refused_naming_the_field(world):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.propose_program(world.hr_a, proposal_data(world, grants_credential_type="nope"))
    assert "grants_credential_type" in exc.value.fields
    assert not TrainingProgram.objects.exists()


def test_unit_of_another_site_is_refused(world):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.propose_program(world.hr_a, proposal_data(world, unit_id=world.ltc_b.pk))
    assert "unit_id" in exc.value.fields


# --- deciding ----------------------------------------------------------------------


def proposed(world, proposer=None, amount=Decimal("950.00")):
    program = services.propose_program(proposer or world.hr_a, proposal_data(world))
    proposal = program.proposals.get()
    if amount != proposal.amount:
        TrainingProposal.objects.filter(pk=proposal.pk).update(amount=amount)
        proposal.refresh_from_db()
    return program, proposal


def test_approval_posts_the_cost_to_the_budget(world):
    budget = make_budget(world.site_a, amount=5000)
    program, proposal = proposed(world)
    services.approve_proposal(world.director_a, proposal.pk, schemas.ProposalApprove(reason="Accreditation"))
    program.refresh_from_db()
    proposal.refresh_from_db()
    assert program.status == ProgramStatus.APPROVED
    assert proposal.status == ProposalStatus.APPROVED and proposal.decided_by == world.director_a
    entry = BudgetEntry.objects.get()
    assert entry.budget == budget and entry.amount == Decimal("950.00")
    assert services.committed(budget) == Decimal("950.00")
    assert world.hr_a.notifications.filter(kind="training.proposal_decided").exists()


def test_a_unit_program_posts_to_the_unit_budget_when_there_is_one(world):
    make_budget(world.site_a, amount=5000)
    unit_budget = make_budget(world.site_a, amount=2000, unit=world.icu_a)
    program = services.propose_program(world.coordinator_a, proposal_data(world, unit_id=world.icu_a.pk))
    services.approve_proposal(world.assistant_a, program.proposals.get().pk, schemas.ProposalApprove())
    assert BudgetEntry.objects.get().budget == unit_budget


def test_nobody_approves_their_own_proposal(world):
    make_budget(world.site_a)
    _program, proposal = proposed(world, proposer=world.director_a)
    with pytest.raises(errors.PermissionDenied) as exc:
        services.approve_proposal(world.director_a, proposal.pk, schemas.ProposalApprove())
    assert "You proposed this program" in exc.value.message
    with pytest.raises(errors.PermissionDenied):
        services.decline_proposal(world.director_a, proposal.pk, schemas.ProposalDecline(reason="no"))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING and not BudgetEntry.objects.exists()
    # Another leader may.
    services.approve_proposal(world.assistant_a, proposal.pk, schemas.ProposalApprove())


@pytest.mark.parametrize("persona", ["hr_a", "coordinator_a", "compliance_a", "finance_a", "nurse_a"])
def test_only_directors_decide(world, persona):
    make_budget(world.site_a)
    _program, proposal = proposed(world)
    with pytest.raises((errors.PermissionDenied, errors.NotFound)):
        services.approve_proposal(world.persona(persona), proposal.pk, schemas.ProposalApprove())
    assert not BudgetEntry.objects.exists()


def test_another_sites_director_cannot_decide(world):
    make_budget(world.site_a)
    _program, proposal = proposed(world)
    with pytest.raises(errors.NotFound):
        services.approve_proposal(world.director_b, proposal.pk, schemas.ProposalApprove())


def test_overspend_is_refused_without_confirmation_and_allowed_with_it(world):
    budget = make_budget(world.site_a, amount=1000)
    _p1, first = proposed(world, amount=Decimal("800.00"))
    services.approve_proposal(world.director_a, first.pk, schemas.ProposalApprove())
    _p2, second = proposed(world, amount=Decimal("300.00"))
    assert services.overspend(second) == Decimal("100.00")
    with pytest.raises(errors.ValidationFailed) as exc:
        services.approve_proposal(world.director_a, second.pk, schemas.ProposalApprove())
    assert "confirm_overspend" in exc.value.fields
    assert "100.00" in exc.value.message
    second.refresh_from_db()
    assert second.status == ProposalStatus.PENDING and BudgetEntry.objects.count() == 1
    services.approve_proposal(world.director_a, second.pk, schemas.ProposalApprove(confirm_overspend=True))
    second.refresh_from_db()
    assert second.overspend_confirmed is True
    assert services.committed(budget) == Decimal("1100.00")


def test_exactly_spending_the_budget_needs_no_confirmation(world):
    make_budget(world.site_a, amount=950)
    _program, proposal = proposed(world)
    services.approve_proposal(world.director_a, proposal.pk, schemas.ProposalApprove())


def test_approval_without_a_budget_names_the_year(world):
    _program, proposal = proposed(world)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.approve_proposal(world.director_a, proposal.pk, schemas.ProposalApprove())
    assert "year" in exc.value.fields


def test_decline_needs_a_reason_and_cannot_be_decided_twice(world):
    make_budget(world.site_a)
    program, proposal = proposed(world)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.decline_proposal(world.director_a, proposal.pk, schemas.ProposalDecline(reason="   "))
    assert "reason" in exc.value.fields
    services.decline_proposal(world.director_a, proposal.pk, schemas.ProposalDecline(reason="Not this year"))
    program.refresh_from_db()
    proposal.refresh_from_db()
    assert program.status == ProgramStatus.DECLINED and proposal.reason == "Not this year"
    with pytest.raises(errors.ValidationFailed) as exc:
        services.approve_proposal(world.assistant_a, proposal.pk, schemas.ProposalApprove())
    assert "status" in exc.value.fields
    assert not BudgetEntry.objects.exists()


# --- budgets -------------------------------------------------------------------------


def test_budgets_are_set_by_leadership_and_finance_once_per_year(world):
    budget = services.create_budget(
        world.finance_a, schemas.BudgetCreate(site_id=world.site_a.pk, year=2027, amount=40000)
    )
    assert budget.amount == Decimal(40000)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_budget(world.director_a, schemas.BudgetCreate(site_id=world.site_a.pk, year=2027, amount=1))
    assert "year" in exc.value.fields
    with pytest.raises(errors.PermissionDenied):
        services.create_budget(world.hr_a, schemas.BudgetCreate(site_id=world.site_a.pk, year=2028, amount=1))
    updated = services.update_budget(world.director_a, budget.pk, schemas.BudgetUpdate(version=1, amount=45000))
    assert updated.amount == Decimal(45000) and updated.version == 2
    with pytest.raises(errors.Conflict):
        services.update_budget(world.finance_a, budget.pk, schemas.BudgetUpdate(version=1, amount=1))
    assert TrainingBudget.objects.get().amount == Decimal(45000)


# --- sessions, enrolment, attendance, completion -------------------------------------


@pytest.fixture
def bls(world):
    make_budget(world.site_a)
    program, _ = make_program(world.site_a, proposed_by=world.hr_a, grants=bls_type())
    return program


@pytest.fixture
def nurse(world):
    return make_staff(world.nurse_a, world.site_a, world.icu_a)


def test_sessions_are_scheduled_in_the_sites_time_zone(world, bls):
    from datetime import datetime

    session = services.schedule_session(
        world.hr_a,
        schemas.SessionCreate(program_id=bls.pk, starts_at=datetime(2027, 3, 15, 8, 0), capacity=8),
    )
    assert clock.to_zone(session.starts_at, "America/New_York").hour == 8
    assert session.ends_at - session.starts_at == timedelta(hours=4)  # the program's hours


def test_sessions_only_for_approved_programs(world):
    program, _ = make_program(world.site_a, status=ProgramStatus.PROPOSED, proposed_by=world.hr_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.schedule_session(
            world.hr_a, schemas.SessionCreate(program_id=program.pk, starts_at=clock.now() + timedelta(days=3))
        )
    assert "program_id" in exc.value.fields


def test_a_coordinator_cannot_schedule_a_site_wide_session_but_enrols_their_staff(world, bls, nurse):
    with pytest.raises(errors.PermissionDenied):
        services.schedule_session(
            world.coordinator_a, schemas.SessionCreate(program_id=bls.pk, starts_at=clock.now() + timedelta(days=3))
        )
    session = make_session(bls)
    enrollment = services.enrol(world.coordinator_a, session.pk, schemas.EnrollmentCreate(staff_id=nurse.pk))
    assert enrollment.status == EnrollmentStatus.ENROLLED


def test_enrolment_respects_capacity_and_once_per_person(world, bls, nurse):
    session = make_session(bls, capacity=1)
    services.enrol(world.hr_a, session.pk, schemas.EnrollmentCreate(staff_id=nurse.pk))
    with pytest.raises(errors.ValidationFailed) as exc:
        services.enrol(world.hr_a, session.pk, schemas.EnrollmentCreate(staff_id=nurse.pk))
    assert "already enrolled" in exc.value.message
    other = make_staff(
        make_user("other_nurse", role="clinician", site=world.site_a, unit=world.ms_a, discipline="rn"),
        world.site_a,
        world.ms_a,
    )
    with pytest.raises(errors.ValidationFailed) as exc:
        services.enrol(world.hr_a, session.pk, schemas.EnrollmentCreate(staff_id=other.pk))
    assert "full" in exc.value.message and "staff_id" in exc.value.fields
    assert Enrollment.objects.count() == 1


def test_no_enrolment_once_the_session_started(world, bls, nurse):
    session = make_session(bls, starts=clock.now() - timedelta(minutes=1))
    with pytest.raises(errors.ValidationFailed):
        services.enrol(world.hr_a, session.pk, schemas.EnrollmentCreate(staff_id=nurse.pk))


def test_nurse_cannot_enrol_anyone(world, bls, nurse):
    session = make_session(bls)
    with pytest.raises((errors.PermissionDenied, errors.NotFound)):
        services.enrol(world.nurse_a, session.pk, schemas.EnrollmentCreate(staff_id=nurse.pk))


def test_attendance_only_after_the_start(world, bls, nurse):
    session = make_session(bls)
    enrollment = make_enrollment(session, nurse)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_attendance(world.hr_a, enrollment.pk, schemas.AttendanceRecord(version=1, attended=True))
    assert "attended" in exc.value.fields
    with time_machine.travel(session.starts_at + timedelta(minutes=5)):
        done = services.record_attendance(
            world.hr_a, enrollment.pk, schemas.AttendanceRecord(version=1, attended=False)
        )
    assert done.status == EnrollmentStatus.ABSENT
    with time_machine.travel(session.ends_at), pytest.raises(errors.ValidationFailed):
        services.complete_enrollment(world.hr_a, enrollment.pk, schemas.EnrollmentComplete())


def test_completion_creates_the_credential_so_the_qualification_check_sees_it(world, bls, nurse):
    from caredesk.workforce.models import CredentialRequirement

    CredentialRequirement.objects.create(credential_type=bls_type(), discipline="rn", source="hospital policy")
    session = make_session(bls, starts=clock.now() - timedelta(days=1))
    enrollment = make_enrollment(session, nurse)
    start, end = clock.now() + timedelta(days=1), clock.now() + timedelta(days=1, hours=12)
    assert not qualification.may_work(nurse, unit=world.icu_a, start=start, end=end)
    completion = services.complete_enrollment(world.coordinator_a, enrollment.pk, schemas.EnrollmentComplete())
    day = clock.to_zone(session.starts_at, "America/New_York").date()
    assert completion.completed_on == day
    assert completion.expires_on == date(day.year + 2, day.month, day.day) if (day.month, day.day) != (2, 29) else True
    cred = Credential.objects.get(staff=nurse, type__code="bls")
    assert completion.credential == cred
    assert cred.issued_on == completion.completed_on and cred.expires_on == completion.expires_on
    assert qualification.may_work(nurse, unit=world.icu_a, start=start, end=end)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ATTENDED
    with pytest.raises(errors.ValidationFailed):
        services.complete_enrollment(world.coordinator_a, enrollment.pk, schemas.EnrollmentComplete())


def test_completion_renews_an_existing_credential(world, bls, nurse):
    old = Credential.objects.create(
        staff=nurse, type=bls_type(), issued_on=date(2024, 1, 10), expires_on=date(2026, 1, 10)
    )
    completion = services.record_completion(
        world.hr_a, schemas.CompletionCreate(staff_id=nurse.pk, program_id=bls.pk, completed_on=date(2026, 1, 5))
    )
    old.refresh_from_db()
    assert completion.credential == old
    assert (old.issued_on, old.expires_on) == (date(2026, 1, 5), date(2028, 1, 5))
    assert old.version == 2
    assert Credential.objects.filter(staff=nurse).count() == 1
    assert AuditEvent.objects.filter(action="workforce.update_credential").exists()


def test_an_older_completion_does_not_shorten_the_credential(world, bls, nurse):
    cred = Credential.objects.create(
        staff=nurse, type=bls_type(), issued_on=date(2026, 1, 10), expires_on=date(2028, 1, 10)
    )
    services.record_completion(
        world.hr_a, schemas.CompletionCreate(staff_id=nurse.pk, program_id=bls.pk, completed_on=date(2025, 6, 1))
    )
    cred.refresh_from_db()
    assert cred.expires_on == date(2028, 1, 10) and cred.version == 1


def test_completion_in_the_future_is_refused(world, bls, nurse):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_completion(
            world.hr_a,
            schemas.CompletionCreate(
                staff_id=nurse.pk, program_id=bls.pk, completed_on=clock.now().date() + timedelta(days=3)
            ),
        )
    assert "completed_on" in exc.value.fields
    assert not Completion.objects.exists() and not Credential.objects.exists()


def test_cancelling_a_session_cancels_its_enrolments_and_tells_people(world, bls, nurse):
    session = make_session(bls)
    enrollment = make_enrollment(session, nurse)
    with pytest.raises(errors.ValidationFailed):
        services.cancel_session(world.hr_a, session.pk, schemas.SessionCancel(version=1, reason=" "))
    services.cancel_session(world.hr_a, session.pk, schemas.SessionCancel(version=1, reason="Trainer ill"))
    session.refresh_from_db()
    enrollment.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and enrollment.status == EnrollmentStatus.CANCELLED
    assert world.nurse_a.notifications.filter(kind="training.session_cancelled").exists()
    with pytest.raises(errors.ValidationFailed):
        services.cancel_session(world.hr_a, session.pk, schemas.SessionCancel(version=2, reason="again"))


def test_withdrawing_an_enrolment(world, bls, nurse):
    session = make_session(bls)
    enrollment = make_enrollment(session, nurse)
    services.cancel_enrollment(world.hr_a, enrollment.pk, schemas.EnrollmentCancel(version=1))
    with pytest.raises(errors.ValidationFailed):
        services.cancel_enrollment(world.hr_a, enrollment.pk, schemas.EnrollmentCancel(version=2))
    # The place is free again and the person may enrol anew.
    services.enrol(world.hr_a, session.pk, schemas.EnrollmentCreate(staff_id=nurse.pk))


def test_a_declined_program_can_be_proposed_again_and_funded_yearly(world):
    make_budget(world.site_a)
    make_budget(world.site_a, year=2030)
    program, proposal = proposed(world)
    services.decline_proposal(world.director_a, proposal.pk, schemas.ProposalDecline(reason="Fewer places"))
    again = services.propose_funding(
        world.hr_a, program.pk, schemas.FundingPropose(expected_participants=2, justification="Two places")
    )
    program.refresh_from_db()
    assert program.status == ProgramStatus.PROPOSED and again.amount == Decimal("270.00")
    with pytest.raises(errors.ValidationFailed) as exc:
        services.propose_funding(world.hr_a, program.pk, schemas.FundingPropose())
    assert "year" in exc.value.fields
    services.approve_proposal(world.director_a, again.pk, schemas.ProposalApprove())
    later = services.propose_funding(world.hr_a, program.pk, schemas.FundingPropose(year=2030, expected_participants=1))
    services.approve_proposal(world.assistant_a, later.pk, schemas.ProposalApprove())
    assert BudgetEntry.objects.filter(budget__year=2030).count() == 1


def test_retiring_a_program_stops_it_counting(world, bls, nurse):
    from caredesk.training import queries

    assert len(queries.person_items(nurse)) == 1
    with pytest.raises(errors.PermissionDenied):
        services.retire_program(world.hr_a, bls.pk, schemas.ProgramRetire(version=1))
    services.retire_program(world.director_a, bls.pk, schemas.ProgramRetire(version=1))
    assert queries.person_items(nurse) == []
    with pytest.raises(errors.ValidationFailed):
        services.propose_funding(world.hr_a, bls.pk, schemas.FundingPropose())
    with pytest.raises(errors.ValidationFailed):
        services.schedule_session(
            world.hr_a, schemas.SessionCreate(program_id=bls.pk, starts_at=clock.now() + timedelta(days=3))
        )
