"""Reads of rosters: the list, the grid (people x days, with leave, wishes and
the rule check's problems per cell), coverage per shift against the needs (the
people on it, and those with each skill a need or a skill-mix rule asks for), a
generation's progress (as a small chart) and a person's own shifts. Each runs
a fixed number of queries, whatever the size of the roster."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from caredesk.assignment.models import ShiftPattern
from caredesk.assignment.services import SKILL_OF_CREDENTIAL
from caredesk.core import scoping
from caredesk.core.roles import Discipline
from caredesk.scheduling import checks, engine
from caredesk.scheduling.models import (
    Roster,
    RosterEntry,
    RosterRun,
    RosterStatus,
    RunStatus,
    SkillMixRule,
    StaffingNeed,
)
from caredesk.workforce.models import Credential, CredentialType, StaffMember


def rosters(user: Any, *, unit_id: int | None = None, manage_only: bool = False) -> QuerySet[Roster]:
    """Rosters the user may see: drafts for managers, published ones for the others."""
    qs = scoping.scoped(Roster.objects.select_related("unit", "unit__site"), user, "scheduling.view").exclude(
        status=RosterStatus.ARCHIVED
    )
    r = scoping.reach(user, "scheduling.manage")
    if not r.everywhere:
        managed = Q(unit__site_id__in=r.site_ids) | Q(unit_id__in=r.unit_ids)
        qs = qs.filter(managed) if manage_only else qs.filter(managed | Q(status=RosterStatus.PUBLISHED))
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("unit__name", "-start_date")


def may_manage(user: Any, roster: Roster) -> bool:
    return scoping.has(user, "scheduling.manage", site_id=roster.unit.site_id, unit_id=roster.unit_id)


def get_roster(user: Any, roster_id: int) -> Roster:
    """A roster the user may see (a draft only for its managers)."""
    from caredesk.core import errors

    roster = scoping.get_scoped(
        Roster.objects.select_related("unit", "unit__site"), user, "scheduling.view", pk=roster_id
    )
    if roster.status != RosterStatus.PUBLISHED and not may_manage(user, roster):
        raise errors.NotFound()
    return roster


@dataclass
class Cell:
    day: date
    entry: RosterEntry | None = None
    leave: bool = False
    wish: str = ""  # "wanted" / "unwanted"
    problems: list[checks.RuleProblem] = field(default_factory=list)

    @property
    def hard(self) -> bool:
        return any(p.hard for p in self.problems)

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5


@dataclass
class Row:
    staff: StaffMember
    cells: list[Cell]
    shifts: int = 0
    hours: float = 0.0


@dataclass
class CoverageCell:
    day: date
    assigned: int
    minimum: int | None
    preferred: int | None

    @property
    def short(self) -> bool:
        return self.minimum is not None and self.assigned < self.minimum

    @property
    def missing(self) -> int:
        """People missing to reach the minimum (0 when it is met or there is none)."""
        return max(0, self.minimum - self.assigned) if self.minimum is not None else 0

    @property
    def under_preferred(self) -> bool:
        return self.preferred is not None and self.assigned < self.preferred


@dataclass
class CoverageRow:
    """One line of coverage under the grid: everyone on a shift (`skill` ""), or
    those on it who hold `skill` that day (a need or a skill-mix rule asks for it)."""

    pattern: ShiftPattern
    skill: str
    label: str
    cells: list[CoverageCell]

    @property
    def short_days(self) -> int:
        return sum(1 for c in self.cells if c.short)


@dataclass
class Grid:
    roster: Roster
    days: list[date]
    patterns: list[ShiftPattern]
    rows: list[Row]
    coverage_rows: list[CoverageRow]
    problems: list[checks.RuleProblem]

    @property
    def coverage(self) -> list[tuple[ShiftPattern, list[CoverageCell]]]:
        """Everyone on each shift against its any-nurse need (one pair per shift)."""
        return [(r.pattern, r.cells) for r in self.coverage_rows if not r.skill]

    @property
    def hard_problems(self) -> list[checks.RuleProblem]:
        return [p for p in self.problems if p.hard]


def grid(roster: Roster, *, with_problems: bool = True) -> Grid:
    first = roster.start_date
    days = [first + timedelta(days=k) for k in range(roster.days)]
    last = days[-1]
    patterns = list(ShiftPattern.objects.filter(unit=roster.unit).order_by("start_time", "pk"))
    entries = list(RosterEntry.objects.filter(roster=roster).select_related("pattern"))
    people = {p.pk: p for p in engine.roster_staff(roster)}
    missing = {e.staff_id for e in entries} - set(people)
    if missing:
        people.update(
            {p.pk: p for p in StaffMember.objects.filter(pk__in=missing).select_related("user", "work_rules")}
        )
    problems = checks.check_roster(roster, entries=entries, staff_ids=list(people)) if with_problems and people else []
    facts_leave: dict[int, list[Any]] = defaultdict(list)
    facts_wish: dict[int, list[Any]] = defaultdict(list)
    from caredesk.scheduling.models import RequestKind, StaffRequest

    for r in StaffRequest.objects.filter(staff_id__in=list(people), start_date__lte=last, end_date__gte=first).filter(
        Q(kind=RequestKind.TIME_OFF, status__in=checks.LEAVE_STATUSES)
        | Q(kind=RequestKind.UNAVAILABLE, status__in=checks.UNAVAILABLE_STATUSES)
        | Q(kind__in=(RequestKind.SHIFT_WANTED, RequestKind.SHIFT_UNWANTED), status__in=checks.WISH_STATUSES)
    ):
        (facts_leave if r.kind in checks.LEAVE_KINDS else facts_wish)[r.staff_id].append(r)
    by_cell = {(e.staff_id, e.date): e for e in entries}
    probs: dict[tuple[int, date], list[checks.RuleProblem]] = defaultdict(list)
    for p in problems:
        probs[(p.staff_id, p.date)].append(p)
    rows = []
    for person in sorted(people.values(), key=lambda p: (p.discipline, str(p))):
        cells = []
        for d in days:
            c = Cell(d, by_cell.get((person.pk, d)), problems=probs.get((person.pk, d), []))
            c.leave = any(r.start_date <= d <= r.end_date and r.pattern_id is None for r in facts_leave[person.pk])
            for r in facts_wish[person.pk]:
                if r.start_date <= d <= r.end_date:
                    c.wish = "wanted" if r.kind == RequestKind.SHIFT_WANTED else "unwanted"
            cells.append(c)
        row = Row(person, cells)
        row.shifts = sum(1 for c in cells if c.entry)
        row.hours = round(sum(c.entry.pattern.length_minutes for c in cells if c.entry) / 60, 1)
        rows.append(row)
    placed = [(e.staff_id, e.date, e.pattern_id) for e in entries]
    coverage = coverage_rows(roster, patterns, placed, days, people=people)
    return Grid(roster, days, patterns, rows, coverage, problems)


def skill_label(skill: str, names: Mapping[str, str] | None = None) -> str:
    """A skill code in words: "charge" is a charge nurse, a discipline its name, a
    credential (or the skill it grants) the credential's name, else the code."""
    if skill == "charge":
        return _("Charge nurse")
    if skill in Discipline.values:
        return str(Discipline(skill).label)
    return (names or {}).get(skill) or skill.replace("_", " ")


