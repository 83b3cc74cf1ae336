"""Therapy over the JSON API: intensity rules, plans, sessions and their
recording, minutes per stay and week, and the shortfall list of a unit."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from caredesk.core import audit, clock, scoping
from caredesk.core.api_support import ERRORS, Page
from caredesk.therapy import queries, schemas, services
from caredesk.therapy import status as st
from caredesk.therapy.models import IntensityRule, TherapyPlan, TherapySession

router = Router(tags=["therapy"])


def rule_out(r: IntensityRule) -> dict[str, Any]:
    return {
        "id": r.pk,
        "code": r.code,
        "name": r.name,
        "description": r.description,
        "jurisdiction": r.jurisdiction,
        "citation": r.citation,
        "minutes_per_day": r.minutes_per_day,
        "days_per_week": r.days_per_week,
        "minutes_per_week": r.minutes_per_week,
        "site_id": r.site_id,
        "is_active": r.is_active,
    }


def plan_out(p: TherapyPlan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "stay_id": p.stay_id,
        "patient": str(p.stay.patient),
        "unit_id": p.stay.unit_id,
        "discipline": p.discipline,
        "minutes_per_week": p.minutes_per_week,
        "minutes_per_day": p.minutes_per_day,
        "days_per_week": p.days_per_week,
        "weekly_minutes": p.weekly_minutes,
        "goals": p.goals,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "intensity_rule_id": p.intensity_rule_id,
        "status": p.status,
        "prescriber": p.prescriber,
        "therapist_id": p.therapist_id,
        "therapist": str(p.therapist) if p.therapist_id else None,
        "end_reason": p.end_reason,
        "version": p.version,
    }


def session_out(s: TherapySession, now: Any = None) -> dict[str, Any]:
    stay = s.plan.stay
    return {
        "id": s.pk,
        "plan_id": s.plan_id,
        "stay_id": stay.pk,
        "patient": str(stay.patient),
        "discipline": s.plan.discipline,
        "therapist_id": s.therapist_id,
        "therapist": str(s.therapist) if s.therapist_id else None,
        "scheduled_start": s.scheduled_start,
        "local_start": clock.to_zone(s.scheduled_start, stay.unit.site.time_zone).isoformat(),
        "planned_minutes": s.planned_minutes,
        "status": s.status,
        "state": queries.session_state(s, now),
        "delivered_minutes": s.delivered_minutes,
        "missed_reason": s.missed_reason,
        "note": s.note,
        "recorded_at": s.recorded_at,
        "version": s.version,
    }


def _plan(request: HttpRequest, plan_id: int) -> TherapyPlan:
    return scoping.get_scoped(
        TherapyPlan.objects.select_related("stay__patient", "stay__unit", "therapist__user"),
        request.user,
        "therapy.view",
        pk=plan_id,
    )


def _session(request: HttpRequest, session_id: int) -> TherapySession:
    return scoping.get_scoped(
        TherapySession.objects.select_related("plan__stay__patient", "plan__stay__unit__site", "therapist__user"),
        request.user,
        "therapy.view",
        pk=session_id,
    )


# --- intensity rules -----------------------------------------------------------------


@router.get("/intensity-rules", response=list[schemas.IntensityRuleRead], summary="Intensity rules (rule pack)")
@paginate(Page)
def list_rules(request: HttpRequest):  # type: ignore[no-untyped-def]
    return [rule_out(r) for r in queries.intensity_rules(request.user)]


# --- plans ---------------------------------------------------------------------------


class PlanFilter(Schema):
    stay_id: int | None = None
    unit_id: int | None = None
    status: str | None = None


@router.get("/plans", response=list[schemas.PlanRead], summary="Therapy plans of a stay or a unit")
@paginate(Page)
def list_plans(request: HttpRequest, filters: Query[PlanFilter]):  # type: ignore[no-untyped-def]
    qs = queries.plans(request.user, stay_id=filters.stay_id, unit_id=filters.unit_id, status=filters.status)
    if filters.stay_id is not None:
        queries.log_stay_view(request.user, queries.stay_for(request.user, filters.stay_id))
    return [plan_out(p) for p in qs]


@router.post("/plans", response={201: schemas.PlanRead, **ERRORS}, summary="Create a therapy plan")
def create_plan(request: HttpRequest, data: schemas.PlanCreate):  # type: ignore[no-untyped-def]
    return 201, plan_out(services.create_plan(request.user, data))


@router.get("/plans/{plan_id}", response={200: schemas.PlanRead, **ERRORS})
def get_plan(request: HttpRequest, plan_id: int):  # type: ignore[no-untyped-def]
    plan = _plan(request, plan_id)
    audit.log_patient_view(request.user, plan)
    return plan_out(plan)


@router.patch("/plans/{plan_id}", response={200: schemas.PlanRead, **ERRORS}, summary="Change a plan")
def update_plan(request: HttpRequest, plan_id: int, data: schemas.PlanUpdate):  # type: ignore[no-untyped-def]
    return plan_out(services.update_plan(request.user, plan_id, data))


@router.post("/plans/{plan_id}/end", response={200: schemas.PlanRead, **ERRORS}, summary="End a plan")
def end_plan(request: HttpRequest, plan_id: int, data: schemas.PlanEnd):  # type: ignore[no-untyped-def]
    return plan_out(services.end_plan(request.user, plan_id, data))


@router.post(
    "/plans/{plan_id}/schedule-week",
    response={201: list[schemas.TherapySessionRead], **ERRORS},
    summary="Schedule a week of sessions from a plan",
)
def schedule_week(request: HttpRequest, plan_id: int, data: schemas.WeekSchedule):  # type: ignore[no-untyped-def]
    return 201, [session_out(s) for s in services.schedule_week(request.user, plan_id, data)]


# --- sessions ------------------------------------------------------------------------


class SessionFilter(Schema):
    plan_id: int | None = None
    stay_id: int | None = None
    unit_id: int | None = None
    therapist_id: int | None = None
    status: str | None = None
    day: date | None = None


@router.get(
    "/sessions", response=list[schemas.TherapySessionRead], summary="Sessions (by plan, stay, unit, therapist, day)"
)
@paginate(Page)
def list_sessions(request: HttpRequest, filters: Query[SessionFilter]):  # type: ignore[no-untyped-def]
    start = end = None
    if filters.day is not None:
        zone = "UTC"
        if filters.unit_id is not None:
            zone = queries.unit_for(request.user, filters.unit_id).site.time_zone
        elif filters.stay_id is not None:
            zone = queries.stay_for(request.user, filters.stay_id).unit.site.time_zone
        start, end = st.day_bounds(filters.day, zone)
    qs = queries.sessions(
        request.user,
        plan_id=filters.plan_id,
        stay_id=filters.stay_id,
        unit_id=filters.unit_id,
        therapist_id=filters.therapist_id,
        status=filters.status,
        start=start,
        end=end,
    )
    now = clock.now()
    return [session_out(s, now) for s in qs]


@router.post("/sessions", response={201: schemas.TherapySessionRead, **ERRORS}, summary="Schedule a session")
def schedule_session(request: HttpRequest, data: schemas.TherapySessionCreate):  # type: ignore[no-untyped-def]
    return 201, session_out(services.schedule_session(request.user, data))


@router.get("/sessions/{session_id}", response={200: schemas.TherapySessionRead, **ERRORS})
def get_session(request: HttpRequest, session_id: int):  # type: ignore[no-untyped-def]
    session = _session(request, session_id)
    audit.log_patient_view(request.user, session)
    return session_out(session)


@router.post("/sessions/{session_id}/done", response={200: schemas.TherapySessionRead, **ERRORS}, summary="Record done")
def record_done(request: HttpRequest, session_id: int, data: schemas.SessionDone):  # type: ignore[no-untyped-def]
    return session_out(services.record_done(request.user, session_id, data))


@router.post(
    "/sessions/{session_id}/missed",
    response={200: schemas.TherapySessionRead, **ERRORS},
    summary="Record missed, with the reason (raises a care alert)",
)
def record_missed(request: HttpRequest, session_id: int, data: schemas.SessionMissed):  # type: ignore[no-untyped-def]
    return session_out(services.record_missed(request.user, session_id, data))


@router.post("/sessions/{session_id}/cancel", response={200: schemas.TherapySessionRead, **ERRORS})
def cancel_session(request: HttpRequest, session_id: int, data: schemas.TherapySessionCancel):  # type: ignore[no-untyped-def]
    return session_out(services.cancel_session(request.user, session_id, data))


# --- minutes and shortfall -----------------------------------------------------------


class MinutesQuery(Schema):
    stay_id: int
    week: date | None = None


@router.get(
    "/minutes",
    response={200: schemas.StayWeekMinutes, **ERRORS},
    summary="Minutes delivered against prescribed for a stay in one ISO week (site time)",
)
def stay_minutes(request: HttpRequest, q: Query[MinutesQuery]):  # type: ignore[no-untyped-def]
    stay = queries.stay_for(request.user, q.stay_id)
    queries.log_stay_view(request.user, stay)
    week = queries.parse_week(stay.unit.site.time_zone, q.week)
    rows = queries.week_minutes([stay], week)
    if rows:
        return rows[0].as_dict()
    return queries.StayWeek(stay=stay, week=week).as_dict()


class ShortfallQuery(Schema):
    unit_id: int
    week: date | None = None


@router.get(
    "/shortfall",
    response={200: schemas.Shortfall, **ERRORS},
    summary="Patients of a unit short of their prescribed minutes or intensity rule in one week",
)
def shortfall(request: HttpRequest, q: Query[ShortfallQuery]):  # type: ignore[no-untyped-def]
    unit = queries.unit_for(request.user, q.unit_id)
    week = queries.parse_week(unit, q.week)
    rows = queries.shortfall(request.user, unit, week)
    return {
        "unit_id": unit.pk,
        "week": week.label,
        "monday": week.monday,
        "patients": [r.as_dict() for r in rows],
    }
