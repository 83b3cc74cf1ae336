"""Reads of recruiting, always through the access scope of core: lists, the board,
and the figures (time-to-fill, open positions per unit)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from caredesk.core import clock, scoping
from caredesk.recruiting.models import (
    Application,
    Candidate,
    Interview,
    Offer,
    Requisition,
    RequisitionStatus,
    Stage,
)

VIEW = "recruiting.view"


def requisitions(
    user: Any,
    *,
    site_id: int | None = None,
    unit_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Requisition]:
    qs = scoping.scoped(Requisition.objects.select_related("unit", "site"), user, VIEW)
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(hired_count=Count("applications", filter=Q(applications__stage=Stage.HIRED)))


def candidates(
    user: Any, *, site_id: int | None = None, search: str = "", include_inactive: bool = False
) -> QuerySet[Candidate]:
    qs = scoping.scoped(Candidate.objects.all(), user, VIEW)
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if search:
        qs = qs.filter(Q(first_name__icontains=search) | Q(last_name__icontains=search) | Q(email__icontains=search))
    return qs if include_inactive else qs.filter(is_active=True)


def applications(
    user: Any,
    *,
    site_id: int | None = None,
    unit_id: int | None = None,
    requisition_id: int | None = None,
    candidate_id: int | None = None,
    stage: str | None = None,
) -> QuerySet[Application]:
    qs = scoping.scoped(Application.objects.select_related("candidate", "requisition", "requisition__unit"), user, VIEW)
    if site_id is not None:
        qs = qs.filter(requisition__site_id=site_id)
    if unit_id is not None:
        qs = qs.filter(requisition__unit_id=unit_id)
    if requisition_id is not None:
        qs = qs.filter(requisition_id=requisition_id)
    if candidate_id is not None:
        qs = qs.filter(candidate_id=candidate_id)
    if stage:
        qs = qs.filter(stage=stage)
    return qs


def interviews(user: Any, *, application_id: int | None = None, site_id: int | None = None) -> QuerySet[Interview]:
    qs = scoping.scoped(
        Interview.objects.select_related("application__candidate", "application__requisition__site"), user, VIEW
    ).prefetch_related("interviewers", "feedback__scores", "feedback__interviewer")
    if application_id is not None:
        qs = qs.filter(application_id=application_id)
    if site_id is not None:
        qs = qs.filter(application__requisition__site_id=site_id)
    return qs


def offers(user: Any, *, application_id: int | None = None) -> QuerySet[Offer]:
    qs = scoping.scoped(Offer.objects.select_related("application__requisition__site"), user, VIEW)
    if application_id is not None:
        qs = qs.filter(application_id=application_id)
    return qs


@dataclass(frozen=True)
class BoardColumn:
    stage: Stage
    cards: list[Application]


BOARD_STAGES = [
    Stage.APPLIED,
    Stage.SCREENED,
    Stage.INTERVIEWED,
    Stage.OFFERED,
    Stage.HIRED,
    Stage.DECLINED,
    Stage.WITHDRAWN,
]


def board(
    user: Any, *, site_id: int | None = None, unit_id: int | None = None, requisition_id: int | None = None
) -> list[BoardColumn]:
    """The applications in one column per stage (closed ones: the last 90 days)."""
    since = clock.now() - timedelta(days=90)
    qs = (
        applications(user, site_id=site_id, unit_id=unit_id, requisition_id=requisition_id)
        .filter(
            Q(stage__in=[Stage.APPLIED, Stage.SCREENED, Stage.INTERVIEWED, Stage.OFFERED])
            | Q(stage_changed_at__gte=since)
        )
        .select_related("requisition__site")
        .prefetch_related("offers", "interviews")
        .order_by("stage_changed_at", "pk")
    )
    by_stage: dict[str, list[Application]] = {s: [] for s in BOARD_STAGES}
    for app in qs:
        by_stage[app.stage].append(app)
    return [BoardColumn(stage=s, cards=by_stage[s]) for s in BOARD_STAGES]


def default_work_rules(site: Any) -> Any:
    """The work-rule pack most used by the site's staff (else the first active pack)."""
    from caredesk.workforce.models import StaffMember, WorkRules

    row = (
        StaffMember.objects.filter(site=site, work_rules__is_active=True)
        .values("work_rules")
        .annotate(n=Count("pk"))
        .order_by("-n", "work_rules")
        .first()
    )
    if row is not None:
        return WorkRules.objects.get(pk=row["work_rules"])
    return WorkRules.objects.filter(is_active=True).order_by("name").first()


