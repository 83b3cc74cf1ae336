"""Every write of therapy: one atomic, permission-checked, audited function per
use case. Pages and the API both call these.

A session recorded as missed raises a "session_missed" care alert (to the nurse
assigned to the patient on the shift, escalated by the escalation app). One
path raises it: the session's `next_check_at` is set to the moment of
recording, and `tasks.raise_due_alerts` claims it with a compare-and-set on
that column. The service runs it for this one session right after the
recording commits; the worker's five-minute sweep is the safety net when
that first attempt fails. The alert is raised once either way.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.census.models import Stay, StayStatus
from caredesk.core import clock, errors, scoping, writes
from caredesk.org.models import Site
from caredesk.therapy import schemas
from caredesk.therapy import status as st
from caredesk.therapy.models import (
    MAX_SESSION_MINUTES,
    IntensityRule,
    PlanStatus,
    SessionStatus,
    TherapyPlan,
    TherapySession,
)
from caredesk.workforce.models import StaffMember, StaffStatus

logger = logging.getLogger(__name__)


def local_today(site: Site, now: datetime) -> date:
    return clock.to_zone(now, site.time_zone).date()


def _aware(moment: datetime, zone: str) -> datetime:
    """A time given without an offset is read in the site's time zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _perm_on_stay(actor: Any, permission: str, stay: Stay) -> None:
    scoping.require(actor, permission, site_id=stay.unit.site_id, unit_id=stay.unit_id)


def _therapist(site_id: int, staff_id: int | None, field: str, discipline: str | None = None) -> StaffMember | None:
    if staff_id is None:
        return None
    staff = StaffMember.objects.filter(pk=staff_id, site_id=site_id).select_related("user").first()
    if staff is None:
        raise errors.ValidationFailed.field(field, _("no staff member of this site has this id"))
    if staff.status == StaffStatus.TERMINATED:
        raise errors.ValidationFailed.field(field, _("this person's employment has ended"))
    if staff.discipline not in ("pt", "ot", "slp"):
        raise errors.ValidationFailed.field(field, _("this person is not a therapist (PT, OT or SLP)"))
    if discipline and staff.discipline != discipline:
        raise errors.ValidationFailed.field(
            field,
            _("this therapist's discipline (%(theirs)s) is not the plan's (%(plan)s)")
            % {"theirs": staff.get_discipline_display(), "plan": discipline},
        )
    return staff


def _rule(site_id: int, rule_id: int | None) -> IntensityRule | None:
    if rule_id is None:
        return None
    rule = IntensityRule.objects.filter(pk=rule_id, is_active=True).first()
    if rule is None or (rule.site_id is not None and rule.site_id != site_id):
        raise errors.ValidationFailed.field("intensity_rule_id", _("unknown intensity rule"))
    return rule


def _check_prescription(mpw: int | None, mpd: int | None, dpw: int | None) -> None:
    if mpw is None and (mpd is None or dpw is None):
        field = (
            "minutes_per_week"
            if mpd is None and dpw is None
            else ("days_per_week" if dpw is None else "minutes_per_day")
        )
        raise errors.ValidationFailed.field(
            field, _("give the minutes a week, or the minutes a day and the days a week")
        )


# --- plans ----------------------------------------------------------------------------


@transaction.atomic
def create_plan(actor: Any, data: schemas.PlanCreate, *, now: datetime | None = None) -> TherapyPlan:
    stay = scoping.get_scoped(
        Stay.objects.select_for_update(of=("self",)).select_related("unit__site", "patient"),
        actor,
        "therapy.view",
        pk=data.stay_id,
    )
    _perm_on_stay(actor, "therapy.plan", stay)
    if stay.status != StayStatus.ADMITTED or stay.discharged_at is not None:
        raise errors.ValidationFailed.field("stay_id", _("this patient has been discharged"))
    _check_prescription(data.minutes_per_week, data.minutes_per_day, data.days_per_week)
    site = stay.unit.site
    admitted_on = local_today(site, stay.admitted_at)
    if data.starts_on < admitted_on:
        raise errors.ValidationFailed.field("starts_on", _("the plan cannot start before the admission"))
    plan = TherapyPlan(
        stay=stay,
        discipline=data.discipline,
        minutes_per_week=data.minutes_per_week,
        minutes_per_day=data.minutes_per_day,
        days_per_week=data.days_per_week,
        goals=data.goals.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        intensity_rule=_rule(site.pk, data.intensity_rule_id),
        prescriber=data.prescriber.strip(),
        therapist=_therapist(site.pk, data.therapist_id, "therapist_id", data.discipline),
        created_by=actor,
    )
    return writes.save_new(plan, actor=actor, action="therapy.create_plan")


