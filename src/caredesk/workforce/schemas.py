"""Shapes of the workforce API and services. Pay fields live only in the *Pay
shapes, returned to people who hold workforce.view_pay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ninja import Schema
from pydantic import BaseModel, Field

from caredesk.core.roles import Discipline
from caredesk.org.models import UnitKind
from caredesk.workforce.models import CredentialKind, EmploymentEventKind, OvertimeBasis, StaffStatus


def _given(obj: Any, name: str, compute: Callable[[], Any]) -> Any:
    """A resolver's value: computed from a model row, kept from an already-built shape."""
    if isinstance(obj, dict):
        return obj[name] if name in obj else compute()
    if isinstance(obj, BaseModel):
        return getattr(obj, name)
    return compute()


class StaffCreate(Schema):
    user_id: int
    site_id: int
    home_unit_id: int | None = None
    other_unit_ids: list[int] = Field(default_factory=list)
    employee_number: str = Field(min_length=1, max_length=30)
    discipline: Discipline | None = Field(
        default=None, description="Empty: the discipline of the person's clinician role on the site."
    )
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
    username: str
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

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return _given(obj, "name", lambda: str(obj.user))

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return _given(obj, "username", lambda: str(obj.user.username))

    @staticmethod
    def resolve_other_unit_ids(obj: Any) -> list[int]:
        return _given(obj, "other_unit_ids", lambda: sorted(u.pk for u in obj.other_units.all()))


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
    effective_at: datetime | None = Field(default=None, description="Empty: now.")
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

    @staticmethod
    def resolve_type_code(obj: Any) -> str:
        return _given(obj, "type_code", lambda: str(obj.type.code))

    @staticmethod
    def resolve_type_name(obj: Any) -> str:
        return _given(obj, "type_name", lambda: str(obj.type.name))

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return _given(obj, "kind", lambda: str(obj.type.kind))

    @staticmethod
    def resolve_has_document(obj: Any) -> bool:
        return _given(obj, "has_document", lambda: bool(obj.document))

    @staticmethod
    def resolve_state(obj: Any) -> str:
        from caredesk.core import clock
        from caredesk.workforce.services import credential_state

        return _given(
            obj, "state", lambda: credential_state(obj, clock.to_zone(clock.now(), obj.staff.site.time_zone).date())
        )


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
    site_id: int | None = Field(description="Empty for a shared pack.")
    is_active: bool
    version: int


class WorkRulesCreate(Schema):
    site_id: int | None = Field(
        default=None, description="The site's own pack; empty for a shared pack (administrators only)."
    )
    code: str = Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=120)
    jurisdiction: str = Field(default="", max_length=80)
    source: str = Field(min_length=1, description="The regulation or contract clause this pack follows.")
    max_minutes_per_day: int | None = Field(default=None, ge=60, le=24 * 60)
    max_minutes_per_week: int | None = Field(default=None, ge=60, le=7 * 24 * 60)
    min_rest_minutes: int = Field(default=600, ge=0, le=48 * 60)
    max_consecutive_days: int | None = Field(default=None, ge=1, le=31)
    min_consecutive_days_off: int = Field(default=1, ge=0, le=14)
    max_weekends_per_4_weeks: int | None = Field(default=None, ge=0, le=4)
    weekly_rest_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    overtime_basis: OvertimeBasis = OvertimeBasis.FLSA_WEEKLY_40


class WorkRulesUpdate(Schema):
    version: int
    name: str | None = Field(default=None, min_length=1, max_length=120)
    jurisdiction: str | None = Field(default=None, max_length=80)
    source: str | None = Field(default=None, min_length=1)
    max_minutes_per_day: int | None = Field(default=None, ge=60, le=24 * 60)
    max_minutes_per_week: int | None = Field(default=None, ge=60, le=7 * 24 * 60)
    min_rest_minutes: int | None = Field(default=None, ge=0, le=48 * 60)
    max_consecutive_days: int | None = Field(default=None, ge=1, le=31)
    min_consecutive_days_off: int | None = Field(default=None, ge=0, le=14)
    max_weekends_per_4_weeks: int | None = Field(default=None, ge=0, le=4)
    weekly_rest_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    overtime_basis: OvertimeBasis | None = None
    is_active: bool | None = None


