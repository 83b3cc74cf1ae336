"""API shapes of rosters (class names prefixed: unique across the project)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema


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


class RosterGridRead(RosterRead):
    people: list[RosterPersonRead]
    entries: list[RosterCellRead]
    problems: list[RosterProblemRead]
    coverage: list[dict[str, Any]]


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