def _skill_names(skills: Iterable[str]) -> dict[str, str]:
    """Names of the credential types behind skill codes (one query, none if not needed)."""
    wanted = {s for s in skills if s != "charge" and s not in Discipline.values}
    if not wanted:
        return {}
    granting = {v: k for k, v in SKILL_OF_CREDENTIAL.items()}
    codes = wanted | {granting[s] for s in wanted if s in granting}
    by_code = dict(CredentialType.objects.filter(code__in=codes).values_list("code", "name"))
    return {s: by_code.get(s) or by_code.get(granting.get(s, ""), "") for s in wanted}


def coverage_rows(
    roster: Roster,
    patterns: list[ShiftPattern],
    placed: Iterable[tuple[int, date, int]],
    days: list[date],
    *,
    people: Mapping[int, StaffMember] | None = None,
) -> list[CoverageRow]:
    """Per shift: everyone on it each day against the any-nurse need, then one row per
    skill that a need of the period or an active skill-mix rule asks for on that
    shift, counting those on it who hold the skill that day (`checks.skills_on`: the
    same judge as the engine and the rule check). As the engine does, a skill-mix
    rule stands for the days without a need of that skill. `placed` holds
    (staff id, date, pattern id). At most five queries, whatever the number of people."""
    if not days:
        return []
    placed = list(placed)
    counts: dict[tuple[int, date], int] = defaultdict(int)
    for _staff_id, d, pattern_id in placed:
        counts[(pattern_id, d)] += 1
    needs = {
        (n.pattern_id, n.date, n.skill): n
        for n in StaffingNeed.objects.filter(unit=roster.unit, date__gte=days[0], date__lte=days[-1])
    }
    rules: dict[tuple[int | None, str], int] = {}
    for rule in SkillMixRule.objects.filter(unit=roster.unit, is_active=True):
        key = (rule.pattern_id, rule.skill)
        rules[key] = max(rules.get(key, 0), rule.count)

    def cells_for(pattern: ShiftPattern, skill: str, count: Mapping[tuple[int, date], int]) -> list[CoverageCell]:
        out = []
        for d in days:
            n = needs.get((pattern.pk, d, skill))
            minimum: int | None = None
            preferred: int | None = None
            if n is not None:
                minimum, preferred = n.minimum, n.preferred
            elif skill:
                from_rules = [c for (pid, s), c in rules.items() if s == skill and pid in (None, pattern.pk)]
                minimum = max(from_rules, default=None)
            out.append(CoverageCell(d, count.get((pattern.pk, d), 0), minimum, preferred))
        return out

    wanted = {
        p.pk: sorted(
            {s for (pid, _d, s) in needs if pid == p.pk and s} | {s for (pid, s) in rules if pid is None or pid == p.pk}
        )
        for p in patterns
    }
    all_skills = {s for found in wanted.values() for s in found}
    by_skill: dict[tuple[int, date, str], int] = defaultdict(int)
    if all_skills and placed:
        ids = {staff_id for staff_id, _d, _p in placed}
        known = dict(people or {})
        missing = ids - set(known)
        if missing:
            known.update({s.pk: s for s in StaffMember.objects.filter(pk__in=missing)})
        credentials: dict[int, list[Credential]] = defaultdict(list)
        for c in Credential.objects.filter(staff_id__in=ids, revoked_at__isnull=True).select_related("type"):
            credentials[c.staff_id].append(c)
        for staff_id, d, pattern_id in placed:
            person = known.get(staff_id)
            if person is None:
                continue
            held = checks.skills_on(person, credentials[staff_id], d)
            for skill in held & set(wanted.get(pattern_id, ())):
                by_skill[(pattern_id, d, skill)] += 1
    names = _skill_names(all_skills)

    rows: list[CoverageRow] = []
    for p in patterns:
        rows.append(CoverageRow(p, "", p.name, cells_for(p, "", counts)))
        for skill in wanted[p.pk]:
            count = {(pid, d): n for (pid, d, s), n in by_skill.items() if s == skill}
            rows.append(CoverageRow(p, skill, skill_label(skill, names), cells_for(p, skill, count)))
    return rows


