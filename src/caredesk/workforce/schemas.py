"""Shapes of the workforce API and services. Pay fields live only in the *Pay
shapes, returned to people who hold workforce.view_pay."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from caredesk.core.roles import Discipline
from caredesk.workforce.models import CredentialKind, EmploymentEventKind, OvertimeBasis, StaffStatus


class StaffCreate(Schema):
    user_id: int
    site_id: int
    home_unit_id: int | None = None
    other_unit_ids: list[int] = Field(default_factory=list)
    employee_number: str = Field(min_length=1, max_length=30)
    discipline: Discipline
    job_title: str = Field(min_length=1, max_length=120)
    fte: Decimal = Field(gt=0, le=Decimal("1.5"), decimal_places=2)
    contracted_minutes_per_week: int = Field(ge=0, le=80 * 60)
    work_rules_id: int
    hourly_rate: Decimal = Field(ge=0, decimal_places=2)
    night_differential: Decimal = Field(default=Decimal("0"), ge=0, decimal_places=2)
    weekend_differential: Decimal = Field(default=Decimal("0"), ge=0, decimal_places=2)
    hire_date: date


class StaffUpdate(Schema):
    """Details that are not employment events (those have their own history)."""

    version: int
    employee_number: str | None = Field(default=None, min_length=1, max_length=30)
    other_unit_ids: list[int] | None = None
    work_rules_id: int | None = None


class StaffRead(Schema):
    id: int
    user_id: int
    name: str
    site_id: int
    home_unit_id: int | None
    other_unit_ids: list[int]
    employee_number: str
    discipline: Discipline
    job_title: str
    fte: Decimal
    contracted_minutes_per_week: int
    work_rules_id: int
    status: StaffStatus
    hire_date: date
    end_date: date | None
    version: int


class StaffPayRead(StaffRead):
    hourly_rate: Decimal
    night_differential: Decimal
    weekend_differential: Decimal


class EmploymentEventCreate(Schema):
    """A promotion, transfer, change of FTE or rate, leave, or termination.

    Only the fields that the kind changes are read: promotion (job_title,
    discipline, hourly_rate), transfer (home_unit_id), fte_change (fte,
    contracted_minutes_per_week), rate_change (hourly_rate, night_differential,
    weekend_differential), termination (reason required).
    """

    version: int
    kind: EmploymentEventKind
    effective_at: datetime
    reason: str = ""
    job_title: str | None = Field(default=None, min_length=1, max_length=120)
    discipline: Discipline | None = None
    home_unit_id: int | None = None
    fte: Decimal | None = Field(default=None, gt=0, le=Decimal("1.5"), decimal_places=2)
    contracted_minutes_per_week: int | None = Field(default=None, ge=0, le=80 * 60)
    hourly_rate: Decimal | None = Field(default=None, ge=0, decimal_places=2)
    night_differential: Decimal | None = Field(default=None, ge=0, decimal_places=2)
    weekend_differential: Decimal | None = Field(default=None, ge=0, decimal_places=2)


class EmploymentEventRead(Schema):
    id: int
    staff_id: int
    kind: EmploymentEventKind
    effective_at: datetime
    changes: dict[str, list[object]]
    reason: str
    recorded_by_id: int | None
    recorded_at: datetime
    applied_at: datetime | None


class CredentialCreate(Schema):
    staff_id: int
    type_code: str
    number: str = Field(default="", max_length=60)
    issuer: str = Field(default="", max_length=120)
    issued_on: date
    expires_on: date | None = None


class CredentialUpdate(Schema):
    version: int
    number: str | None = Field(default=None, max_length=60)
    issuer: str | None = Field(default=None, max_length=120)
    issued_on: date | None = None
    expires_on: date | None = None


class CredentialRead(Schema):
    id: int
    staff_id: int
    type_code: str
    type_name: str
    kind: CredentialKind
    number: str
    issuer: str
    issued_on: date
    expires_on: date | None
    revoked_at: datetime | None
    state: str = Field(description="valid, expiring (within 90 days), expired or revoked")
    has_document: bool
    version: int


class WorkRulesRead(Schema):
    id: int
    code: str
    name: str
    jurisdiction: str
    source: str
    max_minutes_per_day: int | None
    max_minutes_per_week: int | None
    min_rest_minutes: int
    max_consecutive_days: int | None
    min_consecutive_days_off: int
    max_weekends_per_4_weeks: int | None
    weekly_rest_minutes: int | None
    overtime_basis: OvertimeBasis


class VerdictRead(Schema):
    ok: bool
    reasons: list[str]
    missing_credentials: list[str]
