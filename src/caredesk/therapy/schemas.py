"""API and service shapes of therapy: Create / Update / Read."""

from __future__ import annotations

from datetime import date, datetime, time

from ninja import Schema
from pydantic import Field

from caredesk.therapy.models import (
    MAX_MINUTES_PER_DAY,
    MAX_MINUTES_PER_WEEK,
    MAX_SESSION_MINUTES,
    MissedReason,
    PlanStatus,
    SessionStatus,
    TherapyDiscipline,
)


class IntensityRuleRead(Schema):
    id: int
    code: str
    name: str
    description: str
    jurisdiction: str
    citation: str
    minutes_per_day: int | None
    days_per_week: int | None
    minutes_per_week: int | None
    site_id: int | None
    is_active: bool


class PlanCreate(Schema):
    """A therapy plan: the minutes a week, or the minutes a day on so many days a week."""

    stay_id: int
    discipline: TherapyDiscipline = Field(default=TherapyDiscipline.PT, description="pt, ot or slp (default pt).")
    minutes_per_week: int | None = Field(default=None, ge=1, le=MAX_MINUTES_PER_WEEK)
    minutes_per_day: int | None = Field(default=None, ge=1, le=MAX_MINUTES_PER_DAY)
    days_per_week: int | None = Field(default=None, ge=1, le=7)
    goals: str = ""
    starts_on: date
    ends_on: date | None = None
    intensity_rule_id: int | None = Field(default=None, description="An intensity rule this plan counts towards.")
    prescriber: str = Field(default="", max_length=120)
    therapist_id: int | None = Field(default=None, description="The staff member (PT, OT or SLP) in charge.")


class PlanUpdate(Schema):
    version: int
    minutes_per_week: int | None = Field(default=None, ge=1, le=MAX_MINUTES_PER_WEEK)
    minutes_per_day: int | None = Field(default=None, ge=1, le=MAX_MINUTES_PER_DAY)
    days_per_week: int | None = Field(default=None, ge=1, le=7)
    goals: str | None = None
    ends_on: date | None = None
    intensity_rule_id: int | None = None
    prescriber: str | None = Field(default=None, max_length=120)
    therapist_id: int | None = None


class PlanEnd(Schema):
    version: int
    ends_on: date | None = Field(default=None, description="Default: today (site time).")
    reason: str = Field(default="", max_length=300)


class PlanRead(Schema):
    id: int
    stay_id: int
    patient: str
    unit_id: int
    discipline: TherapyDiscipline
    minutes_per_week: int | None
    minutes_per_day: int | None
    days_per_week: int | None
    weekly_minutes: int
    goals: str
    starts_on: date
    ends_on: date | None
    intensity_rule_id: int | None
    status: PlanStatus
    prescriber: str
    therapist_id: int | None
    therapist: str | None
    end_reason: str
    version: int


class TherapySessionCreate(Schema):
    plan_id: int
    scheduled_start: datetime = Field(description="Without an offset: site time.")
    planned_minutes: int = Field(default=60, ge=5, le=MAX_SESSION_MINUTES)
    therapist_id: int | None = Field(default=None, description="Default: the plan's therapist.")


class WeekSchedule(Schema):
    """Sessions for one week from a plan: one a day on the plan's days (or
    Monday to Friday), at `start_time`, long enough to meet the prescription."""

    week_of: date | None = Field(default=None, description="Any day of the week; default: this week.")
    start_time: time = Field(default=time(10, 0), description="Site time.")
    days: list[int] = Field(default_factory=list, description="ISO weekdays 1-7; default: Monday to Friday.")
    from_today: bool = Field(default=True, description="Skip the days already past.")


class SessionDone(Schema):
    version: int
    delivered_minutes: int = Field(ge=1, le=MAX_SESSION_MINUTES)
    therapist_id: int | None = None
    note: str = Field(default="", max_length=500)


class SessionMissed(Schema):
    version: int
    reason: MissedReason
    note: str = Field(default="", max_length=500)


class TherapySessionCancel(Schema):
    version: int
    reason: str = Field(min_length=1, max_length=500)


class TherapySessionRead(Schema):
    id: int
    plan_id: int
    stay_id: int
    patient: str
    discipline: TherapyDiscipline
    therapist_id: int | None
    therapist: str | None
    scheduled_start: datetime
    local_start: str
    planned_minutes: int
    status: SessionStatus
    state: str = Field(description="Status, or for a scheduled session: upcoming, in_progress, to_record, overdue.")
    delivered_minutes: int | None
    missed_reason: str
    note: str
    recorded_at: datetime | None
    version: int


class DisciplineMinutes(Schema):
    discipline: TherapyDiscipline
    plan_id: int
    prescribed: int
    delivered: int
    remaining: int = Field(description="Minutes of sessions still scheduled that can still take place.")
    missed: int
    gap: int = Field(description="Prescribed minus (delivered + remaining), when positive.")


class DayMinutes(Schema):
    day: date
    delivered: int
    planned: int


class IntensityOut(Schema):
    rule_id: int
    rule: str
    met: bool
    met_so_far: bool
    days_meeting: int
    gap_minutes: int


class StayWeekMinutes(Schema):
    stay_id: int
    patient: str
    unit_id: int
    bed: str
    week: str
    monday: date
    prescribed: int
    delivered: int
    remaining: int
    gap: int
    disciplines: list[DisciplineMinutes]
    days: list[DayMinutes]
    intensity: IntensityOut | None
    shortfall: bool


class Shortfall(Schema):
    unit_id: int
    week: str
    monday: date
    patients: list[StayWeekMinutes]
