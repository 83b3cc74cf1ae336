"""API and service shapes of staff requests (time off, wishes, unavailability)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from caredesk.scheduling.models import RequestKind, RequestStatus


class StaffRequestCreate(Schema):
    """One's own request. Time off waits for the coordinator; wishes and
    unavailability are noted at once."""

    kind: RequestKind
    start_date: date
    end_date: date
    pattern_id: int | None = Field(default=None, description="One shift only; empty: the whole day.")
    reason: str = Field(default="", max_length=300)


class StaffRequestCancel(Schema):
    version: int


class StaffRequestDecide(Schema):
    approve: bool
    reason: str = Field(default="", max_length=300, description="Required when declining.")
    version: int


class StaffRequestRead(Schema):
    id: int
    staff_id: int
    staff_name: str
    unit_id: int | None
    kind: RequestKind
    start_date: date
    end_date: date
    pattern_id: int | None
    pattern_code: str | None
    reason: str
    status: RequestStatus
    decided_by_id: int | None
    decided_at: datetime | None
    decision_reason: str
    version: int


class StaffRequestDecisionRead(Schema):
    request: StaffRequestRead
    rostered_dates: list[date] = Field(description="Days the person already works in a published roster.")
    warnings: list[str]
