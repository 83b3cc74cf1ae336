"""Solve strategies: person-by-person construction, a whole-model CP-SAT
worker, and large-neighbourhood search (LNS) around the incumbent
(decision 0006 has the measurements behind each choice).

``solve`` (strategy ``auto``):

1. First roster (``_construct``): one row per person, greedy for the
   objective when time allows (each row solved for its exact effect on the
   rows before it; with more time, rows in parallel by LP-guided workers),
   otherwise only feasible rows, found in parallel.  Where the whole model
   is out of reach and time is left, a second first roster from who works
   which day (``_construct_by_days``: the day-level model of everyone at
   once, then the shifts of those days); the better one is kept.
2. On instances small enough for its root LP (``WHOLE_MODEL_LIMIT``), one
   core runs CP-SAT on the whole model (the bound; sometimes optimality),
   stopped when its bound is still useless at 30 % of the time.
3. LNS lanes until the deadline, one per free core, on a shared incumbent:
   free a neighbourhood (a window of days, a few people, a block of both, the
   same weekdays of every week, the shift types of a window, or one person's
   row), at random or around a shortfall or a broken request, fix every
   other cell, re-solve with the incumbent as hint, keep the result if the
   exact evaluation is not worse.  Kinds are chosen adaptively; sizes grow
   when the sub-problem is solved to optimality and shrink when it times out.
4. When LNS stalls on an instance within ``WHOLE_MODEL_LIMIT``, every core
   polishes the whole model from the incumbent for a while (``_polish``),
   then LNS resumes.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from ortools.sat.python import cp_model

from .build import Built, build_model, head_delta, set_hints
from .evaluate import day_counts, evaluate, head_counts
from .indexed import OFF, Grid, Indexed, grid_from_roster, index_problem, roster_from_grid
from .model import Problem, Progress, SolveParams, SolveResult, Status
from .pattern import roster_patterns, work_pattern

_T = TypeVar("_T")

#: whole-model size (allowed staff-day-shift triples) up to which a failed
#: construction is rescued by CP-SAT on the whole model
FULL_MODEL_LIMIT = 30_000
#: ... and up to which one core runs the whole model next to the neighbourhood
#: search.  Its root LP gives a tight bound in time up to about 4 100 triples
#: (Instance10, 14, 18: 3 484-4 104) and a useless one from 5 300 (Instance11,
#: 15, 19, 12: bound 0-15 at 60 s against thousands); there the core is
#: better spent on LNS (Instance12 at 60 s: 4 270 on average over seeds 1-4
#: without the whole model, 4 439 over seeds 1-3 with it stopped at 18 s)
WHOLE_MODEL_LIMIT = 5_000
#: free (staff, day) cells of the first LNS neighbourhoods
START_CELLS = 250
#: neighbourhood size factor after a sub-problem solved to optimality / not
GROW, SHRINK = 1.15, 0.7
#: largest neighbourhood, as a share of all (staff, day) cells
MAX_SHARE = 0.6
#: per-iteration time limit: time_limit / ITER_DIVISOR, within [ITER_MIN, ITER_MAX] seconds
ITER_DIVISOR = 30
ITER_MIN, ITER_MAX = 0.5, 5.0
#: ... but a lane starts at no more than ITER_START seconds and lengthens its
#: limit by ITER_GROW after ITER_PATIENCE iterations in a row without a gain:
#: short sub-solves while small neighbourhoods still pay (Instance24, 120 s
#: from a 75 479 roster: 69 154-69 655 with 2 s, 70 961-71 473 with 4-5 s),
#: long ones once the search needs wider moves
ITER_START = 2.0
ITER_GROW = 1.5
ITER_PATIENCE = 10
#: share of the time limit after which a whole-model solve with a weak bound
#: is stopped, once its root LP has had time (Instance10, one worker: bound 8
#: until the LP completes at 10.5 s, then 4622 at 13 s against 4631 best known;
#: Instance12: 24 after 30 s against 4040)
WHOLE_MODEL_CHECK = 0.3
#: ... weak meaning below this fraction of the incumbent objective
WHOLE_MODEL_MIN_GAP = 0.1
#: the neighbourhood search has stalled when the incumbent has not improved
#: for this share of the time limit; the whole model is then polished with
#: every core (``_polish``) for at most POLISH_SHARE of it, and the
#: neighbourhood search resumes from the result
STALL_SHARE = 0.1
POLISH_SHARE = 0.25
#: one neighbourhood-search thread per core (one CP-SAT worker each) rather
#: than one thread whose sub-solves use every core
PARALLEL_LANES = True
#: adaptive neighbourhood choice: smoothing of each arm's reward, and the
#: floor (share of the mean weight) that keeps every arm in play
BANDIT_RATE = 0.3
BANDIT_FLOOR = 0.2
#: construction solves each row for its effect on the rows before it (cover
#: left, requests) when the budget gives each row this many seconds, else it
#: only looks for feasible rows (Instance24 at 60 s)
GREEDY_ROW_SECONDS = 0.2
#: ... and rows are solved in parallel, one per core, each by one
#: LP-guided worker (``_construct_row(lp=True)``), when each row gets this
#: many seconds of one core
LP_ROW_SECONDS = 2.0
#: a row neighbourhood freed for a shortfall picks someone with the minutes
#: left to take the missing shift, when anyone has them
SLACK_FIRST = True
#: the row neighbourhood offers each day only the shifts that cost nothing or
#: gain, and the one worked now (``_row_model``)
ROW_IMPROVING_ONLY = True
#: ... and the staff and block neighbourhoods only the shifts whose cover the
#: fixed cells leave short, and the ones worked now (``_region_domains``)
REGION_IMPROVING_ONLY = True
#: neighbourhoods are also freed around broken requests (Instance12: the
#: shortfalls left are the best known's, the requests are not)
REQUEST_FOCUS = True
#: a neighbourhood of the same weekdays of every week ("weekdays")
WEEKDAYS = True
#: share of the time limit the construction of the first roster may take
CONSTRUCT_SHARE = 0.3
#: where the whole model is out of reach, the rest of that budget goes to a
#: second first roster built from the days (``_construct_by_days``), this
#: share of it to choosing the days
PATTERN_SHARE = 0.6
#: the construction from days is used (off: measurements without it) on
#: models above this size; below, the whole model's LP guides the search
#: (with it at 60 s, seed 1: Instance7 1 063, Instance9 444, Instance10
#: 4 634, no better than without, and the whole model starts later)
BY_DAYS = True
BY_DAYS_MIN_SIZE = WHOLE_MODEL_LIMIT
#: ... when the first construction has left at least this share of its
#: budget (Instance19 at 60 s: 15 of 18 s for the rows, 4 438 with the 3 s
#: left to the days, 4 252 with them given to the neighbourhood search)
BY_DAYS_MIN_SHARE = 0.5
#: the day-level solve stops when it has gone on without a gain for as long
#: as its last gain took, and at least this long (``_Stalled``)
DAYS_STALL_SECONDS = 2.0


@dataclass
class _State:
    ix: Indexed
    params: SolveParams
    deadline: float
    t0: float
    rng: random.Random
    grid: Grid | None = None
    objective: int | None = None
    bound: int | None = None
    optimal: bool = False
    infeasible: bool = False
    log: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: bool = False
    #: construction: try the day-level pattern before the free row (adapts to the instance)
    pattern_first: bool = False
    #: CP-SAT solvers running in other threads, stopped when a stop is requested
    running: list[cp_model.CpSolver] = field(default_factory=list)
    #: the whole-model solve of the portfolio, while it runs
    whole: cp_model.CpSolver | None = None
    #: workers the neighbourhood search may use (all of them once the whole model stops)
    lns_workers: int = 1
    total_workers: int = 1
    #: a row could not be built: the other construction threads give up
    stop_construction: bool = False
    #: neighbourhood-search lanes started, and their threads (lane 0 is the caller's)
    lanes: int = 1
    threads: list[threading.Thread] = field(default_factory=list)
    #: when the incumbent last improved (monotonic), to see the search stall
    improved_at: float = 0.0
    #: the whole model may be polished with every core (``_polish``), and a
    #: lane has asked for it: the neighbourhood search stops meanwhile
    polish_allowed: bool = False
    polishing: bool = False

    def left(self) -> float:
        if not self.stop and self.params.should_stop is not None and self.params.should_stop():
            self.note("stop requested")
            self.stop = True
            self.deadline = time.monotonic()
            for solver in list(self.running):
                solver.stop_search()
        return self.deadline - time.monotonic()

    def note(self, msg: str) -> None:
        line = f"{time.monotonic() - self.t0:7.2f}s {msg}"
        self.log.append(line)
        if self.params.log:
            print(line, flush=True)

    def offer(self, grid: Grid) -> bool:
        ev = evaluate(self.ix, grid)
        if not ev.feasible:
            self.note(f"rejected infeasible candidate: {ev.violations[:2]}")
            return False
        with self.lock:
            return self._accept(grid, ev.objective)

    def offer_region(self, base: Grid, free: list[list[bool]], candidate: Grid) -> int | None:
        """Offer a neighbourhood's solution found from ``base``; returns its
        objective if it was feasible.  When another lane has replaced the
        incumbent meanwhile, the freed cells are carried over onto the new
        incumbent (both lanes' gains kept when the merged roster is feasible
        and better) rather than the candidate undoing the other lane's work."""
        ev = evaluate(self.ix, candidate)
        if not ev.feasible:
            self.note(f"rejected infeasible candidate: {ev.violations[:2]}")
            return None
        with self.lock:
            current = self.grid
            if current is base or current is None:
                self._accept(candidate, ev.objective)
                return ev.objective
        assert current is not None
        merged = [row[:] for row in current]
        for e, row in enumerate(free):
            for d, is_free in enumerate(row):
                if is_free:
                    merged[e][d] = candidate[e][d]
        ev_merged = evaluate(self.ix, merged)
        with self.lock:
            best = self.objective
            if ev_merged.feasible and (best is None or ev_merged.objective < best) and self.grid is current:
                self._accept(merged, ev_merged.objective)
            elif best is None or ev.objective < best:
                self._accept(candidate, ev.objective)
        return ev.objective

    def _accept(self, grid: Grid, objective: int) -> bool:
        ev_objective = objective
        if self.objective is None or ev_objective <= self.objective:
            improved = self.objective is None or ev_objective < self.objective
            self.grid, self.objective = grid, ev_objective
            if improved:
                self.improved_at = time.monotonic()
                self.report()
            return True
        return False

    def report(self) -> None:
        if self.params.progress is not None and self.objective is not None:
            bound = self.bound if self.bound is not None else 0
            self.params.progress(Progress(self.objective, bound, time.monotonic() - self.t0))


