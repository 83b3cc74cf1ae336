"""Patient assignment over the JSON API: shift patterns, care shifts, the staff
on each, the optimiser, assignments by hand (pin, override), ratio packs and
each unit's ratio settings."""

from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from caredesk.assignment import queries, ratios, schemas, services
from caredesk.assignment.models import CareShift, PatientAssignment, ShiftPattern, ShiftStaff
from caredesk.core import audit, clock, errors, scoping
from caredesk.core.api_support import ERRORS, Page
from caredesk.org.models import RatioPack, Unit

router = Router(tags=["assignment"])


# --- shaping ------------------------------------------------------------------------


def pattern_out(p: ShiftPattern) -> dict[str, Any]:
    return {
        "id": p.pk,
        "unit_id": p.unit_id,
        "code": p.code,
        "name": p.name,
        "start_time": p.start_time,
        "length_minutes": p.length_minutes,
        "is_night": p.is_night,
        "is_active": p.is_active,
        "version": p.version,
    }


def shift_out(s: CareShift) -> dict[str, Any]:
    zone = s.unit.site.time_zone
    return {
        "id": s.pk,
        "unit_id": s.unit_id,
        "unit_name": s.unit.name,
        "pattern_id": s.pattern_id,
        "date": s.date,
        "label": s.label,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "local_start": clock.to_zone(s.starts_at, zone).isoformat(),
        "local_end": clock.to_zone(s.ends_at, zone).isoformat(),
        "length_minutes": int((s.ends_at - s.starts_at).total_seconds() // 60),
        "is_night": s.is_night,
        "last_solve": s.last_solve or {},
        "version": s.version,
    }


def staff_out(r: ShiftStaff) -> dict[str, Any]:
    return {
        "id": r.pk,
        "staff_id": r.staff_id,
        "name": str(r.staff),
        "discipline": r.staff.discipline,
        "is_charge": r.is_charge,
        "max_patients": r.max_patients,
        "skills": list(r.skills or []),
        "source": r.source,
        "note": r.note,
        "version": r.version,
    }


def assignment_out(a: PatientAssignment) -> dict[str, Any]:
    stay = a.stay
    bed = stay.bed
    return {
        "id": a.pk,
        "stay_id": a.stay_id,
        "patient": str(stay.patient),
        "room_bed": f"{bed.room.name}-{bed.label}" if bed is not None else "",
        "staff_id": a.staff_id,
        "staff_name": str(a.staff),
        "pinned": a.pinned,
        "source": a.source,
        "warnings": list(a.warnings or []),
        "override_reason": a.override_reason,
        "assigned_at": a.assigned_at,
        "version": a.version,
    }


def shift_detail(s: CareShift) -> dict[str, Any]:
    board = queries.workload(s)
    assignments = (
        PatientAssignment.objects.filter(shift=s)
        .select_related("stay__patient", "stay__bed__room", "staff__user")
        .order_by("stay__bed__room__position", "pk")
    )
    return {
        **shift_out(s),
        "ratio": board.built.ratio.label,
        "staff": [staff_out(r) for r in queries.shift_staff(s)],
        "assignments": [assignment_out(a) for a in assignments],
        "workload": [
            {
                "staff_id": n.row.staff_id,
                "name": str(n.row.staff),
                "is_charge": n.row.is_charge,
                "patients": n.count,
                "stay_ids": [c.stay.pk for c in n.patients],
                "acuity_points": n.points,
                "cap": n.cap,
                "warnings": n.warnings,
            }
            for n in board.nurses
        ],
        "unassigned_stay_ids": [c.stay.pk for c in board.unassigned],
        "warnings": board.warnings,
    }


def pack_out(p: RatioPack) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "jurisdiction": p.jurisdiction,
        "citation": p.citation,
        "source_text": p.source_text,
        "effective_from": p.effective_from,
        "site_id": p.site_id,
        "is_active": p.is_active,
        "rules": [
            {
                "id": r.pk,
                "unit_kind": r.unit_kind,
                "shift": r.shift,
                "nurses": r.nurses,
                "patients": r.patients,
                "note": r.note,
            }
            for r in p.rules.all()
        ],
    }


