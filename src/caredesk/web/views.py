"""Home dashboard, the site/unit switcher and the health check."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from caredesk.accounts.models import RoleGrant
from caredesk.core import clock, scoping
from caredesk.core.models import WorkerHeartbeat
from caredesk.core.roles import Role
from caredesk.org import queries as org_queries
from caredesk.web import scope


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    focus = scope.current(request)
    figures = org_queries.figures(user, site_id=focus.site_id, unit_id=focus.unit_id)
    units = org_queries.units_with_bed_counts(user, site_id=focus.site_id)
    if focus.unit:
        units = units.filter(pk=focus.unit.pk)
    staff_by_role: list[dict[str, Any]] = []
    staff_total = None
    if scoping.has_anywhere(user, "accounts.view_user"):
        grants = scoping.scoped(
            RoleGrant.objects.filter(revoked_at__isnull=True, user__is_active=True), user, "accounts.view_user"
        )
        if focus.site:
            grants = grants.filter(site=focus.site)
        if focus.unit:
            grants = grants.filter(unit=focus.unit)
        labels = dict(Role.choices)
        staff_by_role = [
            {"role": labels.get(row["role"], row["role"]), "count": row["n"]}
            for row in grants.values("role").annotate(n=Count("user", distinct=True)).order_by("-n")
        ]
        staff_total = grants.values("user").distinct().count()
    return render(
        request,
        "web/home.html",
        {"figures": figures, "units": units[:50], "staff_by_role": staff_by_role, "staff_total": staff_total},
    )


@login_required
@require_POST
def choose_scope(request: HttpRequest) -> HttpResponse:
    def as_int(name: str) -> int | None:
        raw = request.POST.get(name, "")
        return int(raw) if raw.isdigit() else None

    site_id = as_int("site")
    unit_id = as_int("unit")
    # A unit picked under another site than the one chosen is dropped.
    if unit_id and site_id and not org_queries.units(request.user, site_id=site_id).filter(pk=unit_id).exists():
        unit_id = None
    scope.choose(request, site_id, unit_id)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target or "/")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database reachable, and a background worker seen recently."""
    now = clock.now()
    checks: dict[str, Any] = {}
    healthy = True
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # pragma: no cover - the point is to report it
        checks["database"] = {"ok": False, "error": str(exc)[:200]}
        healthy = False
    if checks["database"]["ok"]:
        limit = timedelta(seconds=settings.CAREDESK_WORKER_HEARTBEAT_SECONDS * 4)
        latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
        alive = WorkerHeartbeat.objects.filter(seen_at__gte=now - limit).count()
        checks["worker"] = {
            "ok": alive > 0,
            "alive": alive,
            "last_seen": latest.seen_at.isoformat() if latest else None,
        }
        healthy = healthy and alive > 0
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503)
