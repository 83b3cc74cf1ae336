"""Staff records, employment events, credentials, work rules and requirements
over the JSON API. Pay fields appear only for holders of workforce.view_pay
on the record's site (StaffPayRead); everyone else gets StaffRead."""

import base64
import binascii
import json
from datetime import date, datetime, timedelta
from typing import Any

import pydantic
from django.core.files.base import ContentFile
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from caredesk.core import clock, errors, scoping
from caredesk.core.api_support import ERRORS, Page
from caredesk.core.roles import Discipline
from caredesk.org.models import Unit
from caredesk.workforce import imports, qualification, queries, schemas, services
from caredesk.workforce.models import CredentialType, StaffStatus

router = Router(tags=["workforce"])


# --- staff ----------------------------------------------------------------------------


class StaffFilter(Schema):
    site_id: int | None = None
    unit_id: int | None = None
    discipline: Discipline | None = None
    status: StaffStatus | None = None
    q: str | None = None


class _StaffOut:
    """A lazy sequence for the paginator: each record as StaffPayRead or StaffRead,
    depending on whether the caller may see pay on that record's site."""

    def __init__(self, user: Any, qs: Any) -> None:
        self.user, self.qs = user, qs

    def count(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, window: slice) -> list[schemas.StaffRead]:
        return [staff_out(self.user, s) for s in self.qs[window]]


def staff_out(user: Any, record: Any) -> schemas.StaffRead:
    if queries.may_see_pay(user, record):
        return schemas.StaffPayRead.from_orm(record)
    return schemas.StaffRead.from_orm(record)


StaffOut = schemas.StaffPayRead | schemas.StaffRead


@router.get("/staff", response=list[StaffOut], summary="Staff records you can see (pay only where you may see it)")
@paginate(Page)
def list_staff(request: HttpRequest, filters: Query[StaffFilter]):  # type: ignore[no-untyped-def]
    qs = queries.staff(
        request.user,
        site_id=filters.site_id,
        unit_id=filters.unit_id,
        discipline=filters.discipline,
        status=filters.status,
        search=filters.q,
    )
    return _StaffOut(request.user, qs)


@router.post("/staff", response={201: StaffOut, **ERRORS}, summary="Open the staff record of an existing log-in")
def create_staff(request: HttpRequest, data: schemas.StaffCreate):  # type: ignore[no-untyped-def]
    record = services.create_staff(request.user, data)
    return 201, staff_out(request.user, queries.staff_member(request.user, record.pk))


_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": schemas.ImportUpload.model_json_schema()},
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


@router.post(
    "/staff/import",
    response={200: schemas.ImportReportRead, **ERRORS},
    summary="Import staff and credentials from CSV or Excel (all or nothing)",
    description=(
        "Send the file as multipart/form-data (field `file`) or as JSON (`file_name`, `file_base64`). "
        "Columns of a staff file: "
        + ", ".join(imports.STAFF_COLUMNS)
        + ". Columns of a credentials file: "
        + ", ".join(imports.CREDENTIAL_COLUMNS)
        + ". A workbook may hold both, on sheets named staff and "
        "credentials. With dry_run=true (the default) nothing is written and the report says what would be "
        "refused; with dry_run=false every row is written, or none: if a row is refused the answer is 422 "
        "naming each refused row and column."
    ),
    openapi_extra=_IMPORT_BODY,
)
def import_staff(request: HttpRequest, site_id: int, dry_run: bool = True):  # type: ignore[no-untyped-def]
    name, content = _uploaded(request, "file", schemas.ImportUpload, "file_name", "file_base64")
    report = imports.import_file(request.user, site_id, name, content, dry_run=dry_run)
    if not dry_run and not report.ok:
        raise report.as_error()
    return report_out(report)


def report_out(report: imports.ImportReport) -> schemas.ImportReportRead:
    return schemas.ImportReportRead(
        dry_run=report.dry_run,
        written=report.written,
        ok=report.ok,
        staff_rows=report.staff_rows,
        credential_rows=report.credential_rows,
        refused_rows=report.refused_rows,
        problems=[schemas.ImportProblem(column=p.column, message=p.message) for p in report.problems],
        rows=[
            schemas.ImportRowRead(
                sheet=r.sheet,
                row=r.row,
                key=r.key,
                ok=r.ok,
                problems=[schemas.ImportProblem(column=p.column, message=p.message) for p in r.problems],
            )
            for r in report.rows
        ],
    )


