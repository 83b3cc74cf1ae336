"""Demo staffing needs and requests for each new hospital.

For the ICU, 4 West and Rehabilitation units: a "one charge nurse per shift"
skill-mix rule; needs derived from the current census and the unit's ratio
(California pack on the US demo hospital, the French decree in France) from two
weeks back to ten weeks ahead (so the demo rosters, past and coming, have needs);
a unit whose pack has no ratio for its type (rehabilitation; med-surg in France)
gets needs set by hand at one nurse per five patients, with that said in the
basis. Requests from the units' nurses: a dozen time off (approved, pending,
one declined with its reason), shift wishes and unavailability; the demo log-in
nurse.icu has one pending time-off request.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from typing import Any

from caredesk.accounts.models import RoleGrant
from caredesk.assignment.models import ShiftPattern
from caredesk.core import clock, errors
from caredesk.core.roles import Discipline, Role
from caredesk.core.seeding import SeedContext
from caredesk.org.models import Site, Unit
from caredesk.scheduling.models import (
    NeedSource,
    RequestKind,
    RequestStatus,
    SkillMixRule,
    StaffingNeed,
    StaffRequest,
)
from caredesk.scheduling.services import needs as need_services
from caredesk.workforce.models import StaffMember, StaffStatus

UNITS = ("ICU", "4W", "REHAB")
TIME_OFF_PER_UNIT = {"ICU": 5, "4W": 4, "REHAB": 3}
FALLBACK_LOAD = 5  # patients per nurse where the pack has no ratio for the unit type
DAYS_BACK = 14
DAYS = 84
REASONS = ["Family wedding", "Holiday", "Moving house", "Child's school event", "Medical appointment", "Conference"]
DECLINE_REASON = "Two colleagues are already off that week; please pick other days."


def run(ctx: SeedContext) -> None:
    now = clock.now()
    for k, hospital, _home in ctx.shared.get("new_pairs", []):
        if hospital is None:
            continue
        rng = random.Random(f"{ctx.seed}:scheduling-needs:{k}")  # noqa: S311 - demo data, seeded
        suffix = "" if k == 0 else f".{k + 1}"
        _seed_site(ctx, rng, hospital, suffix, now)


def unit_manager(site: Site, unit: Unit) -> Any:
    """Who the demo acts as: the unit's coordinator, else the site's director."""
    for role, unit_filter in ((Role.COORDINATOR, {"unit": unit}), (Role.DIRECTOR, {"unit__isnull": True})):
        grant = (
            RoleGrant.objects.filter(site=site, role=role, revoked_at__isnull=True, **unit_filter)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if grant is not None:
            return grant.user
    return None


def _seed_site(ctx: SeedContext, rng: random.Random, site: Site, suffix: str, now: datetime) -> None:
    today = clock.to_zone(now, site.time_zone).date()
    start = today - timedelta(days=today.weekday()) - timedelta(days=DAYS_BACK)
    for unit in Unit.objects.filter(site=site, code__in=UNITS).select_related("site", "ratio_pack").order_by("pk"):
        actor = unit_manager(site, unit)
        if actor is None or not ShiftPattern.objects.filter(unit=unit, is_active=True).exists():
            continue
        if not StaffingNeed.objects.filter(unit=unit).exists():
            _needs(ctx, unit, actor, start, now)
        _requests(ctx, rng, unit, actor, today, suffix, now)


def _needs(ctx: SeedContext, unit: Unit, actor: Any, start: date, now: datetime) -> None:
    if not SkillMixRule.objects.filter(unit=unit).exists():
        SkillMixRule.objects.create(unit=unit, skill="charge", count=1)
        ctx.report.add("skill-mix rules")
    try:
        result = need_services.derive_needs(actor, unit.pk, start, DAYS, None, high_acuity=unit.code == "ICU", now=now)
        ctx.report.add("staffing needs", result.created)
        return
    except errors.ValidationFailed:
        pass  # no ratio for this unit type in its pack: set by hand below
    census = need_services.current_census(unit, now)
    nurses = max(1, math.ceil(census / FALLBACK_LOAD))
    rows = []
    for i in range(DAYS):
        day = start + timedelta(days=i)
        for p in ShiftPattern.objects.filter(unit=unit, is_active=True):
            basis = {
                "kind": "manual",
                "note": f"demo: 1 nurse per {FALLBACK_LOAD} patients ({census} now); no ratio for this unit type",
            }
            rows.append(
                StaffingNeed(unit=unit, date=day, pattern=p, minimum=nurses, source=NeedSource.MANUAL, basis=basis)
            )
            rows.append(
                StaffingNeed(
                    unit=unit,
                    date=day,
                    pattern=p,
                    skill="charge",
                    minimum=1,
                    source=NeedSource.MANUAL,
                    basis={"kind": "manual", "note": "one charge nurse per shift"},
                )
            )
    StaffingNeed.objects.bulk_create(rows)
    ctx.report.add("staffing needs", len(rows))


def _requests(
    ctx: SeedContext, rng: random.Random, unit: Unit, actor: Any, today: date, suffix: str, now: datetime
) -> None:
    nurses = list(
        StaffMember.objects.filter(
            home_unit=unit, status=StaffStatus.ACTIVE, discipline__in=(Discipline.RN, Discipline.LPN)
        )
        .select_related("user")
        .order_by("employee_number", "pk")
    )
    if not nurses or StaffRequest.objects.filter(staff__home_unit=unit).exists():
        return
    demo = next((n for n in nurses if n.user.username == f"nurse.icu{suffix}"), None) if unit.code == "ICU" else None
    others = [n for n in nurses if n is not demo and n.user_id != actor.pk]
    rng.shuffle(others)
    made: list[StaffRequest] = []
    count = TIME_OFF_PER_UNIT.get(unit.code, 3)
    people = ([demo] if demo else []) + others[: count - (1 if demo else 0)]
    for i, person in enumerate(people):
        first = today + timedelta(days=rng.randint(4, 38))
        if person is demo:
            status = RequestStatus.PENDING
        elif unit.code == "4W" and i == 1:
            status = RequestStatus.DECLINED
        else:
            status = RequestStatus.APPROVED if i % 2 == 0 else RequestStatus.PENDING
        decided = status in (RequestStatus.APPROVED, RequestStatus.DECLINED)
        made.append(
            StaffRequest(
                staff=person,
                kind=RequestKind.TIME_OFF,
                start_date=first,
                end_date=first + timedelta(days=rng.randint(0, 3)),
                reason=rng.choice(REASONS),
                status=status,
                decided_by=actor if decided else None,
                decided_at=now - timedelta(hours=rng.randint(2, 72)) if decided else None,
                decision_reason=DECLINE_REASON if status == RequestStatus.DECLINED else "",
            )
        )
    patterns = list(ShiftPattern.objects.filter(unit=unit, is_active=True).order_by("start_time"))
    wishers = others[count : count + 4] or others[:4]
    for j, person in enumerate(wishers):
        first = today + timedelta(days=rng.randint(7, 40))
        if j == 3:
            kind, pattern, reason, length = RequestKind.UNAVAILABLE, None, "Course at the university", 0
        else:
            kind = RequestKind.SHIFT_WANTED if j % 2 == 0 else RequestKind.SHIFT_UNWANTED
            pattern = (
                patterns[-1] if kind == RequestKind.SHIFT_UNWANTED and patterns else (patterns[0] if patterns else None)
            )
            reason, length = ("Childcare" if kind == RequestKind.SHIFT_UNWANTED else ""), rng.randint(0, 6)
        made.append(
            StaffRequest(
                staff=person,
                kind=kind,
                start_date=first,
                end_date=first + timedelta(days=length),
                pattern=pattern,
                reason=reason,
                status=RequestStatus.NOTED,
            )
        )
    StaffRequest.objects.bulk_create(made)
    ctx.report.add("schedule requests", len(made))
