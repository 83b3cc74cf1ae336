"""Builders for training tests: staff records, a budget, programs in each state."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from caredesk.core import clock
from caredesk.training.models import (
    Enrollment,
    ProgramStatus,
    ProposalStatus,
    TrainingBudget,
    TrainingProgram,
    TrainingProposal,
    TrainingSession,
)
from caredesk.workforce.models import CredentialKind, CredentialType, StaffMember, WorkRules


def rules() -> WorkRules:
    found, _ = WorkRules.objects.get_or_create(
        code="test-rules", defaults={"name": "Test rules", "source": "test", "min_rest_minutes": 600}
    )
    return found


def bls_type() -> CredentialType:
    found, _ = CredentialType.objects.get_or_create(
        code="bls",
        defaults={"name": "Basic Life Support (BLS)", "kind": CredentialKind.CERTIFICATION, "validity_months": 24},
    )
    return found


def make_staff(user: Any, site: Any, unit: Any, discipline: str = "rn", number: str | None = None) -> StaffMember:
    return StaffMember.objects.create(
        user=user,
        site=site,
        home_unit=unit,
        employee_number=number or f"E-{user.pk}",
        discipline=discipline,
        job_title="Staff Nurse",
        fte=Decimal("1.00"),
        contracted_minutes_per_week=2400,
        work_rules=rules(),
        hourly_rate=Decimal("48.00"),
        hire_date=date(2020, 1, 6),
    )


def make_budget(site: Any, year: int | None = None, amount: int = 10000, unit: Any = None) -> TrainingBudget:
    year = year or clock.to_zone(clock.now(), site.time_zone).year
    return TrainingBudget.objects.create(site=site, unit=unit, year=year, amount=Decimal(amount))


def make_program(
    site: Any,
    *,
    title: str = "Alpha BLS renewal",
    status: str = ProgramStatus.APPROVED,
    proposed_by: Any = None,
    mandatory: bool = True,
    disciplines: list[str] | None = None,
    unit_kinds: list[str] | None = None,
    recurrence: int | None = 24,
    grants: CredentialType | None = None,
    unit: Any = None,
    amount: Decimal = Decimal("500.00"),
) -> tuple[TrainingProgram, TrainingProposal | None]:
    program = TrainingProgram.objects.create(
        site=site,
        unit=unit,
        title=title,
        provider="American Heart Association",
        hours=Decimal("4.0"),
        cost_per_person=Decimal("50.00"),
        fixed_cost=Decimal("0"),
        is_mandatory=mandatory,
        disciplines=disciplines if disciplines is not None else ["rn"],
        unit_kinds=unit_kinds or [],
        recurrence_months=recurrence,
        grants_credential_type=grants,
        status=status,
    )
    proposal = None
    if proposed_by is not None:
        proposal = TrainingProposal.objects.create(
            program=program,
            year=clock.to_zone(clock.now(), site.time_zone).year,
            expected_participants=10,
            amount=amount,
            proposed_by=proposed_by,
            proposed_at=clock.now(),
            status=ProposalStatus.PENDING if status == ProgramStatus.PROPOSED else ProposalStatus.APPROVED,
        )
    return program, proposal


def make_session(program: TrainingProgram, *, starts: datetime | None = None, capacity: int = 10) -> TrainingSession:
    start = starts or clock.now() + timedelta(days=7)
    return TrainingSession.objects.create(
        program=program, starts_at=start, ends_at=start + timedelta(hours=4), capacity=capacity, location="Alpha room 1"
    )


def make_enrollment(session: TrainingSession, staff: StaffMember) -> Enrollment:
    return Enrollment.objects.create(session=session, staff=staff, enrolled_at=clock.now())