def _uploaded(
    request: HttpRequest, file_field: str, shape: type[pydantic.BaseModel], name_field: str, data_field: str
) -> tuple[str, bytes]:
    """A file from a multipart form, or from JSON {name, base64}."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get(file_field)
        if upload is None:
            raise errors.ValidationFailed.field(file_field, _("attach the file"))
        return str(upload.name), upload.read()
    try:
        raw = json.loads(request.body or b"{}")
    except ValueError:
        raise errors.ServiceError(_("The request body is not valid JSON.")) from None
    try:
        data = shape.model_validate(raw)
    except pydantic.ValidationError as exc:
        fields: dict[str, list[str]] = {}
        for item in exc.errors():
            fields.setdefault(".".join(str(p) for p in item["loc"]) or "__all__", []).append(item["msg"])
        first = next(iter(fields.items()))
        raise errors.ValidationFailed(f"{first[0]}: {first[1][0]}", fields=fields) from None
    try:
        content = base64.b64decode(getattr(data, data_field), validate=True)
    except (binascii.Error, ValueError):
        raise errors.ValidationFailed.field(data_field, _("not valid base64")) from None
    return str(getattr(data, name_field)), content


@router.get("/staff/{staff_id}", response={200: StaffOut, **ERRORS})
def get_staff(request: HttpRequest, staff_id: int):  # type: ignore[no-untyped-def]
    return staff_out(request.user, queries.staff_member(request.user, staff_id))


@router.patch("/staff/{staff_id}", response={200: StaffOut, **ERRORS}, summary="Edit details that are not events")
def update_staff(request: HttpRequest, staff_id: int, data: schemas.StaffUpdate):  # type: ignore[no-untyped-def]
    services.update_staff(request.user, staff_id, data)
    return staff_out(request.user, queries.staff_member(request.user, staff_id))


class _EventsOut:
    """Events for the paginator, with pay figures removed unless the caller may see pay."""

    def __init__(self, qs: Any, may_see_pay: bool) -> None:
        self.qs, self.pay = qs, may_see_pay

    def count(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, window: slice) -> list[schemas.EmploymentEventRead]:
        out = []
        for event in self.qs[window]:
            shown = schemas.EmploymentEventRead.from_orm(event)
            shown.changes = queries.redacted_changes(shown.changes, self.pay)
            out.append(shown)
        return out


@router.get(
    "/staff/{staff_id}/events",
    response=list[schemas.EmploymentEventRead],
    summary="Employment history (pay figures only where you may see pay)",
)
@paginate(Page)
def list_events(request: HttpRequest, staff_id: int):  # type: ignore[no-untyped-def]
    record = queries.staff_member(request.user, staff_id)
    return _EventsOut(queries.events(request.user, record.pk), queries.may_see_pay(request.user, record))


@router.post(
    "/staff/{staff_id}/events",
    response={201: schemas.EmploymentEventRead, **ERRORS},
    summary="Record a promotion, transfer, change of FTE or rate, leave, or termination",
    description=(
        "A termination revokes the person's log-in and API tokens at its effective time "
        "(at once if that time has passed)."
    ),
)
def record_event(request: HttpRequest, staff_id: int, data: schemas.EmploymentEventIn):  # type: ignore[no-untyped-def]
    event = services.record_employment_event(request.user, staff_id, data.to_create())
    event.refresh_from_db()
    shown = schemas.EmploymentEventRead.from_orm(event)
    shown.changes = queries.redacted_changes(shown.changes, queries.may_see_pay(request.user, event.staff))
    return 201, shown


@router.get("/staff/{staff_id}/credentials", response=list[schemas.CredentialRead])
@paginate(Page)
def list_staff_credentials(request: HttpRequest, staff_id: int):  # type: ignore[no-untyped-def]
    return queries.credentials(request.user, staff_id=staff_id)


class MayWorkQuery(Schema):
    unit_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    task: str | None = None


@router.get(
    "/staff/{staff_id}/may-work",
    response={200: schemas.VerdictRead, **ERRORS},
    summary="May this person do this work at this time?",
    description="Defaults: the person's home unit, from now for 12 hours, any task. Times must carry a zone.",
)
def may_work(request: HttpRequest, staff_id: int, params: Query[MayWorkQuery]):  # type: ignore[no-untyped-def]
    record = queries.staff_member(request.user, staff_id)
    if params.unit_id is not None:
        unit = scoping.get_scoped(Unit.objects.select_related("site"), request.user, "org.view_unit", pk=params.unit_id)
    elif record.home_unit is not None:
        unit = record.home_unit
    else:
        raise errors.ValidationFailed.field("unit_id", _("this person has no home unit: name the unit"))
    start = params.start or clock.now()
    end = params.end or start + timedelta(hours=12)
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None:
            raise errors.ValidationFailed.field(name, _("give the time with its zone, e.g. 2026-05-01T07:00:00-04:00"))
    if end <= start:
        raise errors.ValidationFailed.field("end", _("the work must end after it starts"))
    verdict = qualification.may_work(record, unit=unit, start=start, end=end, task=params.task or None)
    return schemas.VerdictRead(
        ok=verdict.ok, reasons=list(verdict.reasons), missing_credentials=list(verdict.missing_credentials)
    )


# --- credentials ------------------------------------------------------------------------


class CredentialFilter(Schema):
    staff_id: int | None = None
    include_revoked: bool = False


@router.get("/credentials", response=list[schemas.CredentialRead], summary="Credentials you can see")
@paginate(Page)
def list_credentials(request: HttpRequest, filters: Query[CredentialFilter]):  # type: ignore[no-untyped-def]
    return queries.credentials(request.user, staff_id=filters.staff_id, include_revoked=filters.include_revoked)


@router.post("/credentials", response={201: schemas.CredentialRead, **ERRORS}, summary="Record a credential")
def add_credential(request: HttpRequest, data: schemas.CredentialCreate):  # type: ignore[no-untyped-def]
    cred = services.add_credential(request.user, data)
    return 201, queries.credential(request.user, cred.pk)


class DueFilter(Schema):
    site_id: int | None = None
    unit_id: int | None = None


class DueRead(Schema):
    credential_id: int
    staff_id: int
    staff_name: str
    type_code: str
    type_name: str
    expires_on: date | None
    state: str
    days_left: int


class MissingRead(Schema):
    staff_id: int
    staff_name: str
    home_unit_id: int | None
    missing_credentials: list[str]
    reasons: list[str]


class DueReport(Schema):
    expiring: list[DueRead]
    missing: list[MissingRead]


@router.get(
    "/credentials/due",
    response={200: DueReport, **ERRORS},
    summary="Credentials expired or expiring within 90 days, and people missing a required credential",
)
def credentials_due(request: HttpRequest, filters: Query[DueFilter]):  # type: ignore[no-untyped-def]
    scoping.require_anywhere(request.user, "workforce.view_staff")
    due = queries.credentials_due(request.user, site_id=filters.site_id, unit_id=filters.unit_id)
    missing = queries.missing_requirements(request.user, site_id=filters.site_id, unit_id=filters.unit_id)
    return DueReport(
        expiring=[
            DueRead(
                credential_id=d.credential.pk,
                staff_id=d.credential.staff_id,
                staff_name=str(d.credential.staff),
                type_code=d.credential.type.code,
                type_name=d.credential.type.name,
                expires_on=d.credential.expires_on,
                state=d.state,
                days_left=d.days_left,
            )
            for d in due
        ],
        missing=[
            MissingRead(
                staff_id=m.staff.pk,
                staff_name=str(m.staff),
                home_unit_id=m.staff.home_unit_id,
                missing_credentials=list(m.credential_codes),
                reasons=list(m.reasons),
            )
            for m in missing
        ],
    )


@router.get("/credentials/types", response=list[schemas.CredentialTypeRead], summary="Kinds of credential")
@paginate(Page)
def list_credential_types(request: HttpRequest):  # type: ignore[no-untyped-def]
    return CredentialType.objects.all()


@router.get(
    "/credentials/requirements", response=list[schemas.RequirementRead], summary="Which work requires which credential"
)
@paginate(Page)
def list_requirements(request: HttpRequest, include_inactive: bool = False):  # type: ignore[no-untyped-def]
    return queries.requirements(request.user, include_inactive=include_inactive)


@router.post("/credentials/requirements", response={201: schemas.RequirementRead, **ERRORS})
def create_requirement(request: HttpRequest, data: schemas.RequirementCreate):  # type: ignore[no-untyped-def]
    return 201, services.create_requirement(request.user, data)


@router.get("/credentials/requirements/{requirement_id}", response={200: schemas.RequirementRead, **ERRORS})
def get_requirement(request: HttpRequest, requirement_id: int):  # type: ignore[no-untyped-def]
    return queries.get_or_404(queries.requirements(request.user, include_inactive=True), requirement_id)


@router.patch(
    "/credentials/requirements/{requirement_id}",
    response={200: schemas.RequirementRead, **ERRORS},
    summary="Edit or deactivate a requirement",
)
def update_requirement(request: HttpRequest, requirement_id: int, data: schemas.RequirementUpdate):  # type: ignore[no-untyped-def]
    return services.update_requirement(request.user, requirement_id, data)


@router.get("/credentials/{credential_id}", response={200: schemas.CredentialRead, **ERRORS})
def get_credential(request: HttpRequest, credential_id: int):  # type: ignore[no-untyped-def]
    return queries.credential(request.user, credential_id)


@router.patch(
    "/credentials/{credential_id}", response={200: schemas.CredentialRead, **ERRORS}, summary="Correct or renew"
)
def update_credential(request: HttpRequest, credential_id: int, data: schemas.CredentialUpdate):  # type: ignore[no-untyped-def]
    services.update_credential(request.user, credential_id, data)
    return queries.credential(request.user, credential_id)


@router.post("/credentials/{credential_id}/revoke", response={200: schemas.CredentialRead, **ERRORS})
def revoke_credential(request: HttpRequest, credential_id: int, data: schemas.CredentialRevoke):  # type: ignore[no-untyped-def]
    services.revoke_credential(request.user, credential_id, reason=data.reason)
    return queries.credential(request.user, credential_id)


_DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": schemas.DocumentUpload.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"document": {"type": "string", "format": "binary"}},
                    "required": ["document"],
                }
            },
        },
    }
}


@router.post(
    "/credentials/{credential_id}/document",
    response={200: schemas.CredentialRead, **ERRORS},
    summary="Attach the scanned document (PDF, PNG or JPEG, 5 MB at most)",
    description="multipart/form-data with the file in `document`, or JSON with document_name and document_base64.",
    openapi_extra=_DOCUMENT_BODY,
)
def upload_document(request: HttpRequest, credential_id: int):  # type: ignore[no-untyped-def]
    queries.credential(request.user, credential_id)  # 404 before reading anything
    name, content = _uploaded(request, "document", schemas.DocumentUpload, "document_name", "document_base64")
    services.attach_credential_document(request.user, credential_id, ContentFile(content, name=name))
    return queries.credential(request.user, credential_id)


@router.get(
    "/credentials/{credential_id}/document",
    response={200: None, **ERRORS},
    summary="Download the attached document (PDF, PNG or JPEG, as an attachment)",
)
def download_document(request: HttpRequest, credential_id: int):  # type: ignore[no-untyped-def]
    return document_response(queries.credential(request.user, credential_id))


def document_response(cred: Any) -> FileResponse:
    if not cred.document:
        raise errors.NotFound()
    try:
        handle = cred.document.open("rb")
    except (FileNotFoundError, OSError):
        raise errors.NotFound() from None
    ext = cred.document.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{cred.type.code}-{cred.staff.employee_number}.{ext}",
        content_type=services.document_content_type(cred.document.name),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- work-rule packs ----------------------------------------------------------------------


@router.get("/work-rules", response=list[schemas.WorkRulesRead], summary="Work-rule packs (shared and your sites' own)")
@paginate(Page)
def list_work_rules(request: HttpRequest, include_inactive: bool = False):  # type: ignore[no-untyped-def]
    return queries.work_rules(request.user, include_inactive=include_inactive)


@router.post("/work-rules", response={201: schemas.WorkRulesRead, **ERRORS}, summary="Create a work-rule pack")
def create_work_rules(request: HttpRequest, data: schemas.WorkRulesCreate):  # type: ignore[no-untyped-def]
    return 201, services.create_work_rules(request.user, data)


@router.get("/work-rules/{work_rules_id}", response={200: schemas.WorkRulesRead, **ERRORS})
def get_work_rules(request: HttpRequest, work_rules_id: int):  # type: ignore[no-untyped-def]
    return queries.get_or_404(queries.work_rules(request.user, include_inactive=True), work_rules_id)


@router.patch(
    "/work-rules/{work_rules_id}", response={200: schemas.WorkRulesRead, **ERRORS}, summary="Edit or deactivate a pack"
)
def update_work_rules(request: HttpRequest, work_rules_id: int, data: schemas.WorkRulesUpdate):  # type: ignore[no-untyped-def]
    return services.update_work_rules(request.user, work_rules_id, data)
