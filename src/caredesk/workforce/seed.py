"""Work-rule packs, credential types and requirements (all with their source),
and a staff record with credentials for every seeded clinician and coordinator.

Credentials are dated relative to the day of seeding so the demo always shows
some expiring within 90 days, a few expired, and most valid.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from caredesk.accounts.models import RoleGrant
from caredesk.core import clock
from caredesk.core.roles import Discipline, Role
from caredesk.core.seeding import SeedContext
from caredesk.workforce.models import (
    Credential,
    CredentialKind,
    CredentialRequirement,
    CredentialType,
    EmploymentEvent,
    EmploymentEventKind,
    OvertimeBasis,
    StaffMember,
    WorkRules,
)
from caredesk.workforce.qualification import initial_next_warning_at

ORDER = 30

RULE_PACKS = [
    {
        "code": "us-flsa-40",
        "name": "US hospital, FLSA 40-hour week",
        "jurisdiction": "US federal",
        "source": "29 USC 207(a)(1): 1.5x over 40 hours in a fixed 7-day workweek; rest and run limits from a typical union contract (RULES.md §7).",
        "max_minutes_per_day": 16 * 60,
        "max_minutes_per_week": 60 * 60,
        "min_rest_minutes": 10 * 60,
        "max_consecutive_days": 6,
        "min_consecutive_days_off": 1,
        "max_weekends_per_4_weeks": 2,
        "overtime_basis": OvertimeBasis.FLSA_WEEKLY_40,
    },
    {
        "code": "us-hospital-8-80",
        "name": "US hospital, 8/80 overtime",
        "jurisdiction": "US federal",
        "source": "29 USC 207(j), 29 CFR 778.601: over 8 hours in a workday or 80 in a fixed 14-day period, agreed in advance.",
        "max_minutes_per_day": 16 * 60,
        "max_minutes_per_week": 60 * 60,
        "min_rest_minutes": 10 * 60,
        "max_consecutive_days": 6,
        "min_consecutive_days_off": 1,
        "max_weekends_per_4_weeks": 2,
        "overtime_basis": OvertimeBasis.HOSPITAL_8_80,
    },
    {
        "code": "us-or-nurse",
        "name": "Oregon nursing staff",
        "jurisdiction": "Oregon",
        "source": "ORS 441.166 (now 441.770): not required beyond 48 h in the hospital week, 12 h in 24 h, nor within 10 h after the 12th hour.",
        "max_minutes_per_day": 12 * 60,
        "max_minutes_per_week": 48 * 60,
        "min_rest_minutes": 10 * 60,
        "max_consecutive_days": 5,
        "min_consecutive_days_off": 1,
        "max_weekends_per_4_weeks": 2,
        "overtime_basis": OvertimeBasis.FLSA_WEEKLY_40,
    },
    {
        "code": "us-union-12h",
        "name": "Union contract, 12-hour shifts",
        "jurisdiction": "Collective agreement",
        "source": "Typical WSNA-style clauses: no more than 4 consecutive 12-h shifts, 12 h rest between shifts, every other weekend off (RULES.md §7).",
        "max_minutes_per_day": 12 * 60,
        "max_minutes_per_week": 48 * 60,
        "min_rest_minutes": 12 * 60,
        "max_consecutive_days": 4,
        "min_consecutive_days_off": 2,
        "max_weekends_per_4_weeks": 2,
        "overtime_basis": OvertimeBasis.FLSA_WEEKLY_40,
    },
    {
        "code": "fr-fph",
        "name": "Fonction publique hospitalière",
        "jurisdiction": "France",
        "source": "Décret n° 2002-9 du 4 janvier 2002, art. 6-7: 48 h in any 7 days, 12 h daily rest, 36 h weekly rest, 4 rest days per 2 weeks.",
        "max_minutes_per_day": 12 * 60,
        "max_minutes_per_week": 48 * 60,
        "min_rest_minutes": 12 * 60,
        "max_consecutive_days": 5,
        "min_consecutive_days_off": 2,
        "max_weekends_per_4_weeks": 2,
        "weekly_rest_minutes": 36 * 60,
        "overtime_basis": OvertimeBasis.FR_PUBLIC_HOSPITAL,
    },
    {
        "code": "eu-wtd",
        "name": "EU Working Time Directive",
        "jurisdiction": "EU",
        "source": "Directive 2003/88/EC: 11 h daily rest (art. 3), 24 h + 11 h weekly rest (art. 5), 48 h average week (art. 6).",
        "max_minutes_per_day": 13 * 60,
        "max_minutes_per_week": 48 * 60,
        "min_rest_minutes": 11 * 60,
        "max_consecutive_days": 6,
        "min_consecutive_days_off": 1,
        "weekly_rest_minutes": 35 * 60,
        "overtime_basis": OvertimeBasis.NONE,
    },
]

CREDENTIAL_TYPES = [
    ("rn-licence", "RN licence", CredentialKind.LICENCE, 24, True),
    ("lpn-licence", "LPN/LVN licence", CredentialKind.LICENCE, 24, True),
    ("pt-licence", "Physical therapy licence", CredentialKind.LICENCE, 24, True),
    ("ot-licence", "Occupational therapy licence", CredentialKind.LICENCE, 24, True),
    ("slp-licence", "Speech-language pathology licence", CredentialKind.LICENCE, 24, True),
    ("md-licence", "Medical licence", CredentialKind.LICENCE, 24, True),
    ("bls", "Basic Life Support (BLS)", CredentialKind.CERTIFICATION, 24, False),
    ("acls", "Advanced Cardiovascular Life Support (ACLS)", CredentialKind.CERTIFICATION, 24, False),
    ("pals", "Pediatric Advanced Life Support (PALS)", CredentialKind.CERTIFICATION, 24, False),
    ("tncc", "Trauma Nursing Core Course (TNCC)", CredentialKind.CERTIFICATION, 48, False),
    ("ccrn", "Critical care nursing certification (CCRN)", CredentialKind.CERTIFICATION, 36, True),
    ("iv-therapy", "IV therapy competency", CredentialKind.COMPETENCY, 12, False),
    ("chemotherapy", "Chemotherapy administration competency", CredentialKind.COMPETENCY, 24, False),
    ("dementia-care", "Dementia care competency", CredentialKind.COMPETENCY, 12, False),
]

STATE_BOARD = (
    "state board of nursing: licensure is required to practise (e.g. California Business & Professions Code §2732)"
)
REQUIREMENTS = [
    ("rn-licence", Discipline.RN, "", "", STATE_BOARD),
    ("lpn-licence", Discipline.LPN, "", "", STATE_BOARD),
    ("pt-licence", Discipline.PHYSIOTHERAPIST, "", "", "state physical therapy practice act"),
    ("ot-licence", Discipline.OCCUPATIONAL_THERAPIST, "", "", "state occupational therapy practice act"),
    ("slp-licence", Discipline.SPEECH_THERAPIST, "", "", "state speech-language pathology practice act"),
    ("md-licence", Discipline.PHYSICIAN, "", "", "state medical practice act"),
    ("bls", Discipline.RN, "", "", "hospital policy: every nurse current in BLS (AHA guidelines)"),
    ("bls", Discipline.LPN, "", "", "hospital policy: every nurse current in BLS (AHA guidelines)"),
    ("bls", Discipline.NURSING_ASSISTANT, "", "", "hospital policy: direct-care staff current in BLS"),
    (
        "acls",
        Discipline.RN,
        "icu",
        "",
        "critical-care competency (22 CCR §70217(a): documented competence for the unit)",
    ),
    ("acls", Discipline.RN, "step_down", "", "critical-care competency (22 CCR §70217(a))"),
    ("acls", Discipline.RN, "ed", "", "emergency department competency (22 CCR §70217(a))"),
    ("pals", Discipline.RN, "paediatrics", "", "paediatric competency (22 CCR §70217(a))"),
    ("tncc", Discipline.RN, "ed", "", "trauma centre designation standard"),
    ("chemotherapy", Discipline.RN, "", "chemotherapy", "ASCO/ONS chemotherapy administration safety standards"),
    ("iv-therapy", Discipline.LPN, "", "iv-therapy", "state LPN scope of practice: IV therapy certification"),
    (
        "dementia-care",
        "",
        "long_term_care",
        "",
        "42 CFR 483.95(g): nurse aide in-service training includes dementia management",
    ),
]

LICENCE_OF: dict[str, str] = {
    Discipline.RN: "rn-licence",
    Discipline.LPN: "lpn-licence",
    Discipline.PHYSIOTHERAPIST: "pt-licence",
    Discipline.OCCUPATIONAL_THERAPIST: "ot-licence",
    Discipline.SPEECH_THERAPIST: "slp-licence",
    Discipline.PHYSICIAN: "md-licence",
}
TITLES: dict[str, str] = {
    Discipline.RN: "Staff Nurse",
    Discipline.LPN: "Licensed Practical Nurse",
    Discipline.NURSING_ASSISTANT: "Nursing Assistant",
    Discipline.PHYSIOTHERAPIST: "Physiotherapist",
    Discipline.OCCUPATIONAL_THERAPIST: "Occupational Therapist",
    Discipline.SPEECH_THERAPIST: "Speech-Language Pathologist",
    Discipline.PHYSICIAN: "Emergency Physician",
    Discipline.TECHNICIAN: "Patient Care Technician",
}
RATES: dict[str, int] = {
    Discipline.RN: 48,
    Discipline.LPN: 31,
    Discipline.NURSING_ASSISTANT: 20,
    Discipline.PHYSIOTHERAPIST: 46,
    Discipline.OCCUPATIONAL_THERAPIST: 44,
    Discipline.SPEECH_THERAPIST: 45,
    Discipline.PHYSICIAN: 135,
    Discipline.TECHNICIAN: 22,
}


def _reference_data(ctx: SeedContext) -> None:
    for pack in RULE_PACKS:
        _, created = WorkRules.objects.get_or_create(code=pack["code"], defaults=pack)
        ctx.report.add("work-rule packs", int(created))
    for code, name, kind, months, numbered in CREDENTIAL_TYPES:
        _, created = CredentialType.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "validity_months": months, "requires_number": numbered}
        )
        ctx.report.add("credential types", int(created))
    if not CredentialRequirement.objects.exists():
        types = {t.code: t for t in CredentialType.objects.all()}
        CredentialRequirement.objects.bulk_create(
            [
                CredentialRequirement(credential_type=types[c], discipline=d, unit_kind=k, task=t, source=s)
                for c, d, k, t, s in REQUIREMENTS
            ]
        )
        ctx.report.add("credential requirements", len(REQUIREMENTS))


def _expiry(rng: random.Random, today: date, months: int) -> tuple[date, date]:
    """Issue and expiry dates: ~8 % expired, ~15 % expiring within 90 days, the rest valid."""
    roll = rng.random()
    if roll < 0.08:
        expires = today - timedelta(days=rng.randint(1, 40))
    elif roll < 0.23:
        expires = today + timedelta(days=rng.randint(5, 88))
    else:
        expires = today + timedelta(days=rng.randint(95, months * 30))
    return expires - timedelta(days=months * 30), expires


def run(ctx: SeedContext) -> None:
    _reference_data(ctx)
    now = clock.now()
    types = {t.code: t for t in CredentialType.objects.all()}
    for k, hospital, home in ctx.shared.get("new_pairs", []):
        if hospital is None or home is None:
            continue
        rng = random.Random(f"{ctx.seed}:workforce:{k}")
        rules = {
            hospital.pk: WorkRules.objects.get(code="fr-fph" if hospital.country == "FR" else "us-union-12h"),
            home.pk: WorkRules.objects.get(code="fr-fph" if home.country == "FR" else "us-flsa-40"),
        }
        today = clock.to_zone(now, hospital.time_zone).date()
        grants = (
            RoleGrant.objects.filter(
                site__in=[hospital, home], unit__isnull=False, role__in=[Role.CLINICIAN, Role.COORDINATOR]
            )
            .select_related("user", "unit", "site")
            .order_by("pk")
        )
        staff_rows: list[StaffMember] = []
        for n, grant in enumerate(grants):
            discipline = grant.discipline or Discipline.RN  # coordinators are charge nurses
            fte = rng.choice([Decimal("1.00"), Decimal("1.00"), Decimal("0.90"), Decimal("0.80"), Decimal("0.60")])
            hired = today - timedelta(days=rng.randint(60, 365 * 15))
            staff_rows.append(
                StaffMember(
                    user=grant.user,
                    site=grant.site,
                    home_unit=grant.unit,
                    employee_number=f"{grant.site.code}-{1000 + n}",
                    discipline=discipline,
                    job_title="Clinical Coordinator (Charge Nurse)"
                    if grant.role == Role.COORDINATOR
                    else TITLES[discipline],
                    fte=fte,
                    contracted_minutes_per_week=int(40 * 60 * fte),
                    work_rules=rules[grant.site_id],
                    hourly_rate=Decimal(RATES[discipline] + rng.randint(-3, 8))
                    + (Decimal(6) if grant.role == Role.COORDINATOR else 0),
                    night_differential=Decimal("4.50")
                    if discipline in (Discipline.RN, Discipline.LPN)
                    else Decimal("2.00"),
                    weekend_differential=Decimal("3.00"),
                    hire_date=hired,
                )
            )
        StaffMember.objects.bulk_create(staff_rows)
        staff_rows = list(
            StaffMember.objects.filter(site__in=[hospital, home]).select_related("home_unit", "site", "user")
        )
        events, creds = [], []
        for staff in staff_rows:
            events.append(
                EmploymentEvent(
                    staff=staff,
                    kind=EmploymentEventKind.HIRE,
                    effective_at=datetime.combine(staff.hire_date, time(8), tzinfo=ZoneInfo(staff.site.time_zone)),
                    changes={"job_title": [None, staff.job_title]},
                    recorded_at=now,
                    applied_at=now,
                )
            )
            wanted = [LICENCE_OF[staff.discipline]] if staff.discipline in LICENCE_OF else []
            if staff.discipline in (Discipline.RN, Discipline.LPN, Discipline.NURSING_ASSISTANT):
                wanted.append("bls")
            kind = staff.home_unit.kind if staff.home_unit else ""
            if staff.discipline == Discipline.RN and kind in ("icu", "step_down", "ed"):
                wanted.append("acls")
            if staff.discipline == Discipline.RN and kind == "ed":
                wanted.append("tncc")
            if kind == "long_term_care":
                wanted.append("dementia-care")
            if staff.discipline == Discipline.RN and rng.random() < 0.3:
                wanted.append("iv-therapy")
            if staff.discipline == Discipline.RN and kind == "icu" and rng.random() < 0.4:
                wanted.append("ccrn")
            for code in wanted:
                ctype = types[code]
                issued, expires = _expiry(rng, today, ctype.validity_months or 24)
                creds.append(
                    Credential(
                        staff=staff,
                        type=ctype,
                        issued_on=issued,
                        expires_on=expires,
                        number=f"{code[:3].upper()}{rng.randint(100000, 999999)}" if ctype.requires_number else "",
                        issuer={"rn-licence": "State Board of Nursing", "lpn-licence": "State Board of Nursing"}.get(
                            code,
                            "American Heart Association" if code in ("bls", "acls", "pals") else "Riverside Education",
                        ),
                        next_warning_at=initial_next_warning_at(expires, staff.site.time_zone, now),
                    )
                )
        EmploymentEvent.objects.bulk_create(events)
        Credential.objects.bulk_create(creds)
        ctx.report.add("staff records", len(staff_rows))
        ctx.report.add("credentials", len(creds))