def unit_ratio_out(u: Unit) -> dict[str, Any]:
    day = ratios.unit_ratio(u, is_night=False)
    night = ratios.unit_ratio(u, is_night=True)
    warnings = []
    if not u.ratio_pack_id:
        warnings.append(str(_no_pack()))
    elif day.rule is None and night.rule is None:
        warnings.append(str(_no_rule()))
    return {
        "unit_id": u.pk,
        "unit_kind": u.kind,
        "ratio_pack_id": u.ratio_pack_id,
        "ratio_pack": u.ratio_pack.name if u.ratio_pack_id and u.ratio_pack else None,
        "max_patients_per_nurse": u.max_patients_per_nurse,
        "day": day.label,
        "night": night.label,
        "day_cap": day.per_nurse,
        "night_cap": night.per_nurse,
        "warnings": warnings,
    }


def _no_pack() -> str:
    from django.utils.translation import gettext as _

    return _("This unit follows no ratio rule pack: no cap from law applies. Choose its jurisdiction's pack.")


def _no_rule() -> str:
    from django.utils.translation import gettext as _

    return _("The unit's rule pack has no ratio for this type of unit: only the site's own cap applies.")


def _shift(request: HttpRequest, shift_id: int) -> CareShift:
    return scoping.get_scoped(
        CareShift.objects.select_related("unit", "unit__site", "unit__ratio_pack"),
        request.user,
        "assignment.view",
        pk=shift_id,
    )


# --- shift patterns ---------------------------------------------------------------------


@router.get("/patterns", response=list[schemas.PatternRead])
@paginate(Page)
def list_patterns(request: HttpRequest, unit_id: int | None = None) -> Any:
    return [pattern_out(p) for p in queries.patterns(request.user, unit_id=unit_id)]


@router.post("/patterns", response={201: schemas.PatternRead, **ERRORS})
def create_pattern(request: HttpRequest, data: schemas.PatternCreate) -> Any:
    return 201, pattern_out(services.create_pattern(request.user, data))


@router.patch("/patterns/{shift_pattern_id}", response={200: schemas.PatternRead, **ERRORS})
def update_pattern(request: HttpRequest, shift_pattern_id: int, data: schemas.PatternUpdate) -> Any:
    return pattern_out(services.update_pattern(request.user, shift_pattern_id, data))


# --- care shifts ------------------------------------------------------------------------


