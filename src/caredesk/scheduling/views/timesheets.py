"""Pages of timesheets: "My hours" (phone-sized), the unit's pay period for
the coordinator (grid, inline approval, call-outs, import), a person's period
with the overtime breakdown."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.core import clock, errors, scoping
from caredesk.org import queries as org_queries
from caredesk.scheduling import imports
from caredesk.scheduling.forms import timesheets as forms
from caredesk.scheduling.models import TimesheetStatus
from caredesk.scheduling.queries import timesheets as queries
from caredesk.scheduling.schemas import timesheets as schemas
from caredesk.scheduling.services import timesheets as services
from caredesk.web import forms_support, scope
from caredesk.workforce.models import StaffMember


def _own(user: Any) -> StaffMember | None:
    return StaffMember.objects.filter(user_id=user.pk).select_related("site", "home_unit", "user").first()


def _day(request: HttpRequest) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return None


def _managed_units(user: Any) -> list[Any]:
    return [
        u for u in org_queries.units(user) if scoping.has(user, "scheduling.manage", site_id=u.site_id, unit_id=u.pk)
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Coordinators go to their unit's period; everyone else to their own hours."""
    units = _managed_units(request.user)
    focus = scope.current(request)
    chosen = next((u for u in units if u.pk == focus.unit_id), units[0] if units else None)
    if chosen is not None:
        return redirect("scheduling:timesheets_unit", chosen.pk)
    return redirect("scheduling:timesheets_mine")


# --- my hours ----------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    staff = _own(user)
    form = None
    if staff is not None and staff.home_unit_id is not None:
        units = [staff.home_unit, *staff.other_units.all()]
        today = clock.to_zone(clock.now(), staff.site.time_zone).date()
        form = forms.TimeEntryForm(
            request.POST or None,
            unit_choices=[(u.pk, u.name) for u in units if u is not None],
            initial={"date": today.isoformat(), "break_minutes": 0, "kind": "worked"},
        )
        if request.method == "POST" and form.is_valid():
            cd = form.cleaned_data
            entry = forms_support.run(
                form,
                lambda: services.record_time(
                    user,
                    schemas.TimesheetEntryCreate(
                        unit_id=cd.get("unit"),
                        date=cd["date"],
                        clock_in=cd["clock_in"],
                        clock_out=cd["clock_out"],
                        break_minutes=cd["break_minutes"],
                        kind=cd["kind"],
                        note=cd["note"],
                    ),
                ),
            )
            if entry is not None:
                messages.success(request, _("Your hours of %(date)s were sent for approval.") % {"date": entry.date})
                return redirect("scheduling:timesheets_mine")
    elif request.method == "POST":
        raise errors.PermissionDenied(_("You have no staff record with a home unit: ask your coordinator."))
    rows = []
    period = None
    if staff is not None:
        since = clock.to_zone(clock.now(), staff.site.time_zone).date() - timedelta(days=42)
        rows = [queries.entry_out(e) for e in queries.entries(user, mine=True, start=since)]
        period = queries.person_period(user, staff.pk)
    return render(
        request,
        "scheduling/timesheets_mine.html",
        {"staff": staff, "form": form, "rows": rows, "period": period, "zone": staff.site.time_zone if staff else ""},
    )


