"""Reads of escalation, always through the access scope of core."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from caredesk.core import errors, scoping
from caredesk.escalation.models import AlertRecipient, AlertStatus, CareAlert, EscalationPolicy, IncidentDraft


def _with_details(qs: QuerySet[CareAlert]) -> QuerySet[CareAlert]:
    return qs.select_related("site", "unit", "stay__patient", "stay__bed__room", "acknowledged_by").prefetch_related(
        Prefetch("recipients", queryset=AlertRecipient.objects.select_related("user"))
    )


def _open_first(qs: QuerySet[CareAlert]) -> QuerySet[CareAlert]:
    return qs.annotate(
        open_rank=Case(When(status=AlertStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("open_rank", "-raised_at", "-pk")


def visible_alerts(user: Any) -> QuerySet[CareAlert]:
    """Alerts of the units the user sees, and those they were sent."""
    if not getattr(user, "is_authenticated", False):
        return CareAlert.objects.none()
    within = scoping.scoped(CareAlert.objects.all(), user, "escalation.view").values("pk")
    mine = AlertRecipient.objects.filter(user_id=user.pk).values("alert_id")
    return CareAlert.objects.filter(Q(pk__in=within) | Q(pk__in=mine))


def alert(user: Any, alert_id: int) -> CareAlert:
    """One alert, if the user sees its unit or was sent it; NotFound otherwise."""
    found = _with_details(visible_alerts(user)).filter(pk=alert_id).first()
    if found is None:
        raise errors.NotFound()
    return found


def my_alerts(user: Any, *, status: str | None = AlertStatus.OPEN) -> QuerySet[CareAlert]:
    """Alerts the user was notified of (open ones by default)."""
    if not getattr(user, "is_authenticated", False):
        return CareAlert.objects.none()
    qs = CareAlert.objects.filter(pk__in=AlertRecipient.objects.filter(user_id=user.pk).values("alert_id"))
    if status:
        qs = qs.filter(status=status)
    return _open_first(_with_details(qs))


def unit_alerts(
    user: Any,
    *,
    site_id: int | None = None,
    unit_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> QuerySet[CareAlert]:
    """Alerts of the units within reach, open first, newest first."""
    qs = scoping.scoped(CareAlert.objects.all(), user, "escalation.view")
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return _open_first(_with_details(qs))


def badge_counts(user: Any) -> dict[str, int]:
    """Open alerts sent to the user, and open alerts of the units they see: two queries."""
    if not getattr(user, "is_authenticated", False):
        return {"mine": 0, "units": 0}
    mine = CareAlert.objects.filter(
        status=AlertStatus.OPEN, pk__in=AlertRecipient.objects.filter(user_id=user.pk).values("alert_id")
    ).count()
    units = scoping.scoped(CareAlert.objects.filter(status=AlertStatus.OPEN), user, "escalation.view").count()
    return {"mine": mine, "units": units}


def incident_drafts(
    user: Any, *, site_id: int | None = None, unit_id: int | None = None, status: str | None = None
) -> QuerySet[IncidentDraft]:
    qs = scoping.scoped(
        IncidentDraft.objects.select_related("site", "unit", "stay__patient", "reported_by", "alert"),
        user,
        "escalation.view",
    )
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def policies(user: Any) -> QuerySet[EscalationPolicy]:
    return scoping.scoped(EscalationPolicy.objects.select_related("site"), user, "escalation.view")
