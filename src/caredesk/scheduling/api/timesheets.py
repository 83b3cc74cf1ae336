"""Timesheets over the JSON API: entries (list, create, correct, approve,
reject), call-outs, import from a time clock's file, period summaries."""

import base64
import binascii
import json
from datetime import date

import pydantic
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from caredesk.core import errors
from caredesk.core.api_support import ERRORS, Page
from caredesk.scheduling import imports
from caredesk.scheduling.models import TimesheetStatus
from caredesk.scheduling.queries import timesheets as queries
from caredesk.scheduling.schemas import timesheets as schemas
from caredesk.scheduling.services import timesheets as services

router = Router(tags=["scheduling"])


class TimesheetFilter(Schema):
    unit_id: int | None = None
    staff_id: int | None = None
    start: date | None = None
    end: date | None = None
    status: TimesheetStatus | None = None
    mine: bool = False


@router.get(
    "/timesheets/entries",
    response=list[schemas.TimesheetEntryRead],
    summary="Timesheet entries: your own, and those of the units you manage",
)
@paginate(Page)
def list_entries(request: HttpRequest, filters: Query[TimesheetFilter]):  # type: ignore[no-untyped-def]
    qs = queries.entries(
        request.user,
        unit_id=filters.unit_id,
        staff_id=filters.staff_id,
        start=filters.start,
        end=filters.end,
        status=filters.status,
        mine=filters.mine,
    )
    return [queries.entry_out(e) for e in qs]


@router.post(
    "/timesheets/entries",
    response={201: schemas.TimesheetEntryRead, **ERRORS},
    summary="Enter hours worked (local times of the site; your own, or anyone's on a unit you manage)",
)
def create_entry(request: HttpRequest, data: schemas.TimesheetEntryCreate):  # type: ignore[no-untyped-def]
    entry = services.record_time(request.user, data)
    return 201, queries.entry_out(queries.entry(request.user, entry.pk))


@router.get("/timesheets/entries/{timesheet_entry_id}", response={200: schemas.TimesheetEntryRead, **ERRORS})
def get_entry(request: HttpRequest, timesheet_entry_id: int):  # type: ignore[no-untyped-def]
    return queries.entry_out(queries.entry(request.user, timesheet_entry_id))


@router.patch(
    "/timesheets/entries/{timesheet_entry_id}",
    response={200: schemas.TimesheetEntryRead, **ERRORS},
    summary="Correct a submitted entry (its owner or a coordinator; with its version)",
)
def update_entry(request: HttpRequest, timesheet_entry_id: int, data: schemas.TimesheetEntryUpdate):  # type: ignore[no-untyped-def]
    services.update_entry(request.user, timesheet_entry_id, data)
    return queries.entry_out(queries.entry(request.user, timesheet_entry_id))


@router.post(
    "/timesheets/entries/{timesheet_entry_id}/approve",
    response={200: schemas.TimesheetEntryRead, **ERRORS},
    summary="Approve a submitted entry (scheduling.manage; not one's own)",
)
def approve_entry(request: HttpRequest, timesheet_entry_id: int, data: schemas.TimesheetDecision):  # type: ignore[no-untyped-def]
    services.approve(request.user, timesheet_entry_id, data)
    return queries.entry_out(queries.entry(request.user, timesheet_entry_id))


@router.post(
    "/timesheets/entries/{timesheet_entry_id}/reject",
    response={200: schemas.TimesheetEntryRead, **ERRORS},
    summary="Reject a submitted entry with the reason (the person is told)",
)
def reject_entry(request: HttpRequest, timesheet_entry_id: int, data: schemas.TimesheetRejection):  # type: ignore[no-untyped-def]
    services.reject(request.user, timesheet_entry_id, data)
    return queries.entry_out(queries.entry(request.user, timesheet_entry_id))


