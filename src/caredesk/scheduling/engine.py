"""Between the database and the rostering engine (`scheduling.solver`, pure):
`build_problem` turns a roster's unit, people, rules, leave, wishes, needs and
pins into a `solver.Problem` (with the mapping of solver ids to database ids),
`apply_result` writes the engine's roster back, `summarise` computes what the
coordinator sees (coverage, unmet needs with their reasons, fairness, hours,
overtime, labour cost), and `replan` re-plans a published roster with minimal
disruption.

Weights (objective units): a person missing under a need's minimum costs
MINIMUM_WEIGHT (so a roster always comes out and the gap is explained), under
the preferred level UNDER_WEIGHT, over it OVER_WEIGHT; a wish not met
WISH_WEIGHT; each minute above the contract OVERTIME_WEIGHT; the spread of
nights and of weekends among comparable people NIGHT_FAIRNESS and
WEEKEND_FAIRNESS per shift or weekend.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from caredesk.assignment.models import ShiftPattern
from caredesk.assignment.services import SKILL_OF_CREDENTIAL, shift_times
from caredesk.core import clock
from caredesk.core.roles import Discipline
from caredesk.scheduling import checks, solver
from caredesk.scheduling.models import (
    EntrySource,
    RequestKind,
    Roster,
    RosterEntry,
    RosterRun,
    RosterVersion,
    SkillMixRule,
    StaffingNeed,
)
from caredesk.workforce.models import StaffMember, StaffStatus
from caredesk.workforce.qualification import may_work_many

MINIMUM_WEIGHT = 10_000
UNDER_WEIGHT = 100
OVER_WEIGHT = 20
WISH_WEIGHT = 50
SHIFT_TIME_OFF_WEIGHT = 100_000  # approved time off for one shift only (whole days are hard leave)
OVERTIME_WEIGHT = 1
NIGHT_FAIRNESS = 20
WEEKEND_FAIRNESS = 30
REPLAN_WEIGHT = 500
NURSES = (Discipline.RN, Discipline.LPN)
#: the skill every shift requires: "may work this shift" (credentials, status, orientation)
ELIGIBLE = "eligible"
OVERTIME_FACTOR = Decimal("1.5")


@dataclass
class Mapping:
    """Solver ids <-> database ids of one problem."""

    start_date: date
    days: int
    staff: dict[str, int] = field(default_factory=dict)  # solver id -> StaffMember pk
    shifts: dict[str, int] = field(default_factory=dict)  # solver id -> ShiftPattern pk
    pinned: set[tuple[int, date]] = field(default_factory=set)  # (staff pk, date) kept as they are

    def staff_key(self, staff_id: int) -> str:
        return f"s{staff_id}"

    def shift_key(self, pattern_id: int) -> str:
        return next(k for k, v in self.shifts.items() if v == pattern_id)

    def day(self, d: date) -> int:
        return (d - self.start_date).days

    def date(self, day: int) -> date:
        return self.start_date + timedelta(days=day)


def roster_staff(roster: Roster) -> list[StaffMember]:
    """The nurses who may be rostered on the unit: home unit or oriented to it, active."""
    unit = roster.unit
    last = roster.start_date + timedelta(days=roster.days - 1)
    return list(
        StaffMember.objects.filter(Q(home_unit=unit) | Q(other_units=unit))
        .filter(status=StaffStatus.ACTIVE, discipline__in=NURSES, site_id=unit.site_id, hire_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=roster.start_date))
        .select_related("work_rules", "user", "site")
        .distinct()
        .order_by("discipline", "employee_number", "pk")
    )


def _eligible_grants(
    roster: Roster, people: list[StaffMember], patterns: list[ShiftPattern]
) -> dict[int, list[solver.SkillGrant]]:
    """Per person, when they may work each shift (workforce.qualification): one grant of
    ELIGIBLE for the whole roster when valid throughout, else per shift and day."""
    zone = roster.unit.site.time_zone
    first, last = roster.start_date, roster.start_date + timedelta(days=roster.days - 1)
    out: dict[int, list[solver.SkillGrant]] = {p.pk: [] for p in people}
    if not patterns or not people:
        return out
    start, _e = shift_times(zone, first, checks.time_min(patterns), 60)
    _s, end = shift_times(zone, last, checks.time_max(patterns), checks.max_len(patterns))
    verdicts = may_work_many(people, unit=roster.unit, start=start, end=end)
    failing = [p for p in people if not verdicts[p.pk].ok]
    for person in people:
        if verdicts[person.pk].ok:
            out[person.pk].append(solver.SkillGrant(ELIGIBLE, first, last))
    if failing:
        # one question per shift of the roster for those who are not cleared throughout
        for k in range(roster.days):
            d = first + timedelta(days=k)
            for p in patterns:
                s, e = shift_times(zone, d, p.start_time, p.length_minutes)
                for pk, verdict in may_work_many(failing, unit=roster.unit, start=s, end=e).items():
                    if verdict.ok:
                        out[pk].append(solver.SkillGrant(f"{ELIGIBLE}:{p.code}", d, d))
    return out


def _skill_grants(person: StaffMember, credentials: list[Any]) -> list[solver.SkillGrant]:
    grants = [solver.SkillGrant(person.discipline)]
    charge = checks.charge_from(person)
    if charge is not None:
        grants.append(solver.SkillGrant("charge", charge, None))
    for c in credentials:
        for skill in {c.type.code, SKILL_OF_CREDENTIAL.get(c.type.code, c.type.code)}:
            grants.append(solver.SkillGrant(skill, c.issued_on, c.expires_on))
    return grants


def _contract(person: StaffMember, days: int, patterns: list[ShiftPattern]) -> solver.Contract:
    rules = person.work_rules
    # the rule is "any 7 consecutive days" (checks.py), history included: a
    # rolling window, not the period's pro-rata total
    windows = ((7, rules.max_minutes_per_week),) if rules.max_minutes_per_week else ()
    too_long = {
        p.code: 0 for p in patterns if rules.max_minutes_per_day and p.length_minutes > rules.max_minutes_per_day
    }
    return solver.Contract(
        window_limits=windows,
        max_shifts=too_long,
        max_consecutive_days=rules.max_consecutive_days or None,
        min_consecutive_days_off=rules.min_consecutive_days_off or None,
        max_weekends=checks.weekend_limit(rules.max_weekends_per_4_weeks, days),
        min_rest_minutes=rules.min_rest_minutes,
        contracted_minutes=person.contracted_minutes_per_week * days // 7,
        overtime_weight=OVERTIME_WEIGHT,
    )


def _history(
    person_id: int, first: date, cells: dict[int, dict[date, str]], n: int = 7
) -> tuple[str | None, ...] | None:
    row = cells.get(person_id)
    if not row:
        return None
    return tuple(row.get(first - timedelta(days=k)) for k in range(n, 0, -1))


def build_problem(
    roster: Roster, *, replan_from: RosterVersion | None = None, keep_entries: bool = False
) -> tuple[solver.Problem, Mapping]:
    """The engine's problem for this roster. Pinned entries are kept; with
    `keep_entries` every current entry is a hint; with `replan_from`, every cell that
    differs from that published version costs REPLAN_WEIGHT."""
    unit = roster.unit
    first, days = roster.start_date, roster.days
    last = first + timedelta(days=days - 1)
    mapping = Mapping(first, days)
    patterns = list(ShiftPattern.objects.filter(unit=unit, is_active=True).order_by("start_time", "pk"))
    people = roster_staff(roster)
    ids = [p.pk for p in people]
    facts = checks.load_facts(roster, ids)
    eligible = _eligible_grants(roster, people, patterns)
    per_shift_eligibility = any(not any(g.skill == ELIGIBLE for g in grants) for grants in eligible.values())

    shifts: list[solver.ShiftType] = []
    for p in patterns:
        mapping.shifts[p.code] = p.pk
        required = {str(s) for s in (p.required_skills or [])}
        required.add(f"{ELIGIBLE}:{p.code}" if per_shift_eligibility else ELIGIBLE)
        shifts.append(
            solver.ShiftType(
                p.code, p.start_time.hour * 60 + p.start_time.minute, p.length_minutes, frozenset(required)
            )
        )
    code_of = {p.pk: p.code for p in patterns}

    # the days just before: this unit's earlier rosters and other live rosters
    before: dict[int, dict[date, str]] = defaultdict(dict)
    for sid, row in facts.cells.items():
        for d, pid in row.items():
            if d < first and pid in code_of:
                before[sid][d] = code_of[pid]

    staff: list[solver.Staff] = []
    pins: list[solver.Pin] = []
    for person in people:
        key = mapping.staff_key(person.pk)
        mapping.staff[key] = person.pk
        grants = _skill_grants(person, facts.credentials[person.pk]) + eligible[person.pk]
        if per_shift_eligibility:
            # a grant valid throughout becomes one per shift
            grants = [
                solver.SkillGrant(f"{ELIGIBLE}:{p.code}", g.valid_from, g.valid_until) if g.skill == ELIGIBLE else g
                for g in grants
                for p in (patterns if g.skill == ELIGIBLE else patterns[:1])
            ]
        leave: set[int] = set()
        for r in facts.leave[person.pk]:
            if r.pattern_id is not None:
                continue
            for k in range(days):
                d = first + timedelta(days=k)
                if r.start_date <= d <= r.end_date:
                    leave.add(k)
        # a day worked on another roster of another unit is not available
        for d in facts.elsewhere[person.pk]:
            leave.add(mapping.day(d))
        staff.append(
            solver.Staff(
                key,
                _contract(person, days, patterns),
                tuple(grants),
                frozenset(leave),
                _history(person.pk, first, before),
            )
        )

    requests: list[solver.Request] = []
    for person in people:
        key = mapping.staff_key(person.pk)
        for r in facts.leave[person.pk]:
            if r.pattern_id is None or r.pattern_id not in code_of:
                continue
            for k in range(days):
                d = first + timedelta(days=k)
                if r.start_date <= d <= r.end_date:
                    requests.append(solver.Request(key, k, code_of[r.pattern_id], False, SHIFT_TIME_OFF_WEIGHT))
        for r in facts.wishes[person.pk]:
            shift = code_of.get(r.pattern_id) if r.pattern_id else None
            if r.pattern_id and shift is None:
                continue
            for k in range(days):
                d = first + timedelta(days=k)
                if r.start_date <= d <= r.end_date:
                    requests.append(solver.Request(key, k, shift, r.kind == RequestKind.SHIFT_WANTED, WISH_WEIGHT))

    demands: list[solver.Demand] = []
    for need in StaffingNeed.objects.filter(unit=unit, date__gte=first, date__lte=last, pattern_id__in=code_of):
        demands.append(
            solver.Demand(
                day=mapping.day(need.date),
                shift=code_of[need.pattern_id],
                skill=need.skill or None,
                minimum=need.minimum,
                minimum_weight=MINIMUM_WEIGHT,
                preferred=need.preferred,
                under_weight=UNDER_WEIGHT if need.preferred else 0,
                over_weight=OVER_WEIGHT if need.preferred else 0,
            )
        )
    have = {(d.day, d.shift, d.skill) for d in demands}
    for rule in SkillMixRule.objects.filter(unit=unit, is_active=True):
        for p in patterns:
            if rule.pattern_id is not None and rule.pattern_id != p.pk:
                continue
            for k in range(days):
                if (k, p.code, rule.skill) not in have:
                    demands.append(
                        solver.Demand(k, p.code, rule.skill, minimum=rule.count, minimum_weight=MINIMUM_WEIGHT)
                    )

    for e in RosterEntry.objects.filter(roster=roster, pinned=True, pattern_id__in=code_of, staff_id__in=ids):
        pins.append(solver.Pin(mapping.staff_key(e.staff_id), mapping.day(e.date), code_of[e.pattern_id]))
        mapping.pinned.add((e.staff_id, e.date))

    fairness: list[solver.Fairness] = []
    nights = frozenset(p.code for p in patterns if p.is_night)
    for discipline in NURSES:
        group = tuple(mapping.staff_key(p.pk) for p in people if p.discipline == discipline)
        if len(group) >= 2:
            if nights:
                fairness.append(solver.Fairness(f"nights-{discipline}", group, NIGHT_FAIRNESS, shifts=nights))
            fairness.append(solver.Fairness(f"weekends-{discipline}", group, WEEKEND_FAIRNESS, weekends=True))

    replan = None
    if replan_from is not None:
        previous: dict[str, list[str | None]] = {mapping.staff_key(p.pk): [None] * days for p in people}
        for item in replan_from.entries:
            key = mapping.staff_key(int(item["staff_id"]))
            d = date.fromisoformat(str(item["date"]))
            if key in previous and first <= d <= last and int(item["pattern_id"]) in code_of:
                previous[key][mapping.day(d)] = code_of[int(item["pattern_id"])]
        replan = solver.Replan({k: tuple(v) for k, v in previous.items()}, REPLAN_WEIGHT)

    problem = solver.Problem(
        num_days=days,
        shifts=shifts,
        staff=staff,
        demands=demands,
        requests=requests,
        pins=pins,
        fairness=fairness,
        replan=replan,
        start_date=first,
        boundary=solver.Boundary.OPEN,
        name=f"{unit.code} {first}",
    )
    return problem, mapping


def current_cells(roster: Roster, mapping: Mapping) -> dict[str, tuple[str | None, ...]]:
    """The roster's entries in the engine's terms (a hint for the search)."""
    code_of = {v: k for k, v in mapping.shifts.items()}
    rows: dict[str, list[str | None]] = {k: [None] * mapping.days for k in mapping.staff}
    for e in RosterEntry.objects.filter(roster=roster).only("staff_id", "date", "pattern_id"):
        key = mapping.staff_key(e.staff_id)
        k = mapping.day(e.date)
        if key in rows and 0 <= k < mapping.days and e.pattern_id in code_of:
            rows[key][k] = code_of[e.pattern_id]
    return {k: tuple(v) for k, v in rows.items()}


@transaction.atomic
def apply_result(roster: Roster, result: solver.SolveResult, mapping: Mapping) -> int:
    """Replace the engine's entries of the roster with the result (pinned entries and
    entries of people outside the problem are kept). Returns the entries written."""
    if not result.roster:
        return 0
    people = set(mapping.staff.values())
    RosterEntry.objects.filter(roster=roster, staff_id__in=people, pinned=False).delete()
    rows = []
    for key, cells in result.roster.items():
        staff_id = mapping.staff[key]
        for k, shift in enumerate(cells):
            d = mapping.date(k)
            if shift is None or (staff_id, d) in mapping.pinned:
                continue
            rows.append(
                RosterEntry(
                    roster=roster,
                    staff_id=staff_id,
                    date=d,
                    pattern_id=mapping.shifts[shift],
                    source=EntrySource.ENGINE,
                )
            )
    RosterEntry.objects.bulk_create(rows)
    Roster.objects.filter(pk=roster.pk).update(
        version=roster.version + 1, has_unpublished_changes=True, updated_at=clock.now()
    )
    roster.version += 1
    return len(rows)


# --- the summary the coordinator sees --------------------------------------------------


def _reason_phrase(key: str, n: int) -> str:
    phrases = {
        "skills": _("%(n)s without the required skill or credential"),
        "leave": _("%(n)s on leave"),
        "pins": _("%(n)s pinned to something else"),
        "never": _("%(n)s not allowed to work this shift by their rules"),
        "other_shift": _("%(n)s working another shift that day"),
        "max_minutes": _("%(n)s at their maximum hours"),
        "max_shifts": _("%(n)s at their limit of this shift"),
        "rest": _("%(n)s would break the rest rule"),
        "successions": _("%(n)s would break a rest rule between shifts"),
        "max_consecutive": _("%(n)s would exceed their maximum consecutive days"),
        "min_consecutive": _("%(n)s would leave a too-short run of working days"),
        "min_days_off": _("%(n)s would leave a too-short break"),
        "max_weekends": _("%(n)s at their limit of weekends"),
        "min_minutes": _("%(n)s below minimum hours"),
        "available": _("%(n)s available but not used (other costs were higher)"),
    }
    return (phrases.get(key) or f"%(n)s {key}") % {"n": n}


def summarise(
    roster: Roster, problem: solver.Problem, mapping: Mapping, cells: dict[str, list[str | None]]
) -> dict[str, Any]:
    """Coverage per shift against needs, unmet needs with their reasons, fairness
    (nights, weekends per person), hours and overtime per person, labour cost."""
    zone = roster.unit.site.time_zone
    patterns = {p.pk: p for p in ShiftPattern.objects.filter(pk__in=mapping.shifts.values())}
    by_code = {code: patterns[pk] for code, pk in mapping.shifts.items()}
    people = {p.pk: p for p in StaffMember.objects.filter(pk__in=mapping.staff.values()).select_related("user")}
    grants = {s.id: s for s in problem.staff}

    cov_rows = []
    for dm in problem.demands:
        assigned = sum(
            1
            for key, row in cells.items()
            if row[dm.day] == dm.shift
            and (dm.skill is None or grants[key].has_skills(frozenset({dm.skill}), mapping.date(dm.day)))
        )
        cov_rows.append(
            {
                "date": mapping.date(dm.day).isoformat(),
                "shift": dm.shift,
                "pattern_id": mapping.shifts[dm.shift],
                "skill": dm.skill or "",
                "minimum": dm.minimum,
                "preferred": dm.preferred,
                "assigned": assigned,
            }
        )
    unmet = []
    for u in solver.explain_unmet(problem, {k: list(v) for k, v in cells.items()}):
        reasons = sorted(u.reasons.items(), key=lambda kv: -kv[1])
        d = mapping.date(u.day)
        pattern = by_code[u.shift]
        text = _(
            "%(date)s %(shift)s: %(short)s short of the %(level)s of %(needed)s%(skill)s. Of the others: %(why)s."
        ) % {
            "date": d.isoformat(),
            "shift": pattern.name,
            "short": u.needed - u.assigned,
            "level": _("minimum") if u.level == "minimum" else _("preferred level"),
            "needed": u.needed,
            "skill": f" ({u.skill})" if u.skill else "",
            "why": ", ".join(_reason_phrase(k, n) for k, n in reasons) or _("nobody else"),
        }
        unmet.append(
            {
                "date": d.isoformat(),
                "shift": u.shift,
                "pattern_id": pattern.pk,
                "skill": u.skill or "",
                "needed": u.needed,
                "assigned": u.assigned,
                "level": u.level,
                "reasons": dict(u.reasons),
                "text": text,
                "engine_text": u.text,
            }
        )

    weekends = problem.weekends()
    per_person = []
    total_cost = Decimal("0")
    for key, row in cells.items():
        pk = mapping.staff[key]
        person = people[pk]
        minutes = 0.0
        night_minutes = 0.0
        weekend_minutes = 0.0
        nights = 0
        for k, code in enumerate(row):
            if code is None:
                continue
            p = by_code[code]
            s, e = shift_times(zone, mapping.date(k), p.start_time, p.length_minutes)
            length = (e - s).total_seconds() / 60
            minutes += length
            if p.is_night:
                nights += 1
                night_minutes += length
            if mapping.date(k).weekday() >= 5:
                weekend_minutes += length
        worked_weekends = sum(1 for days in weekends if any(row[d] is not None for d in days))
        contracted = person.contracted_minutes_per_week * mapping.days / 7
        overtime = max(0.0, minutes - contracted)
        rate = person.hourly_rate
        cost = (
            rate * Decimal(str(minutes / 60))
            + person.night_differential * Decimal(str(night_minutes / 60))
            + person.weekend_differential * Decimal(str(weekend_minutes / 60))
            + rate * (OVERTIME_FACTOR - 1) * Decimal(str(overtime / 60))
        ).quantize(Decimal("0.01"))
        total_cost += cost
        per_person.append(
            {
                "staff_id": pk,
                "name": str(person),
                "discipline": person.discipline,
                "shifts": sum(1 for c in row if c is not None),
                "nights": nights,
                "weekends": worked_weekends,
                "hours": round(minutes / 60, 2),
                "contracted_hours": round(contracted / 60, 2),
                "overtime_hours": round(overtime / 60, 2),
                "cost": str(cost),
            }
        )
    per_person.sort(key=lambda r: str(r["name"]))
    return {
        "coverage": cov_rows,
        "unmet": unmet,
        "people": per_person,
        "labour_cost": str(total_cost.quantize(Decimal("0.01"))),
        "unmet_minimum": sum(1 for u in unmet if u["level"] == "minimum"),
        "fairness": {
            "nights": _spread([int(str(r["nights"])) for r in per_person]),
            "weekends": _spread([int(str(r["weekends"])) for r in per_person]),
        },
    }


def _spread(values: list[int]) -> dict[str, int]:
    return {"min": min(values, default=0), "max": max(values, default=0)}


def cells_of(roster: Roster, mapping: Mapping) -> dict[str, list[str | None]]:
    return {k: list(v) for k, v in current_cells(roster, mapping).items()}


def replan(actor: Any, roster: Roster, *, now: datetime | None = None, time_limit_s: int = 30) -> RosterRun:
    """Re-plan the roster with minimal disruption against its last published version
    (a queued run; the task builds the problem with `replan_from`)."""
    from caredesk.scheduling.services import rosters as roster_services

    return roster_services.generate(actor, roster.pk, time_limit_s=time_limit_s, now=now, replan=True)
