"""Publishing over the JSON API: publish (refused while a hard rule is broken),
the published versions, what is published (with its coverage per shift and
skill, as on the published grid) and the changes since, re-plan, my shifts."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from caredesk.core import errors
from caredesk.core.api_support import ERRORS
from caredesk.scheduling.api.rosters import coverage_fields
from caredesk.scheduling.models import Roster, RosterVersion
from caredesk.scheduling.queries import publishing as q
from caredesk.scheduling.schemas import publishing as schemas
from caredesk.scheduling.services import publishing as services

router = Router(tags=["scheduling"])


def version_out(v: RosterVersion) -> dict[str, Any]:
    return {
        "id": v.pk,
        "roster_id": v.roster_id,
        "number": v.number,
        "published_at": v.published_at,
        "published_by": str(v.published_by),
        "note": v.note,
        "entries": len(v.entries),
    }


def status_out(roster: Roster, *, with_changes: bool) -> dict[str, Any]:
    published = q.grid(roster, q.published_rows(roster))["coverage_rows"] if roster.published_version else []
    return {
        "roster_id": roster.pk,
        "status": roster.status,
        "version": roster.version,
        "published_version": roster.published_version,
        "published_at": roster.published_at,
        "has_unpublished_changes": roster.has_unpublished_changes,
        "changes": q.diff(roster) if with_changes else [],
        **coverage_fields(published),
    }


@router.post(
    "/rosters/{roster_id}/publish",
    response={201: schemas.PublishedVersionRead, **ERRORS},
    summary="Publish the roster (refused while a hard rule is broken)",
)
def publish(request: HttpRequest, roster_id: int, data: schemas.PublishRequest):  # type: ignore[no-untyped-def]
    version = services.publish(request.user, roster_id, expected_version=data.version, note=data.note)
    return 201, version_out(version)


@router.get("/rosters/{roster_id}/publication", response={200: schemas.PublishStatusRead, **ERRORS})
def publication(request: HttpRequest, roster_id: int):  # type: ignore[no-untyped-def]
    """What is published and its coverage per shift and skill, and (for managers) who changes
    on which days in the working copy."""
    roster = q.roster_for_viewer(request.user, roster_id)
    return status_out(roster, with_changes=q.may_manage(request.user, roster))


@router.get("/rosters/{roster_id}/published-versions", response={200: list[schemas.PublishedVersionRead], **ERRORS})
def published_versions(request: HttpRequest, roster_id: int):  # type: ignore[no-untyped-def]
    roster = q.roster_for_viewer(request.user, roster_id)
    return [version_out(v) for v in q.versions(roster)]


@router.post(
    "/rosters/{roster_id}/replan", response={202: schemas.ReplanRead, **ERRORS}, summary="Re-plan after a change"
)
def replan(request: HttpRequest, roster_id: int, data: schemas.ReplanRequest):  # type: ignore[no-untyped-def]
    run = services.replan(request.user, roster_id, expected_version=data.version)
    return 202, {"run_id": getattr(run, "pk", None), "status": str(getattr(run, "status", ""))}


class MyShiftsFilter(Schema):
    start: date | None = None
    end: date | None = None


@router.get("/my-shifts", response={200: list[schemas.MyShiftRead], **ERRORS}, summary="My published shifts")
def my_shifts(request: HttpRequest, filters: Query[MyShiftsFilter]):  # type: ignore[no-untyped-def]
    if not request.user.is_authenticated:
        raise errors.NotAuthenticated()
    staff = q.own_staff(request.user)
    if staff is None:
        return []
    return [
        {
            "roster_id": s.roster_id,
            "version": s.version,
            "unit_id": s.unit_id,
            "unit": s.unit_name,
            "date": s.date,
            "pattern_id": s.pattern_id,
            "shift_code": s.pattern_code,
            "shift": s.pattern_name,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "entry_id": s.entry_id,
        }
        for s in q.published_shifts(staff, start=filters.start, end=filters.end)
    ]
