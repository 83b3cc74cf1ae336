"""Your notifications over the JSON API."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from caredesk.core import notifications
from caredesk.core.api_support import ERRORS, Page

router = Router(tags=["notifications"])


class NotificationRead(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    site_id: int | None
    created_at: datetime
    read_at: datetime | None


class Count(Schema):
    count: int


@router.get("", response=list[NotificationRead], summary="Your notifications, newest first")
@paginate(Page)
def list_notifications(request: HttpRequest, unread: bool = False):  # type: ignore[no-untyped-def]
    qs = notifications.for_user(request.user)
    return qs.filter(read_at__isnull=True) if unread else qs


@router.post("/{notification_id}/read", response={200: NotificationRead, **ERRORS}, summary="Mark one as read")
def read(request: HttpRequest, notification_id: int):  # type: ignore[no-untyped-def]
    return notifications.mark_read(request.user, notification_id)


@router.post("/read-all", response=Count, summary="Mark all as read")
def read_all(request: HttpRequest):  # type: ignore[no-untyped-def]
    return {"count": notifications.mark_all_read(request.user)}
