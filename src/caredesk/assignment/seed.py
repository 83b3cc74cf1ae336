"""Assignment demo data: the jurisdictions' nurse-ratio rule packs (RULES.md §2,
with their citations; [K] marks a number from domain knowledge to confirm
against the official text), and for each new hospital and nursing home:
Day (07:00, 12 h) and Night (19:00, 12 h) patterns on ICU, 4W, REHAB and
BIRCH, care shifts for the last 7 days, today and tomorrow, staffed with the
unit's own licensed nurses (one charge nurse per shift, rotated fairly, nobody
on two shifts in a row when it can be avoided), and every shift that has
started assigned by the optimiser (0.25 s each at most).

US hospitals follow the California pack, the French hospital the French one;
the nursing home's wing follows none (the page says so).
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta
from typing import Any

from caredesk.assignment import ratios, services
from caredesk.assignment.models import CareShift, ShiftPattern, ShiftStaff, StaffSource
from caredesk.core import clock
from caredesk.core.roles import Discipline
from caredesk.core.seeding import SeedContext
from caredesk.org.models import RatioPack, RatioRule, RatioShift, Site, Unit, UnitKind
from caredesk.workforce.models import StaffMember, StaffStatus

ORDER = 80

K = "[K] from domain knowledge; confirm against the official text."
V = "[V] seen in a copy quoting the regulation."

PACKS: list[dict[str, Any]] = [
    {
        "code": "us-ca-22ccr70217",
        "name": "California licensed nurse-to-patient ratios",
        "jurisdiction": "US-CA",
        "citation": "22 CCR §70217(a) (Title 22, California Code of Regulations)",
        "effective_from": date(2008, 1, 1),
        "source_text": (
            "Ratios hold at all times, including meal breaks and shift change; averaging over a shift is not "
            "allowed. Licensed nurse means RN or LVN (psychiatric technicians only in psych units). A patient "
            "classification system (§70053.2) must add staff above the ratio when acuity requires it. Med-surg "
            "1:5 since 1 Jan 2005; step-down 1:3, telemetry 1:4 and other specialty care 1:4 since 2008."
        ),
        "rules": [
            (UnitKind.ICU, RatioShift.ANY, 1, 2, V),
            (UnitKind.CCU, RatioShift.ANY, 1, 2, K),
            (UnitKind.BURN, RatioShift.ANY, 1, 2, K),
            (UnitKind.NICU, RatioShift.ANY, 1, 2, K),
            (UnitKind.STEP_DOWN, RatioShift.ANY, 1, 3, V),
            (UnitKind.TELEMETRY, RatioShift.ANY, 1, 4, V),
            (UnitKind.ONCOLOGY, RatioShift.ANY, 1, 4, "Other specialty care. " + K),
            (UnitKind.MED_SURG, RatioShift.ANY, 1, 5, "1:5 from 1 Jan 2005. " + V),
            (UnitKind.PAEDIATRICS, RatioShift.ANY, 1, 4, K),
            (UnitKind.ED, RatioShift.ANY, 1, 4, "Critical-care patients 1:2, trauma 1:1; triage RN not counted. " + V),
            (UnitKind.PACU, RatioShift.ANY, 1, 2, "Regardless of anaesthesia type. " + K),
            (UnitKind.PSYCHIATRIC, RatioShift.ANY, 1, 6, "Licensed nurses incl. psychiatric technicians. " + K),
            (UnitKind.LABOUR_DELIVERY, RatioShift.ANY, 1, 2, "Active labour; 1:1 for complications. " + K),
            (UnitKind.ANTEPARTUM, RatioShift.ANY, 1, 4, K),
            (UnitKind.POSTPARTUM, RatioShift.ANY, 1, 4, "Mother-baby couplets; postpartum women only 1:6. " + K),
            (UnitKind.NURSERY, RatioShift.ANY, 1, 8, K),
            (UnitKind.INTERMEDIATE_NURSERY, RatioShift.ANY, 1, 4, K),
            (UnitKind.OPERATING_ROOM, RatioShift.ANY, 1, 1, "RN circulator per room, plus scrub. " + K),
        ],
    },
    {
        "code": "us-or-ors441765",
        "name": "Oregon hospital nurse staffing ratios",
        "jurisdiction": "US-OR",
        "citation": "ORS 441.765 (HB 2697, 2023)",
        "effective_from": date(2024, 6, 1),
        "source_text": (
            "RN ratios by unit. ED: one trauma patient; other patients average at most 1:4 over a 12-hour shift and "
            "never more than 5 at a time. Mother and baby count as separate patients. The 'buddy system' (covering "
            "another nurse's patients during a break and going over ratio) is ended. The effective date of each "
            "phase (med-surg 1:5 then 1:4) is [K]: check the date in force."
        ),
        "rules": [
            (UnitKind.ICU, RatioShift.ANY, 1, 2, V),
            (UnitKind.PACU, RatioShift.ANY, 1, 2, V),
            (UnitKind.OPERATING_ROOM, RatioShift.ANY, 1, 1, V),
            (UnitKind.STEP_DOWN, RatioShift.ANY, 1, 3, "Intermediate care. " + V),
            (UnitKind.ONCOLOGY, RatioShift.ANY, 1, 4, V),
            (UnitKind.MED_SURG, RatioShift.ANY, 1, 4, "Phased in from 1:5: check the date in force. " + V),
            (UnitKind.ED, RatioShift.ANY, 1, 4, "Average over 12 h, at most 5 at any time; trauma 1:1. " + V),
            (UnitKind.LABOUR_DELIVERY, RatioShift.ANY, 1, 2, "1:1 in active labour or with complications. " + V),
            (UnitKind.ANTEPARTUM, RatioShift.ANY, 1, 6, V),
            (UnitKind.POSTPARTUM, RatioShift.ANY, 1, 6, "Mother-baby 1:8, counted as separate patients. " + V),
            (UnitKind.NURSERY, RatioShift.ANY, 1, 6, V),
        ],
    },
    {
        "code": "fr-csp-d6124",
        "name": "France: ratios of intensive care (réanimation, soins intensifs)",
        "jurisdiction": "FR",
        "citation": "CSP D.6124-32, D.6124-34-4/-5, D.6124-111 (décret n° 2002-466 du 5 avril 2002)",
        "effective_from": date(2002, 4, 6),
        "source_text": (
            "Adult intensive care (réanimation): 2 IDE per 5 patients and 1 aide-soignant per 4 patients. Pediatric "
            "intensive care 2 IDE per 5 (specialised pediatric ICU 1 per 2): no unit type for it yet. Cardiac "
            "intensive care (USIC): 1 IDE and 1 AS per 4 patients by day, 1 IDE per 8 at night. Loi n° 2025-74 asks "
            "the HAS for ratios per specialty; the decrees were not yet out in 2025."
        ),
        "rules": [
            (UnitKind.ICU, RatioShift.ANY, 2, 5, "Réanimation adulte; plus 1 AS per 4 patients. " + V),
            (UnitKind.CCU, RatioShift.DAY, 1, 4, "USIC by day; plus 1 AS per 4 patients. " + V),
            (UnitKind.CCU, RatioShift.NIGHT, 1, 8, "USIC at night. " + V),
        ],
    },
]

UNITS = ("ICU", "4W", "REHAB", "BIRCH")
# Patients per nurse used to size the demo staffing where no pack gives a cap.
DEFAULT_LOAD = {UnitKind.REHABILITATION: 5, UnitKind.LONG_TERM_CARE: 10}
SOLVE_SECONDS = 0.25


def seed_packs(ctx: SeedContext) -> dict[str, RatioPack]:
    out: dict[str, RatioPack] = {}
    for spec in PACKS:
        pack = RatioPack.objects.filter(code__iexact=spec["code"]).first()
        if pack is None:
            pack = RatioPack.objects.create(
                code=spec["code"],
                name=spec["name"],
                jurisdiction=spec["jurisdiction"],
                citation=spec["citation"],
                source_text=spec["source_text"],
                effective_from=spec["effective_from"],
            )
            RatioRule.objects.bulk_create(
                [
                    RatioRule(pack=pack, unit_kind=kind, shift=shift, nurses=n, patients=p, note=note)
                    for kind, shift, n, p, note in spec["rules"]
                ]
            )
            ctx.report.add("ratio packs")
        out[spec["code"]] = pack
    return out


def _rotation(unit: Unit) -> list[StaffMember]:
    return list(
        StaffMember.objects.filter(
            home_unit=unit, status=StaffStatus.ACTIVE, discipline__in=(Discipline.RN, Discipline.LPN)
        )
        .select_related("user")
        .order_by("discipline", "employee_number", "pk")
    )


# The demo nurse log-ins (accounts.seed) of the units that have one.
DEMO_NURSES = ("nurse.icu", "nurse.4west")


def _seed_unit(ctx: SeedContext, rng: random.Random, unit: Unit, now: datetime) -> None:
    zone = unit.site.time_zone
    today = clock.to_zone(now, zone).date()
    day = ShiftPattern.objects.create(unit=unit, code="day", name="Day", start_time=time(7), length_minutes=720)
    night = ShiftPattern.objects.create(
        unit=unit, code="night", name="Night", start_time=time(19), length_minutes=720, is_night=True
    )
    ctx.report.add("shift patterns", 2)
    shifts = [services.open_shift_for(p, today + timedelta(days=d)) for d in range(-7, 2) for p in (day, night)]
    CareShift.objects.bulk_create(shifts)
    shifts = list(CareShift.objects.filter(unit=unit).select_related("unit", "unit__site", "unit__ratio_pack"))
    ctx.report.add("care shifts", len(shifts))
    people = _rotation(unit)
    if not people:
        return
    rng.shuffle(people)
    demo = next((p for p in people if p.user.username in DEMO_NURSES), None)
    skills = {p.pk: services.skills_from_credentials(p, today) for p in people}
    cursor = 0
    charge_cursor = 0
    last_on: set[int] = set()
    rows: list[ShiftStaff] = []
    for shift in shifts:
        patients = problem_patients(unit, shift.starts_at)
        ratio = ratios.unit_ratio(unit, is_night=shift.is_night)
        cap = ratio.per_nurse or DEFAULT_LOAD.get(unit.kind, 5)  # type: ignore[call-overload]
        charge_cap = max(1, cap - 1)
        solo = one_to_one_patients(unit, shift.starts_at)  # each needs a nurse of their own
        need = max(2, math.ceil(max(0, patients - solo - charge_cap) / cap) + 1 + solo)
        need = min(need, len(people))
        picked: list[StaffMember] = []
        tries = 0
        while len(picked) < need and tries < 2 * len(people):
            person = people[cursor % len(people)]
            cursor += 1
            tries += 1
            if person in picked or (person.pk in last_on and tries <= len(people)):
                continue
            picked.append(person)
        # The demo's nurse log-in of the unit works the shift running now, so that
        # "my patients" shows something when they first sign in.
        if demo is not None and shift.starts_at <= now < shift.ends_at and demo not in picked:
            picked[-1] = demo
        charge = picked[charge_cursor % len(picked)]
        charge_cursor += 1
        for person in picked:
            rows.append(
                ShiftStaff(
                    shift=shift,
                    staff=person,
                    is_charge=person is charge,
                    max_patients=charge_cap if person is charge else None,
                    skills=skills[person.pk],
                    source=StaffSource.MANUAL,
                )
            )
        last_on = {p.pk for p in picked}
    ShiftStaff.objects.bulk_create(rows)
    ctx.report.add("staff on shift", len(rows))
    for shift in shifts:
        if shift.starts_at <= now:
            outcome = services._solve_and_store(None, shift, time_limit_s=SOLVE_SECONDS, now=now, seed=ctx.seed)
            ctx.report.add("patient assignments", outcome.assigned)


def one_to_one_patients(unit: Unit, at: datetime) -> int:
    from django.db.models import Q

    from caredesk.assignment.problem import active_stays
    from caredesk.census.models import FlagKind, PatientFlag

    return (
        PatientFlag.objects.filter(stay__in=active_stays(unit, at), kind=FlagKind.ONE_TO_ONE)
        .filter(Q(cleared_at__isnull=True) | Q(cleared_at__gt=at))
        .values("stay_id")
        .distinct()
        .count()
    )


def problem_patients(unit: Unit, at: datetime) -> int:
    from caredesk.assignment.problem import active_stays

    return active_stays(unit, at).count()


def run(ctx: SeedContext) -> None:
    packs = seed_packs(ctx)
    now = clock.now()
    for k, hospital, home in ctx.shared.get("new_pairs", []):
        for n, site in enumerate((hospital, home)):
            if site is None:
                continue
            _seed_site(ctx, random.Random(f"{ctx.seed}:assignment:{k}:{n}"), site, packs, now)


def _seed_site(ctx: SeedContext, rng: random.Random, site: Site, packs: dict[str, RatioPack], now: datetime) -> None:
    if site.kind == "hospital":
        pack = packs["fr-csp-d6124"] if site.country == "FR" else packs["us-ca-22ccr70217"]
        Unit.objects.filter(site=site).update(ratio_pack=pack)
    for unit in Unit.objects.filter(site=site, code__in=UNITS).select_related("site", "ratio_pack").order_by("pk"):
        if ShiftPattern.objects.filter(unit=unit).exists():
            continue
        _seed_unit(ctx, rng, unit, now)
