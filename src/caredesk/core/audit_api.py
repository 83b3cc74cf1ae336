"""The audit trail over the JSON API (auditor and compliance roles)."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from caredesk.core import scoping
from caredesk.core.api_support import Page
from caredesk.core.audit_queries import AuditFilter, events

router = Router(tags=["audit"])


class AuditEventRead(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    actor_username: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    site_id: int | None
    client_address: str
    channel: str
    before: str
    after: str
    seal: str


class AuditQuery(Schema):
    user: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    site_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@router.get("/events", response=list[AuditEventRead], summary="Audit events, newest first")
@paginate(Page)
def list_events(request: HttpRequest, q: Query[AuditQuery]):  # type: ignore[no-untyped-def]
    scoping.require_anywhere(request.user, "core.view_audit")
    return events(request.user, AuditFilter(**q.dict()))
