"""Recruiting rows for tests, made directly (version 1) so each test starts from a
known state; the services are tested on top of them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from caredesk.core import clock
from caredesk.recruiting.models import (
    Application,
    Candidate,
    Interview,
    Offer,
    Requisition,
    RequisitionStatus,
    Stage,
    StageChange,
)


def requisition(world: Any, *, status: str = RequisitionStatus.APPROVED, unit: Any = None, **kw: Any) -> Requisition:
    unit = unit or world.icu_a
    now = clock.now()
    fields: dict[str, Any] = {
        "site": unit.site,
        "unit": unit,
        "discipline": "rn",
        "job_title": "Alpha ICU Staff Nurse",
        "positions": 1,
        "fte": Decimal("0.90"),
        "hourly_rate_min": Decimal("40.00"),
        "hourly_rate_max": Decimal("60.00"),
        "annual_cost": Decimal("112320.00"),
        "reason": "vacancy",
        "status": status,
        "requested_by": world.hr_a if unit.site_id == world.site_a.pk else world.director_b,
    }
    if status in (RequisitionStatus.APPROVED, RequisitionStatus.FILLED):
        fields |= {"approved_at": now - timedelta(days=20), "decided_at": now - timedelta(days=20)}
    if status != RequisitionStatus.DRAFT:
        fields["submitted_at"] = now - timedelta(days=21)
    fields |= kw
    return Requisition.objects.create(**fields)


def candidate(
    world: Any, *, site: Any = None, first: str = "Alma", last: str = "Alpha-Candidate", **kw: Any
) -> Candidate:
    return Candidate.objects.create(
        site=site or world.site_a,
        first_name=first,
        last_name=last,
        email=f"{first.lower()}@example.org",
        source="website",
        **kw,
    )


def application(
    world: Any, req: Requisition, cand: Candidate | None = None, *, stage: str = Stage.APPLIED, **kw: Any
) -> Application:
    cand = cand or candidate(world, site=req.site, first=f"C{Candidate.objects.count()}")
    now = clock.now()
    app = Application.objects.create(
        candidate=cand,
        requisition=req,
        stage=stage,
        applied_at=now - timedelta(days=10),
        stage_changed_at=now - timedelta(days=2),
        **kw,
    )
    StageChange.objects.create(application=app, from_stage="", to_stage=stage, at=app.applied_at)
    return app


def interview(
    world: Any, app: Application, *, hours_ago: float = 24, interviewers: list[Any] | None = None
) -> Interview:
    iv = Interview.objects.create(application=app, starts_at=clock.now() - timedelta(hours=hours_ago))
    iv.interviewers.set(interviewers if interviewers is not None else [world.hr_a])
    return iv


def offer(world: Any, app: Application, *, status: str = "open", days_to_expiry: int = 7, **kw: Any) -> Offer:
    today = clock.now().date()
    return Offer.objects.create(
        application=app,
        hourly_rate=Decimal("48.00"),
        fte=Decimal("0.90"),
        start_date=today + timedelta(days=30),
        expires_on=today + timedelta(days=days_to_expiry),
        status=status,
        made_by=world.hr_a,
        made_at=clock.now(),
        **kw,
    )


def work_rules() -> Any:
    from caredesk.workforce.models import WorkRules

    rules, _ = WorkRules.objects.get_or_create(
        code="test-40", defaults={"name": "Test 40-hour week", "source": "test", "max_minutes_per_week": 2400}
    )
    return rules
