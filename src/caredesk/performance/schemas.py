"""Shapes of the performance API and services: Create / Update / Read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from ninja import Schema
from pydantic import Field

from caredesk.performance.models import DEFAULT_SCALE, CycleKind, CycleStatus, ReviewState

# --- templates ---------------------------------------------------------------------


class CompetencyIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    weight: Decimal = Field(default=Decimal("1"), gt=0, le=100, decimal_places=2)


class CompetencyRead(Schema):
    id: int
    position: int
    name: str
    description: str
    weight: Decimal


class TemplateCreate(Schema):
    site_id: int
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    scale_labels: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SCALE),
        min_length=2,
        max_length=10,
        description="Labels of the rating scale, lowest first: a rating is 1..N.",
    )
    competencies: list[CompetencyIn] = Field(
        default_factory=list, max_length=40, description="May be added later; a cycle needs at least one."
    )


class TemplateUpdate(Schema):
    version: int
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = None
    is_active: bool | None = None
    scale_labels: list[str] | None = Field(default=None, min_length=2, max_length=10)
    competencies: list[CompetencyIn] | None = Field(
        default=None, max_length=40, description="Replaces them all; refused once a cycle uses the template."
    )


class TemplateRead(Schema):
    id: int
    site_id: int
    name: str
    description: str
    scale_labels: list[str]
    is_active: bool
    in_use: bool
    competencies: list[CompetencyRead]
    version: int


# --- cycles ------------------------------------------------------------------------


class CycleStart(Schema):
    """Start a cycle: its reviews are created at once for everyone in scope."""

    site_id: int
    unit_id: int | None = Field(default=None, description="Only this unit's staff (home unit); empty for the site.")
    template_id: int
    name: str = Field(min_length=1, max_length=150)
    kind: CycleKind
    period_start: date
    period_end: date
    due_on: date = Field(description="Reviews not submitted by the end of this day (site time) are overdue.")
    staff_ids: list[int] = Field(
        default_factory=list,
        description="Only these people; empty for everyone active in scope (for end of probation: hired in the period).",
    )


class CycleClose(Schema):
    version: int


class CycleRead(Schema):
    id: int
    site_id: int
    unit_id: int | None
    template_id: int
    name: str
    kind: CycleKind
    period_start: date
    period_end: date
    due_on: date
    status: CycleStatus
    review_count: int
    version: int


# --- reviews -----------------------------------------------------------------------


class RatingIn(Schema):
    competency_id: int
    rating: int = Field(ge=1, le=10)
    comment: str = ""


class GoalIn(Schema):
    description: str = Field(min_length=1, max_length=300)
    target_date: date


class ReviewUpdate(Schema):
    """The reviewer's draft: ratings (merged by competency), comments, goals (replaced)."""

    version: int
    comments: str | None = None
    ratings: list[RatingIn] | None = None
    goals: list[GoalIn] | None = Field(default=None, max_length=20)


class ReviewAction(StrEnum):
    SUBMIT = "submit"
    ACKNOWLEDGE = "acknowledge"
    SIGN_OFF = "sign_off"
    CLOSE = "close"
    CANCEL = "cancel"


class ReviewTransition(Schema):
    version: int
    action: ReviewAction = Field(
        description="submit (reviewer), acknowledge (the employee), sign_off (reviewer's manager), "
        "close or cancel (HR / leadership)."
    )
    comments: str = Field(
        default="", description="The employee's comments, the sign-off comments, or the reason for cancelling."
    )


class ReviewerAssign(Schema):
    version: int
    reviewer_id: int


class RatingRead(Schema):
    competency_id: int
    competency: str
    weight: Decimal
    rating: int | None
    label: str
    comment: str


class GoalRead(Schema):
    description: str
    target_date: date


class ReviewSummary(Schema):
    id: int
    cycle_id: int
    cycle_name: str
    kind: CycleKind
    site_id: int
    staff_id: int
    staff_name: str
    reviewer_id: int | None
    reviewer_name: str
    state: ReviewState
    due_on: date
    overdue: bool
    score: Decimal | None
    version: int


class ReviewRead(ReviewSummary):
    comments: str
    employee_comments: str
    sign_off_comments: str
    cancel_reason: str
    scale_labels: list[str]
    ratings: list[RatingRead]
    goals: list[GoalRead]
    submitted_at: datetime | None
    acknowledged_at: datetime | None
    signed_off_at: datetime | None
    closed_at: datetime | None


class EvaluationOverdueRead(Schema):
    reviewer_id: int | None
    reviewer_name: str
    site_id: int
    count: int
    oldest_due_on: date
    review_ids: list[int]


class HistoryPoint(Schema):
    review_id: int
    cycle_id: int
    cycle_name: str
    kind: CycleKind
    period_end: date
    state: ReviewState
    score: Decimal | None


class HistoryRead(Schema):
    staff_id: int
    staff_name: str
    points: list[HistoryPoint]