@login_required
def edit(request: HttpRequest, timesheet_entry_id: int) -> HttpResponse:
    user = request.user
    entry = queries.entry(user, timesheet_entry_id)
    row = queries.entry_out(entry)
    by_coordinator = entry.staff.user_id != user.pk
    form = forms.TimeEditForm(
        request.POST or None,
        by_coordinator=by_coordinator,
        initial={
            "version": entry.version,
            "clock_in": row["local_clock_in"],
            "clock_out": row["local_clock_out"],
            "break_minutes": entry.break_minutes,
            "note": entry.note,
            "decision_reason": entry.decision_reason,
        },
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        done = forms_support.run(
            form,
            lambda: services.update_entry(
                user,
                entry.pk,
                schemas.TimesheetEntryUpdate(
                    version=cd["version"],
                    clock_in=cd["clock_in"],
                    clock_out=cd["clock_out"],
                    break_minutes=cd["break_minutes"],
                    note=cd.get("note"),
                    decision_reason=cd.get("decision_reason"),
                ),
            ),
        )
        if done is not None:
            messages.success(request, _("The hours were corrected."))
            if done.staff.user_id == user.pk:
                return redirect("scheduling:timesheets_mine")
            return redirect(reverse("scheduling:timesheets_unit", args=[done.unit_id]) + f"?day={done.date}")
    return render(
        request,
        "scheduling/timesheets_edit.html",
        {
            "entry": entry,
            "row": row,
            "form": form,
            "editable": entry.status == TimesheetStatus.SUBMITTED,
            "by_coordinator": by_coordinator,
        },
    )


# --- the unit's period ---------------------------------------------------------------------


def _unit_context(request: HttpRequest, unit_id: int, day: date | None) -> dict[str, Any]:
    user = request.user
    period = queries.unit_period(user, unit_id, day)
    staff_choices: list[tuple[int | str, str]] = [(p.staff.pk, str(p.staff)) for p in period.people]
    pending = [queries.entry_out(e) for p in period.people for e in p.entries if e.status == TimesheetStatus.SUBMITTED]
    today = clock.to_zone(clock.now(), period.unit.site.time_zone).date()
    return {
        "period": period,
        "unit": period.unit,
        "pending": sorted(pending, key=lambda r: (r["date"], r["staff_name"])),
        "previous": period.start - timedelta(days=queries.PERIOD_DAYS),
        "next": period.end + timedelta(days=1),
        "entry_form": forms.TimeEntryForm(
            staff_choices=staff_choices, initial={"date": today.isoformat(), "break_minutes": 0}
        ),
        "call_out_form": forms.CallOutForm(staff_choices=staff_choices, initial={"date": today.isoformat()}),
        "import_form": forms.ImportForm(),
        "import_report": None,
        "today": today,
    }


@login_required
def unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    context = _unit_context(request, unit_id, _day(request))
    return render(request, "scheduling/timesheets_unit.html", context)


def _back(unit_id: int, day: date | None) -> str:
    url = reverse("scheduling:timesheets_unit", args=[unit_id])
    return f"{url}?day={day}" if day else url


@login_required
@require_POST
def unit_entry(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A coordinator enters someone's hours."""
    context = _unit_context(request, unit_id, None)
    form = forms.TimeEntryForm(
        request.POST, staff_choices=[(p.staff.pk, str(p.staff)) for p in context["period"].people]
    )
    if form.is_valid():
        cd = form.cleaned_data
        entry = forms_support.run(
            form,
            lambda: services.record_time(
                request.user,
                schemas.TimesheetEntryCreate(
                    staff_id=cd.get("staff"),
                    unit_id=unit_id,
                    date=cd["date"],
                    clock_in=cd["clock_in"],
                    clock_out=cd["clock_out"],
                    break_minutes=cd["break_minutes"],
                    kind=cd["kind"],
                    note=cd["note"],
                ),
            ),
        )
        if entry is not None:
            messages.success(request, _("Hours of %(who)s recorded.") % {"who": entry.staff})
            return redirect(_back(unit_id, entry.date))
    context["entry_form"] = form
    return render(request, "scheduling/timesheets_unit.html", context, status=422)


@login_required
@require_POST
def call_out(request: HttpRequest, unit_id: int) -> HttpResponse:
    context = _unit_context(request, unit_id, None)
    form = forms.CallOutForm(request.POST, staff_choices=[(p.staff.pk, str(p.staff)) for p in context["period"].people])
    if form.is_valid():
        cd = form.cleaned_data
        entry = forms_support.run(
            form,
            lambda: services.record_call_out(
                request.user,
                schemas.TimesheetCallOut(
                    staff_id=cd["staff"], unit_id=unit_id, date=cd["date"], reason=cd["reason"], notify=cd["notify"]
                ),
            ),
        )
        if entry is not None:
            messages.success(
                request,
                _("Call-out of %(who)s recorded. Post the open shift or re-plan the roster to cover it.")
                % {"who": entry.staff},
            )
            return redirect(_back(unit_id, entry.date))
    context["call_out_form"] = form
    return render(request, "scheduling/timesheets_unit.html", context, status=422)


@login_required
@require_POST
def import_file(request: HttpRequest, unit_id: int) -> HttpResponse:
    context = _unit_context(request, unit_id, None)
    form = forms.ImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        report = imports.import_file(
            request.user,
            context["unit"].site_id,
            str(upload.name),
            upload.read(),
            dry_run=form.cleaned_data["dry_run"],
        )
        if report.written:
            messages.success(request, _("%(n)d entries imported, waiting for approval.") % {"n": len(report.rows)})
            return redirect(_back(unit_id, None))
    context["import_form"] = form
    context["import_report"] = report
    return render(request, "scheduling/timesheets_unit.html", context, status=200 if report and report.ok else 422)


# --- decisions (inline, htmx) --------------------------------------------------------------


def _decided(request: HttpRequest, entry_id: int, form: Any, action: Any) -> HttpResponse:
    user = request.user
    entry = queries.entry(user, entry_id)
    error = ""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except (errors.ValidationFailed, errors.Conflict) as exc:
            error = exc.message
    else:
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
    if getattr(request, "htmx", False):
        row = queries.entry_out(queries.entry(user, entry_id))
        return render(request, "scheduling/timesheets_row.html", {"row": row, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(_back(entry.unit_id, entry.date))


@login_required
@require_POST
def approve(request: HttpRequest, timesheet_entry_id: int) -> HttpResponse:
    return _decided(
        request,
        timesheet_entry_id,
        forms.DecisionForm(request.POST),
        lambda cd: services.approve(request.user, timesheet_entry_id, schemas.TimesheetDecision(version=cd["version"])),
    )


@login_required
@require_POST
def reject(request: HttpRequest, timesheet_entry_id: int) -> HttpResponse:
    return _decided(
        request,
        timesheet_entry_id,
        forms.RejectForm(request.POST),
        lambda cd: services.reject(
            request.user,
            timesheet_entry_id,
            schemas.TimesheetRejection(version=cd["version"], decision_reason=cd["decision_reason"]),
        ),
    )


# --- a person's period -----------------------------------------------------------------------


@login_required
def person(request: HttpRequest, timesheet_staff_id: int) -> HttpResponse:
    period = queries.person_period(request.user, timesheet_staff_id, _day(request))
    return render(
        request,
        "scheduling/timesheets_person.html",
        {
            "period": period,
            "rows": [queries.entry_out(e) for e in period.entries],
            "previous": period.start - timedelta(days=queries.PERIOD_DAYS),
            "next": period.end + timedelta(days=1),
        },
    )


urlpatterns = [
    path("timesheets/", home, name="timesheets_home"),
    path("timesheets/mine/", mine, name="timesheets_mine"),
    path("timesheets/entries/<int:timesheet_entry_id>/", edit, name="timesheets_edit"),
    path("timesheets/entries/<int:timesheet_entry_id>/approve/", approve, name="timesheets_approve"),
    path("timesheets/entries/<int:timesheet_entry_id>/reject/", reject, name="timesheets_reject"),
    path("timesheets/units/<int:unit_id>/", unit, name="timesheets_unit"),
    path("timesheets/units/<int:unit_id>/entry/", unit_entry, name="timesheets_unit_entry"),
    path("timesheets/units/<int:unit_id>/call-out/", call_out, name="timesheets_call_out"),
    path("timesheets/units/<int:unit_id>/import/", import_file, name="timesheets_import"),
    path("timesheets/people/<int:timesheet_staff_id>/", person, name="timesheets_person"),
]