class RequirementCreate(Schema):
    type_code: str = Field(min_length=1, max_length=40, description="The credential type required.")
    site_id: int | None = Field(default=None, description="This site only; empty for every site (administrators only).")
    discipline: Discipline | None = None
    unit_kind: UnitKind | None = None
    task: str = Field(default="", max_length=40, pattern=r"^[-a-zA-Z0-9_]*$")
    source: str = Field(min_length=1, max_length=300, description="Why: the regulation, policy or standard.")


class RequirementUpdate(Schema):
    version: int
    discipline: Discipline | None = None
    unit_kind: UnitKind | None = None
    task: str | None = Field(default=None, max_length=40, pattern=r"^[-a-zA-Z0-9_]*$")
    source: str | None = Field(default=None, min_length=1, max_length=300)
    is_active: bool | None = None


class RequirementRead(Schema):
    id: int
    type_code: str
    type_name: str
    site_id: int | None
    discipline: str
    unit_kind: str
    task: str
    source: str
    is_active: bool
    version: int

    @staticmethod
    def resolve_type_code(obj: Any) -> str:
        return _given(obj, "type_code", lambda: str(obj.credential_type.code))

    @staticmethod
    def resolve_type_name(obj: Any) -> str:
        return _given(obj, "type_name", lambda: str(obj.credential_type.name))


class CredentialTypeRead(Schema):
    id: int
    code: str
    name: str
    kind: CredentialKind
    validity_months: int | None
    requires_number: bool


class CredentialRevoke(Schema):
    reason: str = Field(min_length=1, max_length=500)


class DocumentUpload(Schema):
    """A file sent as JSON (or send multipart/form-data with the file in `document`)."""

    document_name: str = Field(min_length=1, max_length=200, description="File name, ending .pdf, .png, .jpg or .jpeg.")
    document_base64: str = Field(min_length=1, description="The file's bytes, base64-encoded (5 MB at most).")


class ImportUpload(Schema):
    """An import file sent as JSON (or send multipart/form-data with the file in `file`)."""

    file_name: str = Field(min_length=1, max_length=200, description="Ending .csv or .xlsx.")
    file_base64: str = Field(min_length=1, description="The file's bytes, base64-encoded.")


class ImportProblem(Schema):
    column: str
    message: str


class ImportRowRead(Schema):
    sheet: str
    row: int
    key: str
    ok: bool
    problems: list[ImportProblem]


class ImportReportRead(Schema):
    dry_run: bool
    written: bool
    ok: bool
    staff_rows: int
    credential_rows: int
    refused_rows: int
    problems: list[ImportProblem] = Field(description="Problems with the file as a whole (e.g. a missing column).")
    rows: list[ImportRowRead]


class RecordableEventKind(StrEnum):
    """The kinds of employment event that can be recorded (a hire is recorded by creating the staff record)."""

    LEAVE_START = "leave_start"
    LEAVE_END = "leave_end"
    PROMOTION = "promotion"
    TRANSFER = "transfer"
    FTE_CHANGE = "fte_change"
    RATE_CHANGE = "rate_change"
    TERMINATION = "termination"


class EmploymentEventIn(EmploymentEventCreate):
    kind: RecordableEventKind  # type: ignore[assignment]

    def to_create(self) -> EmploymentEventCreate:
        return EmploymentEventCreate(**(self.model_dump() | {"kind": EmploymentEventKind(self.kind.value)}))


class VerdictRead(Schema):
    ok: bool
    reasons: list[str]
    missing_credentials: list[str]
