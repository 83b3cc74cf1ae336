"""Pages of rosters: the scheduling home, a roster's grid (edit a cell, pin,
coverage per shift and per skill the needs ask for), generating it with the
engine (progress chart, stop) and the result (unmet needs with their reasons,
fairness, hours, labour cost)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.core import clock, errors, scoping
from caredesk.org import queries as org_queries
from caredesk.scheduling.forms.rosters import CellForm, GenerateForm, RosterCreateForm
from caredesk.scheduling.models import RosterRun, RunStatus
from caredesk.scheduling.queries import rosters as queries
from caredesk.scheduling.services import rosters as services


def _units_managed(user: Any) -> list[tuple[int, str]]:
    return [
        (u.pk, f"{u.site.name} · {u.name}")
        for u in org_queries.units(user)
        if scoping.has(user, "scheduling.manage", site_id=u.site_id, unit_id=u.pk)
    ]


def _optional_template(name: str) -> str | None:
    try:
        select_template([name])
    except TemplateDoesNotExist:
        return None
    return name


def _optional_url(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def visible_summary(user: Any, run: RosterRun | None, roster: Any) -> dict[str, Any]:
    """The run's summary, without money for those who may not see labour cost."""
    if run is None:
        return {}
    summary = dict(run.summary or {})
    if not scoping.has(user, "scheduling.view_cost", site_id=roster.unit.site_id):
        summary.pop("labour_cost", None)
        summary["people"] = [{k: v for k, v in row.items() if k != "cost"} for row in summary.get("people", [])]
    return summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = clock.now().date()
    units = _units_managed(user)
    form = RosterCreateForm(units=units, initial={"start_date": next_monday(today), "days": 28})
    context = {
        "can_manage": bool(units),
        "rosters": queries.rosters(user)[:50] if scoping.has_anywhere(user, "scheduling.view") else [],
        "form": form,
        "my_shifts": queries.my_shifts(user, today=today),
        "requests_url": _optional_url("scheduling:requests_mine"),
    }
    return render(request, "scheduling/home.html", context)


@login_required
@require_POST
def roster_create(request: HttpRequest) -> HttpResponse:
    form = RosterCreateForm(request.POST, units=_units_managed(request.user))
    if not form.is_valid():
        messages.error(request, _("Check the unit, the first day and the length."))
        return redirect("scheduling:home")
    try:
        roster = services.create_roster(
            request.user, form.cleaned_data["unit_id"], form.cleaned_data["start_date"], form.cleaned_data["days"]
        )
    except errors.ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("scheduling:home")
    messages.success(request, _("Roster created."))
    return redirect("scheduling:rosters_detail", roster.pk)


def _roster_context(request: HttpRequest, roster: Any, **extra: Any) -> dict[str, Any]:
    can_manage = queries.may_manage(request.user, roster)
    run = queries.latest_run(roster)
    g = queries.grid(roster, with_problems=can_manage)
    if not can_manage:
        # a published roster seen by staff: only the cells, no wishes or problems of others
        for row in g.rows:
            for c in row.cells:
                c.wish = ""
                c.problems = []
    return {
        "roster": roster,
        "grid": g,
        "can_manage": can_manage,
        "run": run,
        "chart": queries.progress_chart(run) if run else None,
        "summary": visible_summary(request.user, run, roster),
        "can_view_cost": scoping.has(request.user, "scheduling.view_cost", site_id=roster.unit.site_id),
        "generate_form": GenerateForm(),
        "publishing_actions": _optional_template("scheduling/publishing_actions.html"),
        **extra,
    }