def _solver(params: SolveParams, seconds: float, seed: int, workers: int | None = None) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.05, seconds)
    s.parameters.num_workers = max(1, params.workers if workers is None else workers)
    s.parameters.random_seed = seed
    # The LP relaxation of this model is tight (cover, totals and windows are
    # linear); the full-linearisation worker proves small neighbourhoods
    # optimal quickly, while the default portfolio keeps the bound near zero.
    s.parameters.linearization_level = 2
    if s.parameters.num_workers >= 2:
        s.parameters.subsolvers.append("max_lp")
    return s


class _FullCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, state: _State) -> None:
        super().__init__()
        self.state = state

    def on_solution_callback(self) -> None:
        if self.state.params.progress is not None:
            self.state.params.progress(
                Progress(int(self.objective_value), int(self.best_objective_bound), time.monotonic() - self.state.t0)
            )


def _solve_full(st: _State, seconds: float) -> None:
    ix = st.ix
    built = build_model(ix, grid=st.grid, free=None) if st.grid is None else build_model(ix, st.grid)
    if st.grid is not None:
        built.hint(st.grid)
    solver = _solver(st.params, seconds, st.params.seed)
    code = solver.solve(built.model, _FullCallback(st))
    st.note(
        f"full model: {solver.status_name(code)} obj={solver.objective_value:.0f} bound={solver.best_objective_bound:.0f}"
    )
    if code == cp_model.INFEASIBLE:
        st.infeasible = True
        return
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        st.bound = math.ceil(solver.best_objective_bound - 1e-6)
        blank = [[OFF] * ix.H for _ in range(ix.E)]
        st.offer(built.extract(solver, blank if st.grid is None else st.grid))
        if code == cp_model.OPTIMAL and st.objective is not None and st.objective <= st.bound:
            st.optimal = True
    elif code == cp_model.UNKNOWN and solver.best_objective_bound > -1e18:
        st.bound = math.ceil(solver.best_objective_bound - 1e-6)


class _PortfolioCallback(cp_model.CpSolverSolutionCallback):
    """Hands every solution of the whole-model solve to the shared state."""

    def __init__(self, st: _State, built: Built) -> None:
        super().__init__()
        self.st = st
        self.built = built

    def on_solution_callback(self) -> None:
        st = self.st
        if st.stop or st.optimal or st.left() <= 0:
            self.stop_search()
            return
        if st.objective is not None and self.objective_value >= st.objective:
            return
        blank = [[OFF] * st.ix.H for _ in range(st.ix.E)]
        for (e, d), xs in self.built.x.items():
            for s, v in xs.items():
                if self.boolean_value(v):
                    blank[e][d] = s
                    break
        bound = math.ceil(self.best_objective_bound - 1e-6)
        st.bound = bound if st.bound is None else max(st.bound, bound)
        if st.offer(blank):
            st.note(f"whole model: {st.objective}")


