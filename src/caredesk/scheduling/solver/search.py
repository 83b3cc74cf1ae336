"""Solve strategies: one CP-SAT model, rolling construction, and
large-neighbourhood search (LNS) around the incumbent.

``solve`` (strategy ``auto``):

1. First roster: if the whole model is small enough, CP-SAT on it for a short
   slice (which also gives the lower bound, and may prove optimality);
   otherwise a rolling construction: free a window of days with the past fixed
   and the future open, keeping per-staff totals on a pro-rata track.
2. LNS until the deadline: free a neighbourhood (a window of days for all
   staff, a few staff over the whole horizon, or a block of both), fix every
   other cell to the incumbent, re-solve with the incumbent as hint, and keep
   the result if the exact evaluation is not worse.  Neighbourhood sizes adapt:
   grow when the sub-problem is solved to optimality, shrink when it times out.
"""

from __future__ import annotations

import dataclasses
import math
import random
import threading
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .build import Built, build_model
from .evaluate import evaluate
from .indexed import OFF, Grid, Indexed, grid_from_roster, index_problem, roster_from_grid
from .model import Problem, Progress, SolveParams, SolveResult, Status
from .pattern import work_pattern

#: whole-model size (allowed staff-day-shift triples) above which we go straight to construction
FULL_MODEL_LIMIT = 30_000
#: free (staff, day) cells of the first LNS neighbourhoods
START_CELLS = 250
#: neighbourhood size factor after a sub-problem solved to optimality / not
GROW, SHRINK = 1.15, 0.7
#: per-iteration time limit: time_limit / ITER_DIVISOR, within [0.5 s, 5 s]
ITER_DIVISOR = 30


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

    def _accept(self, grid: Grid, objective: int) -> bool:
        ev_objective = objective
        if self.objective is None or ev_objective <= self.objective:
            improved = self.objective is None or ev_objective < self.objective
            self.grid, self.objective = grid, ev_objective
            if improved:
                self.report()
            return True
        return False

    def report(self) -> None:
        if self.params.progress is not None and self.objective is not None:
            bound = self.bound if self.bound is not None else 0
            self.params.progress(Progress(self.objective, bound, time.monotonic() - self.t0))


def _solver(params: SolveParams, seconds: float, seed: int) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.05, seconds)
    s.parameters.num_workers = max(1, params.workers)
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
        if st.stop or st.left() <= 0:
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
    st.running.append(solver)
    code = solver.solve(built.model, _PortfolioCallback(st, built))
    st.running.remove(solver)
    st.note(f"whole model: {solver.status_name(code)} bound={solver.best_objective_bound:.0f}")
    if code == cp_model.INFEASIBLE:
        st.infeasible = True
        st.stop = True
    elif code in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN) and solver.best_objective_bound > -1e18:
        bound = math.ceil(solver.best_objective_bound - 1e-6)
        st.bound = bound if st.bound is None else max(st.bound, bound)
        if code == cp_model.OPTIMAL:
            st.offer(built.extract(solver, [[OFF] * st.ix.H for _ in range(st.ix.E)]))
        if st.objective is not None and st.objective <= st.bound:
            st.optimal = True


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


def _construct(st: _State, budget: float) -> None:
    """Person-by-person construction of a feasible roster.

    All the benchmark's hard rules are per person, so solving one person's row
    at a time (everyone else fixed) is feasible whenever that person's own
    rules are, with one small model per person.  Hard minimum cover couples
    people, so it is made elastic here; the result is accepted only if it
    holds.  The objective is left to the neighbourhood search, which improves
    rows far better per second.
    """
    ix = st.ix
    grid: Grid = [[OFF] * ix.H for _ in range(ix.E)]
    end_time = time.monotonic() + budget
    for n, e in enumerate(range(ix.E)):
        row = _construct_row(st, grid, e, (end_time - time.monotonic()) / (ix.E - n))
        if row is None:
            st.note(f"construct: no row for {ix.staff_ids[e]}")
            return
        grid = row
    st.note("construct: done")
    st.offer(grid)


def _construct_row(st: _State, grid: Grid, e: int, per: float) -> Grid | None:
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
    free = [[False] * ix.H for _ in range(ix.E)]
    free[e] = [True] * ix.H
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
            return found
        if st.left() < 0.5:
            return None
    if pattern is not None:
        for d, length in enumerate(pattern):
            if (e, d) in built.work:
                model.add_hint(built.work[(e, d)], 1 if length else 0)
    for k in range(2):
        found = attempt(portfolio(max(3.0, 3 * per) * (1 + 2 * k), st.params.seed + e + k + 1))
        if found is not None or st.left() < 0.5:
            return found
    return None


