"""Shapes of the recruiting API and services: Create / Update / Read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from ninja import Schema
from pydantic import EmailStr, Field

from caredesk.core.roles import Discipline
from caredesk.recruiting.models import (
    CandidateSource,
    InterviewKind,
    OfferStatus,
    Recommendation,
    RequisitionReason,
    RequisitionStatus,
    Stage,
)

# --- requisitions -------------------------------------------------------------------


class RequisitionCreate(Schema):
    unit_id: int
    job_title: str = Field(min_length=1, max_length=120)
    discipline: Discipline = Discipline.RN
    positions: int = Field(default=1, ge=1, le=50)
    fte: Decimal = Field(default=Decimal("1.00"), gt=0, le=Decimal("1.5"), decimal_places=2)
    hourly_rate_min: Decimal = Field(ge=0, max_digits=8, decimal_places=2)
    hourly_rate_max: Decimal = Field(ge=0, max_digits=8, decimal_places=2)
    annual_cost: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="Default: positions × FTE × 2,080 h × max rate.",
    )
    reason: RequisitionReason
    justification: str = Field(default="", max_length=2000)


class RequisitionUpdate(Schema):
    """Edits while a draft or pending approval; an approved opening is not re-budgeted."""

    version: int
    job_title: str | None = Field(default=None, min_length=1, max_length=120)
    discipline: Discipline | None = None
    positions: int | None = Field(default=None, ge=1, le=50)
    fte: Decimal | None = Field(default=None, gt=0, le=Decimal("1.5"), decimal_places=2)
    hourly_rate_min: Decimal | None = Field(default=None, ge=0, max_digits=8, decimal_places=2)
    hourly_rate_max: Decimal | None = Field(default=None, ge=0, max_digits=8, decimal_places=2)
    annual_cost: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    reason: RequisitionReason | None = None
    justification: str | None = Field(default=None, max_length=2000)


class RequisitionAction(StrEnum):
    """What to do with a requisition: cancel it (any open state), submit a draft for
    approval, approve or decline one pending approval (director or assistant director,
    never the requester; a declined requisition returns to draft)."""

    CANCEL = "cancel"
    SUBMIT = "submit"
    APPROVE = "approve"
    DECLINE = "decline"


class RequisitionTransition(Schema):
    action: RequisitionAction
    reason: str = Field(default="", max_length=2000, description="Required to decline.")
    version: int


class RequisitionRead(Schema):
    id: int
    site_id: int
    unit_id: int
    unit_name: str
    discipline: Discipline
    job_title: str
    positions: int
    positions_filled: int
    fte: Decimal
    hourly_rate_min: Decimal
    hourly_rate_max: Decimal
    annual_cost: Decimal
    reason: RequisitionReason
    justification: str
    status: RequisitionStatus
    requested_by_id: int
    submitted_at: datetime | None
    decided_by_id: int | None
    decided_at: datetime | None
    decision_reason: str
    approved_at: datetime | None
    filled_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    version: int

    @staticmethod
    def resolve_unit_name(obj: object) -> str:
        return str(obj.unit.name)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_positions_filled(obj: object) -> int:
        annotated = getattr(obj, "hired_count", None)
        if annotated is not None:
            return int(annotated)
        return int(obj.applications.filter(stage=Stage.HIRED).count())  # type: ignore[attr-defined]


# --- candidates ---------------------------------------------------------------------


class CandidateCreate(Schema):
    site_id: int
    first_name: str = Field(min_length=1, max_length=150)
    last_name: str = Field(min_length=1, max_length=150)
    email: EmailStr | None = None
    phone: str = Field(default="", max_length=40)
    source: CandidateSource = CandidateSource.WEBSITE
    notes: str = Field(default="", max_length=4000)


class CandidateUpdate(Schema):
    version: int
    first_name: str | None = Field(default=None, min_length=1, max_length=150)
    last_name: str | None = Field(default=None, min_length=1, max_length=150)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=40)
    source: CandidateSource | None = None
    notes: str | None = Field(default=None, max_length=4000)
    is_active: bool | None = None


class CandidateRead(Schema):
    id: int
    site_id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    source: CandidateSource
    notes: str
    is_active: bool
    version: int


# --- applications -------------------------------------------------------------------


class ApplicationCreate(Schema):
    candidate_id: int
    requisition_id: int


class MoveTo(StrEnum):
    """Where the board can move a card: closing moves from any open stage, or one step
    forward. Offers and hires have their own endpoints (they carry terms)."""

    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    SCREENED = "screened"
    INTERVIEWED = "interviewed"


class ApplicationMove(Schema):
    to_stage: MoveTo
    reason: str = Field(default="", max_length=2000)
    version: int


class StageChangeRead(Schema):
    from_stage: str
    to_stage: Stage
    at: datetime
    by_id: int | None
    reason: str


class ApplicationRead(Schema):
    id: int
    candidate_id: int
    candidate_name: str
    requisition_id: int
    stage: Stage
    applied_at: datetime
    stage_changed_at: datetime
    closed_reason: str
    hired_at: datetime | None
    hired_user_id: int | None
    staff_id: int | None
    version: int

    @staticmethod
    def resolve_candidate_name(obj: object) -> str:
        return str(obj.candidate)  # type: ignore[attr-defined]


class ApplicationDetail(ApplicationRead):
    history: list[StageChangeRead]

    @staticmethod
    def resolve_history(obj: object) -> list[object]:
        return list(obj.stage_changes.all())  # type: ignore[attr-defined]


# --- interviews ---------------------------------------------------------------------


class InterviewCreate(Schema):
    starts_at: datetime = Field(description="With an offset; without one it is read in the site's time zone.")
    duration_minutes: int = Field(default=45, ge=10, le=480)
    kind: InterviewKind = InterviewKind.IN_PERSON
    location: str = Field(default="", max_length=200)
    interviewer_ids: list[int] = Field(min_length=1, max_length=8)


class InterviewCancel(Schema):
    reason: str = Field(default="", max_length=2000)


class ScoreIn(Schema):
    criterion: str = Field(min_length=1, max_length=80)
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


class FeedbackCreate(Schema):
    criterion_scores: list[ScoreIn] = Field(min_length=1, max_length=20)
    recommendation: Recommendation
    comments: str = Field(default="", max_length=4000)


class ScoreRead(Schema):
    criterion: str
    score: int
    comment: str


class FeedbackRead(Schema):
    id: int
    interviewer_id: int
    interviewer_name: str
    recommendation: Recommendation
    comments: str
    submitted_at: datetime
    scores: list[ScoreRead]

    @staticmethod
    def resolve_interviewer_name(obj: object) -> str:
        return str(obj.interviewer)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_scores(obj: object) -> list[object]:
        return list(obj.scores.all())  # type: ignore[attr-defined]


class InterviewRead(Schema):
    id: int
    application_id: int
    starts_at: datetime
    duration_minutes: int
    kind: InterviewKind
    location: str
    interviewer_ids: list[int]
    cancelled_at: datetime | None
    cancel_reason: str
    feedback: list[FeedbackRead]
    version: int

    @staticmethod
    def resolve_interviewer_ids(obj: object) -> list[int]:
        return [u.pk for u in obj.interviewers.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_feedback(obj: object) -> list[object]:
        return list(obj.feedback.all())  # type: ignore[attr-defined]


# --- offers and the hire ------------------------------------------------------------


class OfferCreate(Schema):
    hourly_rate: Decimal = Field(ge=0, max_digits=8, decimal_places=2)
    fte: Decimal | None = Field(
        default=None, gt=0, le=Decimal("1.5"), decimal_places=2, description="Default: the requisition's."
    )
    start_date: date
    expires_on: date | None = Field(default=None, description="Last day to accept (site time); default in 7 days.")
    version: int | None = Field(default=None, description="The application's version you read.")


class OfferResponse(Schema):
    accepted: bool
    note: str = Field(default="", max_length=2000)
    version: int


class OfferRescind(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    version: int


class OfferRead(Schema):
    id: int
    application_id: int
    hourly_rate: Decimal
    fte: Decimal
    start_date: date
    expires_on: date
    status: OfferStatus
    state: str = Field(description="open, expired, accepted, declined or rescinded (expiry is read at request time)")
    made_by_id: int | None
    made_at: datetime
    responded_at: datetime | None
    response_note: str
    version: int

    @staticmethod
    def resolve_state(obj: object) -> str:
        from caredesk.core import clock

        return str(obj.state(clock.now(), obj.application.requisition.site.time_zone))  # type: ignore[attr-defined]


class HireCreate(Schema):
    """Everything else comes from the candidate, the requisition and the offer."""

    version: int = Field(description="The offer's version you read.")
    work_rules_id: int | None = Field(default=None, description="Default: the pack most used at the site.")
    username: str | None = Field(default=None, min_length=3, max_length=150, pattern=r"^[\w.@+-]+$")
    employee_number: str | None = Field(default=None, min_length=1, max_length=30)


class HireRead(Schema):
    application_id: int
    user_id: int
    username: str
    initial_password: str = Field(description="Shown once: give it to the new hire, who changes it at first log-in.")
    staff_id: int
    requisition_status: RequisitionStatus


# --- metrics ------------------------------------------------------------------------


class UnitMetricsRead(Schema):
    unit_id: int
    unit_name: str
    site_id: int
    open_positions: int = Field(description="Approved, not yet filled.")
    pending_approval: int
    hires_last_year: int
    median_days_to_fill: float | None = Field(description="Approval to hire, over the hires of the last 365 days.")
