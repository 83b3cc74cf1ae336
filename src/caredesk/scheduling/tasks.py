"""Background work of scheduling: generating a roster with the engine.

`generate_roster_task` runs one RosterRun on the "solver" queue. Progress
(objective and bound over time) is written to the run every second or so, by
an UPDATE of that column only, so the page polling it and the stop button
never clobber each other; the stop button sets `stop_requested`, read here at
most once a second, and the engine then returns the best roster found so far.
Tests call `run_generation` directly.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import traceback
from typing import Any

from django.db import transaction
from django_tasks import task

from caredesk.core import audit, clock
from caredesk.scheduling import checks, engine, solver
from caredesk.scheduling.models import RosterEntry, RosterRun, RosterVersion, RunStatus

FLUSH_SECONDS = 1.0
STOP_POLL_SECONDS = 1.0
MAX_REPAIR_ROUNDS = 3
#: share of the time limit for the first solve; the rest re-solves around the check's refusals
FIRST_SHARE = 0.5


class _Watcher:
    """The engine's progress callback and stop hook for one run. The engine may call
    the progress callback from its own threads: only the thread that created the
    watcher touches the database (the others only append to memory)."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.owner = threading.get_ident()
        self.lock = threading.Lock()
        self.points: list[list[float]] = []
        self.flushed = 0
        self.last_flush = 0.0
        self.last_poll = 0.0
        self.stopped = False
        self.first_feasible: float | None = None

    def progress(self, p: solver.Progress) -> None:
        with self.lock:
            if self.first_feasible is None:
                self.first_feasible = round(p.elapsed, 3)
            self.points.append([round(p.elapsed, 3), int(p.objective), int(p.bound)])
        if threading.get_ident() == self.owner:
            self.flush()

    def flush(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last_flush < FLUSH_SECONDS:
            return
        with self.lock:
            if len(self.points) == self.flushed and not force:
                return
            points = [list(p) for p in self.points]
            self.flushed = len(points)
        self.last_flush = now
        RosterRun.objects.filter(pk=self.run_id).update(progress=points, updated_at=clock.now())

    def should_stop(self) -> bool:
        if self.stopped:
            return True
        if threading.get_ident() != self.owner:
            return False
        now = time.monotonic()
        self.flush()
        if now - self.last_poll >= STOP_POLL_SECONDS or self.last_poll == 0.0:
            self.last_poll = now
            self.stopped = bool(
                RosterRun.objects.filter(pk=self.run_id).values_list("stop_requested", flat=True).first()
            )
        return self.stopped


def _entries(roster: Any, mapping: engine.Mapping, cells: dict[str, list[str | None]]) -> list[RosterEntry]:
    return [
        RosterEntry(roster=roster, staff_id=mapping.staff[key], date=mapping.date(k), pattern_id=mapping.shifts[code])
        for key, row in cells.items()
        for k, code in enumerate(row)
        if code is not None
    ]


def _blocked(roster: Any, mapping: engine.Mapping, cells: dict[str, list[str | None]]) -> set[tuple[str, int]]:
    """Cells the rule check refuses.  The engine models the same rules (rest,
    any 7 days, ...) on nominal shift lengths; `checks` is the judge on real
    times, so a night that lasts an hour longer across daylight saving can
    still be refused here."""
    found = checks.check_roster(roster, entries=_entries(roster, mapping, cells))
    out = set()
    for p in found:
        if not p.hard:
            continue
        key = mapping.staff_key(p.staff_id)
        if key not in cells:
            continue
        # the day reported, else the nearest worked day before it that is not pinned
        for back in range(7):
            k = mapping.day(p.date) - back
            if (
                0 <= k < mapping.days
                and cells[key][k] is not None
                and (p.staff_id, mapping.date(k)) not in mapping.pinned
            ):
                out.add((key, k))
                break
    return out


def solve_checked(
    roster: Any,
    problem: solver.Problem,
    mapping: engine.Mapping,
    watcher: _Watcher,
    time_limit: float,
    *,
    workers: int = 2,
    seed: int = 0,
    hint: dict[str, tuple[str | None, ...]] | None = None,
) -> tuple[solver.SolveResult, solver.Problem]:
    """Solve, then check the roster with `scheduling.checks`; cells it refuses become
    days off for those people and the engine runs again from the roster it had
    (a few rounds in the time left); whatever is still refused at the end is removed,
    so a generated roster never breaks a hard rule (the gap shows as an unmet need)."""
    t0 = time.monotonic()
    deadline = t0 + time_limit
    original = problem
    result = solver.solve(
        problem,
        solver.SolveParams(
            time_limit=time_limit * FIRST_SHARE,
            workers=workers,
            seed=seed,
            progress=watcher.progress,
            should_stop=watcher.should_stop,
            hint=hint,
        ),
    )
    if not result.roster:
        return result, original
    raw = result.roster
    best = repair(roster, original, mapping, raw)
    best_score = _score(original, best)
    for _round in range(MAX_REPAIR_ROUNDS):
        blocked = _blocked(roster, mapping, raw)
        if not blocked:
            break
        problem = _with_days_off(problem, blocked)
        left = deadline - time.monotonic()
        if watcher.should_stop() or left < 1.0:
            break
        offset = time.monotonic() - t0
        again = solver.solve(
            problem,
            solver.SolveParams(
                time_limit=max(1.0, left / (MAX_REPAIR_ROUNDS - _round)),
                workers=workers,
                seed=seed + 1 + _round,
                progress=_shifted(watcher, offset),
                should_stop=watcher.should_stop,
                hint={k: tuple(v) for k, v in best.items()},
            ),
        )
        if not again.roster:
            break
        raw = again.roster
        candidate = repair(roster, original, mapping, raw)
        score = _score(original, candidate)
        if score <= best_score:
            best, best_score = candidate, score
    ev = _evaluation(original, best)
    return (
        dataclasses.replace(result, roster=best, objective=ev.objective, breakdown=dict(ev.breakdown)),
        original,
    )


def _evaluation(problem: solver.Problem, cells: dict[str, list[str | None]]) -> Any:
    from caredesk.scheduling.solver.evaluate import evaluate
    from caredesk.scheduling.solver.indexed import grid_from_roster, index_problem

    ix = index_problem(problem)
    return evaluate(ix, grid_from_roster(ix, cells))


def _score(problem: solver.Problem, cells: dict[str, list[str | None]]) -> int:
    return int(_evaluation(problem, cells).objective)


def repair(
    roster: Any, problem: solver.Problem, mapping: engine.Mapping, roster_cells: dict[str, list[str | None]]
) -> dict[str, list[str | None]]:
    """Last resort, in memory: take out the cells the check refuses until it finds
    nothing, then fill the needs left short of their minimum with whoever the check
    accepts (fewest hours first)."""
    cells = {k: list(v) for k, v in roster_cells.items()}
    facts = checks.load_facts(roster, mapping.staff.values(), entries=_entries(roster, mapping, cells))

    def refused(sid: int) -> list[checks.RuleProblem]:
        return [p for p in checks.person_problems(facts, sid, facts.cells[sid]) if p.hard]

    for key, sid in mapping.staff.items():
        for _i in range(40):
            bad = refused(sid)
            if not bad:
                break
            for p in bad:
                for back in range(7):
                    k = mapping.day(p.date) - back
                    d = mapping.date(k)
                    if 0 <= k < mapping.days and cells[key][k] is not None and (sid, d) not in mapping.pinned:
                        cells[key][k] = None
                        facts.cells[sid].pop(d, None)
                        break
    by_id = {s.id: s for s in problem.staff}
    shift_of = {s.id: s for s in problem.shifts}
    for dm in problem.demands:
        d = mapping.date(dm.day)
        need = frozenset({dm.skill}) if dm.skill else frozenset()

        def counts(key: str, dm: solver.Demand = dm, d: Any = d, need: frozenset[str] = need) -> bool:
            return cells[key][dm.day] == dm.shift and by_id[key].has_skills(need, d)

        short = dm.minimum - sum(1 for key in cells if counts(key))
        if short <= 0:
            continue
        hours = {key: sum(1 for c in row if c is not None) for key, row in cells.items()}
        for key in sorted(cells, key=lambda k: hours[k]):
            if short <= 0:
                break
            st = by_id[key]
            if cells[key][dm.day] is not None or dm.day in st.leave:
                continue
            if not st.has_skills(need | shift_of[dm.shift].required_skills, d):
                continue
            sid = mapping.staff[key]
            facts.cells[sid][d] = mapping.shifts[dm.shift]
            if refused(sid):
                facts.cells[sid].pop(d, None)
                continue
            cells[key][dm.day] = dm.shift
            short -= 1
    return cells


def _shifted(watcher: _Watcher, offset: float) -> solver.model.ProgressCallback:
    """The watcher's progress callback, with times counted from the first solve."""

    def report(p: solver.Progress) -> None:
        watcher.progress(solver.Progress(p.objective, p.bound, p.elapsed + offset))

    return report


def _with_days_off(problem: solver.Problem, blocked: set[tuple[str, int]]) -> solver.Problem:
    extra: dict[str, set[int]] = {}
    for key, k in blocked:
        extra.setdefault(key, set()).add(k)
    staff = [dataclasses.replace(s, leave=s.leave | extra[s.id]) if s.id in extra else s for s in problem.staff]
    return dataclasses.replace(problem, staff=staff)


def run_generation(run_id: int, *, workers: int = 2, seed: int = 0) -> RosterRun:
    """Run one queued generation to its end (done, stopped or failed)."""
    claimed = RosterRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=clock.now(), updated_at=clock.now()
    )
    run = RosterRun.objects.select_related("roster", "roster__unit", "roster__unit__site").get(pk=run_id)
    if not claimed:
        return run
    watcher = _Watcher(run.pk)
    try:
        roster = run.roster
        replan_from = None
        if run.breakdown.get("replan"):
            replan_from = RosterVersion.objects.filter(roster=roster).order_by("-number").first()
        problem, mapping = engine.build_problem(roster, replan_from=replan_from)
        hint = engine.current_cells(roster, mapping) if replan_from is not None else None
        if watcher.should_stop():
            result = solver.SolveResult(solver.Status.UNKNOWN, {}, None, {}, None, 0.0)
        else:
            result, problem = solve_checked(
                roster, problem, mapping, watcher, float(run.time_limit_s), workers=workers, seed=seed, hint=hint
            )
        watcher.flush(force=True)
        stopped = watcher.stopped
        fields: dict[str, Any] = {
            "solver_status": result.status.value,
            "objective": result.objective,
            "bound": result.bound,
            "breakdown": {**dict(result.breakdown), **({"replan": 1} if replan_from is not None else {})},
            "finished_at": clock.now(),
        }
        with transaction.atomic():
            if result.roster:
                engine.apply_result(roster, result, mapping)
                summary = engine.summarise(roster, problem, mapping, result.roster)
                fields["status"] = RunStatus.STOPPED if stopped else RunStatus.DONE
            elif result.status is solver.Status.INFEASIBLE:
                conflicts = solver.explain_infeasible(problem, seconds=10.0)
                summary = {"conflicts": [c.text for c in conflicts]}
                fields["status"] = RunStatus.FAILED
                fields["error"] = "The rules cannot all hold together: " + "; ".join(c.text for c in conflicts)
            else:
                summary = {}
                fields["status"] = RunStatus.STOPPED if stopped else RunStatus.FAILED
                fields["error"] = (
                    "Stopped before the engine found a roster; the roster is unchanged."
                    if stopped
                    else "The engine found no roster within the time limit; try a longer one."
                )
            summary["seconds"] = round(result.seconds, 3)
            summary["first_feasible_s"] = watcher.first_feasible
            fields["summary"] = summary
            RosterRun.objects.filter(pk=run.pk).update(**fields, updated_at=clock.now())
            audit.record(
                actor=None,
                action="scheduling.roster_generated",
                obj=run,
                after={
                    "run_id": run.pk,
                    "roster_id": roster.pk,
                    "status": fields["status"],
                    "objective": result.objective,
                },
            )
    except Exception as exc:  # the run must end, whatever the engine did
        watcher.flush(force=True)
        RosterRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"[:4000],
            finished_at=clock.now(),
            updated_at=clock.now(),
        )
    run.refresh_from_db()
    return run


@task(queue_name="solver")
def generate_roster_task(run_id: int) -> str:
    """Generate one roster (a RosterRun) in the background."""
    return run_generation(run_id).status