def _locked_plan(actor: Any, plan_id: int, permission: str) -> TherapyPlan:
    plan = scoping.get_scoped(
        TherapyPlan.objects.select_for_update(of=("self",)).select_related("stay__unit__site", "stay__patient"),
        actor,
        "therapy.view",
        pk=plan_id,
    )
    _perm_on_stay(actor, permission, plan.stay)
    return plan


@transaction.atomic
def update_plan(actor: Any, plan_id: int, data: schemas.PlanUpdate) -> TherapyPlan:
    plan = _locked_plan(actor, plan_id, "therapy.plan")
    if plan.status != PlanStatus.ACTIVE:
        raise errors.ValidationFailed.field("status", _("this plan has ended"))
    sent = data.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    for name in ("minutes_per_week", "minutes_per_day", "days_per_week", "ends_on"):
        if name in sent:
            changes[name] = sent[name]
    if "goals" in sent and sent["goals"] is not None:
        changes["goals"] = sent["goals"].strip()
    if "prescriber" in sent and sent["prescriber"] is not None:
        changes["prescriber"] = sent["prescriber"].strip()
    site_id = plan.stay.unit.site_id
    if "intensity_rule_id" in sent:
        changes["intensity_rule"] = _rule(site_id, sent["intensity_rule_id"])
    if "therapist_id" in sent:
        changes["therapist"] = _therapist(site_id, sent["therapist_id"], "therapist_id", plan.discipline)
    _check_prescription(
        changes.get("minutes_per_week", plan.minutes_per_week),
        changes.get("minutes_per_day", plan.minutes_per_day),
        changes.get("days_per_week", plan.days_per_week),
    )
    return writes.save_changes(plan, changes, actor=actor, action="therapy.update_plan", expected_version=data.version)


@transaction.atomic
def end_plan(actor: Any, plan_id: int, data: schemas.PlanEnd, *, now: datetime | None = None) -> TherapyPlan:
    """The plan stops: its sessions still scheduled after its end are cancelled."""
    moment = now or clock.now()
    plan = _locked_plan(actor, plan_id, "therapy.plan")
    if plan.status != PlanStatus.ACTIVE:
        raise errors.ValidationFailed.field("status", _("this plan has already ended"))
    site = plan.stay.unit.site
    ends_on = data.ends_on or local_today(site, moment)
    if ends_on < plan.starts_on:
        raise errors.ValidationFailed.field("ends_on", _("the plan cannot end before it starts"))
    writes.save_changes(
        plan,
        {"status": PlanStatus.ENDED, "ends_on": ends_on, "end_reason": data.reason.strip()},
        actor=actor,
        action="therapy.end_plan",
        expected_version=data.version,
    )
    after = datetime.combine(ends_on + timedelta(days=1), time(0), tzinfo=ZoneInfo(site.time_zone))
    for session in plan.sessions.select_for_update().filter(status=SessionStatus.SCHEDULED, scheduled_start__gte=after):
        writes.save_changes(
            session,
            {"status": SessionStatus.CANCELLED, "note": _("Plan ended"), "next_check_at": None},
            actor=actor,
            action="therapy.cancel_session",
            expected_version=None,
        )
    return plan


# --- scheduling -----------------------------------------------------------------------


