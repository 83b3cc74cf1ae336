"""API shapes of publishing, swaps, open shifts and calendar feeds."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from caredesk.scheduling.schemas.rosters import RosterCoverageRead


class PublishRequest(Schema):
    version: int = Field(description="The roster's version the coordinator saw (409 if it changed since).")
    note: str = Field(default="", max_length=300)


class ReplanRequest(Schema):
    version: int = Field(description="The roster's version the coordinator saw.")


class PublishedVersionRead(Schema):
    id: int
    roster_id: int
    number: int
    published_at: dt.datetime
    published_by: str
    note: str
    entries: int


class PublishRuleProblem(Schema):
    rule: str
    staff_id: int
    date: dt.date | None
    message: str
    hard: bool


class PublishDayChange(Schema):
    date: str
    before: str
    after: str


class PublishPersonChanges(Schema):
    staff_id: int
    name: str
    changes: list[PublishDayChange]


class PublishStatusRead(Schema):
    roster_id: int
    status: str
    version: int
    published_version: int
    published_at: dt.datetime | None
    has_unpublished_changes: bool
    changes: list[PublishPersonChanges]
    coverage: list[RosterCoverageRead] = Field(
        description="The published version: everyone on each shift each day, against its need (empty if none)."
    )
    skill_coverage: list[RosterCoverageRead] = Field(
        description="The published version: per shift, day and required skill, those on it holding it."
    )


class ReplanRead(Schema):
    run_id: int | None
    status: str


class MyShiftRead(Schema):
    roster_id: int
    version: int
    unit_id: int
    unit: str
    date: dt.date
    pattern_id: int
    shift_code: str
    shift: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    entry_id: int | None


class SwapPropose(Schema):
    entry_id: int
    colleague_id: int
    their_entry_id: int | None = None
    note: str = Field(default="", max_length=300)


class SwapAnswer(Schema):
    accept: bool
    version: int | None = None
    reason: str = Field(default="", max_length=300)


class SwapDecision(Schema):
    approve: bool
    version: int | None = None
    reason: str = Field(default="", max_length=300)


class SwapShiftRead(Schema):
    entry_id: int
    date: dt.date
    pattern_id: int
    shift: str


class SwapRead(Schema):
    id: int
    roster_id: int
    unit: str
    status: str
    requester_id: int
    requester: str
    colleague_id: int
    colleague: str
    given: SwapShiftRead
    taken: SwapShiftRead | None
    note: str
    problems: list[PublishRuleProblem]
    decision_reason: str
    version: int


class OpenShiftCreate(Schema):
    roster_id: int
    date: dt.date
    pattern_id: int
    skill: str = Field(default="", max_length=40)
    note: str = Field(default="", max_length=300)


class OpenShiftDecision(Schema):
    approve: bool
    version: int | None = None


class OpenShiftCancel(Schema):
    version: int | None = None


class OpenShiftRead(Schema):
    id: int
    roster_id: int
    unit: str
    date: dt.date
    pattern_id: int
    shift: str
    skill: str
    required_skills: list[str] = Field(
        description="Every skill one must hold on the day to take it: the shift pattern's and the skill-mix need's."
    )
    note: str
    status: str
    claimed_by_id: int | None
    claimed_by: str | None
    version: int


class CalendarFeedRead(Schema):
    id: int
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class CalendarFeedCreated(Schema):
    id: int
    url: str = Field(description="The secret address, shown this once: keep it private.")
    token: str
