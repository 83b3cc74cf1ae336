"""Medications over the JSON API: orders, scheduled doses with their status,
administrations (idempotent, five rights checked), the medication-pass board,
late and missed doses, and the site's timing policy."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Header, Query, Router, Schema
from ninja.pagination import paginate

from caredesk.core import audit, clock, scoping
from caredesk.core.api_support import ERRORS, Page
from caredesk.medications import queries, schemas, services, timing
from caredesk.medications.models import Administration, MedicationOrder
from caredesk.medications.queries import DoseView
from caredesk.org.models import Site

router = Router(tags=["medications"])


# --- shaping ------------------------------------------------------------------------


def order_out(o: MedicationOrder, earliest: datetime | None = None) -> dict[str, Any]:
    return {
        "id": o.pk,
        "stay_id": o.stay_id,
        "patient": str(o.stay.patient),
        "drug": o.drug,
        "drug_code": o.drug_code,
        "dose": o.dose,
        "dose_unit": o.dose_unit,
        "route": o.route,
        "frequency": o.frequency,
        "times_of_day": o.times_of_day,
        "prn_min_interval_minutes": o.prn_min_interval_minutes,
        "prn_earliest_next_at": earliest,
        "indication": o.indication,
        "starts_at": o.starts_at,
        "ends_at": o.ends_at,
        "time_critical": o.time_critical,
        "prescriber": o.prescriber,
        "status": o.status,
        "stopped_at": o.stopped_at,
        "stop_reason": o.stop_reason,
        "version": o.version,
    }


def dose_out(v: DoseView) -> dict[str, Any]:
    d = v.dose
    o = d.order
    stay = d.stay
    bed = f"{stay.bed.room.name}{stay.bed.label}" if stay.bed_id else ""  # type: ignore[union-attr]
    return {
        "id": d.pk,
        "order_id": d.order_id,
        "stay_id": d.stay_id,
        "patient": str(stay.patient),
        "bed": bed,
        "unit_id": stay.unit_id,
        "drug": o.drug,
        "dose": o.dose,
        "dose_unit": o.dose_unit,
        "route": o.route,
        "time_critical": o.time_critical,
        "scheduled_at": d.scheduled_at,
        "local_time": v.local_time.isoformat(),
        "window_minutes": d.window_minutes,
        "window_opens_at": v.window.opens_at,
        "window_closes_at": v.window.closes_at,
        "next_dose_at": d.next_dose_at,
        "status": str(v.status),
        "administration_id": v.administration.pk if v.administration else None,
        "given_at": v.administration.given_at if v.administration else None,
        "is_cancelled": d.is_cancelled,
    }


def admin_out(a: Administration, corrected: bool = False) -> dict[str, Any]:
    timing_ = ""
    if a.dose_id is not None and a.status != "entered_in_error":
        timing_ = services._outcome(a, a.dose)  # type: ignore[arg-type]
    return {
        "id": a.pk,
        "order_id": a.order_id,
        "dose_id": a.dose_id,
        "stay_id": a.stay_id,
        "status": a.status,
        "not_done_reason": a.not_done_reason,
        "reason": a.reason,
        "given_at": a.given_at,
        "dose_given": a.dose_given,
        "dose_unit": a.dose_unit,
        "route": a.route,
        "wristband_scanned": a.wristband_scanned,
        "performer_id": a.performer_id,
        "recorded_by_id": a.recorded_by_id,
        "recorded_at": a.recorded_at,
        "idempotency_key": a.idempotency_key,
        "corrects_id": a.corrects_id,
        "is_corrected": corrected,
        "timing": timing_,
    }


def board_out(b: queries.Board) -> dict[str, Any]:
    return {
        "unit_id": b.unit.pk if b.unit else None,
        "at": b.at,
        "counts": b.counts,
        "items": [{"dose": dose_out(v), "nurse": v.nurse} for v in b.items()],
    }


def policy_out(site: Site) -> dict[str, Any]:
    row = timing.policy_row(site)
    return {
        "site_id": site.pk,
        "time_critical_minutes": row.time_critical_minutes,
        "more_than_daily_minutes": row.more_than_daily_minutes,
        "daily_or_less_minutes": row.daily_or_less_minutes,
        "due_soon_minutes": row.due_soon_minutes,
        "citation": row.citation,
        "time_critical_drugs": timing.time_critical_names(site),
        "version": row.version,
    }


# --- orders ---------------------------------------------------------------------------


class OrderFilter(Schema):
    stay_id: int | None = None
    status: str | None = None


@router.get("/orders", response=list[schemas.OrderRead], summary="Medication orders (by stay)")
@paginate(Page)
def list_orders(request: HttpRequest, filters: Query[OrderFilter]):  # type: ignore[no-untyped-def]
    found = list(queries.orders(request.user, stay_id=filters.stay_id, status=filters.status))
    earliest = queries.prn_earliest(found)
    if filters.stay_id is not None and found:
        audit.log_patient_view(request.user, found[0])
    return [order_out(o, earliest.get(o.pk)) for o in found]


@router.post("/orders", response={201: schemas.OrderRead, **ERRORS}, summary="Enter a medication order")
def create_order(request: HttpRequest, data: schemas.OrderCreate):  # type: ignore[no-untyped-def]
    return 201, order_out(services.create_order(request.user, data))


def _order(request: HttpRequest, order_id: int) -> MedicationOrder:
    return scoping.get_scoped(
        MedicationOrder.objects.select_related("stay__patient", "stay__unit__site"),
        request.user,
        "medications.view",
        pk=order_id,
    )


@router.get("/orders/{order_id}", response={200: schemas.OrderRead, **ERRORS})
def get_order(request: HttpRequest, order_id: int):  # type: ignore[no-untyped-def]
    order = _order(request, order_id)
    audit.log_patient_view(request.user, order)
    return order_out(order, queries.prn_earliest([order]).get(order.pk))


@router.patch(
    "/orders/{order_id}",
    response={200: schemas.OrderRead, **ERRORS},
    summary="Change an order: the doses still to come are regenerated",
)
def change_order(request: HttpRequest, order_id: int, data: schemas.OrderChange):  # type: ignore[no-untyped-def]
    services.change_order(request.user, order_id, data)
    return order_out(_order(request, order_id))


@router.post("/orders/{order_id}/stop", response={200: schemas.OrderRead, **ERRORS}, summary="Stop an order")
def stop_order(request: HttpRequest, order_id: int, data: schemas.OrderStop):  # type: ignore[no-untyped-def]
    services.stop_order(request.user, order_id, data)
    return order_out(_order(request, order_id))


@router.post(
    "/orders/{prn_order_id}/administrations",
    response={200: schemas.AdministrationRead, 201: schemas.AdministrationRead, **ERRORS},
    summary="Record an as-needed (PRN) dose (minimum interval enforced)",
)
def record_prn(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    prn_order_id: int,
    data: schemas.AdministrationCreate,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
):
    admin, created = services.record_prn(request.user, prn_order_id, data, idempotency_key=idempotency_key)
    return (201 if created else 200), admin_out(admin)


# --- doses and administrations ------------------------------------------------------


class DoseFilter(Schema):
    unit_id: int | None = None
    stay_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@router.get("/doses", response=list[schemas.DoseRead], summary="Scheduled doses with their status now")
@paginate(Page)
def list_doses(request: HttpRequest, filters: Query[DoseFilter]):  # type: ignore[no-untyped-def]
    now = clock.now()
    if filters.stay_id is not None:
        stay = queries.stay_for(request.user, filters.stay_id)
        audit.log_patient_view(request.user, stay)
        views = queries.stay_doses(request.user, stay.pk, now=now, since=filters.since, until=filters.until)
        return [dose_out(v) for v in views]
    if filters.unit_id is not None:
        return [dose_out(v) for v in queries.board(request.user, filters.unit_id, now).items()]
    return []


@router.get("/doses/{dose_id}", response={200: schemas.DoseRead, **ERRORS})
def get_dose(request: HttpRequest, dose_id: int):  # type: ignore[no-untyped-def]
    view = queries.dose_view(request.user, dose_id)
    audit.log_patient_view(request.user, view.dose)
    return dose_out(view)


@router.post(
    "/doses/{dose_id}/administrations",
    response={200: schemas.AdministrationRead, 201: schemas.AdministrationRead, **ERRORS},
    summary="Record a dose given, held or refused (idempotent with Idempotency-Key)",
    description="201 when recorded; 200 when the same Idempotency-Key was already recorded (a retry); "
    "409 when the dose is already documented by another recording; 422 when one of the five rights fails.",
)
def record_administration(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    dose_id: int,
    data: schemas.AdministrationCreate,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
):
    admin, created = services.record_administration(request.user, dose_id, data, idempotency_key=idempotency_key)
    return (201 if created else 200), admin_out(admin)


@router.get("/administrations", response=list[schemas.AdministrationRead], summary="Administrations of a stay")
@paginate(Page)
def list_administrations(request: HttpRequest, stay_id: int | None = None, order_id: int | None = None):  # type: ignore[no-untyped-def]
    found = list(queries.administrations(request.user, stay_id=stay_id, order_id=order_id))
    corrected = queries.corrected_ids(found)
    return [admin_out(a, a.pk in corrected) for a in found]


@router.get("/administrations/{administration_id}", response={200: schemas.AdministrationRead, **ERRORS})
def get_administration(request: HttpRequest, administration_id: int):  # type: ignore[no-untyped-def]
    admin = scoping.get_scoped(
        Administration.objects.select_related("dose"), request.user, "medications.view", pk=administration_id
    )
    audit.log_patient_view(request.user, admin)
    return admin_out(admin, admin.pk in queries.corrected_ids([admin]))


@router.post(
    "/administrations/{administration_id}/entered-in-error",
    response={201: schemas.AdministrationRead, **ERRORS},
    summary="Correct a recording: a new entered-in-error event (the original is never edited)",
)
def entered_in_error(request: HttpRequest, administration_id: int, data: schemas.EnteredInError):  # type: ignore[no-untyped-def]
    return 201, admin_out(services.mark_entered_in_error(request.user, administration_id, data))


# --- board, late doses, policy ------------------------------------------------------


@router.get(
    "/board/units/{unit_id}", response={200: schemas.MedicationBoardRead, **ERRORS}, summary="A unit's medication pass"
)
def unit_board(request: HttpRequest, unit_id: int, nurse_id: int | None = None):  # type: ignore[no-untyped-def]
    nurse = None
    if nurse_id is not None:
        from caredesk.workforce.models import StaffMember

        nurse = StaffMember.objects.filter(pk=nurse_id).first()
    return board_out(queries.board(request.user, unit_id, clock.now(), nurse=nurse))


@router.get(
    "/board/mine", response={200: schemas.MedicationBoardRead, **ERRORS}, summary="My patients' medication pass"
)
def my_board(request: HttpRequest):  # type: ignore[no-untyped-def]
    return board_out(queries.my_board(request.user, clock.now()))


class LateFilter(Schema):
    since: datetime | None = None
    until: datetime | None = None
    unit_id: int | None = None
    site_id: int | None = None
    kind: str | None = None


class LatePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[schemas.DoseRead]


@router.get(
    "/late-doses",
    response={200: LatePage, **ERRORS},
    summary="Late, missed and wrong-time doses (default: the last 24 hours)",
    description="kind: late, missed or wrong_time; default all. Paginated with page and page_size (max 200).",
)
def late_doses(request: HttpRequest, filters: Query[LateFilter], page: int = 1, page_size: int = 50):  # type: ignore[no-untyped-def]
    page = max(page, 1)
    page_size = min(max(page_size, 1), 200)
    total, views = queries.late_doses(
        request.user,
        since=filters.since,
        until=filters.until,
        unit_id=filters.unit_id,
        site_id=filters.site_id,
        kind=filters.kind,
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    return {"count": total, "page": page, "page_size": page_size, "items": [dose_out(v) for v in views]}


@router.get("/policy/{site_id}", response={200: schemas.TimingPolicyRead, **ERRORS}, summary="A site's timing policy")
def get_policy(request: HttpRequest, site_id: int):  # type: ignore[no-untyped-def]
    site = scoping.get_scoped(Site.objects.all(), request.user, "medications.view", pk=site_id)
    return policy_out(site)


@router.patch(
    "/policy/{site_id}",
    response={200: schemas.TimingPolicyRead, **ERRORS},
    summary="Make a site's timing windows stricter; set its time-critical list",
)
def update_policy(request: HttpRequest, site_id: int, data: schemas.TimingPolicyUpdate):  # type: ignore[no-untyped-def]
    services.update_policy(request.user, site_id, data)
    return policy_out(Site.objects.get(pk=site_id))
