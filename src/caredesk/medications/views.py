"""Pages of medications: the medication-pass board (per unit and per nurse,
refreshed by htmx), recording a dose, a patient's medication record, orders,
the coordinator's late and missed doses, and the site's timing policy."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.core import audit, clock, errors, scoping
from caredesk.medications import forms, queries, schemas, services, timing
from caredesk.medications.models import Administration, MedicationOrder
from caredesk.org.models import Site
from caredesk.web import forms_support, scope
from caredesk.workforce.models import StaffMember


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "medications.view")
    focus = scope.current(request)
    units = queries.units_for(request.user)
    if focus.site_id:
        units = units.filter(site_id=focus.site_id)
    sites = {u.site_id: u.site for u in units}
    return render(
        request,
        "medications/home.html",
        {
            "units": units,
            "policy_sites": [s for s in sites.values() if scoping.has(request.user, "medications.view", site_id=s.pk)],
            "is_nurse": StaffMember.objects.filter(user_id=request.user.pk or 0).exists(),
        },
    )


def _board_context(request: HttpRequest, board: queries.Board) -> dict[str, Any]:
    return {
        "board": board,
        "groups": [
            ("missed", _("Missed"), "danger", board.groups.get("missed", [])),
            ("late", _("Late"), "warning", board.groups.get("late", [])),
            ("due", _("Due now"), "primary", board.groups.get("due", [])),
            ("due_soon", _("Due soon"), "info", board.groups.get("due_soon", [])),
            ("recent", _("Recently documented"), "success", board.groups.get("recent", [])),
        ],
    }


@login_required
def unit_board(request: HttpRequest, unit_id: int) -> HttpResponse:
    board = queries.board(request.user, unit_id, clock.now())
    assert board.unit is not None
    can_late = scoping.has(request.user, "medications.view", site_id=board.unit.site_id, unit_id=board.unit.pk)
    context = {**_board_context(request, board), "partial_url": request.path + "partial/", "can_late": can_late}
    return render(request, "medications/board.html", context)


def _partial(request: HttpRequest, board: queries.Board) -> HttpResponse:
    """The board alone, for htmx polling: no layout, so no navigation queries."""
    return HttpResponse(render_to_string("medications/_board.html", _board_context(request, board)))


@login_required
def unit_board_partial(request: HttpRequest, unit_id: int) -> HttpResponse:
    return _partial(request, queries.board(request.user, unit_id, clock.now()))


@login_required
def my_board(request: HttpRequest) -> HttpResponse:
    board = queries.my_board(request.user, clock.now())
    context = {**_board_context(request, board), "partial_url": request.path + "partial/", "mine": True}
    return render(request, "medications/board.html", context)


@login_required
def my_board_partial(request: HttpRequest) -> HttpResponse:
    return _partial(request, queries.my_board(request.user, clock.now()))


# --- recording a dose ---------------------------------------------------------------


def _local(moment: datetime | None, zone: str) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(zone))
    return moment


@login_required
def dose_record(request: HttpRequest, dose_id: int) -> HttpResponse:
    view = queries.dose_view(request.user, dose_id)
    dose = view.dose
    stay = dose.stay
    scoping.require(request.user, "medications.administer", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    audit.log_patient_view(request.user, dose)
    order = dose.order
    form = forms.AdministrationForm(
        request.POST or None,
        initial={
            "drug": order.drug,
            "dose": order.dose.normalize(),
            "route": order.route,
            "status": "completed",
            "idempotency_key": f"web-{uuid.uuid4()}",
        },
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        result = forms_support.run(
            form,
            lambda: services.record_administration(
                request.user,
                dose.pk,
                schemas.AdministrationCreate(
                    status=cd["status"],
                    wristband_id=cd["wristband_id"],
                    drug=cd["drug"],
                    dose=cd["dose"],
                    route=cd["route"],
                    given_at=_local(cd["given_at"], stay.unit.site.time_zone),
                    not_done_reason=cd["not_done_reason"] or None,
                    reason=cd["reason"],
                    idempotency_key=cd["idempotency_key"],
                ),
            ),
        )
        if result is not None:
            messages.success(
                request, _("%(drug)s recorded for %(patient)s.") % {"drug": order.drug, "patient": stay.patient}
            )
            return redirect("medications:unit_board", stay.unit_id)
    return render(request, "medications/dose_record.html", {"view": view, "form": form, "order": order, "stay": stay})


@login_required
def prn_record(request: HttpRequest, prn_order_id: int) -> HttpResponse:
    order = scoping.get_scoped(
        MedicationOrder.objects.select_related("stay__patient", "stay__unit__site"),
        request.user,
        "medications.view",
        pk=prn_order_id,
    )
    stay = order.stay
    scoping.require(request.user, "medications.administer", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    if not order.is_prn:
        raise errors.NotFound()
    audit.log_patient_view(request.user, order)
    form = forms.AdministrationForm(
        request.POST or None,
        initial={
            "drug": order.drug,
            "route": order.route,
            "status": "completed",
            "idempotency_key": f"web-{uuid.uuid4()}",
        },
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        result = forms_support.run(
            form,
            lambda: services.record_prn(
                request.user,
                order.pk,
                schemas.AdministrationCreate(
                    status=cd["status"],
                    wristband_id=cd["wristband_id"],
                    drug=cd["drug"],
                    dose=cd["dose"],
                    route=cd["route"],
                    given_at=_local(cd["given_at"], stay.unit.site.time_zone),
                    not_done_reason=cd["not_done_reason"] or None,
                    reason=cd["reason"],
                    idempotency_key=cd["idempotency_key"],
                ),
            ),
        )
        if result is not None:
            messages.success(request, _("%(drug)s recorded.") % {"drug": order.drug})
            return redirect("medications:stay_record", stay.pk)
    earliest = queries.prn_earliest([order]).get(order.pk)
    return render(
        request, "medications/prn_record.html", {"order": order, "stay": stay, "form": form, "earliest": earliest}
    )


@login_required
@require_POST
def entered_in_error(request: HttpRequest, administration_id: int) -> HttpResponse:
    admin = scoping.get_scoped(
        Administration.objects.select_related("stay"), request.user, "medications.view", pk=administration_id
    )
    form = forms.EnteredInErrorForm(request.POST)
    return forms_support.inline_action(
        request,
        form,
        lambda cd: services.mark_entered_in_error(request.user, admin.pk, schemas.EnteredInError(reason=cd["reason"])),
        success=_("Marked as entered in error; the dose can be recorded again."),
        back_to=reverse("medications:stay_record", args=[admin.stay_id]),
    )


# --- a patient's medication record and orders ---------------------------------------


@login_required
def stay_record(request: HttpRequest, stay_id: int) -> HttpResponse:
    user = request.user
    stay = queries.stay_for(user, stay_id)
    audit.log_patient_view(user, stay)
    now = clock.now()
    orders = list(queries.orders(user, stay_id=stay.pk))
    earliest = queries.prn_earliest(orders)
    admins = list(queries.administrations(user, stay_id=stay.pk)[:100])
    corrected = queries.corrected_ids(admins)
    can_administer = scoping.has(user, "medications.administer", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    return render(
        request,
        "medications/stay_record.html",
        {
            "stay": stay,
            "orders": [(o, earliest.get(o.pk)) for o in orders],
            "doses": queries.stay_doses(user, stay.pk, now=now),
            "admins": [(a, a.pk in corrected) for a in admins],
            "can_order": scoping.has(user, "medications.order", site_id=stay.unit.site_id, unit_id=stay.unit_id),
            "can_administer": can_administer,
            "eie_form": forms.EnteredInErrorForm(),
        },
    )


def _time_critical(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


@login_required
def order_create(request: HttpRequest, stay_id: int) -> HttpResponse:
    stay = queries.stay_for(request.user, stay_id)
    scoping.require(request.user, "medications.order", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    form = forms.OrderForm(request.POST or None)
    zone = stay.unit.site.time_zone
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        order = forms_support.run(
            form,
            lambda: services.create_order(
                request.user,
                schemas.OrderCreate(
                    stay_id=stay.pk,
                    drug=cd["drug"],
                    drug_code=cd["drug_code"],
                    dose=cd["dose"],
                    dose_unit=cd["dose_unit"],
                    route=cd["route"],
                    frequency=cd["frequency"],
                    times_of_day=forms.split_times(cd["times_of_day"]),
                    prn_min_interval_minutes=cd["prn_min_interval_minutes"],
                    indication=cd["indication"],
                    starts_at=_local(cd["starts_at"], zone),
                    ends_at=_local(cd["ends_at"], zone),
                    time_critical=_time_critical(cd["time_critical"]),
                    prescriber=cd["prescriber"],
                ),
            ),
        )
        if order is not None:
            messages.success(request, _("Order entered: %(order)s.") % {"order": order})
            return redirect("medications:stay_record", stay.pk)
    return render(request, "medications/order_form.html", {"form": form, "stay": stay, "title": _("New order")})


def _order_for_change(request: HttpRequest, order_id: int) -> MedicationOrder:
    order = scoping.get_scoped(
        MedicationOrder.objects.select_related("stay__patient", "stay__unit__site"),
        request.user,
        "medications.view",
        pk=order_id,
    )
    scoping.require(request.user, "medications.order", site_id=order.stay.unit.site_id, unit_id=order.stay.unit_id)
    return order


@login_required
def order_change(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for_change(request, order_id)
    form = forms.OrderChangeForm(
        request.POST or None,
        initial={
            "version": order.version,
            "dose": order.dose.normalize(),
            "dose_unit": order.dose_unit,
            "route": order.route,
            "frequency": order.frequency,
            "times_of_day": ", ".join(order.times_of_day),
            "prn_min_interval_minutes": order.prn_min_interval_minutes,
            "time_critical": order.time_critical,
            "prescriber": order.prescriber,
        },
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        changed = forms_support.run(
            form,
            lambda: services.change_order(
                request.user,
                order.pk,
                schemas.OrderChange(
                    version=cd["version"],
                    dose=cd["dose"],
                    dose_unit=cd["dose_unit"],
                    route=cd["route"],
                    frequency=cd["frequency"],
                    times_of_day=forms.split_times(cd["times_of_day"]),
                    prn_min_interval_minutes=cd["prn_min_interval_minutes"],
                    time_critical=cd["time_critical"],
                    prescriber=cd["prescriber"],
                ),
            ),
        )
        if changed is not None:
            messages.success(request, _("Order changed; the doses to come were rescheduled."))
            return redirect("medications:stay_record", order.stay_id)
    return render(
        request,
        "medications/order_form.html",
        {
            "form": form,
            "stay": order.stay,
            "order": order,
            "title": _("Change order"),
            "stop_form": forms.StopForm(initial={"version": order.version}),
        },
    )


@login_required
@require_POST
def order_stop(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for_change(request, order_id)
    form = forms.StopForm(request.POST)
    return forms_support.inline_action(
        request,
        form,
        lambda cd: services.stop_order(
            request.user, order.pk, schemas.OrderStop(version=cd["version"], reason=cd["reason"])
        ),
        success=_("Order stopped."),
        back_to=reverse("medications:stay_record", args=[order.stay_id]),
    )


# --- late and missed, policy --------------------------------------------------------


LATE_PERIODS = (24, 72, 168)  # hours the hospital-wide list can look back
LATE_KINDS = ("late", "missed", "wrong_time")


@login_required
def late_all(request: HttpRequest) -> HttpResponse:
    """Every late, missed and wrong-time dose of the sites in reach (or the site
    in focus) over the last day, three days or week: the director's view."""
    scoping.require_anywhere(request.user, "medications.view")
    now = clock.now()
    hours = int(request.GET["hours"]) if request.GET.get("hours") in {str(h) for h in LATE_PERIODS} else 24
    kind = request.GET.get("kind") if request.GET.get("kind") in LATE_KINDS else None
    focus = scope.current(request)
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    window: dict[str, Any] = {
        "since": now - timedelta(hours=hours),
        "until": now,
        "now": now,
        "site_id": focus.site_id,
        "kind": kind,
    }
    per_unit = queries.exceptions_by_unit(request.user, **window)
    total, views = queries.late_doses(request.user, **window, offset=(page - 1) * 100, limit=100)
    audit.record(
        actor=request.user,
        action="view",
        object_type="medications.late_doses",
        site_id=focus.site_id,
        after={"hours": hours, "kind": kind or "", "page": page, "doses": [v.dose.pk for v in views]},
    )
    return render(
        request,
        "medications/late_all.html",
        {
            "views": views,
            "per_unit": per_unit,
            "total": total,
            "hours": hours,
            "periods": LATE_PERIODS,
            "kind": kind or "",
            "page": page,
            "has_next": page * 100 < total,
        },
    )


