"""Staff requests over the JSON API: one's own (list, ask, cancel) and a unit's
queue for the coordinator (list, decide)."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from caredesk.core import errors
from caredesk.core.api_support import ERRORS, Page
from caredesk.scheduling.models import StaffRequest
from caredesk.scheduling.queries import requests as queries
from caredesk.scheduling.schemas import requests as schemas
from caredesk.scheduling.services import requests as services

router = Router(tags=["scheduling"])


def request_out(r: StaffRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "staff_id": r.staff_id,
        "staff_name": str(r.staff),
        "unit_id": r.staff.home_unit_id,
        "kind": r.kind,
        "start_date": r.start_date,
        "end_date": r.end_date,
        "pattern_id": r.pattern_id,
        "pattern_code": r.pattern.code if r.pattern_id else None,  # type: ignore[union-attr]
        "reason": r.reason,
        "status": r.status,
        "decided_by_id": r.decided_by_id,
        "decided_at": r.decided_at,
        "decision_reason": r.decision_reason,
        "version": r.version,
    }


@router.get("/requests/mine", response=list[schemas.StaffRequestRead], summary="My requests")
@paginate(Page)
def my_requests(request: HttpRequest) -> Any:
    return [request_out(r) for r in queries.mine(request.user)]


class RequestFilter(Schema):
    unit_id: int | None = None
    status: str | None = None
    kind: str | None = None
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None


@router.get("/requests", response=list[schemas.StaffRequestRead], summary="Requests of the units you manage")
@paginate(Page)
def unit_requests(request: HttpRequest, filters: Query[RequestFilter]) -> Any:
    return [
        request_out(r)
        for r in queries.for_units(
            request.user,
            unit_id=filters.unit_id,
            status=filters.status,
            kind=filters.kind,
            start=filters.from_,
            end=filters.to,
        )
    ]


@router.post("/requests", response={201: schemas.StaffRequestRead, **ERRORS}, summary="Ask for time off or a shift")
def create_request(request: HttpRequest, data: schemas.StaffRequestCreate) -> Any:
    return 201, request_out(services.create_request(request.user, data))


@router.get("/requests/{int:request_id}", response={200: schemas.StaffRequestRead, **ERRORS})
def get_request(request: HttpRequest, request_id: int) -> Any:
    found = queries.visible(request.user, request_id)
    if found is None:
        raise errors.NotFound()
    return request_out(found)


@router.post("/requests/{int:request_id}/cancel", response={200: schemas.StaffRequestRead, **ERRORS})
def cancel_request(request: HttpRequest, request_id: int, data: schemas.StaffRequestCancel) -> Any:
    return request_out(services.cancel_request(request.user, request_id, expected_version=data.version))


@router.post(
    "/requests/{int:request_id}/decide",
    response={200: schemas.StaffRequestDecisionRead, **ERRORS},
    summary="Approve or decline time off (a reason is required to decline)",
)
def decide_request(request: HttpRequest, request_id: int, data: schemas.StaffRequestDecide) -> Any:
    d = services.decide_request(request.user, request_id, data.approve, data.reason, expected_version=data.version)
    return {"request": request_out(d.request), "rostered_dates": d.rostered_dates, "warnings": d.warnings}