def _new_session(
    actor: Any, plan: TherapyPlan, start: datetime, minutes: int, therapist: StaffMember | None
) -> TherapySession:
    site = plan.stay.unit.site
    day = local_today(site, start)
    if day < plan.starts_on or (plan.ends_on and day > plan.ends_on):
        raise errors.ValidationFailed.field("scheduled_start", _("this day is outside the plan's dates"))
    session = TherapySession(
        plan=plan,
        therapist=therapist,
        scheduled_start=start,
        planned_minutes=minutes,
        next_check_at=st.overdue_at(start, minutes),
    )
    return writes.save_new(session, actor=actor, action="therapy.schedule_session")


@transaction.atomic
def schedule_session(actor: Any, data: schemas.TherapySessionCreate, *, now: datetime | None = None) -> TherapySession:
    plan = _locked_plan(actor, data.plan_id, "therapy.plan")
    if plan.status != PlanStatus.ACTIVE:
        raise errors.ValidationFailed.field("plan_id", _("this plan has ended"))
    site = plan.stay.unit.site
    start = _aware(data.scheduled_start, site.time_zone)
    therapist = (
        _therapist(site.pk, data.therapist_id, "therapist_id", plan.discipline)
        if data.therapist_id is not None
        else plan.therapist
    )
    return _new_session(actor, plan, start, data.planned_minutes, therapist)