@router.post(
    "/timesheets/call-outs",
    response={201: schemas.TimesheetEntryRead, **ERRORS},
    summary="Record that someone did not come (a call-out); re-planning starts from here",
)
def create_call_out(request: HttpRequest, data: schemas.TimesheetCallOut):  # type: ignore[no-untyped-def]
    entry = services.record_call_out(request.user, data)
    return 201, queries.entry_out(queries.entry(request.user, entry.pk))


_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": schemas.TimesheetUpload.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def _uploaded(request: HttpRequest) -> tuple[str, bytes]:
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise errors.ValidationFailed.field("file", _("attach the file"))
        return str(upload.name), upload.read()
    try:
        raw = json.loads(request.body or b"{}")
    except ValueError:
        raise errors.ServiceError(_("The request body is not valid JSON.")) from None
    try:
        data = schemas.TimesheetUpload.model_validate(raw)
    except pydantic.ValidationError as exc:
        fields: dict[str, list[str]] = {}
        for item in exc.errors():
            fields.setdefault(".".join(str(p) for p in item["loc"]) or "__all__", []).append(item["msg"])
        first = next(iter(fields.items()))
        raise errors.ValidationFailed(f"{first[0]}: {first[1][0]}", fields=fields) from None
    try:
        content = base64.b64decode(data.file_base64, validate=True)
    except (binascii.Error, ValueError):
        raise errors.ValidationFailed.field("file_base64", _("not valid base64")) from None
    return data.file_name, content


def report_out(report: imports.TimesheetImportReport) -> schemas.TimesheetImportReport:
    return schemas.TimesheetImportReport(
        dry_run=report.dry_run,
        written=report.written,
        ok=report.ok,
        rows=len(report.rows),
        refused_rows=report.refused_rows,
        problems=[schemas.TimesheetImportProblem(column=p.column, message=p.message) for p in report.problems],
        refused=[
            schemas.TimesheetImportRow(
                row=r.row,
                key=r.key,
                ok=r.ok,
                problems=[schemas.TimesheetImportProblem(column=p.column, message=p.message) for p in r.problems],
            )
            for r in report.refused
        ],
    )


@router.post(
    "/timesheets/import",
    response={200: schemas.TimesheetImportReport, **ERRORS},
    summary="Import hours from a time clock's CSV or Excel file (all or nothing)",
    description=(
        "Send the file as multipart/form-data (field `file`) or as JSON (`file_name`, `file_base64`). Columns: "
        + ", ".join(imports.COLUMNS)
        + ". Dates YYYY-MM-DD, times HH:MM in the site's local time (a clock-out at or before the clock-in is "
        "the next morning). With dry_run=true (the default) nothing is written; with dry_run=false every row "
        "is written, or none: if a row is refused the answer is 422 naming each refused row and column."
    ),
    openapi_extra=_IMPORT_BODY,
)
def import_entries(request: HttpRequest, site_id: int, dry_run: bool = True):  # type: ignore[no-untyped-def]
    name, content = _uploaded(request)
    report = imports.import_file(request.user, site_id, name, content, dry_run=dry_run)
    if not dry_run and not report.ok:
        raise report.as_error()
    return report_out(report)


@router.get(
    "/timesheets/people/{timesheet_staff_id}/period",
    response={200: schemas.TimesheetPeriodRead, **ERRORS},
    summary="A person's pay period: hours, overtime by their work-rule pack, warnings (cost with view_cost)",
)
def person_period(request: HttpRequest, timesheet_staff_id: int, day: date | None = None):  # type: ignore[no-untyped-def]
    return queries.person_period_out(queries.person_period(request.user, timesheet_staff_id, day))


@router.get(
    "/timesheets/units/{unit_id}/period",
    response={200: schemas.TimesheetUnitRead, **ERRORS},
    summary="A unit's pay period: hours, overtime, late arrivals, call-outs, pending (cost with view_cost)",
)
def unit_period(request: HttpRequest, unit_id: int, day: date | None = None):  # type: ignore[no-untyped-def]
    return queries.unit_period_out(queries.unit_period(request.user, unit_id, day))
