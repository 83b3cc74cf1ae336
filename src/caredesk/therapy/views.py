"""Pages of therapy: the shortfall of a unit this week, the unit's week
(patients by days), a patient's therapy, a therapist's sessions of the day,
the record form and the plan form."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.census.models import Stay
from caredesk.core import audit, clock, errors, scoping
from caredesk.org import queries as org_queries
from caredesk.org.models import Unit
from caredesk.therapy import forms, queries, schemas, services
from caredesk.therapy import status as st
from caredesk.therapy.models import SessionStatus, TherapyPlan, TherapySession
from caredesk.web import forms_support, scope


def _units(user: Any) -> list[Unit]:
    return [
        u
        for u in org_queries.units(user).select_related("site")
        if scoping.has(user, "therapy.view", site_id=u.site_id, unit_id=u.pk)
    ]


def _day_param(request: HttpRequest, name: str) -> date | None:
    raw = request.GET.get(name) or ""
    try:
        return parse_date(raw)
    except ValueError:
        return None


def _therapist_choices(site_id: int, discipline: str | None = None) -> list[tuple[int, str]]:
    return [(s.pk, f"{s} ({s.get_discipline_display()})") for s in queries.therapists(site_id, discipline=discipline)]


def _plan(request: HttpRequest, plan_id: int) -> TherapyPlan:
    return scoping.get_scoped(
        TherapyPlan.objects.select_related("stay__patient", "stay__unit__site", "therapist__user", "intensity_rule"),
        request.user,
        "therapy.view",
        pk=plan_id,
    )


def _session(request: HttpRequest, session_id: int) -> TherapySession:
    return scoping.get_scoped(
        TherapySession.objects.select_related(
            "plan__stay__patient", "plan__stay__unit__site", "plan__stay__bed__room", "therapist__user"
        ),
        request.user,
        "therapy.view",
        pk=session_id,
    )


# --- home: the shortfall of this week --------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scoping.require_anywhere(user, "therapy.view")
    units = _units(user)
    chosen: Unit | None = None
    wanted = request.GET.get("unit")
    if wanted and wanted.isdigit():
        chosen = next((u for u in units if u.pk == int(wanted)), None)
    if chosen is None:
        focus = scope.current(request)
        chosen = next((u for u in units if u.pk == focus.unit_id), None)
    if chosen is None:
        chosen = next((u for u in units if u.kind == "rehabilitation"), units[0] if units else None)
    rows: list[queries.StayWeek] = []
    week = None
    if chosen is not None:
        week = queries.parse_week(chosen, _day_param(request, "week"))
        rows = queries.shortfall(user, chosen, week)
    return render(
        request,
        "therapy/home.html",
        {"units": units, "unit": chosen, "week": week, "rows": rows, "staff": queries.own_staff(user)},
    )


# --- a unit's week ----------------------------------------------------------------------


@login_required
def unit_week(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = queries.unit_for(user, unit_id)
    now = clock.now()
    week = queries.parse_week(unit, _day_param(request, "week"), now)
    rows = queries.unit_week(user, unit, week, now)
    if rows:  # one audited view for the list of patients
        audit.record_view(actor=user, obj=unit)
    return render(
        request,
        "therapy/unit_week.html",
        {"unit": unit, "week": week, "rows": rows, "today": st.week_at(now, unit.site.time_zone).monday},
    )


# --- a patient's therapy ----------------------------------------------------------------


@login_required
def stay_detail(request: HttpRequest, stay_id: int) -> HttpResponse:
    user = request.user
    stay = queries.stay_for(user, stay_id)
    queries.log_stay_view(user, stay)
    now = clock.now()
    weeks = queries.weeks_of_stay(stay, now)
    zone = stay.unit.site.time_zone
    current = st.week_at(now, zone)
    sessions = list(
        queries.sessions(user, stay_id=stay.pk, start=current.previous.start, end=current.next.end).select_related(
            "plan"
        )
    )
    for s in sessions:
        s.state = queries.session_state(s, now)  # type: ignore[attr-defined]
        s.local_start = clock.to_zone(s.scheduled_start, zone)  # type: ignore[attr-defined]
    can_plan = scoping.has(user, "therapy.plan", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    return render(
        request,
        "therapy/stay_detail.html",
        {
            "stay": stay,
            "plans": queries.plans(user, stay_id=stay.pk),
            "sessions": sessions,
            "weeks": queries.stay_weeks(stay, weeks, now),
            "can_plan": can_plan,
            "can_record": scoping.has(user, "therapy.record", site_id=stay.unit.site_id, unit_id=stay.unit_id),
            "session_form": forms.SessionForm(),
            "week_form": forms.WeekForm(initial={"start_time": time(10, 0)}),
            "zone": zone,
        },
    )


# --- plans --------------------------------------------------------------------------------


def _rule_choices(user: Any, site_id: int) -> list[tuple[int, str]]:
    return [(r.pk, r.name) for r in queries.intensity_rules(user, site_id=site_id)]


@login_required
def plan_create(request: HttpRequest, stay_id: int) -> HttpResponse:
    user = request.user
    stay: Stay = queries.stay_for(user, stay_id)
    scoping.require(user, "therapy.plan", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    site = stay.unit.site
    form = forms.PlanForm(
        request.POST or None,
        rule_choices=_rule_choices(user, site.pk),
        therapist_choices=_therapist_choices(site.pk),
        initial={"starts_on": services.local_today(site, clock.now())},
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        plan = forms_support.run(
            form,
            lambda: services.create_plan(
                user,
                schemas.PlanCreate(
                    stay_id=stay.pk,
                    discipline=cd["discipline"],
                    minutes_per_week=cd["minutes_per_week"],
                    minutes_per_day=cd["minutes_per_day"],
                    days_per_week=cd["days_per_week"],
                    goals=cd["goals"],
                    starts_on=cd["starts_on"],
                    ends_on=cd["ends_on"],
                    intensity_rule_id=cd["intensity_rule"],
                    prescriber=cd["prescriber"],
                    therapist_id=cd["therapist"],
                ),
            ),
        )
        if plan is not None:
            messages.success(request, _("Therapy plan created."))
            return redirect("therapy:stay_detail", stay.pk)
    return render(request, "therapy/plan_form.html", {"form": form, "stay": stay, "plan": None})


@login_required
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = _plan(request, plan_id)
    stay = plan.stay
    scoping.require(user, "therapy.plan", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    site = stay.unit.site
    form = forms.PlanForm(
        request.POST or None,
        rule_choices=_rule_choices(user, site.pk),
        therapist_choices=_therapist_choices(site.pk, plan.discipline),
        editing=True,
        initial={
            "minutes_per_day": plan.minutes_per_day,
            "days_per_week": plan.days_per_week,
            "minutes_per_week": plan.minutes_per_week,
            "ends_on": plan.ends_on,
            "intensity_rule": plan.intensity_rule_id,
            "therapist": plan.therapist_id,
            "prescriber": plan.prescriber,
            "goals": plan.goals,
            "version": plan.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        done = forms_support.run(
            form,
            lambda: services.update_plan(
                user,
                plan.pk,
                schemas.PlanUpdate(
                    version=cd["version"],
                    minutes_per_week=cd["minutes_per_week"],
                    minutes_per_day=cd["minutes_per_day"],
                    days_per_week=cd["days_per_week"],
                    goals=cd["goals"],
                    ends_on=cd["ends_on"],
                    intensity_rule_id=cd["intensity_rule"],
                    prescriber=cd["prescriber"],
                    therapist_id=cd["therapist"],
                ),
            ),
        )
        if done is not None:
            messages.success(request, _("Therapy plan saved."))
            return redirect("therapy:stay_detail", stay.pk)
    return render(request, "therapy/plan_form.html", {"form": form, "stay": stay, "plan": plan})


@login_required
@require_POST
def plan_end(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    return forms_support.inline_action(
        request,
        forms.EndPlanForm(request.POST),
        lambda d: services.end_plan(request.user, plan.pk, schemas.PlanEnd(**d)),
        success=_("Plan ended; its later sessions are cancelled."),
        back_to=reverse("therapy:stay_detail", args=[plan.stay_id]),
    )


@login_required
@require_POST
def plan_schedule_week(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)

    def action(d: dict[str, Any]) -> Any:
        data = schemas.WeekSchedule(week_of=d.get("week_of"), start_time=d.get("start_time") or time(10, 0))
        return services.schedule_week(request.user, plan.pk, data)

    return forms_support.inline_action(
        request,
        forms.WeekForm(request.POST),
        action,
        success=lambda created: _("%(n)d sessions scheduled.") % {"n": len(created)},
        back_to=reverse("therapy:stay_detail", args=[plan.stay_id]),
    )


@login_required
@require_POST
def plan_schedule_session(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    return forms_support.inline_action(
        request,
        forms.SessionForm(request.POST),
        lambda d: services.schedule_session(request.user, schemas.TherapySessionCreate(plan_id=plan.pk, **d)),
        success=_("Session scheduled."),
        back_to=reverse("therapy:stay_detail", args=[plan.stay_id]),
    )


# --- sessions -----------------------------------------------------------------------------


@login_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    """The therapist's sessions of the day, for a tablet."""
    user = request.user
    staff = queries.own_staff(user)
    now = clock.now()
    sessions: list[TherapySession] = []
    day = None
    if staff is not None:
        day = _day_param(request, "day") or services.local_today(staff.site, now)
        sessions = list(queries.therapist_day(user, staff, day))
        for s in sessions:
            s.state = queries.session_state(s, now)  # type: ignore[attr-defined]
            s.local_start = clock.to_zone(s.scheduled_start, staff.site.time_zone)  # type: ignore[attr-defined]
    elif not scoping.has_anywhere(user, "therapy.view"):
        raise errors.PermissionDenied()
    template = "therapy/_my_sessions.html" if request.headers.get("HX-Request") else "therapy/my_sessions.html"
    return render(request, template, {"staff": staff, "sessions": sessions, "day": day})


