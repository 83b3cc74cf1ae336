"""API and service shapes of training: Create / Update / Read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from caredesk.core.roles import Discipline
from caredesk.org.models import UnitKind
from caredesk.training.models import Delivery, EnrollmentStatus, ProgramStatus, ProposalStatus, SessionStatus


class ProgramPropose(Schema):
    """A new program, proposed with its cost for a budget year."""

    site_id: int
    unit_id: int | None = Field(default=None, description="A program of one unit; empty for the whole site.")
    title: str = Field(min_length=1, max_length=160)
    description: str = ""
    provider: str = Field(default="", max_length=120)
    delivery: Delivery = Delivery.CLASSROOM
    hours: Decimal = Field(default=Decimal("0"), ge=0, le=9999, decimal_places=1)
    cost_per_person: Decimal = Field(default=Decimal("0"), ge=0, decimal_places=2)
    fixed_cost: Decimal = Field(default=Decimal("0"), ge=0, decimal_places=2)
    is_mandatory: bool = False
    disciplines: list[Discipline] = Field(default_factory=list, description="Empty: every discipline.")
    unit_kinds: list[UnitKind] = Field(default_factory=list, description="Empty: every unit type.")
    recurrence_months: int | None = Field(default=None, ge=1, le=240, description="e.g. 12 for yearly; empty: once.")
    grants_credential_type: str | None = Field(
        default=None, description="Code of the credential type it grants, e.g. bls."
    )
    year: int | None = Field(default=None, ge=2000, le=2100, description="Budget year; default: this year.")
    expected_participants: int = Field(default=0, ge=0, le=100000)
    justification: str = ""


class ProgramRead(Schema):
    id: int
    site_id: int
    unit_id: int | None
    title: str
    description: str
    provider: str
    delivery: Delivery
    hours: Decimal
    cost_per_person: Decimal
    fixed_cost: Decimal
    is_mandatory: bool
    disciplines: list[str]
    unit_kinds: list[str]
    recurrence_months: int | None
    grants_credential_type: str | None
    status: ProgramStatus
    version: int


class ProposalRead(Schema):
    id: int
    program_id: int
    program_title: str
    year: int
    expected_participants: int
    amount: Decimal
    justification: str
    proposed_by_id: int
    proposed_by: str
    proposed_at: datetime
    status: ProposalStatus
    decided_by_id: int | None
    decided_at: datetime | None
    reason: str
    overspend_confirmed: bool
    version: int


class FundingPropose(Schema):
    """Fund an existing program again (another year, more places), or propose a
    declined one anew."""

    year: int | None = Field(default=None, ge=2000, le=2100, description="Budget year; default: this year.")
    expected_participants: int = Field(default=0, ge=0, le=100000)
    justification: str = ""


class ProgramRetire(Schema):
    version: int


class ProposalApprove(Schema):
    reason: str = ""
    confirm_overspend: bool = Field(
        default=False, description="Required when the approval would take the budget past its figure."
    )


class ProposalDecline(Schema):
    reason: str = Field(min_length=1, description="Why it is declined (shown to the proposer).")


class BudgetCreate(Schema):
    site_id: int
    unit_id: int | None = None
    year: int = Field(ge=2000, le=2100)
    amount: int = Field(ge=0, description="The budget figure, in whole currency units.")


class BudgetUpdate(Schema):
    version: int
    amount: int = Field(ge=0)


class BudgetEntryRead(Schema):
    id: int
    budget_id: int
    program_id: int
    proposal_id: int | None
    amount: Decimal
    description: str
    posted_at: datetime


class BudgetRead(Schema):
    id: int
    site_id: int
    unit_id: int | None
    year: int
    amount: Decimal
    committed: Decimal
    remaining: Decimal
    version: int


class SessionCreate(Schema):
    program_id: int
    starts_at: datetime = Field(description="With an offset, or without one in the site's time zone.")
    ends_at: datetime | None = Field(default=None, description="Default: start plus the program's hours.")
    location: str = Field(default="", max_length=160)
    capacity: int = Field(default=12, ge=1, le=10000)
    trainer: str = Field(default="", max_length=120)


class SessionCancel(Schema):
    version: int
    reason: str = Field(min_length=1)


class SessionRead(Schema):
    id: int
    program_id: int
    program_title: str
    starts_at: datetime
    ends_at: datetime
    local_start: str = Field(description="The start in the site's time zone.")
    location: str
    capacity: int
    seats_taken: int
    trainer: str
    status: SessionStatus
    version: int


class EnrollmentCreate(Schema):
    staff_id: int


class EnrollmentRead(Schema):
    id: int
    session_id: int
    staff_id: int
    staff_name: str
    status: EnrollmentStatus
    enrolled_at: datetime
    completion_id: int | None
    version: int


class EnrollmentCancel(Schema):
    version: int


class AttendanceRecord(Schema):
    version: int
    attended: bool


class EnrollmentComplete(Schema):
    completed_on: date | None = Field(default=None, description="Default: the day of the session.")


class CompletionCreate(Schema):
    """A completion done elsewhere (an external course, a certificate brought in)."""

    staff_id: int
    program_id: int
    completed_on: date | None = Field(default=None, description="Default: today in the site's time zone.")
    note: str = Field(default="", max_length=200)


class CompletionRead(Schema):
    id: int
    staff_id: int
    staff_name: str
    program_id: int
    program_title: str
    completed_on: date
    expires_on: date | None
    credential_id: int | None
    enrollment_id: int | None
    note: str


class ComplianceItemRead(Schema):
    program_id: int
    program_title: str
    state: str = Field(description="current, expiring (within 30 days), overdue or never")
    completed_on: date | None
    expires_on: date | None


class PersonRecordRead(Schema):
    staff_id: int | None = Field(description="Empty for someone without a staff record.")
    name: str
    mandatory: list[ComplianceItemRead]
    completions: list[CompletionRead]


class ComplianceCellRead(Schema):
    unit_id: int
    unit_name: str
    program_id: int
    program_title: str
    applicable: int
    current: int
    expiring: int
    overdue: int
    never: int
    percent_current: float | None


class TrainingOverdueRead(Schema):
    staff_id: int
    name: str
    unit_id: int | None
    unit_name: str
    program_id: int
    program_title: str
    state: str
    expires_on: date | None
