"""API and service shapes of assignment: Create / Update / Read."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from ninja import Schema
from pydantic import Field

from caredesk.org.models import RatioShift, UnitKind

SKILL_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"


# --- shift patterns -------------------------------------------------------------------


class PatternCreate(Schema):
    unit_id: int
    code: str = Field(min_length=1, max_length=20, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=60)
    start_time: time = Field(description="Local start time, e.g. 07:00.")
    length_minutes: int = Field(ge=60, le=24 * 60)
    is_night: bool = False


class PatternUpdate(Schema):
    version: int
    name: str | None = Field(default=None, min_length=1, max_length=60)
    start_time: time | None = None
    length_minutes: int | None = Field(default=None, ge=60, le=24 * 60)
    is_night: bool | None = None
    is_active: bool | None = None


class PatternRead(Schema):
    id: int
    unit_id: int
    code: str
    name: str
    start_time: time
    length_minutes: int
    is_night: bool
    is_active: bool
    version: int


# --- care shifts ----------------------------------------------------------------------


class ShiftOpen(Schema):
    unit_id: int
    shift_pattern_id: int
    shift_date: date = Field(description="The local date the shift starts on.")


class ShiftRead(Schema):
    id: int
    unit_id: int
    unit_name: str
    pattern_id: int | None
    date: date
    label: str
    starts_at: datetime
    ends_at: datetime
    local_start: str
    local_end: str
    length_minutes: int
    is_night: bool
    last_solve: dict[str, Any]
    version: int


class ShiftStaffAdd(Schema):
    staff_member_id: int
    is_charge: bool = False
    max_patients: int | None = Field(default=None, ge=0, le=50)
    skills: list[str] | None = Field(
        default=None, description="e.g. chemotherapy, paediatrics; empty: taken from the person's credentials."
    )
    note: str = Field(default="", max_length=200)


class ShiftStaffUpdate(Schema):
    version: int
    is_charge: bool | None = None
    max_patients: int | None = Field(default=None, ge=0, le=50)
    skills: list[str] | None = None
    note: str | None = Field(default=None, max_length=200)


class ShiftStaffRead(Schema):
    id: int
    staff_id: int
    name: str
    discipline: str
    is_charge: bool
    max_patients: int | None
    skills: list[str]
    source: str
    note: str
    version: int


class AssignmentSet(Schema):
    """Give the patient of a stay to a nurse on the shift (by hand). Breaking a
    ratio cap, a 1:1 observation or a skill is refused unless a reason is given."""

    nurse_id: int = Field(description="The staff member id of a nurse on the shift.")
    pinned: bool = False
    override_reason: str = Field(default="", max_length=300)


class AssignmentPin(Schema):
    pinned: bool


class AssignmentRead(Schema):
    id: int
    stay_id: int
    patient: str
    room_bed: str
    staff_id: int
    staff_name: str
    pinned: bool
    source: str
    warnings: list[str]
    override_reason: str
    assigned_at: datetime
    version: int


class NurseLoadRead(Schema):
    staff_id: int
    name: str
    is_charge: bool
    patients: int
    stay_ids: list[int]
    acuity_points: int
    cap: int | None
    warnings: list[str]


class ShiftDetail(ShiftRead):
    ratio: str
    staff: list[ShiftStaffRead]
    assignments: list[AssignmentRead]
    workload: list[NurseLoadRead]
    unassigned_stay_ids: list[int]
    warnings: list[str]


class OptimiseResult(Schema):
    status: str
    objective: int | None
    bound: int | None
    seconds: float
    terms: dict[str, int]
    explanations: list[str]
    assigned: int
    kept_pinned: int


# --- ratio packs ----------------------------------------------------------------------


class RatioRuleIn(Schema):
    unit_kind: UnitKind
    shift: RatioShift = RatioShift.ANY
    nurses: int = Field(default=1, ge=1, le=20)
    patients: int = Field(ge=1, le=50)
    note: str = Field(default="", max_length=300)


class RatioRuleRead(Schema):
    id: int
    unit_kind: str
    shift: str
    nurses: int
    patients: int
    note: str


class RatioPackCreate(Schema):
    """A site's own pack. With `based_on_id`, every rule must be at least as
    strict as the base pack's rule for the same unit type."""

    site_id: int
    code: str = Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=160)
    citation: str = Field(default="", max_length=300)
    based_on_id: int | None = None
    effective_from: date | None = None
    rules: list[RatioRuleIn] = Field(default_factory=list)


class RatioPackRead(Schema):
    id: int
    code: str
    name: str
    jurisdiction: str
    citation: str
    source_text: str
    effective_from: date
    site_id: int | None
    is_active: bool
    rules: list[RatioRuleRead]


class UnitRatioUpdate(Schema):
    """Only the fields sent change; null clears."""

    ratio_pack_id: int | None = None
    max_patients_per_nurse: int | None = Field(default=None, ge=1, le=50)


class UnitRatioRead(Schema):
    unit_id: int
    unit_kind: str
    ratio_pack_id: int | None
    ratio_pack: str | None
    max_patients_per_nurse: int | None
    day: str
    night: str
    day_cap: int | None
    night_cap: int | None
    warnings: list[str]
