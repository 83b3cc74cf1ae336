"""Census over the JSON API: patients, stays (admit, transfer, discharge),
acuity scales and scores, flags, family contacts and the unit board. Every read
of one patient's record is audited."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from caredesk.census import queries, schemas, services
from caredesk.census.models import AcuityScale, AcuityScore, FamilyContact, Patient, PatientFlag, Stay, StayMovement
from caredesk.core import audit, clock, scoping
from caredesk.core.api_support import ERRORS, Page

router = Router(tags=["census"])


# --- shaping ------------------------------------------------------------------------------


def bed_text(stay: Stay) -> str:
    return f"{stay.bed.room.name}-{stay.bed.label}" if stay.bed_id and stay.bed else ""


def patient_out(p: Patient) -> dict[str, Any]:
    current = getattr(p, "current_stay_id", None)
    if not hasattr(p, "current_stay_id"):
        current = Stay.objects.filter(patient=p, discharged_at__isnull=True).values_list("pk", flat=True).first()
    return {
        "id": p.pk,
        "site_id": p.site_id,
        "mrn": p.mrn,
        "wristband_id": p.wristband_id,
        "family_name": p.family_name,
        "given_name": p.given_name,
        "birth_date": p.birth_date,
        "age": queries.age_on(p.birth_date, services.local_today(p.site, clock.now())),
        "sex": p.sex,
        "language": p.language,
        "interpreter_needed": p.interpreter_needed,
        "allergies": p.allergies,
        "no_known_allergies": p.no_known_allergies,
        "code_status": p.code_status,
        "insurance_payer": p.insurance_payer,
        "current_stay_id": current,
        "version": p.version,
    }


def stay_out(s: Stay) -> dict[str, Any]:
    return {
        "id": s.pk,
        "patient_id": s.patient_id,
        "patient_name": str(s.patient),
        "mrn": s.patient.mrn,
        "unit_id": s.unit_id,
        "unit_name": s.unit.name,
        "bed_id": s.bed_id,
        "bed": bed_text(s),
        "status": s.status,
        "admitted_at": s.admitted_at,
        "discharged_at": s.discharged_at,
        "reason": s.reason,
        "attending": s.attending,
        "discharge_disposition": s.discharge_disposition,
        "version": s.version,
    }


def movement_out(m: StayMovement) -> dict[str, Any]:
    return {
        "id": m.pk,
        "stay_id": m.stay_id,
        "kind": m.kind,
        "at": m.at,
        "from_unit_id": m.from_unit_id,
        "to_unit_id": m.to_unit_id,
        "from_bed_id": m.from_bed_id,
        "to_bed_id": m.to_bed_id,
        "note": m.note,
    }


def scale_out(s: AcuityScale) -> dict[str, Any]:
    return {
        "id": s.pk,
        "site_id": s.site_id,
        "code": s.code,
        "name": s.name,
        "description": s.description,
        "citation": s.citation,
        "kind": "checklist" if s.items else "levels",
        "items": s.items,
        "levels": s.levels,
        "is_active": s.is_active,
        "version": s.version,
    }


def score_out(s: AcuityScore) -> dict[str, Any]:
    return {
        "id": s.pk,
        "stay_id": s.stay_id,
        "scale_id": s.scale_id,
        "scale_name": s.scale.name,
        "shift_date": s.shift_date,
        "shift_label": s.shift_label,
        "items": s.items,
        "points": s.points,
        "level": s.level,
        "level_label": services.level_label(s.scale, s.level),
        "note": s.note,
        "scored_at": s.scored_at,
        "scored_by": str(s.scored_by),
    }


def flag_out(f: PatientFlag) -> dict[str, Any]:
    return {
        "id": f.pk,
        "stay_id": f.stay_id,
        "kind": f.kind,
        "label": f.get_kind_display(),
        "isolation_type": f.isolation_type,
        "note": f.note,
        "care_plan": f.care_plan,
        "raised_at": f.raised_at,
        "raised_by": str(f.raised_by),
        "cleared_at": f.cleared_at,
        "active": f.cleared_at is None,
        "version": f.version,
    }


def contact_out(c: FamilyContact) -> dict[str, Any]:
    return {
        "id": c.pk,
        "patient_id": c.patient_id,
        "name": c.name,
        "relationship": c.relationship,
        "phone": c.phone,
        "email": c.email,
        "is_primary": c.is_primary,
        "may_receive_information": c.may_receive_information,
        "note": c.note,
        "is_active": c.is_active,
        "version": c.version,
    }


def board_out(board: queries.Board) -> dict[str, Any]:
    rows = []
    for r in board.rows:
        p = r.stay.patient if r.stay else None
        rows.append(
            {
                "bed_id": r.bed.pk if r.bed else None,
                "room": r.room_name,
                "bed": r.bed_label,
                "stay_id": r.stay.pk if r.stay else None,
                "patient_id": p.pk if p else None,
                "patient_name": str(p) if p else "",
                "mrn": p.mrn if p else "",
                "age": r.age,
                "sex": p.sex if p else "",
                "code_status": p.code_status if p else "",
                "allergies": p.allergies if p else "",
                "acuity_level": r.score.level if r.score else None,
                "acuity_points": r.score.points if r.score else None,
                "acuity_label": r.level_label,
                "flags": [
                    {"kind": f.kind, "label": f.get_kind_display(), "isolation_type": f.isolation_type} for f in r.flags
                ],
                "nurse_id": r.nurse.pk if r.nurse else None,
                "nurse_name": str(r.nurse) if r.nurse else "",
            }
        )
    return {
        "unit_id": board.unit.pk,
        "unit_name": board.unit.name,
        "at": board.at,
        "beds": board.beds,
        "occupied": board.occupied,
        "rows": rows,
    }


def _stay(request: HttpRequest, stay_id: int) -> Stay:
    return scoping.get_scoped(
        Stay.objects.select_related("patient", "unit", "bed", "bed__room"), request.user, "census.view", pk=stay_id
    )


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    return scoping.get_scoped(Patient.objects.select_related("site"), request.user, "census.view", pk=patient_id)


# --- patients --------------------------------------------------------------------------------


class PatientFilter(Schema):
    q: str | None = None
    site_id: int | None = None
    unit_id: int | None = None
    admitted_only: bool = False


@router.get("/patients", response=list[schemas.PatientRead], summary="Patients you may see (search by name or MRN)")
@paginate(Page)
def list_patients(request: HttpRequest, filters: Query[PatientFilter]):  # type: ignore[no-untyped-def]
    qs = queries.patients(
        request.user,
        q=filters.q,
        site_id=filters.site_id,
        unit_id=filters.unit_id,
        admitted_only=filters.admitted_only,
    )
    return [patient_out(p) for p in qs]


@router.post("/patients", response={201: schemas.PatientRead, **ERRORS}, summary="Register a patient")
def register_patient(request: HttpRequest, data: schemas.PatientCreate):  # type: ignore[no-untyped-def]
    return 201, patient_out(services.register_patient(request.user, data))


@router.get("/patients/{patient_id}", response={200: schemas.PatientRead, **ERRORS}, summary="One patient (audited)")
def get_patient(request: HttpRequest, patient_id: int):  # type: ignore[no-untyped-def]
    patient = _patient(request, patient_id)
    audit.log_patient_view(request.user, patient)
    return patient_out(patient)


@router.patch("/patients/{patient_id}", response={200: schemas.PatientRead, **ERRORS}, summary="Edit a patient")
def update_patient(request: HttpRequest, patient_id: int, data: schemas.PatientUpdate):  # type: ignore[no-untyped-def]
    return patient_out(services.update_patient(request.user, patient_id, data))


@router.get("/patients/{patient_id}/contacts", response={200: list[schemas.ContactRead], **ERRORS})
def list_contacts(request: HttpRequest, patient_id: int, include_inactive: bool = False):  # type: ignore[no-untyped-def]
    patient = _patient(request, patient_id)
    audit.log_patient_view(request.user, patient)
    return [
        contact_out(c) for c in queries.contacts(request.user, patient_id=patient.pk, include_inactive=include_inactive)
    ]


@router.post("/patients/{patient_id}/contacts", response={201: schemas.ContactRead, **ERRORS})
def add_contact(request: HttpRequest, patient_id: int, data: schemas.ContactCreate):  # type: ignore[no-untyped-def]
    return 201, contact_out(services.add_contact(request.user, patient_id, data))


@router.patch("/contacts/{contact_id}", response={200: schemas.ContactRead, **ERRORS})
def update_contact(request: HttpRequest, contact_id: int, data: schemas.ContactUpdate):  # type: ignore[no-untyped-def]
    return contact_out(services.update_contact(request.user, contact_id, data))


@router.post("/contacts/{contact_id}/deactivate", response={200: schemas.ContactRead, **ERRORS})
def deactivate_contact(request: HttpRequest, contact_id: int, data: schemas.ContactDeactivate):  # type: ignore[no-untyped-def]
    return contact_out(services.deactivate_contact(request.user, contact_id, data))


# --- stays -----------------------------------------------------------------------------------


class StayFilter(Schema):
    unit_id: int | None = None
    patient_id: int | None = None
    open_only: bool = True


@router.get("/stays", response=list[schemas.StayRead], summary="Stays (by unit or patient; open ones by default)")
@paginate(Page)
def list_stays(request: HttpRequest, filters: Query[StayFilter]):  # type: ignore[no-untyped-def]
    qs = queries.stays(
        request.user, unit_id=filters.unit_id, patient_id=filters.patient_id, open_only=filters.open_only
    )
    return [stay_out(s) for s in qs]


@router.post("/stays", response={201: schemas.StayRead, **ERRORS}, summary="Admit a patient to a unit (and bed)")
def admit(request: HttpRequest, data: schemas.StayAdmit):  # type: ignore[no-untyped-def]
    stay = services.admit(request.user, data)
    return 201, stay_out(_stay(request, stay.pk))


@router.get("/stays/{stay_id}", response={200: schemas.StayDetailRead, **ERRORS}, summary="One stay (audited)")
def get_stay(request: HttpRequest, stay_id: int):  # type: ignore[no-untyped-def]
    stay = _stay(request, stay_id)
    audit.log_patient_view(request.user, stay)
    return {**stay_out(stay), "movements": [movement_out(m) for m in queries.movements([stay.pk])]}


@router.post("/stays/{stay_id}/transfer", response={200: schemas.StayRead, **ERRORS}, summary="Transfer")
def transfer(request: HttpRequest, stay_id: int, data: schemas.StayTransfer):  # type: ignore[no-untyped-def]
    services.transfer(request.user, stay_id, data)
    return stay_out(_stay(request, stay_id))


@router.post("/stays/{stay_id}/discharge", response={200: schemas.StayRead, **ERRORS}, summary="Discharge")
def discharge(request: HttpRequest, stay_id: int, data: schemas.StayDischarge):  # type: ignore[no-untyped-def]
    services.discharge(request.user, stay_id, data)
    return stay_out(_stay(request, stay_id))


@router.get("/stays/{stay_id}/acuity", response={200: list[schemas.AcuityScoreRead], **ERRORS})
def list_scores(request: HttpRequest, stay_id: int):  # type: ignore[no-untyped-def]
    stay = _stay(request, stay_id)
    audit.log_patient_view(request.user, stay)
    return [score_out(s) for s in queries.scores(request.user, stay_id=stay.pk)]


@router.post("/stays/{stay_id}/acuity", response={201: schemas.AcuityScoreRead, **ERRORS}, summary="Score acuity")
def score_acuity(request: HttpRequest, stay_id: int, data: schemas.AcuityScoreCreate):  # type: ignore[no-untyped-def]
    return 201, score_out(services.score_acuity(request.user, stay_id, data))


@router.get("/stays/{stay_id}/flags", response={200: list[schemas.FlagRead], **ERRORS})
def list_flags(request: HttpRequest, stay_id: int, active_only: bool = False):  # type: ignore[no-untyped-def]
    stay = _stay(request, stay_id)
    audit.log_patient_view(request.user, stay)
    return [flag_out(f) for f in queries.flags(request.user, stay_id=stay.pk, active_only=active_only)]


@router.post("/stays/{stay_id}/flags", response={201: schemas.FlagRead, **ERRORS}, summary="Raise a flag")
def raise_flag(request: HttpRequest, stay_id: int, data: schemas.FlagRaise):  # type: ignore[no-untyped-def]
    return 201, flag_out(services.raise_flag(request.user, stay_id, data))


@router.post("/flags/{flag_id}/clear", response={200: schemas.FlagRead, **ERRORS}, summary="Clear a flag")
def clear_flag(request: HttpRequest, flag_id: int, data: schemas.FlagClear):  # type: ignore[no-untyped-def]
    return flag_out(services.clear_flag(request.user, flag_id, data))


# --- acuity scales ---------------------------------------------------------------------------


class ScaleFilter(Schema):
    site_id: int | None = None
    include_inactive: bool = False


@router.get("/acuity-scales", response=list[schemas.AcuityScaleRead], summary="Shared scales and your sites' own")
@paginate(Page)
def list_scales(request: HttpRequest, filters: Query[ScaleFilter]):  # type: ignore[no-untyped-def]
    qs = queries.acuity_scales(request.user, site_id=filters.site_id, include_inactive=filters.include_inactive)
    return [scale_out(s) for s in qs]


@router.post("/acuity-scales", response={201: schemas.AcuityScaleRead, **ERRORS}, summary="A site's own scale")
def create_scale(request: HttpRequest, data: schemas.AcuityScaleCreate):  # type: ignore[no-untyped-def]
    return 201, scale_out(services.create_acuity_scale(request.user, data))


@router.get("/acuity-scales/{scale_id}", response={200: schemas.AcuityScaleRead, **ERRORS})
def get_scale(request: HttpRequest, scale_id: int):  # type: ignore[no-untyped-def]
    return scale_out(queries.get_scale(request.user, scale_id))


@router.patch("/acuity-scales/{scale_id}", response={200: schemas.AcuityScaleRead, **ERRORS})
def update_scale(request: HttpRequest, scale_id: int, data: schemas.AcuityScaleUpdate):  # type: ignore[no-untyped-def]
    return scale_out(services.update_acuity_scale(request.user, scale_id, data))


# --- the unit board ----------------------------------------------------------------------------


@router.get(
    "/units/{unit_id}/board", response={200: schemas.CensusBoardRead, **ERRORS}, summary="The unit board (audited)"
)
def unit_board(request: HttpRequest, unit_id: int):  # type: ignore[no-untyped-def]
    board = queries.unit_board(request.user, unit_id)
    queries.log_board_view(request.user, board.unit)
    return board_out(board)