@login_required
def session_record(request: HttpRequest, session_id: int) -> HttpResponse:
    user = request.user
    session = _session(request, session_id)
    stay = session.plan.stay
    if request.method == "GET":
        audit.log_patient_view(user, session)
    may_record = scoping.has(user, "therapy.record", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    if request.method == "POST" and not may_record:
        raise errors.PermissionDenied()
    form = forms.RecordForm(
        request.POST or None,
        therapist_choices=_therapist_choices(stay.unit.site_id, session.plan.discipline),
        initial={"version": session.version, "delivered_minutes": session.planned_minutes, "outcome": "done"},
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        if cd["outcome"] == "done":
            result = forms_support.run(
                form,
                lambda: services.record_done(
                    user,
                    session.pk,
                    schemas.SessionDone(
                        version=cd["version"],
                        delivered_minutes=cd["delivered_minutes"],
                        therapist_id=cd["therapist"],
                        note=cd["note"],
                    ),
                ),
            )
        else:
            result = forms_support.run(
                form,
                lambda: services.record_missed(
                    user,
                    session.pk,
                    schemas.SessionMissed(version=cd["version"], reason=cd["reason"], note=cd["note"]),
                ),
            )
        if result is not None:
            messages.success(request, _("Session recorded."))
            back = request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = reverse("therapy:stay_detail", args=[stay.pk])
            return redirect(back)
    now = clock.now()
    return render(
        request,
        "therapy/session_record.html",
        {
            "session": session,
            "stay": stay,
            "form": form,
            "may_record": may_record and session.status == SessionStatus.SCHEDULED,
            "state": queries.session_state(session, now),
            "local_start": clock.to_zone(session.scheduled_start, stay.unit.site.time_zone),
            "can_cancel": session.status == SessionStatus.SCHEDULED
            and scoping.has(user, "therapy.plan", site_id=stay.unit.site_id, unit_id=stay.unit_id),
        },
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    return forms_support.inline_action(
        request,
        forms.CancelForm(request.POST),
        lambda d: services.cancel_session(request.user, session.pk, schemas.TherapySessionCancel(**d)),
        success=_("Session cancelled."),
        back_to=reverse("therapy:stay_detail", args=[session.plan.stay_id]),
    )