@router.get("/shifts", response=list[schemas.ShiftRead])
@paginate(Page)
def list_shifts(
    request: HttpRequest,
    unit_id: int | None = None,
    on: date | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Any:
    return [shift_out(s) for s in queries.shifts(request.user, unit_id=unit_id, on=on, start=start, end=end)]


@router.post("/shifts", response={201: schemas.ShiftRead, **ERRORS})
def open_shift(request: HttpRequest, data: schemas.ShiftOpen) -> Any:
    return 201, shift_out(services.open_care_shift(request.user, data))


@router.get("/shifts/{care_shift_id}", response={200: schemas.ShiftDetail, **ERRORS})
def get_shift(request: HttpRequest, care_shift_id: int) -> Any:
    shift = _shift(request, care_shift_id)
    with transaction.atomic():
        audit.record_view(actor=request.user, obj=shift)
    return shift_detail(shift)


@router.post("/shifts/{care_shift_id}/staff", response={201: schemas.ShiftStaffRead, **ERRORS})
def add_staff(request: HttpRequest, care_shift_id: int, data: schemas.ShiftStaffAdd) -> Any:
    return 201, staff_out(services.add_staff(request.user, care_shift_id, data))


@router.patch("/shifts/{care_shift_id}/staff/{shift_staff_id}", response={200: schemas.ShiftStaffRead, **ERRORS})
def update_staff(request: HttpRequest, care_shift_id: int, shift_staff_id: int, data: schemas.ShiftStaffUpdate) -> Any:
    return staff_out(services.update_staff(request.user, care_shift_id, shift_staff_id, data))


@router.delete("/shifts/{care_shift_id}/staff/{shift_staff_id}", response={204: None, **ERRORS})
def remove_staff(request: HttpRequest, care_shift_id: int, shift_staff_id: int) -> Any:
    services.remove_staff(request.user, care_shift_id, shift_staff_id)
    return 204, None


@router.post("/shifts/{care_shift_id}/optimise", response={200: schemas.OptimiseResult, **ERRORS})
def optimise(request: HttpRequest, care_shift_id: int, time_limit_s: float = 2.0) -> Any:
    if not 0.1 <= time_limit_s <= 30:
        raise errors.ValidationFailed.field("time_limit_s", "between 0.1 and 30 seconds")
    return services.optimise_shift(request.user, care_shift_id, time_limit_s=time_limit_s).as_dict()


@router.post("/shifts/{care_shift_id}/copy-previous", response={200: schemas.ShiftDetail, **ERRORS})
def copy_previous(request: HttpRequest, care_shift_id: int) -> Any:
    services.copy_from_previous_shift(request.user, care_shift_id)
    return shift_detail(_shift(request, care_shift_id))


@router.put("/shifts/{care_shift_id}/assignments/{shift_stay_id}", response={200: schemas.AssignmentRead, **ERRORS})
def set_assignment(request: HttpRequest, care_shift_id: int, shift_stay_id: int, data: schemas.AssignmentSet) -> Any:
    outcome = services.assign_patient(
        request.user,
        care_shift_id,
        shift_stay_id,
        data.nurse_id,
        pinned=data.pinned,
        override_reason=data.override_reason,
    )
    return assignment_out(outcome.assignment)


@router.patch("/shifts/{care_shift_id}/assignments/{shift_stay_id}", response={200: schemas.AssignmentRead, **ERRORS})
def pin_assignment(request: HttpRequest, care_shift_id: int, shift_stay_id: int, data: schemas.AssignmentPin) -> Any:
    return assignment_out(services.set_pin(request.user, care_shift_id, shift_stay_id, data.pinned))


@router.delete("/shifts/{care_shift_id}/assignments/{shift_stay_id}", response={204: None, **ERRORS})
def delete_assignment(request: HttpRequest, care_shift_id: int, shift_stay_id: int) -> Any:
    services.unassign(request.user, care_shift_id, shift_stay_id)
    return 204, None


# --- ratio packs and unit settings --------------------------------------------------------


@router.get("/ratio-packs", response=list[schemas.RatioPackRead])
@paginate(Page)
def list_packs(request: HttpRequest) -> Any:
    return [pack_out(p) for p in queries.ratio_packs(request.user)]


@router.post("/ratio-packs", response={201: schemas.RatioPackRead, **ERRORS})
def create_pack(request: HttpRequest, data: schemas.RatioPackCreate) -> Any:
    return 201, pack_out(services.create_ratio_pack(request.user, data))


@router.get("/ratio-packs/{ratio_pack_id}", response={200: schemas.RatioPackRead, **ERRORS})
def get_pack(request: HttpRequest, ratio_pack_id: int) -> Any:
    pack = queries.ratio_packs(request.user).filter(pk=ratio_pack_id).first()
    if pack is None:
        raise errors.NotFound()
    return pack_out(pack)


@router.get("/units/{unit_id}/ratio", response={200: schemas.UnitRatioRead, **ERRORS})
def get_unit_ratio(request: HttpRequest, unit_id: int) -> Any:
    unit = scoping.get_scoped(
        Unit.objects.select_related("site", "ratio_pack"), request.user, "assignment.view", pk=unit_id
    )
    return unit_ratio_out(unit)


@router.patch("/units/{unit_id}/ratio", response={200: schemas.UnitRatioRead, **ERRORS})
def set_unit_ratio(request: HttpRequest, unit_id: int, data: schemas.UnitRatioUpdate) -> Any:
    return unit_ratio_out(services.set_unit_ratio(request.user, unit_id, data))
