"""Swaps and open shifts over the JSON API."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from caredesk.core import errors, scoping
from caredesk.core.api_support import ERRORS
from caredesk.scheduling.models import OpenShift, SwapRequest
from caredesk.scheduling.queries import publishing as q
from caredesk.scheduling.schemas import publishing as schemas
from caredesk.scheduling.services import swaps as services

router = Router(tags=["scheduling"])


def swap_out(s: SwapRequest) -> dict[str, Any]:
    def shift(e: Any) -> dict[str, Any] | None:
        if e is None:
            return None
        return {"entry_id": e.pk, "date": e.date, "pattern_id": e.pattern_id, "shift": e.pattern.name}

    return {
        "id": s.pk,
        "roster_id": s.roster_id,
        "unit": s.roster.unit.name,
        "status": s.status,
        "requester_id": s.requester_id,
        "requester": str(s.requester),
        "colleague_id": s.colleague_id,
        "colleague": str(s.colleague),
        "given": shift(s.entry),
        "taken": shift(s.their_entry),
        "note": s.note,
        "problems": s.problems or [],
        "decision_reason": s.decision_reason,
        "version": s.version,
    }


def open_out(o: OpenShift) -> dict[str, Any]:
    return {
        "id": o.pk,
        "roster_id": o.roster_id,
        "unit": o.roster.unit.name,
        "date": o.date,
        "pattern_id": o.pattern_id,
        "shift": o.pattern.name,
        "skill": o.skill,
        "required_skills": services.required_skills(o),
        "note": o.note,
        "status": o.status,
        "claimed_by_id": o.claimed_by_id,
        "claimed_by": str(o.claimed_by) if o.claimed_by_id else None,
        "version": o.version,
    }


def _require_user(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise errors.NotAuthenticated()


def _swap(request: HttpRequest, swap_id: int) -> SwapRequest:
    found = q.swaps_visible(request.user).filter(pk=swap_id).first()
    if found is None:
        raise errors.NotFound()
    return found


@router.get("/swaps", response={200: list[schemas.SwapRead], **ERRORS}, summary="My swaps, and the ones I decide")
def list_swaps(request: HttpRequest, status: str | None = None):  # type: ignore[no-untyped-def]
    _require_user(request)
    qs = q.swaps_visible(request.user)
    if status:
        qs = qs.filter(status=status)
    return [swap_out(s) for s in qs[:500]]


@router.post("/swaps", response={201: schemas.SwapRead, **ERRORS}, summary="Propose a swap of one of my shifts")
def propose_swap(request: HttpRequest, data: schemas.SwapPropose):  # type: ignore[no-untyped-def]
    _require_user(request)
    swap = services.propose_swap(request.user, data.entry_id, data.colleague_id, data.their_entry_id, data.note)
    return 201, swap_out(_swap(request, swap.pk))


@router.get("/swaps/{swap_id}", response={200: schemas.SwapRead, **ERRORS})
def get_swap(request: HttpRequest, swap_id: int):  # type: ignore[no-untyped-def]
    _require_user(request)
    return swap_out(_swap(request, swap_id))


@router.post("/swaps/{swap_id}/answer", response={200: schemas.SwapRead, **ERRORS}, summary="Accept or decline")
def answer_swap(request: HttpRequest, swap_id: int, data: schemas.SwapAnswer):  # type: ignore[no-untyped-def]
    _require_user(request)
    services.respond_swap(request.user, swap_id, accept=data.accept, expected_version=data.version, reason=data.reason)
    return swap_out(_swap(request, swap_id))


@router.post("/swaps/{swap_id}/decide", response={200: schemas.SwapRead, **ERRORS}, summary="Approve or decline")
def decide_swap(request: HttpRequest, swap_id: int, data: schemas.SwapDecision):  # type: ignore[no-untyped-def]
    _require_user(request)
    services.decide_swap(request.user, swap_id, approve=data.approve, expected_version=data.version, reason=data.reason)
    return swap_out(_swap(request, swap_id))


@router.post("/swaps/{swap_id}/cancel", response={200: schemas.SwapRead, **ERRORS})
def cancel_swap(request: HttpRequest, swap_id: int):  # type: ignore[no-untyped-def]
    _require_user(request)
    services.cancel_swap(request.user, swap_id)
    return swap_out(_swap(request, swap_id))


def _open(request: HttpRequest, open_shift_id: int) -> OpenShift:
    found = q.open_shifts_visible(request.user).filter(pk=open_shift_id).first()
    if found is None:
        found = (
            scoping.scoped(
                OpenShift.objects.select_related("roster__unit", "pattern", "claimed_by__user"),
                request.user,
                "scheduling.manage",
            )
            .filter(pk=open_shift_id)
            .first()
        )
    if found is None:
        raise errors.NotFound()
    return found


@router.get("/open-shifts", response={200: list[schemas.OpenShiftRead], **ERRORS}, summary="Open shifts")
def list_open_shifts(request: HttpRequest):  # type: ignore[no-untyped-def]
    _require_user(request)
    return [open_out(o) for o in q.open_shifts_visible(request.user)[:500]]


@router.post("/open-shifts", response={201: schemas.OpenShiftRead, **ERRORS}, summary="Offer an open shift")
def post_open_shift(request: HttpRequest, data: schemas.OpenShiftCreate):  # type: ignore[no-untyped-def]
    _require_user(request)
    shift = services.post_open_shift(request.user, data.roster_id, data.date, data.pattern_id, data.skill, data.note)
    return 201, open_out(_open(request, shift.pk))


@router.post("/open-shifts/{open_shift_id}/claim", response={200: schemas.OpenShiftRead, **ERRORS})
def claim_open_shift(request: HttpRequest, open_shift_id: int):  # type: ignore[no-untyped-def]
    _require_user(request)
    services.claim_open_shift(request.user, open_shift_id)
    return open_out(_open(request, open_shift_id))


@router.post("/open-shifts/{open_shift_id}/decide", response={200: schemas.OpenShiftRead, **ERRORS})
def decide_claim(request: HttpRequest, open_shift_id: int, data: schemas.OpenShiftDecision):  # type: ignore[no-untyped-def]
    _require_user(request)
    services.decide_claim(request.user, open_shift_id, approve=data.approve, expected_version=data.version)
    return open_out(_open(request, open_shift_id))


@router.post("/open-shifts/{open_shift_id}/cancel", response={200: schemas.OpenShiftRead, **ERRORS})
def cancel_open_shift(request: HttpRequest, open_shift_id: int, data: schemas.OpenShiftCancel):  # type: ignore[no-untyped-def]
    _require_user(request)
    services.cancel_open_shift(request.user, open_shift_id, expected_version=data.version)
    return open_out(_open(request, open_shift_id))