@transaction.atomic
def schedule_week(
    actor: Any, plan_id: int, data: schemas.WeekSchedule, *, now: datetime | None = None
) -> list[TherapySession]:
    """One session a day on the chosen days of a week, long enough together to
    meet the plan's prescription for that week (days already holding a session
    of this plan are skipped)."""
    moment = now or clock.now()
    plan = _locked_plan(actor, plan_id, "therapy.plan")
    if plan.status != PlanStatus.ACTIVE:
        raise errors.ValidationFailed.field("plan_id", _("this plan has ended"))
    site = plan.stay.unit.site
    zone = site.time_zone
    week = st.week_of(data.week_of or local_today(site, moment), zone)
    if any(d < 1 or d > 7 for d in data.days):
        raise errors.ValidationFailed.field("days", _("days are ISO weekdays, 1 (Monday) to 7 (Sunday)"))
    if data.days:
        weekdays = sorted(set(data.days))
    elif plan.days_per_week is not None:
        weekdays = list(range(1, plan.days_per_week + 1))  # Monday onwards
    else:
        weekdays = [1, 2, 3, 4, 5]
    today = local_today(site, moment)
    days = _days_to_schedule(plan, week, weekdays, today if data.from_today else None)
    if not days and data.week_of is None:
        week = week.next  # nothing left this week: the coming week
        days = _days_to_schedule(plan, week, weekdays, today if data.from_today else None)
    if not days:
        raise errors.ValidationFailed.field("days", _("no day of this week is left to schedule"))
    # The daily prescription, or the weekly minutes spread over the days left (rounded up).
    minutes = plan.minutes_per_day if plan.minutes_per_day is not None else -(-plan.weekly_minutes // len(days))
    created = []
    for day in days:
        start = datetime.combine(day, data.start_time, tzinfo=ZoneInfo(zone))
        # A long daily prescription (e.g. 180 min) is split into sessions of at most 90 min.
        left = minutes
        offset = timedelta(0)
        while left > 0:
            part = min(left, 90, MAX_SESSION_MINUTES)
            part = max(part, 5)
            created.append(_new_session(actor, plan, start + offset, part, plan.therapist))
            left -= part
            offset += timedelta(minutes=part + 60)
    return created


def _days_to_schedule(plan: TherapyPlan, week: st.Week, weekdays: list[int], today: date | None) -> list[date]:
    """Days of the week to schedule: the chosen weekdays within the plan's dates,
    not past, and without a session of this plan yet."""
    taken = {
        week.local_day(moment)
        for moment in plan.sessions.filter(scheduled_start__gte=week.start, scheduled_start__lt=week.end)
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("scheduled_start", flat=True)
    }
    days = [week.monday + timedelta(days=wd - 1) for wd in weekdays]
    return [
        d
        for d in days
        if (today is None or d >= today)
        and d not in taken
        and d >= plan.starts_on
        and (plan.ends_on is None or d <= plan.ends_on)
    ]


# --- recording ------------------------------------------------------------------------


def _locked_session(actor: Any, session_id: int, permission: str) -> TherapySession:
    session = scoping.get_scoped(
        TherapySession.objects.select_for_update(of=("self",)).select_related(
            "plan__stay__unit__site", "plan__stay__patient"
        ),
        actor,
        "therapy.view",
        pk=session_id,
    )
    _perm_on_stay(actor, permission, session.plan.stay)
    return session


def _check_recordable(session: TherapySession, moment: datetime, field: str) -> None:
    if session.status != SessionStatus.SCHEDULED:
        raise errors.ValidationFailed.field(
            field,
            _("this session is already recorded as %(status)s") % {"status": session.get_status_display().lower()},
        )
    if session.scheduled_start > moment:
        raise errors.ValidationFailed.field(field, _("the session has not started yet"))


@transaction.atomic
def record_done(
    actor: Any, session_id: int, data: schemas.SessionDone, *, now: datetime | None = None
) -> TherapySession:
    moment = now or clock.now()
    session = _locked_session(actor, session_id, "therapy.record")
    writes.check_version(session, data.version)
    _check_recordable(session, moment, "delivered_minutes")
    if not 1 <= data.delivered_minutes <= MAX_SESSION_MINUTES:
        raise errors.ValidationFailed.field(
            "delivered_minutes", _("the minutes delivered are between 1 and %(max)d") % {"max": MAX_SESSION_MINUTES}
        )
    therapist = session.therapist
    if data.therapist_id is not None:
        therapist = _therapist(
            session.plan.stay.unit.site_id, data.therapist_id, "therapist_id", session.plan.discipline
        )
    return writes.save_changes(
        session,
        {
            "status": SessionStatus.DONE,
            "delivered_minutes": data.delivered_minutes,
            "therapist": therapist,
            "note": data.note.strip(),
            "recorded_by": actor,
            "recorded_at": moment,
            "next_check_at": None,
        },
        actor=actor,
        action="therapy.record_done",
        expected_version=data.version,
    )


@transaction.atomic
def record_missed(
    actor: Any, session_id: int, data: schemas.SessionMissed, *, now: datetime | None = None
) -> TherapySession:
    """Missed, with its reason: the care alert is raised right after commit."""
    moment = now or clock.now()
    session = _locked_session(actor, session_id, "therapy.record")
    writes.check_version(session, data.version)
    _check_recordable(session, moment, "reason")
    if data.reason == "other" and not data.note.strip():
        raise errors.ValidationFailed.field("note", _("say what happened when the reason is 'other'"))
    writes.save_changes(
        session,
        {
            "status": SessionStatus.MISSED,
            "missed_reason": data.reason,
            "note": data.note.strip(),
            "recorded_by": actor,
            "recorded_at": moment,
            "next_check_at": moment,
        },
        actor=actor,
        action="therapy.record_missed",
        expected_version=data.version,
    )
    pk = session.pk

    def alert() -> None:
        from caredesk.therapy import tasks

        try:
            tasks.raise_due_alerts(now=moment, session_ids=[pk])
        except Exception:  # the record stands; the worker's sweep raises the alert later
            logger.exception("could not raise the alert of missed therapy session %s now", pk)

    transaction.on_commit(alert)
    return session


@transaction.atomic
def cancel_session(
    actor: Any, session_id: int, data: schemas.TherapySessionCancel, *, now: datetime | None = None
) -> TherapySession:
    session = _locked_session(actor, session_id, "therapy.plan")
    writes.check_version(session, data.version)
    if session.status != SessionStatus.SCHEDULED:
        raise errors.ValidationFailed.field(
            "status",
            _("only a scheduled session can be cancelled (this one is %(status)s)")
            % {"status": session.get_status_display().lower()},
        )
    if not data.reason.strip():
        raise errors.ValidationFailed.field("reason", _("say why the session is cancelled"))
    return writes.save_changes(
        session,
        {"status": SessionStatus.CANCELLED, "note": data.reason.strip(), "next_check_at": None},
        actor=actor,
        action="therapy.cancel_session",
        expected_version=data.version,
    )