def _neighbourhood(st: _State, kind: str, cells: float) -> list[list[bool]]:
    ix, rng = st.ix, st.rng
    H, E = ix.H, ix.E
    free = [[False] * H for _ in range(E)]
    if kind == "days":
        ln = max(2, min(H, int(cells / E)))
        a = rng.randrange(0, H - ln + 1)
        for e in range(E):
            for d in range(a, a + ln):
                free[e][d] = True
    elif kind == "staff":
        k = max(2, min(E, round(cells / H)))
        for e in rng.sample(range(E), k):
            free[e] = [True] * H
    else:  # block: some staff over a window
        k = max(2, min(E, int(math.sqrt(cells * E / H))))
        ln = max(2, min(H, int(cells / k)))
        a = rng.randrange(0, H - ln + 1)
        for e in rng.sample(range(E), k):
            for d in range(a, a + ln):
                free[e][d] = True
    return free


def _lns(st: _State) -> None:
    ix = st.ix
    assert st.grid is not None
    kinds = ["days", "staff", "block"]
    total_cells = ix.E * ix.H
    size = dict.fromkeys(kinds, float(min(START_CELLS, total_cells)))
    it = 0
    per_iter = min(5.0, max(0.5, st.params.time_limit / ITER_DIVISOR))
    while st.left() > 0.3 and not st.optimal and not st.stop:
        it += 1
        kind = st.rng.choice(kinds)
        free = _neighbourhood(st, kind, size[kind])
        built = build_model(ix, st.grid, free)
        built.hint(st.grid)
        solver = _solver(st.params, min(per_iter, st.left() - 0.1), st.params.seed + it)
        code = solver.solve(built.model)
        if st.params.log:
            st.note(
                f"  it {it} {kind} size={size[kind]:.0f} {solver.status_name(code)} "
                f"obj={solver.objective_value:.0f} bnd={solver.best_objective_bound:.0f} t={solver.wall_time:.2f}"
            )
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            before = st.objective
            st.offer(built.extract(solver, st.grid))
            if st.objective is not None and before is not None and st.objective < before:
                st.note(f"lns {it} {kind} {size[kind]:.0f}: {before} -> {st.objective}")
        if code == cp_model.OPTIMAL:
            size[kind] = min(0.6 * total_cells, size[kind] * GROW)
        else:
            size[kind] = max(2.0 * ix.H if kind == "staff" else 20.0, size[kind] * SHRINK)
        if st.bound is not None and st.objective is not None and st.objective <= st.bound:
            st.optimal = True


def solve(problem: Problem, params: SolveParams | None = None) -> SolveResult:
    params = params or SolveParams()
    t0 = time.monotonic()
    ix = index_problem(problem)
    st = _State(ix, params, t0 + params.time_limit, t0, random.Random(params.seed))  # noqa: S311 (search, not security)
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
            _construct(st, 0.3 * st.left())
        if size <= FULL_MODEL_LIMIT and params.workers >= 2 and not st.stop:
            # portfolio: one core on the whole model (hinted with the
            # constructed roster), the others on LNS
            built = build_model(ix, st.grid, None) if st.grid is not None else build_model(ix)
            if st.grid is not None:
                built.hint(st.grid)
            thread = threading.Thread(target=_whole_model_thread, args=(st, built), daemon=True)
            thread.start()
            st.params = dataclasses.replace(params, workers=params.workers - 1)
            while st.grid is None and not st.stop and thread.is_alive() and st.left() > 0:
                time.sleep(0.02)  # construction failed: wait for the whole model
        elif st.grid is None and not st.infeasible and st.left() > 0.5 and size <= 10 * FULL_MODEL_LIMIT:
            _solve_full(st, st.left())
        if st.grid is not None and not st.optimal and st.left() > 0.3:
            _lns(st)
        st.stop = True
        if thread is not None:
            thread.join()
        st.params = params
    elapsed = time.monotonic() - t0
    if st.infeasible:
        return SolveResult(Status.INFEASIBLE, {}, None, {}, st.bound, elapsed, st.log)
    if st.grid is None:
        return SolveResult(Status.UNKNOWN, {}, None, {}, st.bound, elapsed, st.log)
    ev = evaluate(ix, st.grid)
    status = Status.OPTIMAL if st.optimal else Status.FEASIBLE
    bound = st.bound if st.bound is not None else None
    return SolveResult(status, roster_from_grid(ix, st.grid), ev.objective, dict(ev.breakdown), bound, elapsed, st.log)