def latest_run(roster: Roster) -> RosterRun | None:
    return RosterRun.objects.filter(roster=roster).order_by("-created_at", "-pk").first()


def active_run(roster: Roster) -> RosterRun | None:
    return RosterRun.objects.filter(roster=roster, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).first()


def progress_chart(run: RosterRun, width: int = 320, height: int = 90) -> dict[str, Any]:
    """The objective and the bound over time as two SVG polylines (server-drawn)."""
    points = [p for p in (run.progress or []) if len(p) == 3]
    if not points:
        return {"width": width, "height": height, "objective": "", "bound": "", "points": 0}
    t_max = max(float(run.time_limit_s), max(p[0] for p in points), 1.0)
    values = [p[1] for p in points] + [p[2] for p in points]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1

    def xy(t: float, v: float) -> str:
        x = 4 + (width - 8) * t / t_max
        y = height - 4 - (height - 8) * (v - lo) / span
        return f"{x:.1f},{y:.1f}"

    def line(index: int) -> str:
        out = []
        previous = None
        for p in points:
            if previous is not None:
                out.append(xy(p[0], previous))  # a step: the value holds until it improves
            out.append(xy(p[0], p[index]))
            previous = p[index]
        return " ".join(out)

    return {
        "width": width,
        "height": height,
        "objective": line(1),
        "bound": line(2),
        "points": len(points),
        "last": points[-1],
        "lo": lo,
        "hi": hi,
    }


def my_shifts(user: Any, *, today: date, days: int = 28) -> list[dict[str, Any]]:
    """The user's own shifts as last published (each roster's latest frozen version), from today."""
    from caredesk.scheduling.models import RosterVersion

    staff_ids = list(StaffMember.objects.filter(user=user).values_list("pk", flat=True))
    if not staff_ids:
        return []
    until = today + timedelta(days=days)
    candidates = [
        r
        for r in Roster.objects.filter(published_version__gt=0, start_date__lt=until)
        .exclude(status=RosterStatus.ARCHIVED)
        .select_related("unit")
        if r.start_date + timedelta(days=r.days) > today
    ]
    if not candidates:
        return []
    versions = {(v.roster_id, v.number): v for v in RosterVersion.objects.filter(roster__in=candidates)}
    patterns = {p.pk: p for p in ShiftPattern.objects.filter(unit__in={r.unit_id for r in candidates})}
    out: list[dict[str, Any]] = []
    for r in candidates:
        v = versions.get((r.pk, r.published_version))
        for item in v.entries if v else []:
            d = date.fromisoformat(str(item["date"]))
            if int(item["staff_id"]) in staff_ids and today <= d < until and int(item["pattern_id"]) in patterns:
                out.append({"date": d, "pattern": patterns[int(item["pattern_id"])], "unit": r.unit, "roster": r})
    out.sort(key=lambda x: (x["date"], x["pattern"].start_time))  # type: ignore[no-any-return]
    return out
