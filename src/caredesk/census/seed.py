"""Census demo data: two shared acuity scales, and for each new hospital /
nursing-home pair, patients on ICU, 4 West, Acute Rehabilitation and the Birch
Wing (about 85 % of beds occupied), some discharged in the last 7 days, some
transferred, acuity scored for recent shifts, flags and family contacts.

Deterministic (seeded RNGs), bulk-created, idempotent (only new site pairs)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from caredesk.census import services
from caredesk.census.models import (
    AcuityScale,
    AcuityScore,
    CodeStatus,
    FamilyContact,
    FlagKind,
    IsolationType,
    MovementKind,
    Patient,
    PatientFlag,
    Sex,
    Stay,
    StayMovement,
    StayStatus,
)
from caredesk.core import clock
from caredesk.core.roles import Role
from caredesk.core.seeding import SeedContext
from caredesk.org.models import Bed, Site, Unit

ORDER = 70

CLASSIFICATION_NOTE = (
    "A generic patient classification written for CareDesk to meet the requirement of a patient "
    "classification system (California 22 CCR §70053.2 and §70217): it is not a proprietary or "
    "validated tool. Each hospital should validate its own scale and staffing for each level."
)
SHARED_SCALES: list[dict[str, Any]] = [
    {
        "code": "caredesk-4-level",
        "name": "Patient classification, four levels",
        "description": "Choose the level that best describes the nursing care the patient needs this shift. "
        + CLASSIFICATION_NOTE,
        "citation": "Generic classification after 22 CCR §70053.2 (California); not a proprietary tool",
        "items": [],
        "levels": [
            {"level": 1, "label": "Stable: self-care, routine checks", "min_points": 0, "points": 1},
            {"level": 2, "label": "Moderate: assistance, 4-hourly checks", "min_points": 0, "points": 2},
            {"level": 3, "label": "Complex: frequent assessment or treatment", "min_points": 0, "points": 3},
            {"level": 4, "label": "Intensive: continuous observation", "min_points": 0, "points": 4},
        ],
    },
    {
        "code": "caredesk-weighted-checklist",
        "name": "Patient classification, weighted checklist",
        "description": "Tick the care needs present this shift; the points add up to a level. " + CLASSIFICATION_NOTE,
        "citation": "Generic classification after 22 CCR §70053.2 (California); not a proprietary tool",
        "items": [
            {"code": "vitals_q1h", "label": "Vital signs or neuro checks hourly or more often", "points": 4},
            {"code": "vitals_q4h", "label": "Vital signs every 2 to 4 hours", "points": 1},
            {"code": "iv_titration", "label": "Titrated infusion (vasoactive, insulin, heparin)", "points": 4},
            {"code": "iv_meds", "label": "Intravenous medications or blood products", "points": 2},
            {"code": "ventilation", "label": "Mechanical or non-invasive ventilation", "points": 5},
            {"code": "oxygen", "label": "Oxygen therapy or frequent suctioning", "points": 1},
            {"code": "mobility_total", "label": "Total assistance to move or turn", "points": 3},
            {"code": "mobility_some", "label": "Assistance of one to move", "points": 1},
            {"code": "wounds", "label": "Complex wound or drain care", "points": 2},
            {"code": "cognition", "label": "Confusion, delirium or agitation", "points": 2},
            {"code": "isolation", "label": "Isolation precautions", "points": 1},
            {"code": "teaching", "label": "Discharge or family teaching", "points": 1},
            {"code": "admission", "label": "Admission, transfer or discharge this shift", "points": 2},
        ],
        "levels": [
            {"level": 1, "label": "Low", "min_points": 0},
            {"level": 2, "label": "Moderate", "min_points": 5},
            {"level": 3, "label": "High", "min_points": 10},
            {"level": 4, "label": "Intensive", "min_points": 15},
        ],
    },
]

GIVEN_US = {
    Sex.FEMALE: [
        "Maria",
        "Linda",
        "Aisha",
        "Mei",
        "Thuy",
        "Rosa",
        "Patricia",
        "Fatima",
        "Grace",
        "Olga",
        "Keisha",
        "Priya",
        "Ana",
        "Dorothy",
        "Yuki",
        "Carmen",
        "Jennifer",
        "Hana",
        "Ruth",
        "Leilani",
    ],
    Sex.MALE: [
        "James",
        "Jose",
        "Wei",
        "Mohammed",
        "Robert",
        "Nguyen",
        "Carlos",
        "David",
        "Andre",
        "Ivan",
        "Samuel",
        "Raj",
        "Luis",
        "Harold",
        "Kenji",
        "Tyrone",
        "Michael",
        "Omar",
        "Frank",
        "Tomasz",
    ],
}
FAMILY_US = [
    "Garcia",
    "Smith",
    "Nguyen",
    "Johnson",
    "Chen",
    "Williams",
    "Rodriguez",
    "Okafor",
    "Brown",
    "Kim",
    "Patel",
    "Martinez",
    "Davis",
    "Haddad",
    "Kowalski",
    "Lopez",
    "Wilson",
    "Tran",
    "Ivanova",
    "Jackson",
    "Santos",
    "Anderson",
    "Yamamoto",
    "Thompson",
    "Rahman",
    "Moore",
    "Cohen",
    "Reyes",
    "Walker",
    "Fofana",
]
GIVEN_FR = {
    Sex.FEMALE: [
        "Marie",
        "Jeanne",
        "Fatima",
        "Camille",
        "Monique",
        "Nathalie",
        "Yasmina",
        "Isabelle",
        "Chantal",
        "Léa",
        "Aïcha",
        "Françoise",
    ],
    Sex.MALE: [
        "Jean",
        "Pierre",
        "Mohamed",
        "Louis",
        "Michel",
        "Karim",
        "Philippe",
        "André",
        "Thomas",
        "Bernard",
        "Mamadou",
        "Alain",
    ],
}
FAMILY_FR = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Benali",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Diallo",
    "Garnier",
    "Fournier",
    "Rousseau",
    "Nguyen",
    "Haddad",
]
LANGUAGES_US = (
    ["English"] * 12
    + ["Spanish"] * 4
    + ["Mandarin", "Vietnamese", "Tagalog", "Arabic", "Russian", "Korean", "Haitian Creole", "Portuguese", "ASL"]
)
LANGUAGES_FR = ["French"] * 12 + ["Arabic", "Portuguese", "English", "Wolof", "Vietnamese"]
PAYERS_US = [
    "Medicare",
    "Medicare",
    "Medicaid",
    "Blue Cross Blue Shield",
    "Aetna",
    "UnitedHealthcare",
    "Cigna",
    "Humana Medicare Advantage",
    "Kaiser Permanente",
    "Self-pay",
]
PAYERS_FR = [
    "Assurance Maladie + mutuelle",
    "Assurance Maladie (ALD 100 %)",
    "Complémentaire santé solidaire",
    "Assurance Maladie + MGEN",
]
ALLERGIES = [
    "Penicillin (rash)",
    "Sulfa drugs (hives)",
    "Latex",
    "Codeine (nausea, vomiting)",
    "Iodinated contrast (anaphylaxis)",
    "Peanuts",
    "Morphine (itching)",
    "Aspirin (bronchospasm)",
    "Penicillin (anaphylaxis)\nShellfish",
]
REASONS = {
    "ICU": [
        "Septic shock",
        "Acute respiratory failure",
        "Post-op CABG",
        "Diabetic ketoacidosis",
        "GI bleed",
        "Cardiac arrest, post-ROSC",
        "Stroke, tPA given",
        "Trauma, multiple fractures",
    ],
    "4W": [
        "Pneumonia",
        "Cellulitis",
        "CHF exacerbation",
        "COPD exacerbation",
        "Post-op hip replacement",
        "Small bowel obstruction",
        "Urinary tract infection",
        "Pancreatitis",
        "Fall, hip fracture",
    ],
    "REHAB": [
        "Stroke rehabilitation",
        "Hip fracture rehabilitation",
        "Spinal cord injury",
        "Amputation, BKA",
        "Traumatic brain injury",
        "Debility after critical illness",
    ],
    "BIRCH": ["Long-term care", "Dementia care", "Post-acute care", "Respite care"],
}
AGES = {"ICU": (28, 90), "4W": (19, 96), "REHAB": (35, 92), "BIRCH": (68, 101)}
ATTENDINGS = ["Dr. A. Reyes", "Dr. S. Cohen", "Dr. M. Okafor", "Dr. L. Chen", "Dr. P. Martin", "Dr. K. Haddad"]
DISPOSITIONS = [
    "Home",
    "Home with home health",
    "Skilled nursing facility",
    "Acute rehabilitation",
    "Another hospital",
    "Hospice",
]
RELATIONSHIPS = ["daughter", "son", "spouse", "partner", "sister", "brother", "niece", "friend", "guardian"]
CARE_PLAN = (
    "Approach calmly, one person at a time; explain each step before doing it. Offer choices (timing of "
    "washing, order of medications). Has raised his voice at night staff: two staff for personal care after "
    "22:00. Daughter (primary contact) helps de-escalate by phone. Report any threat to the charge nurse."
)


def _shared_scales(ctx: SeedContext) -> dict[str, AcuityScale]:
    out = {}
    for spec in SHARED_SCALES:
        scale = AcuityScale.objects.filter(code__iexact=spec["code"]).first()
        if scale is None:
            scale = AcuityScale.objects.create(site=None, **spec)
            ctx.report.add("acuity scales")
        out[spec["code"]] = scale
    return out


def _scorers(site: Site) -> dict[int, list[Any]]:
    from caredesk.accounts.models import RoleGrant

    by_unit: dict[int, list[Any]] = {}
    for grant in RoleGrant.objects.filter(site=site, role__in=[Role.CLINICIAN, Role.COORDINATOR]).select_related(
        "user"
    ):
        if grant.unit_id is not None:
            by_unit.setdefault(grant.unit_id, []).append(grant.user)
    fallback = [g.user for g in RoleGrant.objects.filter(site=site).select_related("user").order_by("pk")[:3]]
    by_unit[0] = fallback
    return by_unit


class _Builder:
    def __init__(self, ctx: SeedContext, site: Site, rng: random.Random, now: datetime) -> None:
        self.ctx, self.site, self.rng, self.now = ctx, site, rng, now
        self.today = clock.to_zone(now, site.time_zone).date()
        self.fr = site.country == "FR"
        self.n = 0

    def patient(self, unit_code: str) -> Patient:
        rng = self.rng
        self.n += 1
        sex = rng.choice([Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.UNKNOWN])
        names_sex = sex if sex in (Sex.FEMALE, Sex.MALE) else rng.choice([Sex.FEMALE, Sex.MALE])
        given = rng.choice((GIVEN_FR if self.fr else GIVEN_US)[names_sex])
        family = rng.choice(FAMILY_FR if self.fr else FAMILY_US)
        low, high = AGES[unit_code]
        age = rng.randint(low, high)
        birth = self.today - timedelta(days=age * 365 + rng.randint(0, 364))
        language = rng.choice(LANGUAGES_FR if self.fr else LANGUAGES_US)
        roll = rng.random()
        allergies = rng.choice(ALLERGIES) if roll < 0.3 else ""
        if unit_code == "BIRCH":
            code = rng.choice([CodeStatus.DNR, CodeStatus.DNR, CodeStatus.DNR_DNI, CodeStatus.FULL, CodeStatus.COMFORT])
        elif unit_code == "ICU":
            code = rng.choice([CodeStatus.FULL] * 6 + [CodeStatus.DNR, CodeStatus.DNR_DNI])
        else:
            code = rng.choice([CodeStatus.FULL] * 6 + [CodeStatus.DNR, CodeStatus.UNKNOWN])
        mrn = f"{self.site.code}-{100000 + self.n * 7 + rng.randint(0, 6)}"
        return Patient(
            site=self.site,
            mrn=mrn,
            wristband_id=mrn,
            family_name=family,
            given_name=given,
            birth_date=birth,
            sex=sex,
            language=language,
            interpreter_needed=language not in ("English", "French") and rng.random() < 0.7,
            allergies=allergies,
            no_known_allergies=not allergies and roll < 0.85,
            code_status=code,
            insurance_payer=rng.choice(PAYERS_FR if self.fr else PAYERS_US),
        )


def _shift_starts(site: Site, now: datetime, count: int) -> list[tuple[date, str, datetime]]:
    """The last `count` Day/Night shifts (07:00 / 19:00 site time), newest first."""
    zone = ZoneInfo(site.time_zone)
    out = []
    moment = now
    for _ in range(count):
        shift_date, label = services.fallback_shift(site, moment)
        hour = 7 if label == "Day" else 19
        start = datetime(shift_date.year, shift_date.month, shift_date.day, hour, tzinfo=zone).astimezone(clock.UTC)
        out.append((shift_date, label, start))
        moment = start - timedelta(minutes=1)
    return out


def _seed_site(ctx: SeedContext, site: Site, unit_codes: list[str], scales: dict[str, AcuityScale], k: int) -> None:
    rng = random.Random(f"{ctx.seed}:census:{k}:{site.code}")
    now = clock.now()
    b = _Builder(ctx, site, rng, now)
    units = {u.code: u for u in Unit.objects.filter(site=site, code__in=unit_codes)}
    scorers = _scorers(site)
    checklist = scales["caredesk-weighted-checklist"]
    four = scales["caredesk-4-level"]

    plan: list[dict[str, Any]] = []  # one entry per stay
    for code in unit_codes:
        unit = units.get(code)
        if unit is None:
            continue
        beds = list(
            Bed.objects.filter(room__unit=unit, is_active=True)
            .select_related("room")
            .order_by("room__position", "label")
        )
        occupied = round(len(beds) * 0.85)
        chosen = sorted(rng.sample(range(len(beds)), occupied))
        free = [beds[i] for i in range(len(beds)) if i not in set(chosen)]
        long_term = code == "BIRCH"
        for i in chosen:
            days = rng.randint(30, 900) if long_term else rng.randint(0, 12)
            admitted = now - timedelta(days=days, hours=rng.randint(1, 20), minutes=rng.randint(0, 59))
            plan.append({"unit": unit, "code": code, "bed": beds[i], "admitted": admitted, "discharged": None})
        # Discharged in the last 7 days (the bed they had is free now, so no overlap).
        for j in range(max(2, len(beds) // 7)):
            discharged = now - timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 12))
            admitted = discharged - timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 20))
            bed = free[j] if j < len(free) else None
            plan.append({"unit": unit, "code": code, "bed": bed, "admitted": admitted, "discharged": discharged})

    patients = Patient.objects.bulk_create([b.patient(p["code"]) for p in plan])
    stays = Stay.objects.bulk_create(
        [
            Stay(
                patient=pat,
                unit=p["unit"],
                bed=p["bed"],
                status=StayStatus.DISCHARGED if p["discharged"] else StayStatus.ADMITTED,
                admitted_at=p["admitted"],
                discharged_at=p["discharged"],
                reason=rng.choice(REASONS[p["code"]]),
                attending="" if p["code"] == "BIRCH" else rng.choice(ATTENDINGS),
                discharge_disposition=rng.choice(DISPOSITIONS) if p["discharged"] else "",
            )
            for pat, p in zip(patients, plan, strict=True)
        ]
    )
    ctx.report.add("patients", len(patients))
    ctx.report.add("stays", len(stays))

    # Movements; some 4 West and REHAB patients came from the ICU / 4 West.
    moves: list[StayMovement] = []
    came_from = {"4W": units.get("ICU"), "REHAB": units.get("4W")}
    transferred = 0
    for stay, p in zip(stays, plan, strict=True):
        origin = came_from.get(p["code"])
        if origin is not None and p["discharged"] is None and rng.random() < 0.25:
            transfer_at = (
                p["admitted"] + timedelta(days=rng.randint(1, 3)) if p["admitted"] < now - timedelta(days=4) else None
            )
            if transfer_at is not None and transfer_at < now:
                moves.append(StayMovement(stay=stay, kind=MovementKind.ADMISSION, at=p["admitted"], to_unit=origin))
                moves.append(
                    StayMovement(
                        stay=stay,
                        kind=MovementKind.TRANSFER,
                        at=transfer_at,
                        from_unit=origin,
                        to_unit=p["unit"],
                        to_bed=p["bed"],
                        note="Stepped down" if p["code"] == "4W" else "Ready for rehabilitation",
                    )
                )
                transferred += 1
                continue
        moves.append(
            StayMovement(stay=stay, kind=MovementKind.ADMISSION, at=p["admitted"], to_unit=p["unit"], to_bed=p["bed"])
        )
        if p["discharged"]:
            moves.append(
                StayMovement(
                    stay=stay, kind=MovementKind.DISCHARGE, at=p["discharged"], from_unit=p["unit"], from_bed=p["bed"]
                )
            )
    StayMovement.objects.bulk_create(moves)
    ctx.report.add("transfers", transferred)

    # Acuity for the last four shifts of each open stay.
    shifts = _shift_starts(site, now, 4)
    scores: list[AcuityScore] = []
    item_codes = [i["code"] for i in checklist.items]
    weights = {"ICU": (4, 8), "4W": (1, 5), "REHAB": (1, 4), "BIRCH": (0, 3)}
    for stay, p in zip(stays, plan, strict=True):
        if p["discharged"]:
            continue
        people = scorers.get(p["unit"].pk) or scorers.get(0) or []
        if not people:
            continue
        base = rng.randint(1, 4)
        for shift_date, label, start in shifts:
            if start < p["admitted"] and start != shifts[0][2]:
                continue  # the current shift is scored even for a patient admitted during it
            scored_at = max(start, p["admitted"]) + timedelta(hours=rng.randint(1, 3), minutes=rng.randint(0, 59))
            if scored_at > now:
                scored_at = now - timedelta(minutes=rng.randint(1, 30))
            if p["code"] in ("ICU", "4W"):
                low, high = weights[p["code"]]
                ticked = sorted(rng.sample(item_codes, rng.randint(low, high)), key=item_codes.index)
                _items, points, level = services.compute_score(checklist, ticked, None)
                scale = checklist
            else:
                level = max(1, min(4, base + rng.choice([-1, 0, 0, 0, 1])))
                ticked, points, scale = [], level, four
            scores.append(
                AcuityScore(
                    stay=stay,
                    scale=scale,
                    shift_date=shift_date,
                    shift_label=label,
                    items=ticked,
                    points=points,
                    level=level,
                    scored_at=scored_at,
                    scored_by=rng.choice(people),
                )
            )
    AcuityScore.objects.bulk_create(scores)
    ctx.report.add("acuity scores", len(scores))

    # Flags and family contacts.
    open_stays = [(s, p) for s, p in zip(stays, plan, strict=True) if p["discharged"] is None]
    flags: list[PatientFlag] = []
    raiser = (scorers.get(0) or [None])[0]
    special: dict[str, list[tuple[str, str, str, str]]] = {
        "4W": [
            (FlagKind.DIFFICULT, "", "Verbal aggression towards night staff", CARE_PLAN),
            (FlagKind.ISOLATION, IsolationType.CONTACT, "MRSA in wound swab", ""),
            (FlagKind.ONE_TO_ONE, "", "Suicide risk: sitter at all times", "Sitter within arm's reach; remove sharps."),
        ],
        "ICU": [(FlagKind.ISOLATION, IsolationType.DROPLET, "Influenza A", "")],
        "BIRCH": [(FlagKind.BEHAVIOURAL, "", "Exit-seeking in the evening", "Redirect with an activity; door alarm.")],
    }
    used: set[int] = set()
    for code, specs in special.items():
        candidates = [(s, p) for s, p in open_stays if p["code"] == code]
        for (kind, iso, note, plan_text), (stay, p) in zip(specs, candidates[1 : len(specs) + 1], strict=False):
            people = scorers.get(p["unit"].pk) or [raiser]
            flags.append(
                PatientFlag(
                    stay=stay,
                    kind=kind,
                    isolation_type=iso,
                    note=note,
                    care_plan=plan_text,
                    raised_at=max(p["admitted"], now - timedelta(days=2)),
                    raised_by=rng.choice(people),
                )
            )
            used.add(stay.pk)
    for stay, p in open_stays:
        people = scorers.get(p["unit"].pk) or [raiser]
        if people == [None]:
            continue
        age = (b.today - stay.patient.birth_date).days // 365
        raised = p["admitted"] + timedelta(hours=rng.randint(1, 6))
        if raised > now:
            raised = now
        if age >= 75 and rng.random() < 0.45:
            flags.append(
                PatientFlag(
                    stay=stay,
                    kind=FlagKind.FALL_RISK,
                    note="Morse fall scale 50+",
                    raised_at=raised,
                    raised_by=rng.choice(people),
                )
            )
        if age >= 80 and rng.random() < 0.25:
            flags.append(
                PatientFlag(
                    stay=stay,
                    kind=FlagKind.CONFUSED,
                    note="Disoriented to time",
                    raised_at=raised,
                    raised_by=rng.choice(people),
                )
            )
    PatientFlag.objects.bulk_create(flags)
    ctx.report.add("flags", len(flags))

    contacts: list[FamilyContact] = []
    for pat in patients:
        if rng.random() < 0.25:
            continue
        for n in range(rng.choice([1, 1, 2])):
            relationship = rng.choice(RELATIONSHIPS)
            given = rng.choice((GIVEN_FR if b.fr else GIVEN_US)[rng.choice([Sex.FEMALE, Sex.MALE])])
            contacts.append(
                FamilyContact(
                    patient=pat,
                    name=f"{given} {pat.family_name}",
                    relationship=relationship,
                    phone=f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
                    if b.fr
                    else f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                    is_primary=n == 0,
                    may_receive_information=n == 0 or rng.random() < 0.5,
                )
            )
    FamilyContact.objects.bulk_create(contacts)
    ctx.report.add("family contacts", len(contacts))


def run(ctx: SeedContext) -> None:
    scales = _shared_scales(ctx)
    for k, hospital, home in ctx.shared.get("new_pairs", []):
        if hospital is not None:
            _seed_site(ctx, hospital, ["ICU", "4W", "REHAB"], scales, k)
        if home is not None:
            _seed_site(ctx, home, ["BIRCH"], scales, k)
