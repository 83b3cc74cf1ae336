"""Training demo data for each new hospital and nursing home: a budget for the
year, about eight programs with real recurrences (BLS and ACLS every 24 months,
granting the workforce credential; fire safety and infection control yearly
for every clinician; dementia care on long-term-care units; chemotherapy
competency optional), one proposal waiting for a decision and one declined,
sessions in the past and to come, and completions such that a few people are
overdue while each unit stays between 80 and 100 % current.

Completions of programs that grant a credential follow the person's workforce
credential (the demo's expired BLS cards are the overdue BLS training).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from caredesk.accounts.models import RoleGrant
from caredesk.core import clock
from caredesk.core.roles import Role
from caredesk.core.seeding import SeedContext
from caredesk.org.models import Site
from caredesk.training import compliance
from caredesk.training.models import (
    BudgetEntry,
    Completion,
    Delivery,
    Enrollment,
    EnrollmentStatus,
    ProgramStatus,
    ProposalStatus,
    TrainingBudget,
    TrainingProgram,
    TrainingProposal,
    TrainingSession,
)
from caredesk.training.queries import evaluate
from caredesk.workforce.models import Credential, CredentialType, StaffMember
from caredesk.workforce.qualification import initial_next_warning_at

ORDER = 50


@dataclass(frozen=True)
class Spec:
    title: str
    description: str
    provider: str
    delivery: str
    hours: str
    per_person: int
    fixed: int
    mandatory: bool
    disciplines: tuple[str, ...]
    unit_kinds: tuple[str, ...]
    months: int | None
    grants: str | None
    participants: int
    status: str = ProgramStatus.APPROVED
    decline_reason: str = ""


NURSES = ("rn", "lpn", "na")
BLS = Spec(
    "BLS Provider renewal",
    "American Heart Association Basic Life Support: adult, child and infant CPR, AED.",
    "American Heart Association",
    Delivery.BLENDED,
    "4",
    85,
    0,
    True,
    NURSES,
    (),
    24,
    "bls",
    40,
)
FIRE = Spec(
    "Annual fire safety",
    "RACE/PASS, evacuation routes, oxygen fire risk (NFPA 101 Life Safety Code).",
    "Facilities and safety office",
    Delivery.ONLINE,
    "1",
    0,
    1200,
    True,
    (),
    (),
    12,
    None,
    0,
)
INFECTION = Spec(
    "Infection prevention and control",
    "Hand hygiene, transmission-based precautions, PPE donning and doffing.",
    "Infection prevention team",
    Delivery.ONLINE,
    "1.5",
    0,
    900,
    True,
    (),
    (),
    12,
    None,
    0,
)
HOSPITAL = [
    BLS,
    Spec(
        "ACLS Provider renewal",
        "Advanced Cardiovascular Life Support: rhythms, pharmacology, megacode.",
        "American Heart Association",
        Delivery.BLENDED,
        "8",
        250,
        0,
        True,
        ("rn",),
        ("icu", "step_down", "ed"),
        24,
        "acls",
        18,
    ),
    FIRE,
    INFECTION,
    Spec(
        "Chemotherapy and biotherapy competency",
        "ONS/ONCC course and supervised administrations.",
        "Oncology Nursing Society",
        Delivery.BLENDED,
        "16",
        375,
        0,
        False,
        ("rn",),
        (),
        24,
        "chemotherapy",
        4,
    ),
    Spec(
        "Safe patient handling and mobility",
        "Lift equipment, transfers and repositioning without injury.",
        "Rehabilitation department",
        Delivery.CLASSROOM,
        "3",
        0,
        1500,
        False,
        (),
        (),
        None,
        None,
        25,
    ),
    Spec(
        "Sepsis early recognition workshop",
        "qSOFA and the hour-1 bundle, with simulated deteriorating patients.",
        "Clinical education",
        Delivery.SIMULATION,
        "4",
        60,
        800,
        False,
        ("rn",),
        (),
        None,
        None,
        30,
        status=ProgramStatus.PROPOSED,
    ),
    Spec(
        "Advanced wound care certification",
        "Five-day external certification course (WOCN).",
        "WOCN Society",
        Delivery.CLASSROOM,
        "40",
        2400,
        0,
        False,
        ("rn",),
        (),
        None,
        None,
        6,
        status=ProgramStatus.DECLINED,
        decline_reason="Not this year: the budget is committed to mandatory renewals; propose it again for next year "
        "with two places instead of six.",
    ),
]
NURSING_HOME = [
    BLS,
    FIRE,
    INFECTION,
    Spec(
        "Dementia care",
        "Person-centred dementia care, distress behaviours, de-escalation (42 CFR 483.95(g)).",
        "Alzheimer's Association",
        Delivery.CLASSROOM,
        "4",
        40,
        300,
        True,
        (),
        ("long_term_care",),
        12,
        "dementia-care",
        30,
    ),
    Spec(
        "Falls prevention",
        "Risk assessment, hourly rounding, post-fall huddle.",
        "Clinical education",
        Delivery.CLASSROOM,
        "2",
        0,
        400,
        False,
        (),
        (),
        None,
        None,
        30,
    ),
    Spec(
        "Palliative care communication",
        "Serious-illness conversations with residents and families.",
        "Regional palliative care network",
        Delivery.CLASSROOM,
        "6",
        120,
        0,
        False,
        ("rn", "lpn"),
        (),
        None,
        None,
        8,
        status=ProgramStatus.PROPOSED,
    ),
    Spec(
        "Wound care for nursing assistants",
        "External two-day course.",
        "Regional skills college",
        Delivery.CLASSROOM,
        "14",
        450,
        0,
        False,
        ("na",),
        (),
        None,
        None,
        10,
        status=ProgramStatus.DECLINED,
        decline_reason="Duplicates the in-house skin-care module; ask clinical education to extend it instead.",
    ),
]


_PROPOSAL_STATUS: dict[str, str] = {
    ProgramStatus.APPROVED: ProposalStatus.APPROVED,
    ProgramStatus.DECLINED: ProposalStatus.DECLINED,
}


def _people(site: Site) -> dict[str, Any]:
    grants = RoleGrant.objects.filter(site=site, unit__isnull=True).select_related("user").order_by("pk")
    by_role: dict[str, Any] = {}
    for g in grants:
        by_role.setdefault(g.role, g.user)
    return by_role


def _local(site: Site, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(site.time_zone))


def _seed_site(ctx: SeedContext, rng: random.Random, site: Site, specs: list[Spec], now: datetime) -> None:
    people = _people(site)
    director, assistant, hr = people.get(Role.DIRECTOR), people.get(Role.ASSISTANT_DIRECTOR), people.get(Role.HR)
    if director is None or hr is None:
        return
    approver = assistant or director
    today = clock.to_zone(now, site.time_zone).date()
    ctypes = {t.code: t for t in CredentialType.objects.all()}
    staff = list(
        StaffMember.objects.filter(site=site, home_unit__isnull=False).select_related("site", "home_unit", "user")
    )
    programs: list[TrainingProgram] = []
    approved_total = Decimal(0)
    proposals: list[tuple[TrainingProgram, TrainingProposal]] = []
    for n, spec in enumerate(specs):
        program = TrainingProgram.objects.create(
            site=site,
            title=spec.title,
            description=spec.description,
            provider=spec.provider,
            delivery=spec.delivery,
            hours=Decimal(spec.hours),
            cost_per_person=Decimal(spec.per_person),
            fixed_cost=Decimal(spec.fixed),
            is_mandatory=spec.mandatory,
            disciplines=list(spec.disciplines),
            unit_kinds=list(spec.unit_kinds),
            recurrence_months=spec.months,
            grants_credential_type=ctypes.get(spec.grants) if spec.grants else None,
            status=spec.status,
        )
        amount = (Decimal(spec.fixed) + Decimal(spec.per_person) * spec.participants).quantize(Decimal("0.01"))
        proposed_at = now - timedelta(days=rng.randint(60, 300) if spec.status == ProgramStatus.APPROVED else 3 + n)
        decided = spec.status != ProgramStatus.PROPOSED
        proposal = TrainingProposal.objects.create(
            program=program,
            year=today.year,
            expected_participants=spec.participants,
            amount=amount,
            justification="Accreditation requirement." if spec.mandatory else "Requested by the unit coordinators.",
            proposed_by=hr,
            proposed_at=proposed_at,
            status=_PROPOSAL_STATUS.get(spec.status, ProposalStatus.PENDING),
            decided_by=(director if n % 2 else approver) if decided else None,
            decided_at=proposed_at + timedelta(days=rng.randint(1, 6)) if decided else None,
            reason=spec.decline_reason,
        )
        if spec.status == ProgramStatus.APPROVED:
            approved_total += amount
            proposals.append((program, proposal))
        programs.append(program)
    # The year's budget: what is approved is about 75-85 % of it.
    budget = TrainingBudget.objects.create(
        site=site,
        year=today.year,
        amount=Decimal(int(math.ceil(float(approved_total) / rng.uniform(0.75, 0.85) / 1000) * 1000)),
    )
    BudgetEntry.objects.bulk_create(
        [
            BudgetEntry(
                budget=budget,
                proposal=p,
                program=prog,
                amount=p.amount,
                description=f"Approved: {prog.title}",
                posted_at=p.decided_at or now,
                posted_by=p.decided_by,
            )
            for prog, p in proposals
        ]
    )
    ctx.report.add("training programs", len(programs))
    ctx.report.add("training budgets")
    approved = [p for p in programs if p.status == ProgramStatus.APPROVED]
    sessions = _sessions(rng, site, approved, today)
    ctx.report.add("training sessions", sum(len(v) for v in sessions.values()))
    made = _completions(rng, site, approved, staff, sessions, today, now, hr)
    ctx.report.add("training completions", made)


def _sessions(
    rng: random.Random, site: Site, programs: list[TrainingProgram], today: date
) -> dict[int, list[TrainingSession]]:
    out: dict[int, list[TrainingSession]] = defaultdict(list)
    rooms = ["Education centre, room 1", "Education centre, room 2", "Simulation lab", "Conference room B"]
    for program in programs:
        if program.delivery == Delivery.ONLINE:
            continue
        for offset in (-rng.randint(40, 80), -rng.randint(5, 30), rng.randint(7, 20), rng.randint(25, 50)):
            day = today + timedelta(days=offset)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            start = _local(site, day, rng.choice([8, 9, 13]))
            out[program.pk].append(
                TrainingSession.objects.create(
                    program=program,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=int(program.hours * 60) or 60),
                    location=rng.choice(rooms),
                    capacity=rng.choice([8, 10, 12]),
                    trainer=rng.choice(
                        ["Dana Whitfield, RN, MSN", "Luis Ortega, RN", "Priya Raman, CNS", "Tom Becker"]
                    ),
                )
            )
    return out


def _completions(
    rng: random.Random,
    site: Site,
    programs: list[TrainingProgram],
    staff: list[StaffMember],
    sessions: dict[int, list[TrainingSession]],
    today: date,
    now: datetime,
    recorder: Any,
) -> int:
    """Completions per unit and program with at most 20 % of each cell not current."""
    creds: dict[tuple[int, int], Credential] = {}
    for c in Credential.objects.filter(staff__in=staff, revoked_at__isnull=True).order_by("issued_on"):
        creds[(c.staff_id, c.type_id)] = c
    rows: list[Completion] = []
    cells: dict[tuple[int, int], list[StaffMember]] = defaultdict(list)
    mandatory = [p for p in programs if p.is_mandatory]
    applicable = evaluate(staff, mandatory, now)
    for s in staff:
        for item in applicable[s.pk]:
            cells[(s.home_unit_id or 0, item.program.pk)].append(s)
    by_pk = {p.pk: p for p in programs}
    for (_unit, program_id), people in sorted(cells.items()):
        program = by_pk[program_id]
        months = program.recurrence_months or 12
        allowed = math.floor(len(people) * 0.2)
        ctype_id = program.grants_credential_type_id
        late: list[StaffMember] = []
        for s in people:
            cred = creds.get((s.pk, ctype_id)) if ctype_id else None
            if ctype_id and cred is not None and cred.expires_on is not None:
                # The training record follows the card on file.
                completed = compliance.add_months(cred.expires_on, -months)
                if cred.expires_on < today and len(late) < allowed:
                    late.append(s)
                elif cred.expires_on < today:
                    completed = _renew_credential(rng, cred, today, months, now, s.site.time_zone)
                rows.append(_completion(s, program, completed, now, recorder))
                continue
            roll = rng.random()
            if len(late) < allowed and roll < 0.07:
                late.append(s)
                if roll < 0.015:
                    continue  # never done
                completed = compliance.add_months(today, -months) - timedelta(days=rng.randint(1, 75))
            elif roll < 0.15:
                completed = compliance.add_months(today, -months) + timedelta(days=rng.randint(1, 30))  # expiring
            else:
                completed = today - timedelta(days=rng.randint(10, months * 30 - 40))
            rows.append(_completion(s, program, completed, now, recorder))
    # Optional programs: a handful of people completed them.
    for program in programs:
        if program.is_mandatory:
            continue
        takers = [s for s in staff if not program.disciplines or s.discipline in program.disciplines]
        for s in rng.sample(takers, k=min(len(takers), rng.randint(2, 5))):
            completed = today - timedelta(days=rng.randint(20, 300))
            rows.append(_completion(s, program, completed, now, recorder))
            if program.grants_credential_type_id and (s.pk, program.grants_credential_type_id) not in creds:
                ctype = program.grants_credential_type
                assert ctype is not None
                expires = compliance.expiry(completed, program.recurrence_months)
                Credential.objects.create(
                    staff=s,
                    type=ctype,
                    issuer=program.provider,
                    issued_on=completed,
                    expires_on=expires,
                    next_warning_at=initial_next_warning_at(expires, s.site.time_zone, now),
                )
    Completion.objects.bulk_create(rows)
    _enrollments(rng, site, programs, staff, sessions, today, now, recorder)
    return len(rows)


def _renew_credential(rng: random.Random, cred: Credential, today: date, months: int, now: datetime, zone: str) -> date:
    """Keep each unit at 80 % or more: this person renewed in the last weeks."""
    completed = today - timedelta(days=rng.randint(10, 60))
    cred.issued_on = completed
    cred.expires_on = compliance.add_months(completed, months)
    cred.next_warning_at = initial_next_warning_at(cred.expires_on, zone, now)
    cred.save(update_fields=["issued_on", "expires_on", "next_warning_at", "updated_at"])
    return completed


def _completion(s: StaffMember, program: TrainingProgram, completed: date, now: datetime, recorder: Any) -> Completion:
    return Completion(
        staff=s,
        program=program,
        completed_on=completed,
        expires_on=compliance.expiry(completed, program.recurrence_months),
        recorded_by=recorder,
        recorded_at=now,
    )


def _enrollments(
    rng: random.Random,
    site: Site,
    programs: list[TrainingProgram],
    staff: list[StaffMember],
    sessions: dict[int, list[TrainingSession]],
    today: date,
    now: datetime,
    recorder: Any,
) -> None:
    """Past sessions: attendance (and a no-show); upcoming: the overdue and expiring are enrolled."""
    items = evaluate(staff, [p for p in programs if p.is_mandatory], now)
    due: dict[int, list[StaffMember]] = defaultdict(list)
    for s in staff:
        for item in items[s.pk]:
            if item.state != compliance.CURRENT:
                due[item.program.pk].append(s)
    rows: list[Enrollment] = []
    for program in programs:
        eligible = [s for s in staff if not program.disciplines or s.discipline in program.disciplines]
        for session in sessions.get(program.pk, []):
            if session.starts_at <= now:
                for n, s in enumerate(rng.sample(eligible, k=min(len(eligible), session.capacity - 2))):
                    rows.append(
                        Enrollment(
                            session=session,
                            staff=s,
                            enrolled_by=recorder,
                            enrolled_at=session.starts_at - timedelta(days=14),
                            status=EnrollmentStatus.ABSENT if n == 0 else EnrollmentStatus.ATTENDED,
                        )
                    )
            else:
                waiting = [s for s in due.get(program.pk, []) if s in eligible]
                chosen = waiting[: session.capacity // 2]
                waiting[: len(chosen)] = []
                due[program.pk] = waiting
                rows += [Enrollment(session=session, staff=s, enrolled_by=recorder, enrolled_at=now) for s in chosen]
    Enrollment.objects.bulk_create(rows)


def run(ctx: SeedContext) -> None:
    now = clock.now()
    for k, hospital, home in ctx.shared.get("new_pairs", []):
        for n, (site, specs) in enumerate(((hospital, HOSPITAL), (home, NURSING_HOME))):
            if site is None or TrainingProgram.objects.filter(site=site).exists():
                continue
            rng = random.Random(f"{ctx.seed}:training:{k}:{n}")
            _seed_site(ctx, rng, site, specs, now)