@login_required
def unit_late(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = queries.require_unit(request.user, unit_id)
    zone = ZoneInfo(unit.site.time_zone)
    now = clock.now()
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = clock.to_zone(now, zone).date()
    since = datetime.combine(day, time(0), tzinfo=zone)
    until = min(datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone), now)
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    total, views = queries.late_doses(
        request.user, since=since, until=until, now=now, unit_id=unit.pk, offset=(page - 1) * 100, limit=100
    )
    audit.record(actor=request.user, action="view", obj=unit, after={"page": "medications.late_doses", "day": str(day)})
    return render(
        request,
        "medications/late.html",
        {
            "unit": unit,
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "views": views,
            "total": total,
            "page": page,
            "has_next": page * 100 < total,
        },
    )


@login_required
def site_policy(request: HttpRequest, site_id: int) -> HttpResponse:
    site = scoping.get_scoped(Site.objects.all(), request.user, "medications.view", pk=site_id)
    row = timing.policy_row(site)
    can_manage = scoping.has(request.user, "medications.manage_policy", site_id=site.pk)
    names = timing.time_critical_names(site)
    form = forms.PolicyForm(
        request.POST or None,
        initial={
            "version": row.version,
            "time_critical_minutes": row.time_critical_minutes,
            "more_than_daily_minutes": row.more_than_daily_minutes,
            "daily_or_less_minutes": row.daily_or_less_minutes,
            "due_soon_minutes": row.due_soon_minutes,
            "time_critical_drugs": ", ".join(names),
        },
    )
    if request.method == "POST":
        scoping.require(request.user, "medications.manage_policy", site_id=site.pk)
        if form.is_valid():
            cd = form.cleaned_data
            done = forms_support.run(
                form,
                lambda: services.update_policy(
                    request.user,
                    site.pk,
                    schemas.TimingPolicyUpdate(
                        version=cd["version"],
                        time_critical_minutes=cd["time_critical_minutes"],
                        more_than_daily_minutes=cd["more_than_daily_minutes"],
                        daily_or_less_minutes=cd["daily_or_less_minutes"],
                        due_soon_minutes=cd["due_soon_minutes"],
                        time_critical_drugs=forms.split_times(cd["time_critical_drugs"]),
                    ),
                ),
            )
            if done is not None:
                messages.success(request, _("Timing policy saved."))
                return redirect("medications:site_policy", site.pk)
    return render(
        request,
        "medications/policy.html",
        {"site": site, "row": row, "names": names, "form": form, "can_manage": can_manage},
    )