@login_required
def roster_detail(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = queries.get_roster(request.user, roster_id)
    return render(request, "scheduling/rosters_detail.html", _roster_context(request, roster))


@login_required
@require_POST
def roster_cell(request: HttpRequest, roster_id: int) -> HttpResponse:
    """Edit one cell; htmx gets the grid back with the rule's message."""
    roster = queries.get_roster(request.user, roster_id)
    form = CellForm(request.POST)
    message, level = "", "success"
    if not form.is_valid():
        message, level = _("Choose a person, a day and a shift."), "danger"
    else:
        data = form.cleaned_data
        try:
            pinned = data["pinned"] if "pinned" in request.POST else None
            _entry, soft = services.set_entry(
                request.user,
                roster.pk,
                data["staff_id"],
                data["date"],
                data["pattern_id"],
                expected_version=data["version"],
                pinned=pinned,
                override=data["override"],
            )
            message = _("Saved.") + (" " + " ".join(p.message for p in soft) if soft else "")
            level = "warning" if soft else "success"
        except errors.Conflict as exc:
            message, level = exc.message, "danger"
        except errors.ValidationFailed as exc:
            message, level = exc.message, "danger"
    roster.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(
            request,
            "scheduling/rosters_grid.html",
            _roster_context(request, roster, cell_message=message, cell_level=level),
        )
    getattr(messages, {"danger": "error"}.get(level, level))(request, message)
    return redirect("scheduling:rosters_detail", roster.pk)


@login_required
def roster_cell_edit(request: HttpRequest, roster_id: int) -> HttpResponse:
    """The editor of one cell (htmx swaps it into the grid)."""
    roster = queries.get_roster(request.user, roster_id)
    if not queries.may_manage(request.user, roster):
        raise errors.PermissionDenied()
    try:
        staff_id = int(request.GET.get("staff_id", ""))
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        # no cell named: choose one
        from caredesk.scheduling import engine

        return render(
            request,
            "scheduling/rosters_cell_page.html",
            {"roster": roster, "staff": None, "people": engine.roster_staff(roster), "day": roster.start_date},
        )
    from caredesk.assignment.models import ShiftPattern
    from caredesk.scheduling import checks
    from caredesk.scheduling.models import RosterEntry
    from caredesk.workforce.models import StaffMember

    staff = StaffMember.objects.filter(pk=staff_id, site_id=roster.unit.site_id).first()
    if staff is None:
        raise errors.NotFound()
    problems = [p for p in checks.check_roster(roster, staff_ids=[staff.pk]) if p.date == day]
    context = {
        "roster": roster,
        "staff": staff,
        "day": day,
        "entry": RosterEntry.objects.filter(roster=roster, staff=staff, date=day).first(),
        "patterns": ShiftPattern.objects.filter(unit=roster.unit, is_active=True).order_by("start_time"),
        "problems": problems,
    }
    if request.headers.get("HX-Request"):
        return render(request, "scheduling/rosters_cell_form.html", context)
    return render(request, "scheduling/rosters_cell_page.html", context)


@login_required
@require_POST
def roster_pin(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = queries.get_roster(request.user, roster_id)
    form = CellForm(request.POST)
    if form.is_valid():
        try:
            services.pin(
                request.user,
                roster.pk,
                form.cleaned_data["staff_id"],
                form.cleaned_data["date"],
                form.cleaned_data["pinned"],
                expected_version=form.cleaned_data["version"],
            )
        except (errors.Conflict, errors.ValidationFailed) as exc:
            messages.error(request, exc.message)
    return redirect("scheduling:rosters_detail", roster.pk)


@login_required
@require_POST
def roster_generate(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = queries.get_roster(request.user, roster_id)
    form = GenerateForm(request.POST)
    limit = form.cleaned_data["time_limit_s"] if form.is_valid() else 60
    try:
        services.generate(request.user, roster.pk, time_limit_s=limit)
        messages.success(request, _("The engine is working on this roster; you may leave this page and come back."))
    except (errors.Conflict, errors.ValidationFailed) as exc:
        messages.error(request, exc.message)
    return redirect("scheduling:rosters_detail", roster.pk)


def _run(request: HttpRequest, run_id: int) -> RosterRun:
    run = scoping.get_scoped(
        RosterRun.objects.select_related("roster", "roster__unit", "roster__unit__site"),
        request.user,
        "scheduling.view",
        pk=run_id,
    )
    if not queries.may_manage(request.user, run.roster):
        raise errors.NotFound()
    return run


@login_required
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress partial, polled every 2 s while the run is active."""
    run = _run(request, run_id)
    return render(
        request,
        "scheduling/rosters_progress.html",
        {
            "run": run,
            "roster": run.roster,
            "chart": queries.progress_chart(run),
            "active": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
            "can_manage": True,
        },
    )


@login_required
@require_POST
def run_stop(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        services.stop_run(request.user, run.pk)
        messages.success(request, _("Stopping: the best roster found so far is kept."))
    except errors.ValidationFailed as exc:
        messages.error(request, exc.message)
    if request.headers.get("HX-Request"):
        return run_progress(request, run_id)
    return redirect("scheduling:rosters_detail", run.roster_id)


urlpatterns = [
    path("", home, name="home"),
    path("rosters/new/", roster_create, name="rosters_create"),
    path("rosters/<int:roster_id>/", roster_detail, name="rosters_detail"),
    path("rosters/<int:roster_id>/cell/", roster_cell, name="rosters_cell"),
    path("rosters/<int:roster_id>/cell/edit/", roster_cell_edit, name="rosters_cell_edit"),
    path("rosters/<int:roster_id>/pin/", roster_pin, name="rosters_pin"),
    path("rosters/<int:roster_id>/generate/", roster_generate, name="rosters_generate"),
    path("rosters/runs/<int:run_id>/progress/", run_progress, name="rosters_run_progress"),
    path("rosters/runs/<int:run_id>/stop/", run_stop, name="rosters_run_stop"),
]
