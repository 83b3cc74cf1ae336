"""Pages of publishing: publish and re-plan (actions on the roster page), the
changes since the last published version, the published grid of a unit,
"My shifts" for staff, and the Excel and PDF exports."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.core import clock, errors
from caredesk.scheduling import exports
from caredesk.scheduling.forms import publishing as forms
from caredesk.scheduling.models import Roster
from caredesk.scheduling.queries import publishing as q
from caredesk.scheduling.services import feeds as feed_services
from caredesk.scheduling.services import publishing as services

logger = logging.getLogger(__name__)


def back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def run_action(request: HttpRequest, action: Callable[[], Any], success: Callable[[Any], str]) -> Any:
    """Run a service from a small POST form; its refusal becomes an error message."""
    try:
        result = action()
    except (errors.ValidationFailed, errors.Conflict) as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success(result))
    return result


@login_required
@require_POST
def publish(request: HttpRequest, roster_id: int) -> HttpResponse:
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: services.publish(
                request.user, roster_id, expected_version=form.cleaned_data["version"], note=form.cleaned_data["note"]
            ),
            lambda v: _("Version %(n)d published; the people whose shifts changed are notified.") % {"n": v.number},
        )
    else:
        messages.error(request, _("Reload the roster and try again."))
    return back(request, reverse("scheduling:publishing_published", args=[roster_id]))


@login_required
@require_POST
def replan(request: HttpRequest, roster_id: int) -> HttpResponse:
    form = forms.ReplanForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: services.replan(request.user, roster_id, expected_version=form.cleaned_data["version"]),
            lambda run: _(
                "Re-planning started: the engine keeps as many published shifts as it can. "
                "Check the changes, then publish."
            ),
        )
    else:
        messages.error(request, _("Reload the roster and try again."))
    return back(request, reverse("scheduling:publishing_changes", args=[roster_id]))


@login_required
def changes(request: HttpRequest, roster_id: int) -> HttpResponse:
    """Who changes on which days between the last published version and the working copy."""
    roster = q.roster_for_viewer(request.user, roster_id)
    if not q.may_manage(request.user, roster):
        raise errors.PermissionDenied()
    return render(
        request,
        "scheduling/publishing_changes.html",
        {"roster": roster, "changes": q.diff(roster), "versions": q.versions(roster)[:20], "can_manage": True},
    )


@login_required
def published(request: HttpRequest, roster_id: int) -> HttpResponse:
    """The last published version, read-only, for everyone of the unit."""
    roster = q.roster_for_viewer(request.user, roster_id)
    version = services.latest_version(roster)
    data = q.grid(roster, version.entries if version else [])
    return render(
        request,
        "scheduling/publishing_published.html",
        {"roster": roster, "version": version, "can_manage": q.may_manage(request.user, roster), **data},
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My upcoming published shifts (phone-sized), with my calendar feed."""
    staff = q.own_staff(request.user)
    shifts = []
    feed = None
    if staff is not None:
        today = clock.to_zone(clock.now(), staff.site.time_zone).date()
        shifts = q.published_shifts(staff, start=today)
        feed = feed_services.live_feed(staff)
    return render(request, "scheduling/publishing_mine.html", {"staff": staff, "shifts": shifts, "feed": feed})


def _export_rows(request: HttpRequest, roster: Roster) -> tuple[list[Any], str]:
    """Managers export the working copy; everyone else the last published version."""
    if q.may_manage(request.user, roster) and request.GET.get("which") != "published":
        return services.working_snapshot(roster), _("working copy")
    version = services.latest_version(roster)
    if version is None:
        raise errors.NotFound()
    return list(version.entries), _("published version %(n)d") % {"n": version.number}


@login_required
def export_xlsx(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = q.roster_for_viewer(request.user, roster_id)
    rows, label = _export_rows(request, roster)
    response = HttpResponse(
        exports.xlsx(roster, rows, label=label),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="roster-{roster.unit.code}-{roster.start_date}.xlsx"'
    return response


@login_required
def export_pdf(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = q.roster_for_viewer(request.user, roster_id)
    rows, label = _export_rows(request, roster)
    try:
        content = exports.pdf(roster, rows, label=label)
    except (ImportError, OSError):  # WeasyPrint or its system libraries (Pango) missing
        logger.exception("PDF export unavailable")
        return HttpResponse(_("PDF export is not available on this server; use the Excel export."), status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="roster-{roster.unit.code}-{roster.start_date}.pdf"'
    return response


urlpatterns = [
    path("rosters/<int:roster_id>/publish", publish, name="publishing_publish"),
    path("rosters/<int:roster_id>/replan", replan, name="publishing_replan"),
    path("rosters/<int:roster_id>/changes", changes, name="publishing_changes"),
    path("rosters/<int:roster_id>/published", published, name="publishing_published"),
    path("rosters/<int:roster_id>/export.xlsx", export_xlsx, name="publishing_export_xlsx"),
    path("rosters/<int:roster_id>/export.pdf", export_pdf, name="publishing_export_pdf"),
    path("my-shifts/", mine, name="publishing_mine"),
]
