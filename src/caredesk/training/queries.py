"""Reads of training, always through the access scope of core: the catalogue,
sessions, budgets, and compliance per person and per unit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from caredesk.core import clock, scoping
from caredesk.training import compliance
from caredesk.training.models import (
    SEATED,
    Completion,
    Enrollment,
    ProgramStatus,
    ProposalStatus,
    TrainingBudget,
    TrainingProgram,
    TrainingProposal,
    TrainingSession,
)
from caredesk.workforce.models import StaffMember, StaffStatus

# --- catalogue, sessions, budgets -----------------------------------------------------


def programs(
    user: Any, *, site_id: int | None = None, status: str | None = None, include_retired: bool = False
) -> QuerySet[TrainingProgram]:
    qs = scoping.scoped(
        TrainingProgram.objects.select_related("site", "unit", "grants_credential_type"), user, "training.view"
    )
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if status:
        qs = qs.filter(status=status)
    elif not include_retired:
        qs = qs.exclude(status=ProgramStatus.RETIRED)
    return qs


def proposals(
    user: Any, *, status: str | None = None, site_id: int | None = None, program_id: int | None = None
) -> QuerySet[TrainingProposal]:
    qs = scoping.scoped(
        TrainingProposal.objects.select_related("program", "program__site", "proposed_by", "decided_by"),
        user,
        "training.view",
    )
    if status:
        qs = qs.filter(status=status)
    if site_id is not None:
        qs = qs.filter(program__site_id=site_id)
    if program_id is not None:
        qs = qs.filter(program_id=program_id)
    return qs


def pending_proposals(user: Any, *, site_id: int | None = None) -> QuerySet[TrainingProposal]:
    return proposals(user, status=ProposalStatus.PENDING, site_id=site_id)


def sessions(
    user: Any,
    *,
    program_id: int | None = None,
    site_id: int | None = None,
    upcoming_from: datetime | None = None,
) -> QuerySet[TrainingSession]:
    qs = scoping.scoped(
        TrainingSession.objects.select_related("program", "program__site"), user, "training.view"
    ).annotate(seats_taken=Count("enrollments", filter=Q(enrollments__status__in=SEATED)))
    if program_id is not None:
        qs = qs.filter(program_id=program_id)
    if site_id is not None:
        qs = qs.filter(program__site_id=site_id)
    if upcoming_from is not None:
        qs = qs.filter(ends_at__gte=upcoming_from)
    return qs


def enrollments(user: Any, *, session_id: int) -> QuerySet[Enrollment]:
    return scoping.scoped(
        Enrollment.objects.select_related("staff", "staff__user", "staff__home_unit", "completion"),
        user,
        "training.view",
    ).filter(session_id=session_id)


def completions(
    user: Any, *, staff_id: int | None = None, program_id: int | None = None, site_id: int | None = None
) -> QuerySet[Completion]:
    qs = scoping.scoped(Completion.objects.select_related("staff", "staff__user", "program"), user, "training.view")
    if staff_id is not None:
        qs = qs.filter(staff_id=staff_id)
    if program_id is not None:
        qs = qs.filter(program_id=program_id)
    if site_id is not None:
        qs = qs.filter(staff__site_id=site_id)
    return qs


def budgets(user: Any, *, site_id: int | None = None, year: int | None = None) -> QuerySet[TrainingBudget]:
    qs = scoping.scoped(TrainingBudget.objects.select_related("site", "unit"), user, "training.view_budget").annotate(
        committed_total=Sum("entries__amount")
    )
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def budget_figures(budget: TrainingBudget) -> dict[str, Decimal]:
    spent = getattr(budget, "committed_total", None)
    if spent is None:
        spent = budget.entries.aggregate(total=Sum("amount"))["total"]
    spent = Decimal(spent or 0).quantize(Decimal("0.01"))
    return {"amount": Decimal(budget.amount), "committed": spent, "remaining": Decimal(budget.amount) - spent}


# --- compliance --------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    program: TrainingProgram
    state: str
    completed_on: date | None
    expires_on: date | None


@dataclass
class Cell:
    applicable: int = 0
    current: int = 0
    expiring: int = 0
    overdue: int = 0
    never: int = 0

    @property
    def in_date(self) -> int:
        return self.current + self.expiring

    @property
    def percent_current(self) -> float | None:
        return round(100 * self.in_date / self.applicable, 1) if self.applicable else None


@dataclass
class Matrix:
    units: list[Any] = field(default_factory=list)
    programs: list[TrainingProgram] = field(default_factory=list)
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    overdue: list[tuple[StaffMember, Item]] = field(default_factory=list)

    def cell(self, unit_id: int, program_id: int) -> Cell | None:
        return self.cells.get((unit_id, program_id))

    def rows(self) -> list[tuple[Any, list[Cell | None]]]:
        return [(u, [self.cell(u.pk, p.pk) for p in self.programs]) for u in self.units]


def _rule(p: TrainingProgram) -> compliance.Rule:
    return compliance.Rule(p.site_id, p.unit_id, tuple(p.disciplines or ()), tuple(p.unit_kinds or ()))


def mandatory_programs(site_ids: set[int]) -> list[TrainingProgram]:
    return list(
        TrainingProgram.objects.filter(site_id__in=site_ids, status=ProgramStatus.APPROVED, is_mandatory=True)
        .select_related("site")
        .order_by("title")
    )


def _latest(completions_: list[Completion]) -> dict[int, Completion]:
    """Per program, the completion that runs longest (no expiry beats any date)."""
    best: dict[int, Completion] = {}
    for c in completions_:
        cur = best.get(c.program_id)
        if cur is None or _later(c, cur):
            best[c.program_id] = c
    return best


def _later(a: Completion, b: Completion) -> bool:
    if a.expires_on is None or b.expires_on is None:
        return a.expires_on is None and (b.expires_on is not None or a.completed_on > b.completed_on)
    return (a.expires_on, a.completed_on) > (b.expires_on, b.completed_on)


def evaluate(staff: list[StaffMember], programs_: list[TrainingProgram], now: datetime) -> dict[int, list[Item]]:
    """Per staff member: the mandatory programs that apply and their state at `now`
    (each judged on the local date of the person's site)."""
    by_staff: dict[int, list[Completion]] = defaultdict(list)
    for c in Completion.objects.filter(staff_id__in=[s.pk for s in staff], program__in=programs_):
        by_staff[c.staff_id].append(c)
    rules = [(p, _rule(p)) for p in programs_]
    today_of: dict[str, date] = {}
    out: dict[int, list[Item]] = {}
    for s in staff:
        zone = s.site.time_zone
        today = today_of.setdefault(zone, clock.to_zone(now, zone).date())
        latest = _latest(by_staff[s.pk])
        kind = s.home_unit.kind if s.home_unit is not None else None
        items = []
        for p, rule in rules:
            if not compliance.applies(
                rule, site_id=s.site_id, home_unit_id=s.home_unit_id, discipline=s.discipline, unit_kind=kind
            ):
                continue
            found = latest.get(p.pk)
            items.append(
                Item(
                    program=p,
                    state=compliance.state(found.expires_on if found else None, today, completed=found is not None),
                    completed_on=found.completed_on if found else None,
                    expires_on=found.expires_on if found else None,
                )
            )
        out[s.pk] = items
    return out


def person_items(staff: StaffMember, now: datetime | None = None) -> list[Item]:
    moment = now or clock.now()
    return evaluate([staff], mandatory_programs({staff.site_id}), moment)[staff.pk]


def visible_staff(user: Any) -> QuerySet[StaffMember]:
    return scoping.scoped(
        StaffMember.objects.exclude(status=StaffStatus.TERMINATED).select_related("site", "home_unit", "user"),
        user,
        "training.view",
    )


def may_see_person(user: Any, staff: StaffMember) -> bool:
    return staff.user_id == getattr(user, "pk", None) or scoping.has(
        user, "training.view", site_id=staff.site_id, unit_id=staff.home_unit_id
    )


def matrix(
    user: Any,
    *,
    site_id: int | None = None,
    unit_id: int | None = None,
    discipline: str | None = None,
    program_id: int | None = None,
    now: datetime | None = None,
) -> Matrix:
    """Unit × mandatory program: how many of the people it applies to are current,
    expiring, overdue or never done; and the list of who is overdue."""
    moment = now or clock.now()
    staff_qs = visible_staff(user).filter(home_unit__isnull=False)
    if site_id is not None:
        staff_qs = staff_qs.filter(site_id=site_id)
    if unit_id is not None:
        staff_qs = staff_qs.filter(home_unit_id=unit_id)
    if discipline:
        staff_qs = staff_qs.filter(discipline=discipline)
    staff = list(staff_qs)
    progs = mandatory_programs({s.site_id for s in staff})
    if program_id is not None:
        progs = [p for p in progs if p.pk == program_id]
    result = Matrix()
    items = evaluate(staff, progs, moment)
    units: dict[int, Any] = {}
    used: set[int] = set()
    for s in staff:
        units.setdefault(s.home_unit_id, s.home_unit)  # type: ignore[arg-type]
        for item in items[s.pk]:
            used.add(item.program.pk)
            cell = result.cells.setdefault((s.home_unit_id, item.program.pk), Cell())  # type: ignore[arg-type]
            cell.applicable += 1
            setattr(cell, item.state, getattr(cell, item.state) + 1)
            if item.state in (compliance.OVERDUE, compliance.NEVER):
                result.overdue.append((s, item))
    result.units = sorted(units.values(), key=lambda u: (u.site_id, u.name))
    result.programs = [p for p in progs if p.pk in used]
    result.overdue.sort(
        key=lambda pair: (pair[0].home_unit.name if pair[0].home_unit else "", str(pair[0]), pair[1].program.title)
    )
    return result


def sentence(unit: Any, program: TrainingProgram, cell: Cell, discipline_label: str = "") -> str:
    """ "92 % of RNs on 4 West are current on BLS" """
    who = discipline_label or _("staff")
    return _("%(percent)s %% of %(who)s on %(unit)s are current on %(program)s") % {
        "percent": f"{cell.percent_current:.0f}" if cell.percent_current is not None else "—",
        "who": who,
        "unit": unit.name,
        "program": program.title,
    }
