"""Therapy demo data: the intensity rules (shared, with their source), and for
the patients on each new hospital's Acute Rehabilitation unit a PT and an OT
plan (and speech therapy for some) meeting the "3 hours a day, 5 days a
week" rule, with sessions over the last 7 days and the rest of this week:
mostly done, some missed with a reason, and one patient clearly short.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from caredesk.census.models import Stay
from caredesk.core import clock
from caredesk.core.seeding import SeedContext
from caredesk.org.models import Site
from caredesk.therapy import status as st
from caredesk.therapy.models import (
    IntensityRule,
    MissedReason,
    SessionStatus,
    TherapyPlan,
    TherapySession,
)
from caredesk.workforce.models import StaffMember

ORDER = 100

RULES: list[dict[str, Any]] = [
    {
        "code": "cms-irf-3h",
        "name": "Inpatient rehabilitation intensity: 3 hours a day, 5 days a week",
        "description": (
            "Inpatient rehabilitation facility: the patient generally needs and can take part in intensive "
            "therapy, at least 3 hours a day (PT, OT, SLP or orthotics/prosthetics) on at least 5 days a week."
        ),
        "jurisdiction": "US federal (Medicare)",
        "citation": "42 CFR 412.622(a)(3)(ii); Medicare Benefit Policy Manual ch. 1 §110.2.2 [K: confirm]",
        "minutes_per_day": 180,
        "days_per_week": 5,
        "minutes_per_week": None,
    },
    {
        "code": "cms-irf-15h-7d",
        "name": "Inpatient rehabilitation intensity, modified: 15 hours over 7 days",
        "description": (
            "The alternative where the documented condition of the patient justifies it: at least 15 hours "
            "of therapy within 7 consecutive days from admission."
        ),
        "jurisdiction": "US federal (Medicare)",
        "citation": "42 CFR 412.622(a)(3)(ii); Medicare Benefit Policy Manual ch. 1 §110.2.2 [K: confirm]",
        "minutes_per_day": None,
        "days_per_week": None,
        "minutes_per_week": 900,
    },
]

# Daily minutes per discipline, together 180 (the rule's 3 hours).
WITHOUT_SLP = {"pt": 90, "ot": 90}
WITH_SLP = {"pt": 75, "ot": 60, "slp": 45}
START_HOUR = {"pt": 9, "ot": 13, "slp": 15}
REASONS = [
    MissedReason.PATIENT_REFUSED,
    MissedReason.PATIENT_UNWELL,
    MissedReason.PATIENT_OFF_UNIT,
    MissedReason.THERAPIST_UNAVAILABLE,
]


def rules() -> dict[str, IntensityRule]:
    out = {}
    for spec in RULES:
        rule, _ = IntensityRule.objects.get_or_create(code=spec["code"], defaults=dict(spec))
        out[rule.code] = rule
    return out


def _therapists(site: Site) -> dict[str, list[StaffMember]]:
    found: dict[str, list[StaffMember]] = {"pt": [], "ot": [], "slp": []}
    staff = StaffMember.objects.filter(site=site, discipline__in=found, status="active").select_related(
        "home_unit", "user"
    )
    # Those of the rehabilitation unit first, then any of the discipline at the site.
    for s in sorted(staff, key=lambda s: (s.home_unit is None or s.home_unit.code != "REHAB", s.pk)):
        found[s.discipline].append(s)
    return found


def _seed_site(ctx: SeedContext, rng: random.Random, site: Site, rule: IntensityRule, now: datetime) -> None:
    zone = site.time_zone
    tz = ZoneInfo(zone)
    today = clock.to_zone(now, zone).date()
    week = st.week_of(today, zone)
    stays = list(
        Stay.objects.filter(unit__site=site, unit__code="REHAB", discharged_at__isnull=True)
        .select_related("patient", "bed__room")
        .order_by("bed__room__name", "bed__label", "pk")
    )
    if not stays:
        ctx.say(f"  therapy: no patients on REHAB of {site.code}")
        return
    therapists = _therapists(site)
    if not any(therapists.values()):
        ctx.say(f"  therapy: no PT, OT or SLP staff at {site.code}: plans have no therapist")
    plans: list[TherapyPlan] = []
    for n, stay in enumerate(stays):
        admitted = clock.to_zone(stay.admitted_at, zone).date()
        starts = max(admitted, today - timedelta(days=7))
        mix = WITH_SLP if n % 3 == 2 else WITHOUT_SLP
        for discipline, minutes in mix.items():
            pool = therapists[discipline]
            plans.append(
                TherapyPlan(
                    stay=stay,
                    discipline=discipline,
                    minutes_per_day=minutes,
                    days_per_week=5,
                    goals=rng.choice(GOALS[discipline]),
                    starts_on=starts,
                    intensity_rule=rule,
                    prescriber=stay.attending or "Dr. Physiatrist",
                    therapist=pool[n % len(pool)] if pool else None,
                )
            )
    TherapyPlan.objects.bulk_create(plans)
    plans = list(TherapyPlan.objects.filter(stay__in=stays).select_related("therapist__user"))
    short_stay_id = stays[0].pk  # the patient with a clear shortfall this week
    sessions: list[TherapySession] = []
    first_day = today - timedelta(days=7)
    for plan in plans:
        short = plan.stay_id == short_stay_id
        day = max(first_day, plan.starts_on)
        while day <= week.sunday:
            if day.weekday() < 5:
                sessions.extend(_sessions_of_day(rng, plan, day, tz, now, week.monday, short))
            day += timedelta(days=1)
    TherapySession.objects.bulk_create(sessions)
    ctx.report.add("therapy plans", len(plans))
    ctx.report.add("therapy sessions", len(sessions))


def _sessions_of_day(
    rng: random.Random,
    plan: TherapyPlan,
    day: date,
    tz: ZoneInfo,
    now: datetime,
    monday: date,
    short: bool,
) -> list[TherapySession]:
    minutes = int(plan.minutes_per_day or 60)
    start = datetime.combine(day, time(START_HOUR[plan.discipline]), tzinfo=tz)
    if short and day >= monday and plan.discipline == "ot" and start >= now:
        return []  # the OT of the short patient is away for the rest of the week: nothing scheduled
    therapist = plan.therapist
    session = TherapySession(
        plan=plan, therapist=therapist, scheduled_start=start, planned_minutes=minutes, status=SessionStatus.SCHEDULED
    )
    end = start + timedelta(minutes=minutes)
    if end > now:
        session.next_check_at = st.overdue_at(start, minutes)
        return [session]
    recorded = end + timedelta(minutes=rng.randint(5, 40))
    session.recorded_at = min(recorded, now)
    session.recorded_by = therapist.user if therapist else None
    missed = rng.random() < 0.08 or (short and day >= monday)
    if missed:
        session.status = SessionStatus.MISSED
        session.missed_reason = MissedReason.PATIENT_UNWELL if short else rng.choice(REASONS)
        session.note = "Febrile overnight, on bed rest" if short else ""
        # Only today's misses still wait for their care alert; older ones are history.
        session.next_check_at = session.recorded_at if day == now.astimezone(tz).date() else None
    else:
        session.status = SessionStatus.DONE
        # Most sessions run their full time; a few end early.
        session.delivered_minutes = minutes if rng.random() < 0.85 else minutes - rng.choice([5, 10, 15])
    return [session]


GOALS = {
    "pt": [
        "Walk 50 m with a rolling walker and stand-by assistance.",
        "Independent bed-to-chair transfers.",
        "Climb 12 stairs with one rail.",
    ],
    "ot": [
        "Dress the upper body independently.",
        "Toilet transfers with set-up only.",
        "Prepare a simple meal from a wheelchair.",
    ],
    "slp": [
        "Safe swallow on a soft diet with supervision.",
        "Name 20 common objects (expressive aphasia).",
    ],
}


def run(ctx: SeedContext) -> None:
    found = rules()
    now = clock.now()
    for k, hospital, _home in ctx.shared.get("new_pairs", []):
        if hospital is None or TherapyPlan.objects.filter(stay__unit__site=hospital).exists():
            continue
        rng = random.Random(f"{ctx.seed}:therapy:{k}")
        _seed_site(ctx, rng, hospital, found["cms-irf-3h"], now)
