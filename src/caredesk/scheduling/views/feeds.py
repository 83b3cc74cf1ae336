"""The calendar feed: the public .ics address (no log-in: the secret token is
the key) and the page actions that make a new address or revoke it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caredesk.core import errors
from caredesk.scheduling.services import feeds as services


@require_GET
def ics(request: HttpRequest, token: str) -> HttpResponse:
    try:
        feed = services.feed_for_token(token)
    except errors.NotFound:
        raise Http404() from None
    response = HttpResponse(services.ics(feed.staff), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="shifts.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    _feed, token = services.create_feed(request.user)
    url = request.build_absolute_uri(reverse("scheduling:feeds_ics", args=[token]))
    return render(request, "scheduling/feeds_created.html", {"url": url})


@login_required
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    if services.revoke_feed(request.user) is not None:
        messages.success(request, _("Your calendar address is revoked: calendars using it get nothing more."))
    return redirect("scheduling:publishing_mine")


urlpatterns = [
    path("feeds/<str:token>.ics", ics, name="feeds_ics"),
    path("my-calendar/new", create, name="feeds_create"),
    path("my-calendar/revoke", revoke, name="feeds_revoke"),
]
