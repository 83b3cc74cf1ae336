"""API shapes of rosters (class names prefixed: unique across the project)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class RosterCreateIn(Schema):
    unit_id: int
    start_date: date
    days: int = 28


class RosterRead(Schema):
    id: int
    unit_id: int
    unit: str
    start_date: date
    days: int
    status: str
    published_version: int
    has_unpublished_changes: bool
    version: int


class RosterCellRead(Schema):
    staff_id: int
    date: date
    pattern_id: int
    shift: str
    pinned: bool
    source: str


class RosterProblemRead(Schema):
    rule: str
    staff_id: int
    date: date
    message: str
    hard: bool


class RosterPersonRead(Schema):
    staff_id: int
    name: str
    discipline: str


class RosterCoverageRead(Schema):
    """One shift on one day: everyone on it (`skill` ""), or those on it holding
    `skill` that day, against the need (or the skill-mix rule) for it."""

    pattern_id: int
    shift: str = Field(description="The shift pattern's code.")
    skill: str = Field(description='The skill counted ("" for everyone on the shift).')
    label: str = Field(description="The shift's name (totals) or the skill in words.")
    date: date
    assigned: int = Field(description="People on the shift (with the skill, for a skill row).")
    minimum: int | None = Field(description="The minimum asked for, if any.")
    preferred: int | None = Field(description="The preferred number, if any.")
    below_minimum: bool
    missing: int = Field(description="People missing to reach the minimum (0 when met or none).")
    below_preferred: bool


class RosterGridRead(RosterRead):
    people: list[RosterPersonRead]
    entries: list[RosterCellRead]
    problems: list[RosterProblemRead]
    coverage: list[RosterCoverageRead] = Field(description="Everyone on each shift each day, against its need.")
    skill_coverage: list[RosterCoverageRead] = Field(
        description="Per shift, day and skill a need or an active skill-mix rule asks for: those on it holding it."
    )


class RosterGenerateIn(Schema):
    time_limit_s: int = 60


class RosterRunRead(Schema):
    id: int
    roster_id: int
    status: str
    time_limit_s: int
    stop_requested: bool
    started_at: datetime | None
    finished_at: datetime | None
    progress: list[list[float]]
    solver_status: str
    objective: int | None
    bound: int | None
    breakdown: dict[str, Any]
    summary: dict[str, Any]
    error: str


class RosterEntryIn(Schema):
    staff_id: int
    date: date
    pattern_id: int | None = None
    pinned: bool | None = None
    override: bool = False
    expected_version: int


class RosterEntryResult(Schema):
    entry: RosterCellRead | None
    warnings: list[RosterProblemRead]
    roster_version: int


class RosterPinIn(Schema):
    staff_id: int
    date: date
    pinned: bool
    expected_version: int


class RosterCheckIn(Schema):
    staff_id: int
    date: date
    pattern_id: int | None = None
