"""The audit trail page for the auditor and compliance roles: filter, export CSV."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from caredesk.core import clock, notifications, scoping
from caredesk.core.audit_queries import AuditFilter, csv_rows, events
from caredesk.org import queries as org_queries


def _filter_from(request: HttpRequest) -> tuple[AuditFilter, dict[str, str]]:
    raw = {
        k: request.GET.get(k, "").strip()
        for k in ("user", "object_type", "object_id", "action", "site", "date_from", "date_to")
    }
    errors: dict[str, str] = {}

    def parse_date(name: str) -> date | None:
        if not raw[name]:
            return None
        try:
            return date.fromisoformat(raw[name])
        except ValueError:
            errors[name] = "YYYY-MM-DD"
            return None

    site_id = int(raw["site"]) if raw["site"].isdigit() else None
    zone = "UTC"
    if site_id is not None:
        site = org_queries.sites(request.user, include_inactive=True).filter(pk=site_id).first()
        zone = site.time_zone if site else "UTC"
    f = AuditFilter(
        user=raw["user"],
        object_type=raw["object_type"],
        object_id=raw["object_id"],
        action=raw["action"],
        site_id=site_id,
        date_from=parse_date("date_from"),
        date_to=parse_date("date_to"),
        zone=zone,
    )
    return f, errors


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "core.view_audit")
    f, errors = _filter_from(request)
    qs = events(request.user, f)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sites = [
        s
        for s in org_queries.sites(request.user, include_inactive=True)
        if scoping.has(request.user, "core.view_audit", site_id=s.pk)
    ]
    return render(
        request,
        "core/audit_list.html",
        {"page": page, "f": f, "errors": errors, "query": query.urlencode(), "sites": sites, "raw": request.GET},
    )


@login_required
def audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    scoping.require_anywhere(request.user, "core.view_audit")
    f, _errors = _filter_from(request)
    response = StreamingHttpResponse(
        csv_rows(events(request.user, f).order_by("seq")), content_type="text/csv; charset=utf-8"
    )
    stamp = clock.now().strftime("%Y%m%dT%H%MZ")
    response["Content-Disposition"] = f'attachment; filename="caredesk-audit-{stamp}.csv"'
    return response


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications.for_user(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The unread count in the navigation bar, refreshed by htmx polling."""
    return render(request, "core/_notification_badge.html", {"unread_count": notifications.unread_count(request.user)})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    note = notifications.mark_read(request.user, notification_id)
    if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts={request.get_host()}):
        return redirect(note.link)
    return redirect("core:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications.mark_all_read(request.user)
    return redirect("core:notifications")
