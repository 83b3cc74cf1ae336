"""My calendar feed over the JSON API: see it, make a new one (the secret address
is answered once), revoke it."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from caredesk.core import errors
from caredesk.core.api_support import ERRORS
from caredesk.scheduling.models import CalendarFeed
from caredesk.scheduling.queries import publishing as q
from caredesk.scheduling.schemas import publishing as schemas
from caredesk.scheduling.services import feeds as services

router = Router(tags=["scheduling"])


def feed_out(f: CalendarFeed) -> dict[str, Any]:
    return {"id": f.pk, "created_at": f.created_at, "last_used_at": f.last_used_at, "revoked_at": f.revoked_at}


def _staff(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        raise errors.NotAuthenticated()
    staff = q.own_staff(request.user)
    if staff is None:
        raise errors.NotFound()
    return staff


@router.get("/calendar-feed", response={200: schemas.CalendarFeedRead, **ERRORS}, summary="My live calendar feed")
def get_feed(request: HttpRequest):  # type: ignore[no-untyped-def]
    feed = services.live_feed(_staff(request))
    if feed is None:
        raise errors.NotFound()
    return feed_out(feed)


@router.post("/calendar-feed", response={201: schemas.CalendarFeedCreated, **ERRORS}, summary="A new secret address")
def create_feed(request: HttpRequest):  # type: ignore[no-untyped-def]
    _staff(request)
    feed, token = services.create_feed(request.user)
    url = request.build_absolute_uri(reverse("scheduling:feeds_ics", args=[token]))
    return 201, {"id": feed.pk, "url": url, "token": token}


@router.delete("/calendar-feed", response={204: None, **ERRORS}, summary="Revoke my calendar feed")
def revoke_feed(request: HttpRequest):  # type: ignore[no-untyped-def]
    _staff(request)
    services.revoke_feed(request.user)
    return HttpResponse(status=204)
