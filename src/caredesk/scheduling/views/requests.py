"""Pages of staff requests: "My requests" (phone-sized: ask, see, cancel), the
coordinator's queue per unit (pending time off first; approve or decline inline
with htmx), and a 4-week view of who is off."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.assignment.models import ShiftPattern
from caredesk.core import clock, errors, scoping
from caredesk.scheduling.forms import requests as forms
from caredesk.scheduling.models import RequestStatus
from caredesk.scheduling.queries import requests as queries
from caredesk.scheduling.queries.needs import units
from caredesk.scheduling.schemas import requests as schemas
from caredesk.scheduling.services import requests as services
from caredesk.scheduling.views.needs import pick_unit
from caredesk.web import forms_support
from caredesk.workforce.models import StaffMember


def _own(user: Any) -> StaffMember | None:
    return StaffMember.objects.filter(user_id=user.pk).select_related("site", "home_unit").first()


@login_required
def requests_mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    staff = _own(user)
    may_ask = bool(
        staff
        and staff.home_unit_id
        and scoping.has(user, "scheduling.request", site_id=staff.site_id, unit_id=staff.home_unit_id)
    )
    choices = (
        [
            (p.pk, f"{p.name} {p.start_time:%H:%M}")
            for p in ShiftPattern.objects.filter(unit_id=staff.home_unit_id, is_active=True)
        ]
        if staff and staff.home_unit_id
        else []
    )
    form = forms.RequestForm(request.POST or None, pattern_choices=choices)
    if request.method == "POST":
        if not may_ask:
            raise errors.PermissionDenied(_("You have no staff record with a home unit: ask your coordinator."))
        if form.is_valid():
            cd = form.cleaned_data
            created = forms_support.run(form, lambda: services.create_request(user, schemas.StaffRequestCreate(**cd)))
            if created is not None:
                if created.status == RequestStatus.PENDING:
                    messages.success(request, _("Time off asked for: your coordinator will decide."))
                else:
                    messages.success(request, _("Noted: the roster will take it into account."))
                return redirect("scheduling:requests_mine")
    return render(
        request,
        "scheduling/requests_mine.html",
        {"staff": staff, "may_ask": may_ask, "form": form, "items": queries.mine(user)[:100]},
    )


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_POST
def requests_cancel(request: HttpRequest, request_id: int) -> HttpResponse:
    found = queries.visible(request.user, request_id)
    if found is None:
        raise errors.NotFound()
    form = forms.CancelForm(request.POST)
    return forms_support.inline_action(
        request,
        form,
        lambda cd: services.cancel_request(request.user, found.pk, expected_version=cd["version"]),
        success=_("Request cancelled."),
        back_to=_back(request, reverse("scheduling:requests_mine")),
    )


@login_required
def requests_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = pick_unit(request, "scheduling.manage")
    status = request.GET.get("status") or ""
    if status not in RequestStatus.values:
        status = ""
    today = clock.to_zone(clock.now(), unit.site.time_zone).date()
    items = queries.for_units(user, unit_id=unit.pk, status=status or None)
    if not status:
        items = items.exclude(end_date__lt=today - timedelta(days=14))
    return render(
        request,
        "scheduling/requests_queue.html",
        {
            "unit": unit,
            "units": list(units(user, "scheduling.manage")),
            "items": items[:300],
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


@login_required
@require_POST
def requests_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    user = request.user
    found = queries.for_units(user).filter(pk=request_id).first()
    if found is None:
        raise errors.NotFound()
    form = forms.DecideForm(request.POST)
    decision = None
    if form.is_valid():
        cd = form.cleaned_data
        decision = forms_support.run(
            form,
            lambda: services.decide_request(
                user, found.pk, cd["decision"] == "approve", cd["reason"], expected_version=cd["version"]
            ),
        )
    if request.htmx:  # type: ignore[attr-defined]
        fresh = queries.for_units(user).filter(pk=request_id).first()
        return render(
            request,
            "scheduling/requests_row.html",
            {"r": fresh, "errors": form.errors, "warnings": decision.warnings if decision else []},
        )
    if decision is not None:
        messages.success(
            request,
            _("Time off approved.") if decision.request.status == RequestStatus.APPROVED else _("Time off declined."),
        )
        for w in decision.warnings:
            messages.warning(request, w)
    forms_support.flash_errors(request, form)
    return redirect(f"{reverse('scheduling:requests_queue')}?unit={found.staff.home_unit_id}")


@login_required
def requests_off(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = pick_unit(request, "scheduling.manage")
    raw = request.GET.get("start")
    try:
        start = date.fromisoformat(raw) if raw else clock.to_zone(clock.now(), unit.site.time_zone).date()
    except ValueError:
        start = clock.to_zone(clock.now(), unit.site.time_zone).date()
    start -= timedelta(days=start.weekday())
    days = [start + timedelta(days=i) for i in range(28)]
    return render(
        request,
        "scheduling/requests_off.html",
        {
            "unit": unit,
            "days": days,
            "rows": queries.who_is_off(user, unit.pk, start, 28),
            "prev": start - timedelta(days=28),
            "next": start + timedelta(days=28),
        },
    )


urlpatterns = [
    path("requests/mine/", requests_mine, name="requests_mine"),
    path("requests/", requests_queue, name="requests_queue"),
    path("requests/off/", requests_off, name="requests_off"),
    path("requests/<int:request_id>/cancel/", requests_cancel, name="requests_cancel"),
    path("requests/<int:request_id>/decide/", requests_decide, name="requests_decide"),
]
