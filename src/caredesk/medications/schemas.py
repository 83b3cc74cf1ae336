"""API and service shapes of medications: Create / Update / Read."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from caredesk.medications.models import Frequency, NotDoneReason, OrderStatus, Route


class OrderCreate(Schema):
    """A medication order (transcribed from the prescriber's order)."""

    stay_id: int
    drug: str = Field(min_length=1, max_length=160)
    drug_code: str = Field(default="", max_length=40)
    dose: Decimal = Field(gt=0, max_digits=10, decimal_places=3)
    dose_unit: str = Field(min_length=1, max_length=20, description="mg, units, mL...")
    route: Route
    frequency: Frequency
    times_of_day: list[str] = Field(
        default_factory=list, description='Local times "HH:MM" in the site\'s zone; empty: the standard times.'
    )
    prn_min_interval_minutes: int | None = Field(default=None, ge=1, le=10080)
    indication: str = Field(default="", max_length=200)
    starts_at: datetime | None = Field(default=None, description="Default: now.")
    ends_at: datetime | None = None
    time_critical: bool | None = Field(default=None, description="Empty: from the site's list of time-critical drugs.")
    prescriber: str = Field(min_length=1, max_length=120)


class OrderChange(Schema):
    """A change of an order: the doses still to come are regenerated."""

    version: int
    dose: Decimal | None = Field(default=None, gt=0, max_digits=10, decimal_places=3)
    dose_unit: str | None = Field(default=None, min_length=1, max_length=20)
    route: Route | None = None
    frequency: Frequency | None = None
    times_of_day: list[str] | None = None
    prn_min_interval_minutes: int | None = Field(default=None, ge=1, le=10080)
    indication: str | None = Field(default=None, max_length=200)
    ends_at: datetime | None = None
    time_critical: bool | None = None
    prescriber: str | None = Field(default=None, min_length=1, max_length=120)


class OrderStop(Schema):
    version: int
    reason: str = Field(min_length=1, max_length=300)


class OrderRead(Schema):
    id: int
    stay_id: int
    patient: str
    drug: str
    drug_code: str
    dose: Decimal
    dose_unit: str
    route: Route
    frequency: Frequency
    times_of_day: list[str]
    prn_min_interval_minutes: int | None
    prn_earliest_next_at: datetime | None = Field(description="PRN: the last dose plus the minimum interval.")
    indication: str
    starts_at: datetime
    ends_at: datetime | None
    time_critical: bool
    prescriber: str
    status: OrderStatus
    stopped_at: datetime | None
    stop_reason: str
    version: int


class DoseRead(Schema):
    id: int
    order_id: int
    stay_id: int
    patient: str
    bed: str
    unit_id: int
    drug: str
    dose: Decimal
    dose_unit: str
    route: str
    time_critical: bool
    scheduled_at: datetime
    local_time: str = Field(description="The scheduled time in the site's time zone.")
    window_minutes: int
    window_opens_at: datetime
    window_closes_at: datetime
    next_dose_at: datetime | None
    status: str = Field(
        description="upcoming, due_soon, due, late, missed, given_on_time, given_early, given_late, held, "
        "refused or cancelled"
    )
    administration_id: int | None
    given_at: datetime | None
    is_cancelled: bool


class AdministrationCreate(Schema):
    """Recording a scheduled dose: given (the five rights are checked) or not
    given with a reason (held or refused)."""

    status: Literal["completed", "not_done"] = "completed"
    wristband_id: str = Field(default="", max_length=40, description="Scanned from the patient's wristband.")
    drug: str = Field(default="", max_length=160)
    dose: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=3)
    route: str = Field(default="", max_length=4)
    given_at: datetime | None = Field(default=None, description="Default: now.")
    not_done_reason: NotDoneReason | None = None
    reason: str = Field(default="", max_length=2000, description="Required when held, refused, early or late.")
    idempotency_key: str | None = Field(
        default=None,
        max_length=80,
        description="Chosen by the client; a retry with the same key returns the same administration. "
        "The Idempotency-Key header works too.",
    )


class EnteredInError(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    idempotency_key: str | None = Field(default=None, max_length=80)


class AdministrationRead(Schema):
    id: int
    order_id: int
    dose_id: int | None
    stay_id: int
    status: str
    not_done_reason: str
    reason: str
    given_at: datetime
    dose_given: Decimal | None
    dose_unit: str
    route: str
    wristband_scanned: str
    performer_id: int | None
    recorded_by_id: int | None
    recorded_at: datetime
    idempotency_key: str
    corrects_id: int | None
    is_corrected: bool
    timing: str = Field(description="For a scheduled dose: given_on_time, given_early, given_late, held or refused.")


class BoardItem(Schema):
    dose: DoseRead
    nurse: str | None


class MedicationBoardRead(Schema):
    unit_id: int | None
    at: datetime
    counts: dict[str, int]
    items: list[BoardItem]


class TimingPolicyRead(Schema):
    site_id: int
    time_critical_minutes: int
    more_than_daily_minutes: int
    daily_or_less_minutes: int
    due_soon_minutes: int
    citation: str
    time_critical_drugs: list[str]
    version: int


class TimingPolicyUpdate(Schema):
    """Windows may only be made stricter than RULES.md §1 (30 / 60 / 120 minutes)."""

    version: int
    time_critical_minutes: int | None = Field(default=None, ge=1)
    more_than_daily_minutes: int | None = Field(default=None, ge=1)
    daily_or_less_minutes: int | None = Field(default=None, ge=1)
    due_soon_minutes: int | None = Field(default=None, ge=0, le=1440)
    time_critical_drugs: list[str] | None = Field(default=None, description="Replaces the site's list.")
