"""Plain-words explanations: why a demand is not met, and which rules make a
problem infeasible.

Unmet demand: for every person who is not on the shift, the first reason that
applies, found from the data (skill, leave, pins, another shift that day) or
by trying the move and checking which hard rule it would break.

Infeasibility: every rule group (one kind of rule for one person, or one hard
minimum) gets an enforcement literal; CP-SAT returns a sufficient set of
assumptions for the infeasibility, which is then shrunk by deletion to a
minimal conflicting set.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .build import build_model
from .evaluate import staff_violations
from .indexed import OFF, Indexed, grid_from_roster, index_problem
from .model import DAY_MINUTES, Problem

_PHRASES = {
    "skills": "{n} without the required skill",
    "leave": "{n} on leave",
    "pins": "{n} pinned to something else",
    "never": "{n} not allowed to work {shift} by contract",
    "other_shift": "{n} working another shift that day",
    "max_minutes": "{n} at maximum hours",
    "max_shifts": "{n} at their limit of {shift} shifts",
    "window_minutes": "{n} at their limit of hours over consecutive days",
    "rest": "{n} would break the {rest}-hour rest rule",
    "successions": "{n} would break a forbidden shift succession",
    "max_consecutive": "{n} would exceed their maximum consecutive working days",
    "min_consecutive": "{n} would leave a too-short run of working days",
    "min_days_off": "{n} would leave a too-short break",
    "max_weekends": "{n} at their limit of worked weekends",
    "min_minutes": "{n} below minimum hours",
    "available": "{n} available but not used (other costs were higher)",
}
_ORDER = list(_PHRASES)

_RULE_TEXT = {
    "leave": "leave of {who}",
    "pins": "pinned assignments of {who}",
    "skills": "skills of {who}",
    "successions": "rest and shift-succession rules of {who}",
    "max_shifts": "per-shift limits of {who}",
    "max_minutes": "maximum hours of {who}",
    "window_minutes": "hours over consecutive days of {who}",
    "min_minutes": "minimum hours of {who}",
    "max_consecutive": "maximum consecutive days of {who}",
    "min_consecutive": "minimum consecutive days of {who}",
    "min_days_off": "minimum days off of {who}",
    "max_weekends": "maximum weekends of {who}",
}


@dataclass(frozen=True)
class UnmetDemand:
    day: int
    shift: str
    skill: str | None
    needed: int
    assigned: int
    level: str  # "minimum" or "preferred"
    reasons: dict[str, int]
    text: str


@dataclass(frozen=True)
class RuleConflict:
    kind: str
    subject: str
    text: str


def _rest_broken(ix: Indexed, e: int, row: list[int], d: int, s: int) -> bool:
    """True when the move breaks a rest rule computed from real times (not an explicit ban)."""
    rest = ix.problem.staff[e].contract.min_rest_minutes
    if rest <= 0:
        return False
    sh = ix.problem.shifts
    for gap in (1, 2):
        for a, b, dd in ((d - gap, d, gap), (d, d + gap, gap)):
            if a >= 0 and b < ix.H:
                sa, sb = (row[a], s) if b == d else (s, row[b])
                if sa != OFF and sb != OFF:
                    end = sh[sa].start_minute + sh[sa].length_minutes
                    if dd * DAY_MINUTES + sh[sb].start_minute - end < rest:
                        return True
    return False


def _reason(ix: Indexed, grid: list[list[int]], e: int, d: int, s: int) -> str:
    row = grid[e]
    if d in ix.leave[e]:
        return "leave"
    if d in ix.pinned_off[e] or d in ix.forced_work[e]:
        return "pins"
    if ix.max_shifts[e].get(s, 1) <= 0:
        return "never"
    if s not in ix.allowed[e][d]:
        return "skills"
    if row[d] != OFF:
        return "other_shift"
    trial = row[:]
    trial[d] = s
    before = {k for k, _ in staff_violations(ix, e, row)}
    kinds = [k for k, _ in staff_violations(ix, e, trial) if k not in before]
    if not kinds:
        return "available"
    if "successions" in kinds and _rest_broken(ix, e, row, d, s):
        return "rest"
    return min(kinds, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER))


def explain_unmet(problem: Problem, roster: dict[str, list[str | None]]) -> list[UnmetDemand]:
    """One entry per demand whose minimum or preferred level is not met."""
    ix = index_problem(problem)
    grid = grid_from_roster(ix, roster)
    out = []
    for dm in ix.demands:
        staff = range(ix.E) if dm.eligible is None else sorted(dm.eligible)
        assigned = sum(1 for e in staff if grid[e][dm.day] == dm.shift)
        for level, needed in (("minimum", dm.minimum), ("preferred", dm.preferred or 0)):
            if assigned >= needed:
                continue
            reasons = Counter(_reason(ix, grid, e, dm.day, dm.shift) for e in staff if grid[e][dm.day] != dm.shift)
            shift = ix.shift_ids[dm.shift]
            rest_hours = max((st.contract.min_rest_minutes for st in problem.staff), default=0) / 60
            parts = [
                _PHRASES[k].format(n=n, shift=shift, rest=f"{rest_hours:g}")
                for k, n in sorted(reasons.items(), key=lambda kv: _ORDER.index(kv[0]))
            ]
            who = f" {dm.skill}" if dm.skill else ""
            text = (
                f"Day {dm.day} ({problem.date_of(dm.day).isoformat()}) {shift}: {needed - assigned} short of the "
                f"{level} of {needed}{who}. Of the {'qualified ' if dm.skill else ''}staff not on it: "
                + (", ".join(parts) if parts else "nobody else")
                + "."
            )
            out.append(UnmetDemand(dm.day, shift, dm.skill, needed, assigned, level, dict(reasons), text))
            break  # report the most important level only
    return out


def explain_infeasible(problem: Problem, seconds: float = 10.0) -> list[RuleConflict]:
    """A minimal set of rule groups that cannot hold together (empty if feasible
    or undecided within ``seconds``)."""
    ix = index_problem(problem)
    lits: dict[tuple[str, int], cp_model.IntVar] = {}
    model = cp_model.CpModel()

    def guard(kind: str, who: int) -> cp_model.IntVar:
        key = (kind, who)
        if key not in lits:
            lits[key] = model.new_bool_var(f"rule_{kind}_{who}")
        return lits[key]

    build_model(ix, guard=guard, relaxed_cells=True, model=model)
    model.clear_objective()
    deadline = time.monotonic() + seconds

    def infeasible_with(assumed: list[tuple[str, int]]) -> tuple[bool, list[tuple[str, int]]]:
        model.clear_assumptions()
        model.add_assumptions([lits[k] for k in assumed])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.1, deadline - time.monotonic())
        code = solver.solve(model)
        if code != cp_model.INFEASIBLE:
            return False, []
        core_idx = set(solver.sufficient_assumptions_for_infeasibility())
        return True, [k for k in assumed if lits[k].index in core_idx]

    bad, core = infeasible_with(list(lits))
    if not bad:
        return []
    if not core:
        core = list(lits)
    # deletion-based minimisation
    i = 0
    while i < len(core) and time.monotonic() < deadline:
        trial = core[:i] + core[i + 1 :]
        still, smaller = infeasible_with(trial)
        if still:
            core = smaller or trial
        else:
            i += 1
    out = []
    for kind, who in core:
        if kind == "demand_minimum":
            dm = ix.demands[who]
            subject = f"day {dm.day} {ix.shift_ids[dm.shift]}" + (f" {dm.skill}" if dm.skill else "")
            text = f"minimum of {dm.minimum} staff on {subject}"
        else:
            subject = ix.staff_ids[who]
            text = _RULE_TEXT.get(kind, kind + " of {who}").format(who=subject)
        out.append(RuleConflict(kind, subject, text))
    return out
