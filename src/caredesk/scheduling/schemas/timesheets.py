"""API and service shapes of timesheets: hours worked, call-outs, decisions,
imports and period summaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field


class TimesheetEntryCreate(Schema):
    """Hours worked on one day, in the site's local time. A clock-out at or before
    the clock-in is on the next day (a night)."""

    staff_id: int | None = Field(default=None, description="Empty: your own staff record.")
    unit_id: int | None = Field(default=None, description="Empty: the person's home unit.")
    date: dt.date = Field(description="The local date of the clock-in (the workday the hours count toward).")
    clock_in: dt.time
    clock_out: dt.time
    break_minutes: int = Field(default=0, ge=0, le=240)
    kind: Literal["worked", "called_in"] = "worked"
    note: str = Field(default="", max_length=300)


REASON_MAX = 500


class TimesheetEntryUpdate(Schema):
    """A correction of a submitted entry. The note is the person's own: only they
    change it; a coordinator correcting someone's hours says why in
    `decision_reason` (the person is told)."""

    version: int
    clock_in: dt.time | None = None
    clock_out: dt.time | None = None
    break_minutes: int | None = Field(default=None, ge=0, le=240)
    kind: Literal["worked", "called_in"] | None = None
    note: str | None = Field(default=None, max_length=300)
    decision_reason: str | None = Field(
        default=None,
        max_length=REASON_MAX,
        description="A coordinator's reason for correcting someone's hours (kept apart from their note).",
    )


class TimesheetCallOut(Schema):
    """Someone who did not come: recorded by the coordinator, with a reason."""

    staff_id: int
    unit_id: int | None = Field(default=None, description="Empty: the person's home unit.")
    date: dt.date
    reason: str = Field(min_length=1, max_length=250)
    notify: bool = Field(default=True, description="Tell the person it was recorded.")


class TimesheetDecision(Schema):
    version: int


class TimesheetRejection(Schema):
    version: int
    decision_reason: str = Field(
        max_length=REASON_MAX, description="Why the hours are rejected (required; the person is told)."
    )


class TimesheetEntryRead(Schema):
    id: int
    staff_id: int
    staff_name: str
    employee_number: str
    unit_id: int
    date: dt.date
    kind: str
    clock_in: dt.datetime | None
    clock_out: dt.datetime | None
    local_clock_in: str | None = Field(description="HH:MM in the site's zone.")
    local_clock_out: str | None
    break_minutes: int
    worked_minutes: int
    late_minutes: int
    roster_entry_id: int | None
    scheduled_start: str | None = Field(description="The scheduled shift's local start, HH:MM.")
    note: str
    source: str
    status: str
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_reason: str = Field(description="The coordinator's reason for rejecting or correcting the hours.")
    version: int


class TimesheetUpload(Schema):
    """A timesheet file sent as JSON (or send multipart/form-data with the file in `file`)."""

    file_name: str = Field(min_length=1, max_length=200, description="Ending .csv or .xlsx.")
    file_base64: str = Field(min_length=1, description="The file's bytes, base64-encoded.")


class TimesheetImportProblem(Schema):
    column: str
    message: str


class TimesheetImportRow(Schema):
    row: int
    key: str
    ok: bool
    problems: list[TimesheetImportProblem]


class TimesheetImportReport(Schema):
    dry_run: bool
    written: bool
    ok: bool
    rows: int
    refused_rows: int
    problems: list[TimesheetImportProblem]
    refused: list[TimesheetImportRow]


class TimesheetWarning(Schema):
    code: str
    date: dt.date
    message: str


class TimesheetBlock(Schema):
    start: dt.date
    end: dt.date
    worked_minutes: int
    regular_minutes: int
    overtime_minutes: dict[str, int]


class TimesheetPeriodRead(Schema):
    staff_id: int
    staff_name: str
    start: dt.date
    end: dt.date
    basis: str
    worked_minutes: int
    regular_minutes: int
    overtime_minutes: dict[str, int] = Field(description='By pay rate, e.g. {"1.5": 420}.')
    blocks: list[TimesheetBlock]
    warnings: list[TimesheetWarning]
    late_arrivals: int
    call_outs: int
    pending: int
    cost: Decimal | None = Field(description="Only with scheduling.view_cost.")
    entries: list[TimesheetEntryRead]


class TimesheetPersonTotal(Schema):
    staff_id: int
    staff_name: str
    basis: str
    worked_minutes: int
    regular_minutes: int
    overtime_minutes: dict[str, int]
    late_arrivals: int
    call_outs: int
    pending: int
    warnings: list[TimesheetWarning]
    cost: Decimal | None


class TimesheetUnitRead(Schema):
    unit_id: int
    start: dt.date
    end: dt.date
    worked_minutes: int
    regular_minutes: int
    overtime_minutes: int
    late_arrivals: int
    call_outs: int
    pending: int
    cost: Decimal | None = Field(description="Only with scheduling.view_cost.")
    people: list[TimesheetPersonTotal]