# --- figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitFigures:
    unit_id: int
    unit_name: str
    site_id: int
    open_positions: int
    pending_approval: int
    hires_last_year: int
    median_days_to_fill: float | None


def days_between(start: Any, end: Any) -> float:
    return round((end - start).total_seconds() / 86400, 1)


def unit_figures(user: Any, *, site_id: int | None = None, now: datetime | None = None) -> list[UnitFigures]:
    """Per unit with any requisition in reach: open positions (approved, unfilled),
    requisitions pending approval, and the median days from approval to hire over
    the hires of the last 365 days."""
    moment = now or clock.now()
    reqs = requisitions(user, site_id=site_id).order_by("unit__name", "unit_id")
    open_positions: dict[int, int] = {}
    pending: dict[int, int] = {}
    names: dict[int, tuple[str, int]] = {}
    for req in reqs:
        names[req.unit_id] = (req.unit.name, req.site_id)
        if req.status == RequisitionStatus.APPROVED:
            open_positions[req.unit_id] = open_positions.get(req.unit_id, 0) + max(0, req.positions - req.hired_count)  # type: ignore[attr-defined]
        elif req.status == RequisitionStatus.PENDING_APPROVAL:
            pending[req.unit_id] = pending.get(req.unit_id, 0) + 1
    durations: dict[int, list[float]] = {}
    hires = applications(user, site_id=site_id, stage=Stage.HIRED).filter(
        hired_at__gte=moment - timedelta(days=365), requisition__approved_at__isnull=False
    )
    for app in hires.values("requisition__unit_id", "requisition__approved_at", "hired_at"):
        durations.setdefault(app["requisition__unit_id"], []).append(
            days_between(app["requisition__approved_at"], app["hired_at"])
        )
    return [
        UnitFigures(
            unit_id=unit_id,
            unit_name=name,
            site_id=site,
            open_positions=open_positions.get(unit_id, 0),
            pending_approval=pending.get(unit_id, 0),
            hires_last_year=len(durations.get(unit_id, [])),
            median_days_to_fill=round(statistics.median(durations[unit_id]), 1) if durations.get(unit_id) else None,
        )
        for unit_id, (name, site) in names.items()
    ]


@dataclass(frozen=True)
class Overview:
    units: list[UnitFigures]
    open_positions: int
    pending_approval: int
    active_candidates: int
    median_days_to_fill: float | None


def overview(user: Any, *, site_id: int | None = None, now: datetime | None = None) -> Overview:
    moment = now or clock.now()
    units = unit_figures(user, site_id=site_id, now=moment)
    hires = applications(user, site_id=site_id, stage=Stage.HIRED).filter(
        hired_at__gte=moment - timedelta(days=365), requisition__approved_at__isnull=False
    )
    all_days = [
        days_between(a["requisition__approved_at"], a["hired_at"])
        for a in hires.values("requisition__approved_at", "hired_at")
    ]
    active = (
        applications(user, site_id=site_id)
        .filter(stage__in=[Stage.APPLIED, Stage.SCREENED, Stage.INTERVIEWED, Stage.OFFERED])
        .values("candidate_id")
        .distinct()
        .count()
    )
    return Overview(
        units=units,
        open_positions=sum(u.open_positions for u in units),
        pending_approval=sum(u.pending_approval for u in units),
        active_candidates=active,
        median_days_to_fill=round(statistics.median(all_days), 1) if all_days else None,
    )
