"""Pages of assignment: the units and today's shifts, the shift board (staff on
shift, the optimiser, each nurse's patients and workload, reassign, pin and
override), the unit's shift patterns, and the ratio rule packs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.assignment import forms, queries, ratios, schemas, services
from caredesk.assignment.models import CareShift, ShiftPattern
from caredesk.core import audit, clock, errors, scoping
from caredesk.org.models import Unit, UnitKind


def _shift(request: HttpRequest, shift_id: int) -> CareShift:
    return scoping.get_scoped(
        CareShift.objects.select_related("unit", "unit__site", "unit__ratio_pack", "pattern"),
        request.user,
        "assignment.view",
        pk=shift_id,
    )


def _unit(request: HttpRequest, unit_id: int) -> Unit:
    return scoping.get_scoped(
        Unit.objects.select_related("site", "ratio_pack"), request.user, "assignment.view", pk=unit_id
    )


def _can(user: Any, perm: str, unit: Unit) -> bool:
    return scoping.has(user, perm, site_id=unit.site_id, unit_id=unit.pk)


def _ratio_warning(unit: Unit, is_night: bool) -> str:
    if not unit.ratio_pack_id:
        return _("This unit follows no ratio rule pack: no cap from law applies. Choose its jurisdiction's pack.")
    if ratios.unit_ratio(unit, is_night=is_night).rule is None:
        return _("The unit's rule pack has no ratio for this type of unit: only the site's own cap applies.")
    return ""


# --- home ------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "assignment.view")
    now = clock.now()
    rows = []
    for unit in queries.units(request.user).order_by("site__name", "name"):
        today = clock.to_zone(now, unit.site.time_zone).date()
        shifts = list(
            CareShift.objects.filter(
                unit=unit, date__gte=today - timedelta(days=1), date__lte=today + timedelta(days=1)
            ).order_by("starts_at")
        )
        current = queries.current_shift(unit, now)
        rows.append(
            {
                "unit": unit,
                "today": today,
                "shifts": shifts,
                "current": current,
                "can_manage": _can(request.user, "assignment.manage", unit),
                "patterns": [p for p in unit.shift_patterns.all() if p.is_active],
                "warning": _ratio_warning(unit, False),
            }
        )
    return render(
        request,
        "assignment/home.html",
        {"rows": rows, "can_ratios": scoping.has_anywhere(request.user, "assignment.manage_ratios")},
    )


@login_required
@require_POST
def open_shift(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit(request, unit_id)
    form = forms.OpenShiftForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            shift = services.open_care_shift(
                request.user,
                schemas.ShiftOpen(
                    unit_id=unit.pk, shift_pattern_id=form.cleaned_data["pattern"], shift_date=form.cleaned_data["date"]
                ),
            )
        except errors.ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Shift opened."))
            return redirect("assignment:shift", care_shift_id=shift.pk)
    else:
        messages.error(request, _("Choose a shift and a date."))
    return redirect("assignment:home")


# --- the shift board ---------------------------------------------------------------------


def _board_context(
    request: HttpRequest, shift: CareShift, notices: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    board = queries.workload(shift)
    can_manage = _can(request.user, "assignment.manage", shift.unit)
    zone = shift.unit.site.time_zone
    nurse_choices = [(n.row.staff_id, str(n.row.staff)) for n in board.nurses]
    return {
        "shift": shift,
        "unit": shift.unit,
        "board": board,
        "local_start": clock.to_zone(shift.starts_at, zone),
        "local_end": clock.to_zone(shift.ends_at, zone),
        "hours": round((shift.ends_at - shift.starts_at).total_seconds() / 3600, 1),
        "can_manage": can_manage,
        "staff_rows": list(queries.shift_staff(shift)),
        "candidates": list(queries.candidates(shift)) if can_manage else [],
        "nurse_choices": nurse_choices,
        "ratio_warning": _ratio_warning(shift.unit, shift.is_night),
        "solve": shift.last_solve or {},
        "notices": notices or [],
    }


@login_required
def shift_page(request: HttpRequest, care_shift_id: int) -> HttpResponse:
    shift = _shift(request, care_shift_id)
    with transaction.atomic():
        audit.record_view(actor=request.user, obj=shift)
    context = _board_context(request, shift)
    if getattr(request, "htmx", False):
        return render(request, "assignment/_board.html", context)
    return render(request, "assignment/shift.html", context)


def _act(
    request: HttpRequest, care_shift_id: int, action: Callable[[CareShift], str | tuple[str, str]]
) -> HttpResponse:
    """Run one board action; answer the refreshed board to htmx, else go back to the page."""
    shift = _shift(request, care_shift_id)
    notices: list[tuple[str, str]] = []
    try:
        said = action(shift)
    except errors.ValidationFailed as exc:
        notices.append(("danger", exc.message))
    else:
        notices.append(said if isinstance(said, tuple) else ("success", said))
    if getattr(request, "htmx", False):
        shift.refresh_from_db()
        return render(request, "assignment/_board.html", _board_context(request, shift, notices))
    for level, text in notices:
        (messages.error if level == "danger" else messages.warning if level == "warning" else messages.success)(
            request, text
        )
    return redirect("assignment:shift", care_shift_id=care_shift_id)


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise errors.ValidationFailed.field(name, _("choose one")) from None


@login_required
@require_POST
def staff_add(request: HttpRequest, care_shift_id: int) -> HttpResponse:
    def act(shift: CareShift) -> str:
        max_raw = request.POST.get("max_patients", "").strip()
        row = services.add_staff(
            request.user,
            shift.pk,
            schemas.ShiftStaffAdd(
                staff_member_id=_int(request, "staff"),
                is_charge=request.POST.get("is_charge") == "on",
                max_patients=int(max_raw) if max_raw.isdigit() else None,
            ),
        )
        return _("%(name)s is on the shift.") % {"name": row.staff}

    return _act(request, care_shift_id, act)


@login_required
@require_POST
def staff_update(request: HttpRequest, care_shift_id: int, shift_staff_id: int) -> HttpResponse:
    def act(shift: CareShift) -> str:
        max_raw = request.POST.get("max_patients", "").strip()
        skills_raw = request.POST.get("skills")
        data: dict[str, Any] = {
            "version": _int(request, "version"),
            "is_charge": request.POST.get("is_charge") == "on",
            "max_patients": int(max_raw) if max_raw.isdigit() else None,
        }
        if skills_raw is not None:
            data["skills"] = [s for s in skills_raw.replace(";", ",").split(",") if s.strip()]
        try:
            update = schemas.ShiftStaffUpdate(**data)
        except Exception as exc:  # pydantic: a number out of range
            raise errors.ValidationFailed.field("max_patients", _("not a valid number of patients")) from exc
        services.update_staff(request.user, shift.pk, shift_staff_id, update)
        return _("Saved.")

    return _act(request, care_shift_id, act)


@login_required
@require_POST
def staff_remove(request: HttpRequest, care_shift_id: int, shift_staff_id: int) -> HttpResponse:
    def act(shift: CareShift) -> str:
        services.remove_staff(request.user, shift.pk, shift_staff_id)
        return _("Taken off the shift; their patients are unassigned.")

    return _act(request, care_shift_id, act)


@login_required
@require_POST
def optimise(request: HttpRequest, care_shift_id: int) -> HttpResponse:
    def act(shift: CareShift) -> tuple[str, str]:
        outcome = services.optimise_shift(request.user, shift.pk)
        if not outcome.result.assignment:
            return "danger", " ".join(
                [
                    _("The optimiser found no assignment (%(status)s).") % {"status": outcome.result.status},
                    *outcome.explanations,
                ]
            )
        return "success", _(
            "Optimised (%(status)s, cost %(objective)s, %(seconds)s s): %(n)s patients assigned, %(p)s pinned kept."
        ) % {
            "status": outcome.result.status,
            "objective": outcome.result.objective,
            "seconds": round(outcome.result.seconds, 2),
            "n": outcome.assigned,
            "p": outcome.kept_pinned,
        }

    return _act(request, care_shift_id, act)


@login_required
@require_POST
def copy_previous(request: HttpRequest, care_shift_id: int) -> HttpResponse:
    def act(shift: CareShift) -> str:
        n = services.copy_from_previous_shift(request.user, shift.pk)
        return _("%(n)s patient(s) kept their nurse of the previous shift.") % {"n": n}

    return _act(request, care_shift_id, act)


@login_required
@require_POST
def assign(request: HttpRequest, care_shift_id: int) -> HttpResponse:
    def act(shift: CareShift) -> tuple[str, str]:
        outcome = services.assign_patient(
            request.user,
            shift.pk,
            _int(request, "stay"),
            _int(request, "nurse"),
            pinned=request.POST.get("pinned") == "on",
            override_reason=request.POST.get("override_reason", ""),
        )
        if outcome.warnings:
            return "warning", _("Overridden, breaking a rule: %(rules)s") % {"rules": " ".join(outcome.warnings)}
        return "success", _("Assigned to %(name)s.") % {"name": outcome.assignment.staff}

    return _act(request, care_shift_id, act)


@login_required
@require_POST
def pin(request: HttpRequest, care_shift_id: int) -> HttpResponse:
    def act(shift: CareShift) -> str:
        pinned = request.POST.get("pinned") == "on"
        services.set_pin(request.user, shift.pk, _int(request, "stay"), pinned)
        return _("Pinned.") if pinned else _("Unpinned.")

    return _act(request, care_shift_id, act)


# --- shift patterns of a unit ---------------------------------------------------------------


@login_required
def patterns(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit(request, unit_id)
    can_manage = _can(request.user, "assignment.manage", unit)
    form = forms.PatternForm(request.POST or None)
    if request.method == "POST":
        scoping.require(request.user, "assignment.manage", site_id=unit.site_id, unit_id=unit.pk)
        if form.is_valid():
            try:
                services.create_pattern(request.user, schemas.PatternCreate(unit_id=unit.pk, **form.cleaned_data))
            except errors.ValidationFailed as exc:
                for name, msgs in exc.fields.items():
                    for m in msgs:
                        form.add_error(name if name in form.fields else None, m)
            else:
                messages.success(request, _("Shift pattern added."))
                return redirect("assignment:patterns", unit_id=unit.pk)
    return render(
        request,
        "assignment/patterns.html",
        {
            "unit": unit,
            "patterns": ShiftPattern.objects.filter(unit=unit).order_by("start_time"),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def pattern_toggle(request: HttpRequest, unit_id: int, shift_pattern_id: int) -> HttpResponse:
    unit = _unit(request, unit_id)
    pattern = ShiftPattern.objects.filter(pk=shift_pattern_id, unit=unit).first()
    if pattern is None:
        raise errors.NotFound()
    try:
        services.update_pattern(
            request.user,
            pattern.pk,
            schemas.PatternUpdate(version=_int(request, "version"), is_active=not pattern.is_active),
        )
    except errors.ServiceError as exc:
        if isinstance(exc, (errors.NotFound, errors.PermissionDenied)):
            raise
        messages.error(request, exc.message)
    return redirect("assignment:patterns", unit_id=unit.pk)


# --- ratio packs -----------------------------------------------------------------------------


@login_required
def ratio_packs(request: HttpRequest) -> HttpResponse:
    if not (
        scoping.has_anywhere(request.user, "assignment.view")
        or scoping.has_anywhere(request.user, "assignment.manage_ratios")
    ):
        raise errors.PermissionDenied()
    units = []
    for unit in queries.units(request.user).order_by("site__name", "name"):
        day = ratios.unit_ratio(unit, is_night=False)
        night = ratios.unit_ratio(unit, is_night=True)
        units.append(
            {
                "unit": unit,
                "day": day,
                "night": night,
                "warning": _ratio_warning(unit, False),
                "can_edit": scoping.has(request.user, "assignment.manage_ratios", site_id=unit.site_id),
                "packs": list(queries.packs_for_site(unit.site)),
            }
        )
    kinds = dict(UnitKind.choices)
    packs = [
        {"pack": p, "rules": [(kinds.get(r.unit_kind, r.unit_kind), r) for r in p.rules.all()]}
        for p in queries.ratio_packs(request.user)
    ]
    return render(request, "assignment/ratios.html", {"packs": packs, "units": units})


@login_required
@require_POST
def unit_ratio(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit(request, unit_id)
    pack_raw = request.POST.get("ratio_pack", "").strip()
    cap_raw = request.POST.get("max_patients_per_nurse", "").strip()
    try:
        data = schemas.UnitRatioUpdate(
            ratio_pack_id=int(pack_raw) if pack_raw.isdigit() else None,
            max_patients_per_nurse=int(cap_raw) if cap_raw.isdigit() else None,
        )
    except Exception:
        messages.error(request, _("The own cap must be a number of patients between 1 and 50."))
        return redirect("assignment:ratios")
    try:
        services.set_unit_ratio(request.user, unit.pk, data)
    except errors.ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Ratio settings of %(unit)s saved.") % {"unit": unit.name})
    return redirect(reverse("assignment:ratios") + f"#unit-{unit.pk}")