def _whole_model_thread(st: _State, built: Built) -> None:
    """One CP-SAT worker on the whole model with full linearisation, next to
    the neighbourhood search.  Measured at 30 s: Instance4 proven optimal
    (1716) in 22 s, Instance6 1951 (best 1950), Instance5 1144 (best 1143),
    where the default 2-worker portfolio reached 1719 / 2460 / 1147."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, st.left())
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = st.params.seed
    st.whole = solver
    _run_whole_model(st, built, solver, "whole model")
    st.whole = None


def _polish(st: _State, seconds: float) -> None:
    """Every core on the whole model, hinted with the incumbent, for a
    while: once the neighbourhood search has stalled on an instance small
    enough for the whole model's LP.  The moves that remain are too wide for
    any neighbourhood (Instance7: 1058 -> 1056 in 52 s from the stalled
    incumbent with 2 workers, none in 120 s with 1; Instance10: 4632 -> 4631,
    proven optimal, in 67 s)."""
    assert st.grid is not None
    st.note(f"polish: whole model from {st.objective}")
    built = build_model(st.ix, st.grid, None)
    built.hint(st.grid)
    solver = _solver(st.params, seconds, st.params.seed + 1, st.total_workers)
    _run_whole_model(st, built, solver, "polish")


def _run_whole_model(st: _State, built: Built, solver: cp_model.CpSolver, name: str) -> None:
    """Solve the whole model, sharing its solutions and bound as they come."""

    def on_bound(value: float) -> None:
        bound = math.ceil(value - 1e-6)
        st.bound = bound if st.bound is None else max(st.bound, bound)

    solver.best_bound_callback = on_bound
    st.running.append(solver)
    code = solver.solve(built.model, _PortfolioCallback(st, built))
    st.running.remove(solver)
    st.note(f"{name}: {solver.status_name(code)} bound={solver.best_objective_bound:.0f}")
    if code == cp_model.INFEASIBLE:
        st.infeasible = True
        st.stop = True
    elif code in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN) and solver.best_objective_bound > -1e18:
        on_bound(solver.best_objective_bound)
        if code == cp_model.OPTIMAL:
            st.offer(built.extract(solver, [[OFF] * st.ix.H for _ in range(st.ix.E)]))
    if st.objective is not None and st.bound is not None and st.objective <= st.bound:
        st.optimal = True
        for other in list(st.running):  # a polish running next to the whole model
            other.stop_search()


def _fast_solver(params: SolveParams, seconds: float, seed: int) -> cp_model.CpSolver:
    """Light presolve, no LP: for one-person models where a good first solution
    matters more than the bound (presolve otherwise dominates the time)."""
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.05, seconds)
    s.parameters.num_workers = 1
    s.parameters.random_seed = seed
    s.parameters.linearization_level = 0
    s.parameters.max_presolve_iterations = 1
    s.parameters.cp_model_probing_level = 0
    s.parameters.symmetry_level = 0
    s.parameters.find_big_linear_overlap = False
    return s


def _lp_row_solver(params: SolveParams, seconds: float, seed: int) -> cp_model.CpSolver:
    """One person's row: light presolve and one worker with full
    linearisation, whose LP guides it to good rows fast (construction rows
    and the row neighbourhood)."""
    s = _fast_solver(params, seconds, seed)
    s.parameters.linearization_level = 2
    return s


def _construct(st: _State, budget: float, works: list[list[bool]] | None = None) -> Grid | None:
    """Person-by-person construction of a feasible roster, greedy for the
    objective.

    All the benchmark's hard rules are per person, so one person's row solved
    on its own (hard rules only, no cover) is feasible whenever that person's
    rules are.  When the budget allows ``GREEDY_ROW_SECONDS`` per row, rows
    are built one after the other, each solved for its exact effect on the
    rows before it (``_row_costs``: the cover each cell fills or
    overfills, the person's requests), so each person covers what the people
    before left; with ``LP_ROW_SECONDS`` per row and core, they are solved
    in parallel, one per core, each seeing the rows finished before it
    started; otherwise rows are only made feasible, in parallel, one thread
    per core.  Hard minimum cover couples people; the roster is
    accepted only if it holds.  With ``works`` (who works which day, from
    ``roster_patterns``), each greedy row keeps its person's days and only
    chooses the shifts, unless those days admit no row.
    """
    ix = st.ix
    end_time = time.monotonic() + budget
    rows: list[list[int] | None] = [None] * ix.E
    todo = list(range(ix.E))
    lock = threading.Lock()
    # greedy rows one after the other, each solve on every core, or (more
    # time per row) in parallel, one LP-guided worker each; rows for
    # feasibility only (too little time per row) in parallel, one per core
    greedy = works is not None or budget / ix.E >= GREEDY_ROW_SECONDS
    lp_rows = works is None and greedy and st.total_workers * budget / ix.E >= LP_ROW_SECONDS
    lanes = 1 if greedy and not lp_rows else max(1, min(st.total_workers, ix.E))
    counts: list[dict[int, int]] = [{} for _ in range(ix.H)]  # day -> shift -> people among the rows done

    def worker() -> None:
        while not st.stop:
            with lock:
                if not todo:
                    return
                e = todo.pop(0)
                per = max(0.1, lanes * (end_time - time.monotonic()) / (len(todo) + 1))
            blank: Grid = [[OFF] * ix.H for _ in range(ix.E)]
            costs = _row_costs(ix, e, rows, counts) if greedy else None
            found = _construct_row(
                st, blank, e, per, lanes, costs, lp=lp_rows, works=None if works is None else works[e]
            )
            if found is None:
                st.note(f"construct: no row for {ix.staff_ids[e]}")
                st.stop_construction = True
                return
            with lock:
                rows[e] = found[e]
                for d, sh in enumerate(found[e]):
                    if sh != OFF:
                        counts[d][sh] = counts[d].get(sh, 0) + 1
            if st.stop_construction:
                return

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(lanes - 1)]
    for t in threads:
        t.start()
    worker()
    for t in threads:
        t.join()
    if any(r is None for r in rows):
        return None
    grid: Grid = [list(r) for r in rows if r is not None]
    st.note("construct: done")
    st.offer(grid)
    return grid


def _construct_by_days(st: _State, budget: float) -> None:
    """A first roster from who works which day (``roster_patterns``, the
    whole roster at once at the level of days), then the shifts of those
    days: greedy rows, then the whole model with the days fixed, hinted with
    them.  Where the whole model is out of reach, the day-level model sees
    the trades between people that greedy rows miss (Instance12 at 60 s,
    seeds 1 / 2: 4 063 / 4 073 against 4 389 / 4 177 without it)."""
    ix = st.ix
    end_time = time.monotonic() + budget
    solver = _solver(st.params, PATTERN_SHARE * budget, st.params.seed, st.total_workers)
    stalled = _Stalled(time.monotonic())
    works = _watched(st, solver, partial(roster_patterns, ix, solver, stalled), stalled.now)
    if works is None:
        st.note("construct by days: no day-level roster in time")
        return
    st.note("construct by days: days chosen")
    grid = _construct(st, max(0.1, end_time - time.monotonic()), works)
    if grid is None or end_time - time.monotonic() < 0.5:
        return
    st.note(f"construct by days: rows {evaluate(ix, grid).objective}")
    built = build_model(ix, grid, [[True] * ix.H for _ in range(ix.E)])
    _keep_work_days(built, grid)
    built.hint(grid)
    solver = _solver(st.params, end_time - time.monotonic(), st.params.seed, st.total_workers)
    code = _watched(st, solver, partial(solver.solve, built.model))
    st.note(f"construct by days: shifts {solver.status_name(code)} {solver.objective_value:.0f}")
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        st.offer(built.extract(solver, grid))


class _Stalled(cp_model.CpSolverSolutionCallback):
    """Sees a solve's solutions; ``now()`` tells when, having found one, it
    has gone on for as long without a gain as it took to reach its last one
    (at least ``DAYS_STALL_SECONDS``).  Before the first solution only the
    solve's own time limit counts: the day-level model of Instance20 gives
    its first at 3 s.  That of Instance12 is within 2 of its bound at 10 s
    and gains nothing more by 60 s."""

    def __init__(self, start: float) -> None:
        super().__init__()
        self.start = start
        self.last: float | None = None

    def on_solution_callback(self) -> None:
        self.last = time.monotonic()

    def now(self) -> bool:
        if self.last is None:
            return False
        return time.monotonic() - self.last > max(DAYS_STALL_SECONDS, self.last - self.start)


def _watched(
    st: _State, solver: cp_model.CpSolver, run: Callable[[], _T], stop_when: Callable[[], bool] | None = None
) -> _T:
    """``run()``, a long solve by ``solver``, with the stop request polled
    meanwhile (``_State.left`` stops the running solvers): the Stop button
    ends it within a fraction of a second; so does ``stop_when()``."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            st.left()
            if stop_when is not None and stop_when():
                solver.stop_search()

    watcher = threading.Thread(target=watch, daemon=True)
    st.running.append(solver)
    watcher.start()
    try:
        return run()
    finally:
        done.set()
        st.running.remove(solver)


@dataclass
class _RowCosts:
    """The objective of one person's row against the other rows, per cell:
    ``cell[(d, s)]`` for working shift ``s`` on day ``d`` (cover filled or
    overfilled, shift requests) and ``day[d]`` for working at all (requests
    for or against a day)."""

    cell: dict[tuple[int, int], int]
    day: dict[int, int]

    def of(self, d: int, s: int) -> int:
        return self.cell.get((d, s), 0) + self.day.get(d, 0)


def _request_costs(ix: Indexed, people: set[int]) -> tuple[dict[tuple[int, int, int], int], dict[tuple[int, int], int]]:
    """The requests of ``people`` as costs of working: per (person, day,
    shift) for shift requests, per (person, day) for requests of a day."""
    cell: dict[tuple[int, int, int], int] = {}
    day: dict[tuple[int, int], int] = {}
    for r in ix.requests:
        if r.staff in people:
            w = -r.weight if r.on else r.weight
            if r.shift is None:
                day[(r.staff, r.day)] = day.get((r.staff, r.day), 0) + w
            else:
                key = (r.staff, r.day, r.shift)
                cell[key] = cell.get(key, 0) + w
    return cell, day


def _row_costs(ix: Indexed, e: int, rows: list[list[int] | None], counts: Sequence[Mapping[int, int]]) -> _RowCosts:
    """Person ``e``'s cell costs with the rows built so far fixed and the
    others off (one person moves a count by at most one, so this is exact)."""

    cell: dict[tuple[int, int], int] = {}
    for dm in ix.demands:
        if dm.eligible is None:
            n = counts[dm.day].get(dm.shift, 0)
        elif e in dm.eligible:
            n = sum(1 for f in dm.eligible if (row := rows[f]) is not None and row[dm.day] == dm.shift)
        else:
            continue
        delta = head_delta(dm, n)
        if delta:
            key = (dm.day, dm.shift)
            cell[key] = cell.get(key, 0) + delta
    cell_req, day_req = _request_costs(ix, {e})
    for (_, d, sh), w in cell_req.items():
        cell[(d, sh)] = cell.get((d, sh), 0) + w
    return _RowCosts(cell, {d: w for (_, d), w in day_req.items()})


def _narrowed(ix: Indexed, e: int, d: int, now: int, cost: Callable[[int], int | None]) -> list[int]:
    """Person ``e``'s allowed shifts on day ``d`` that cost nothing or gain
    (``cost`` of None: unknown, kept), with the one worked now, the
    published one (re-planning) and any pinned one, so the incumbent stays
    a solution."""
    if d in ix.forced_work[e]:
        return ix.allowed[e][d]
    published = ix.previous[e] if ix.previous is not None else None
    was = published[d] if published is not None else OFF
    return [s for s in ix.allowed[e][d] if s in (now, was) or (c := cost(s)) is None or c <= 0]


def _improving_domains(ix: Indexed, e: int, costs: _RowCosts, row: list[int]) -> dict[tuple[int, int], list[int]]:
    """Person ``e``'s row narrowed to the shifts that cost nothing or gain
    (``_narrowed``)."""
    return {(e, d): _narrowed(ix, e, d, row[d], partial(costs.of, d)) for d in range(ix.H)}


def _region_domains(ix: Indexed, grid: Grid, free: list[list[bool]]) -> dict[tuple[int, int], list[int]]:
    """The free cells' shifts that could gain (``REGION_IMPROVING_ONLY``):
    those whose first extra head costs nothing or gains against the fixed
    cells' cover (with the person's requests), the one worked now, the
    published one (re-planning) and any pinned one.  A shift whose cover
    the fixed cells already fill can only cost, whoever of the free people
    takes it; cells under a skill demand keep every shift (the count
    depends on who is free)."""
    counts = day_counts(grid)
    cells = [(e, d) for e, row in enumerate(free) if any(row) for d, is_free in enumerate(row) if is_free]
    for e, d in cells:
        counts[d][grid[e][d]] -= 1  # the fixed cells' heads only
    people = {e for e, _ in cells}
    cell_req, day_req = _request_costs(ix, people)
    head_cost: dict[tuple[int, int], int | None] = {}  # None: a skill demand

    def first_head(d: int, s: int) -> int | None:
        key = (d, s)
        if key not in head_cost:
            c: int | None = 0
            n = counts[d][s]
            for i in ix.demands_at.get(key, ()):
                dm = ix.demands[i]
                if dm.eligible is not None:
                    c = None
                    break
                assert c is not None
                c += head_delta(dm, n)
            head_cost[key] = c
        return head_cost[key]

    def cost(e: int, d: int, s: int) -> int | None:
        c = first_head(d, s)
        return None if c is None else c + day_req.get((e, d), 0) + cell_req.get((e, d, s), 0)

    return {(e, d): _narrowed(ix, e, d, grid[e][d], partial(cost, e, d)) for e, d in cells}


def _cost_expr(built: Built, e: int, costs: _RowCosts) -> cp_model.LinearExprT:
    """``costs`` over person ``e``'s free cells in ``built``."""
    lits: list[cp_model.IntVar] = []
    coefs: list[int] = []
    cell, day = costs.cell, costs.day
    for (f, d), xs in built.x.items():
        if f != e:
            continue
        for s, v in xs.items():
            c = cell.get((d, s))
            if c:
                lits.append(v)
                coefs.append(c)
        c = day.get(d)
        if c and (f, d) in built.work:
            lits.append(built.work[(f, d)])
            coefs.append(c)
    return cp_model.LinearExpr.weighted_sum(lits, coefs) if lits else 0


def _construct_row(
    st: _State,
    grid: Grid,
    e: int,
    per: float,
    lanes: int = 1,
    costs: _RowCosts | None = None,
    lp: bool = False,
    works: list[bool] | None = None,
) -> Grid | None:
    """With ``costs``: the best row for them that CP-SAT's portfolio
    (``lp``: one LP-guided worker) finds within ``per`` seconds; without
    them, or if none is found, any feasible row (``_feasible_row``).  Rows
    are not narrowed to the cells that gain here (``_improving_domains``):
    early rows lose nothing by it, late ones are then mostly infeasible
    (Instance24: no faster, same first roster).  ``works``: the days to
    work, tried first."""
    ix = st.ix
    if costs is not None and works is not None:
        days_off: dict[tuple[int, int], list[int]] = {
            (e, d): [] for d, on in enumerate(works) if not on and d not in ix.forced_work[e]
        }
        built = build_model(ix, grid, _one_row(ix, e), hard_only=True, domains=days_off)
        for d, on in enumerate(works):
            if on and (e, d) in built.work:
                built.model.add(built.work[(e, d)] == 1)
        built.model.minimize(_cost_expr(built, e, costs))
        solver = _fast_solver(st.params, min(per, max(0.05, st.left() - 0.2)), st.params.seed + e)
        code = solver.solve(built.model)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return built.extract(solver, grid)
        st.note(f"construct: the days of {ix.staff_ids[e]} admit no row")
    if costs is not None:
        built = build_model(ix, grid, _one_row(ix, e), hard_only=True)
        built.model.minimize(_cost_expr(built, e, costs))
        seconds = min(per, max(0.05, st.left() - 0.2))
        if lp:
            solver = _lp_row_solver(st.params, seconds, st.params.seed + e)
        else:
            solver = _fast_solver(st.params, seconds, st.params.seed + e)
            solver.parameters.num_workers = max(1, st.params.workers)
        code = solver.solve(built.model)
        if st.params.log:
            st.note(f"  row {e}: {solver.status_name(code)} {solver.objective_value:.0f} in {solver.wall_time:.2f}s")
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return built.extract(solver, grid)
    found, built = _feasible_row(st, grid, e, per, lanes)
    if found is None or costs is None or st.left() < 0.5:
        return found
    # tight rows (Instance22): the objective from the feasible row as the hint
    built.model.minimize(_cost_expr(built, e, costs))
    _hint_row(built, e, found[e])
    solver = _fast_solver(st.params, min(per, max(0.05, st.left() - 0.2)), st.params.seed + e)
    solver.parameters.num_workers = max(1, st.params.workers)
    code = solver.solve(built.model)
    if st.params.log:
        st.note(f"  row {e} from hint: {solver.status_name(code)} {solver.objective_value:.0f}")
    return built.extract(solver, grid) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else found


def _keep_work_days(built: Built, grid: Grid) -> None:
    """Every free person works exactly the days they work in ``grid``; only
    the shifts of those days may change."""
    for (e, d), wv in built.work.items():
        built.model.add(wv == (0 if grid[e][d] == OFF else 1))


def _one_row(ix: Indexed, e: int) -> list[list[bool]]:
    """The region of person ``e``'s whole row."""
    return [[f == e] * ix.H for f in range(ix.E)]


def _hint_row(built: Built, e: int, row: list[int]) -> None:
    """Hint the cells of person ``e``'s row (replacing any hint)."""
    built.model.clear_hints()
    val: dict[int, int] = {}
    for (_, d), xs in built.x.items():
        for s, v in xs.items():
            val[v.index] = 1 if row[d] == s else 0
        w = built.work.get((e, d))
        if w is not None:
            val.setdefault(w.index, 0 if row[d] == OFF else 1)
    set_hints(built.model, val)


def _feasible_row(st: _State, grid: Grid, e: int, per: float, lanes: int = 1) -> tuple[Grid | None, Built]:
    """Steps, cheapest first (measured on rows of Instance20/22/24):

    1. the row's hard rules only, no objective, CP-SAT's 2-worker portfolio
       with light presolve (its feasibility-jump worker finds a row of
       Instance24 in 0.14-0.42 s; full presolve alone takes 1.2 s, one worker
       without the portfolio finds none in 3 s);
    2. a work/off pattern with shift lengths from the day-level model
       (``pattern.py``, ~0.05 s) imposed on the row: tight rows (Instance22:
       232-234 of 328 available days under 5-on / 2-off) need it;
    3. the same portfolio with the pattern as hint, and longer.
    Hard minimum cover couples people and is left out here; the roster is
    accepted only if it holds (otherwise the whole-model solve takes over).
    """
    ix = st.ix
    free = _one_row(ix, e)
    built = build_model(ix, grid, free, hard_only=True)
    model = built.model
    model.clear_objective()

    def attempt(solver: cp_model.CpSolver) -> Grid | None:
        solver.parameters.stop_after_first_solution = True
        code = solver.solve(model)
        if st.params.log:
            st.note(f"  row {e}: {solver.status_name(code)} in {solver.wall_time:.2f}s")
        return built.extract(solver, grid) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

    def budget(x: float) -> float:
        return min(x, max(0.1, st.left() - 0.2))

    def portfolio(seconds: float, seed: int) -> cp_model.CpSolver:
        solver = _fast_solver(st.params, budget(seconds), seed)
        solver.parameters.num_workers = 2
        return solver

    def free_row() -> Grid | None:
        if lanes > 1:
            # one core per row: local search alone finds a row of Instance24 in
            # 0.34 s on one worker (the default single worker finds none in 3 s)
            solver = _fast_solver(st.params, budget(max(1.0, per)), st.params.seed + e)
            solver.parameters.use_ls_only = True
            found = attempt(solver)
            if found is not None:
                return found
        return attempt(portfolio(max(1.0, per), st.params.seed + e))

    pattern: list[int] | None = None

    def with_pattern() -> Grid | None:
        nonlocal pattern
        for k in range(3):
            # the pattern model's run time is heavy-tailed in the seed: retry short
            pattern = work_pattern(ix, e, budget(1.0 + k), st.params.seed + e + 7919 * k, workers=2)
            if pattern is not None or st.left() < 1:
                break
        if pattern is None:
            return None
        fixed = []
        for d, length in enumerate(pattern):
            xs = built.x.get((e, d), {})
            if xs:
                fixed.append(model.add(sum(v for s, v in xs.items() if ix.length[s] == length) == (1 if length else 0)))
                if length:
                    fixed.append(model.add(built.work[(e, d)] == 1))
        found = attempt(portfolio(1.0, st.params.seed + e))
        for ct in fixed:
            ct.proto.clear_linear()  # an empty constraint always holds
        return found

    # whichever step rescued the previous row goes first (Instance22: the
    # pattern; Instance24: the free row, its patterns rarely admit shifts)
    steps = [with_pattern, free_row] if st.pattern_first else [free_row, with_pattern]
    for i, step in enumerate(steps):
        found = step()
        if found is not None:
            if i == 1:
                st.pattern_first = not st.pattern_first
            return found, built
        if st.left() < 0.5:
            return None, built
    if pattern is not None:
        for d, length in enumerate(pattern):
            if (e, d) in built.work:
                model.add_hint(built.work[(e, d)], 1 if length else 0)
    for k in range(2):
        found = attempt(portfolio(max(3.0, 3 * per) * (1 + 2 * k), st.params.seed + e + k + 1))
        if found is not None or st.left() < 0.5:
            return found, built
    return None, built


def _shortfalls(ix: Indexed, grid: Grid) -> list[tuple[int, int]]:
    """(day, shift) of every demand the incumbent leaves under its preferred
    or minimum level, once per missing person: where the objective hurts."""
    out: list[tuple[int, int]] = []
    for dm, n in zip(ix.demands, head_counts(ix, grid), strict=True):
        level = max(dm.minimum, dm.preferred or 0)
        out.extend([(dm.day, dm.shift)] * max(0, level - n))
    return out


def _minutes_left(ix: Indexed, grid: Grid, e: int) -> int:
    """Minutes person ``e`` may still work in the period (no limit: a lot)."""
    limit = ix.max_minutes[e]
    if limit is None:
        return 10**9
    return limit - sum(ix.length[s] for s in grid[e] if s != OFF)


def _broken_requests(ix: Indexed, grid: Grid) -> list[tuple[int, int, int]]:
    """(person, day, shift) of every request the incumbent breaks, once per
    unit of weight: the shift asked for (any allowed one when the request
    names none), or the one worked against an off request."""
    out: list[tuple[int, int, int]] = []
    for r in ix.requests:
        sh = grid[r.staff][r.day]
        if r.met(sh):
            continue
        if not r.on:
            out.extend([(r.staff, r.day, sh)] * r.weight)
        elif r.shift is not None:
            out.extend([(r.staff, r.day, r.shift)] * r.weight)
        elif ix.allowed[r.staff][r.day]:
            out.extend([(r.staff, r.day, ix.allowed[r.staff][r.day][0])] * r.weight)
    return out


def _neighbourhood(st: _State, rng: random.Random, grid: Grid, kind: str, cells: float, focus: str) -> list[list[bool]]:
    """Free cells around a shortfall of the incumbent (focus ``short``), a
    request it breaks (``request``), or at random (``""`` or when there is
    none).  Around a shortfall, the window holds the under-covered day and
    the staff are people allowed to work that shift that day; around a broken
    request, the same for the shift in question, with the person who asked."""
    ix = st.ix
    H, E = ix.H, ix.E
    free = [[False] * H for _ in range(E)]
    target: tuple[int, int] | None = None
    asker: int | None = None
    if focus == "short":
        short = _shortfalls(ix, grid)
        if short:
            target = rng.choice(short)
    elif focus == "request":
        broken = _broken_requests(ix, grid)
        if broken:
            asker, d, s = rng.choice(broken)
            target = (d, s)

    def window(ln: int) -> int:
        if target is None:
            return rng.randrange(0, H - ln + 1)
        return min(max(0, target[0] - rng.randrange(0, ln)), H - ln)

    def people(k: int) -> list[int]:
        if target is None:
            return rng.sample(range(E), k)
        d, s = target
        able = [e for e in range(E) if s in ix.allowed[e][d] and e != asker]
        if SLACK_FIRST and k == 1:
            # one row re-solved for a shortfall: someone with the minutes left
            # to take the shift, when anyone has them (Instance12: demand is
            # above the contracts' total, the others can only swap shifts)
            with_slack = [e for e in able if _minutes_left(ix, grid, e) >= ix.length[s]]
            able = with_slack or able
        picked = rng.sample(able, min(len(able), max(1, k // 2 - (asker is not None))))
        if asker is not None:
            picked.insert(0, asker)
        rest = [e for e in range(E) if e not in set(picked)]
        return picked + rng.sample(rest, min(len(rest), k - len(picked)))

    if kind == "row":
        for e in people(1):
            free[e] = [True] * H
    elif kind in ("days", "types"):
        ln = max(2, min(H, int(cells / E)))
        a = window(ln)
        for e in range(E):
            for d in range(a, a + ln):
                free[e][d] = True
    elif kind == "staff":
        k = max(2, min(E, round(cells / H)))
        for e in people(k):
            free[e] = [True] * H
    elif kind == "weekdays":
        # the same days of every week (a weekend, say) for some or all staff:
        # moves that trade one week's weekend against another's, out of reach
        # of a window of consecutive days
        span = rng.randint(1, 3)
        per_person = span * math.ceil(H / 7)
        k = max(2, min(E, int(cells / per_person)))
        first = rng.randrange(7) if target is None else (target[0] - rng.randrange(span)) % 7
        for e in people(k):
            for d in range(H):
                if (d - first) % 7 < span:
                    free[e][d] = True
    else:  # block: some staff over a window
        k = max(2, min(E, int(math.sqrt(cells * E / H))))
        ln = max(2, min(H, int(cells / k)))
        a = window(ln)
        for e in people(k):
            for d in range(a, a + ln):
                free[e][d] = True
    return free


def _check_whole_model(st: _State) -> None:
    """Give the whole model's core to the neighbourhood search when its bound
    is useless.  The compact model's LP is tight on some instances (Instance4-10,
    14, 16, 18: the bound is within a few percent) and near zero on others
    (Instance11, 12, 15, 19: 4-102 against thousands); there the whole-model
    worker never finds a solution either, and the core is better spent on LNS."""
    whole = st.whole
    if whole is None or st.objective is None:
        return
    elapsed = time.monotonic() - st.t0
    if elapsed < WHOLE_MODEL_CHECK * st.params.time_limit:
        return
    if st.bound is None or st.bound < WHOLE_MODEL_MIN_GAP * st.objective:
        st.note(f"whole model stopped: bound {st.bound} against {st.objective}")
        whole.stop_search()
        st.whole = None
        st.lns_workers = max(1, st.total_workers)
        if PARALLEL_LANES:
            _start_lane(st)


class _Bandit:
    """Adaptive choice of neighbourhoods (as in adaptive LNS): each arm's
    weight is its smoothed relative improvement per second; arms share the
    search *time* in proportion to weight plus a floor that keeps every arm
    in play, so an arm is picked with probability inversely proportional to
    its mean duration (an arm that times out at every try would otherwise
    take its floor share in picks, several times that in time: Instance24's
    two-person rows, a tenth of the time for no gain).  Which kind pays
    depends on the instance (measured: the shift-type repair pays on
    Instance20, wastes a quarter of the time on Instance12)."""

    def __init__(self, arms: list[tuple[str, str]]) -> None:
        self.arms = arms
        self.weight: dict[tuple[str, str], float | None] = dict.fromkeys(arms)
        self.duration: dict[tuple[str, str], float] = dict.fromkeys(arms, 1.0)

    def pick(self, rng: random.Random) -> tuple[str, str]:
        untried = [a for a in self.arms if self.weight[a] is None]
        if untried:
            return untried[0]
        ws = [self.weight[a] or 0.0 for a in self.arms]
        mean = sum(ws) / len(ws)
        floor = BANDIT_FLOOR * mean if mean > 0 else 1.0
        return rng.choices(self.arms, [(w + floor) / self.duration[a] for a, w in zip(self.arms, ws, strict=True)])[0]

    def reward(self, arm: tuple[str, str], gain: float, seconds: float) -> None:
        seconds = max(seconds, 0.01)
        rate = gain / seconds
        old = self.weight[arm]
        self.weight[arm] = rate if old is None else (1 - BANDIT_RATE) * old + BANDIT_RATE * rate
        was = self.duration[arm] if old is not None else seconds
        self.duration[arm] = (1 - BANDIT_RATE) * was + BANDIT_RATE * seconds


def _lns(st: _State, lane: int = 0) -> None:
    """One lane of the neighbourhood search; lanes run in parallel threads on
    the shared incumbent, each with its own random stream and sizes."""
    ix = st.ix
    rng = st.rng if lane == 0 else random.Random(st.params.seed * 7919 + lane)  # noqa: S311
    # "types": a window of days for all staff with who works which day kept,
    # only the shift types free; cheap to solve over long windows, and it
    # repairs rosters whose work days are right but whose shift types are not
    # (Instance22's first roster: 3 600 people over cover on some shifts
    # while 2 600 are missing on others)
    # "row": one person over the whole horizon against everyone else's rows,
    # with the construction's linear row objective (no cover model: cheap on
    # a year of 150 people, where "staff" neighbourhoods time out)
    kinds = ["days", "staff", "block", "types", "row"] + (["weekdays"] if WEEKDAYS and ix.H >= 14 else [])
    # the shift-type repair frees whole windows: a focus adds nothing to it;
    # one row re-solved against the others cannot give anyone a request
    focuses = {
        k: [""] if k == "types" else ["", "short"] + (["request"] if REQUEST_FOCUS and k != "row" else [])
        for k in kinds
    }
    bandit = _Bandit([(k, f) for k in kinds for f in focuses[k]])
    total_cells = ix.E * ix.H
    size = dict.fromkeys(kinds, float(min(START_CELLS, total_cells)))
    size["types"] = float(min(4 * START_CELLS, total_cells))
    it = 0
    longest = min(ITER_MAX, max(ITER_MIN, st.params.time_limit / ITER_DIVISOR))
    per_iter = min(longest, ITER_START)
    fruitless = 0  # iterations in a row without a gain
    while st.left() > 0.3 and not st.optimal and not st.stop and not st.polishing:
        if lane == 0 and st.polish_allowed and time.monotonic() - st.improved_at >= STALL_SHARE * st.params.time_limit:
            st.note(f"stalled at {st.objective} since {st.improved_at - st.t0:.1f}s")
            st.polishing = True
            for solver in list(st.running):  # the other lanes
                if solver is not st.whole:
                    solver.stop_search()
            break
        it += 1
        with st.lock:
            base, before = st.grid, st.objective
        assert base is not None and before is not None
        arm = bandit.pick(rng)
        kind, focus = arm
        t_it = time.monotonic()
        free = _neighbourhood(st, rng, base, kind, size[kind], focus)
        if kind == "row":
            built = _row_model(ix, base, free)
        else:
            narrow = REGION_IMPROVING_ONLY and kind in ("staff", "block", "weekdays")
            built = build_model(ix, base, free, domains=_region_domains(ix, base, free) if narrow else None)
            if kind == "types":
                _keep_work_days(built, base)
            built.hint(base)
        if lane == 0:
            _check_whole_model(st)
        workers = 1 if st.lanes > 1 else st.lns_workers
        seconds, seed = min(per_iter, st.left() - 0.1), st.params.seed + 1000 * lane + it
        if kind == "row":
            # rows of Instance24, hinted: 6.1 s for 12 rows to optimality,
            # 10.2 s with the full presolve of ``_solver``
            solver = _lp_row_solver(st.params, seconds, seed)
        else:
            solver = _solver(st.params, seconds, seed, workers)
        st.running.append(solver)
        code = solver.solve(built.model)
        st.running.remove(solver)
        if st.params.log:
            st.note(
                f"  [{lane}] it {it} {kind} size={size[kind]:.0f} {solver.status_name(code)} "
                f"obj={solver.objective_value:.0f} bnd={solver.best_objective_bound:.0f} t={solver.wall_time:.2f}"
            )
        gain = 0.0
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = st.offer_region(base, free, built.extract(solver, base))
            if found is not None and found < before:
                gain = (before - found) / max(1, before)
                st.note(
                    f"lns[{lane}] {it} {kind}{'*' if focus == 'short' else '+' if focus else ''} {size[kind]:.0f}: {before} -> {found}"
                    f" (best {st.objective})"
                )
        bandit.reward(arm, gain, time.monotonic() - t_it)
        fruitless = 0 if gain > 0 else fruitless + 1
        if fruitless >= ITER_PATIENCE and per_iter < longest:
            per_iter, fruitless = min(longest, per_iter * ITER_GROW), 0
            st.note(f"lns[{lane}]: sub-solve limit {per_iter:.1f}s")
        if code == cp_model.OPTIMAL:
            size[kind] = min(MAX_SHARE * total_cells, size[kind] * GROW)
        else:
            size[kind] = max(2.0 * ix.H if kind == "staff" else 20.0, size[kind] * SHRINK)
        if st.bound is not None and st.objective is not None and st.objective <= st.bound:
            st.optimal = True


def _row_model(ix: Indexed, grid: Grid, free: list[list[bool]]) -> Built:
    """One person's row (the free one) with the row objective of the
    construction against everyone else's rows, hinted with the current row.
    With ``ROW_IMPROVING_ONLY``, each day offers only the shifts that cost
    nothing or gain (fill a gap, meet a request) and the shift worked now,
    so the current row stays feasible and every move that can gain is kept
    except those that trade a gain for a cost elsewhere in the row."""
    (e,) = [f for f in range(ix.E) if any(free[f])]
    rows: list[list[int] | None] = [None if f == e else grid[f] for f in range(ix.E)]
    counts = day_counts(grid)
    for d, sh in enumerate(grid[e]):
        counts[d][sh] -= 1  # the others' rows only
    costs = _row_costs(ix, e, rows, counts)
    domains = _improving_domains(ix, e, costs, grid[e]) if ROW_IMPROVING_ONLY else None
    built = build_model(ix, grid, free, hard_only=True, domains=domains)
    built.model.minimize(_cost_expr(built, e, costs))
    _hint_row(built, e, grid[e])
    return built


def _start_lane(st: _State) -> None:
    lane = st.lanes
    st.lanes += 1
    thread = threading.Thread(target=_lns, args=(st, lane), daemon=True)
    st.threads.append(thread)
    thread.start()


def solve(problem: Problem, params: SolveParams | None = None) -> SolveResult:
    params = params or SolveParams()
    t0 = time.monotonic()
    ix = index_problem(problem)
    st = _State(ix, params, t0 + params.time_limit, t0, random.Random(params.seed))  # noqa: S311 (search, not security)
    st.total_workers = max(1, params.workers)
    if params.hint is not None:
        st.offer(grid_from_roster(ix, params.hint))
    size = sum(len(a) for row in ix.allowed for a in row)
    strategy = params.strategy
    if strategy == "auto":
        strategy = "lns" if ix.E * ix.H > 0 else "full"
    if strategy == "full":
        _solve_full(st, st.left())
    else:
        thread: threading.Thread | None = None
        if st.grid is None:
            budget = CONSTRUCT_SHARE * st.left()
            construct_end = time.monotonic() + budget
            _construct(st, budget)
            left = construct_end - time.monotonic()
            if st.grid is not None and size > BY_DAYS_MIN_SIZE and BY_DAYS and left >= BY_DAYS_MIN_SHARE * budget:
                _construct_by_days(st, left)
        whole_model = size <= WHOLE_MODEL_LIMIT or (st.grid is None and size <= FULL_MODEL_LIMIT)
        if whole_model and params.workers >= 2 and not st.stop:
            # portfolio: one core on the whole model (hinted with the
            # constructed roster), the others on LNS
            built = build_model(ix, st.grid, None) if st.grid is not None else build_model(ix)
            if st.grid is not None:
                built.hint(st.grid)
            thread = threading.Thread(target=_whole_model_thread, args=(st, built), daemon=True)
            thread.start()
            st.lns_workers = params.workers - 1
            while st.grid is None and not st.stop and thread.is_alive() and st.left() > 0:
                time.sleep(0.02)  # construction failed: wait for the whole model
        elif st.grid is None and not st.infeasible and st.left() > 0.5 and size <= 10 * FULL_MODEL_LIMIT:
            _solve_full(st, st.left())
        if thread is None:
            st.lns_workers = max(1, params.workers)
        # polishing needs the whole model's LP and more than one core (with
        # one worker it finds nothing in 120 s on Instance7)
        st.polish_allowed = size <= WHOLE_MODEL_LIMIT and params.workers >= 2
        st.improved_at = time.monotonic()
        while st.grid is not None and not st.optimal and not st.stop and st.left() > 0.3:
            if PARALLEL_LANES:
                for _ in range(st.lns_workers - 1):
                    _start_lane(st)
            _lns(st)  # until the deadline, optimality or a stall
            for lane in st.threads:
                lane.join()
            st.threads, st.lanes = [], 1
            if not st.polishing:
                break
            # the one-worker whole-model solve goes on meanwhile: it may be
            # close to proving optimality (Instance6 at 60 s: at 34 s), which
            # a restart would lose
            _polish(st, min(st.left(), POLISH_SHARE * params.time_limit))
            st.polishing = False
            st.improved_at = time.monotonic()
        st.stop = True  # the lanes have all been joined above
        if thread is not None:
            thread.join()
    elapsed = time.monotonic() - t0
    if st.infeasible:
        return SolveResult(Status.INFEASIBLE, {}, None, {}, st.bound, elapsed, st.log)
    if st.grid is None:
        return SolveResult(Status.UNKNOWN, {}, None, {}, st.bound, elapsed, st.log)
    ev = evaluate(ix, st.grid)
    status = Status.OPTIMAL if st.optimal else Status.FEASIBLE
    bound = st.bound if st.bound is not None else None
    return SolveResult(status, roster_from_grid(ix, st.grid), ev.objective, dict(ev.breakdown), bound, elapsed, st.log)
