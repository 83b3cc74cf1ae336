"""API and service shapes of staffing needs, skill-mix rules and shift skills."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema
from pydantic import Field

SKILL_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class NeedSet(Schema):
    """One need set by hand. `version` is required to change an existing need."""

    unit_id: int
    date: date
    pattern_id: int
    skill: str = Field(default="", max_length=40, description='Empty: any nurse; else a skill code, e.g. "charge".')
    minimum: int = Field(ge=0, le=99)
    preferred: int | None = Field(default=None, ge=0, le=99)
    version: int | None = Field(default=None, description="The version of the need being changed, if it exists.")


class NeedWeekCell(Schema):
    date: date
    pattern_id: int
    skill: str = Field(default="", max_length=40)
    minimum: int | None = Field(default=None, ge=0, le=99, description="Empty: remove the need.")
    preferred: int | None = Field(default=None, ge=0, le=99)
    version: int | None = None


class NeedWeekSet(Schema):
    """A week of the grid at once (7 days from `start`)."""

    unit_id: int
    start: date
    cells: list[NeedWeekCell] = Field(max_length=2000)


class NeedCopyWeek(Schema):
    unit_id: int
    from_start: date = Field(description="First day of the week copied.")
    to_start: date = Field(description="First day of the week it is copied to.")
    weeks: int = Field(default=1, ge=1, le=12, description="How many times the week is repeated forward.")
    overwrite: bool = Field(default=False, description="Replace needs already set in the target weeks.")


class NeedDerive(Schema):
    unit_id: int
    start: date
    days: int = Field(default=7, ge=1, le=84)
    expected_census: int | dict[date, int] | None = Field(
        default=None,
        description="Patients expected: one number for every day, or a number per day; empty: the current census.",
    )
    high_acuity: bool = Field(default=False, description="Preferred = minimum + 1 on the nurse need.")
    overwrite_manual: bool = Field(default=False, description="Also replace needs set by hand.")


class NeedDeriveRead(Schema):
    unit_id: int
    start: date
    days: int
    created: int
    updated: int
    removed: int
    kept_manual: int
    census: dict[str, int]
    ratio: str


class NeedRead(Schema):
    id: int
    unit_id: int
    date: date
    pattern_id: int
    pattern_code: str
    skill: str
    minimum: int
    preferred: int | None
    source: str
    basis: dict[str, Any]
    version: int


class SkillMixCreate(Schema):
    unit_id: int
    pattern_id: int | None = Field(default=None, description="Empty: every shift of the unit.")
    skill: str = Field(min_length=1, max_length=40, pattern=SKILL_PATTERN)
    count: int = Field(default=1, ge=1, le=20)


class SkillMixUpdate(Schema):
    version: int
    pattern_id: int | None = None
    every_shift: bool | None = Field(default=None, description="True: applies to every shift (clears pattern_id).")
    skill: str | None = Field(default=None, min_length=1, max_length=40, pattern=SKILL_PATTERN)
    count: int | None = Field(default=None, ge=1, le=20)
    is_active: bool | None = None


class SkillMixRead(Schema):
    id: int
    unit_id: int
    pattern_id: int | None
    skill: str
    count: int
    is_active: bool
    version: int


class ShiftSkillsSet(Schema):
    version: int
    skills: list[str] = Field(default_factory=list, max_length=10)


class ShiftSkillsRead(Schema):
    id: int
    unit_id: int
    code: str
    name: str
    required_skills: list[str]
    version: int
