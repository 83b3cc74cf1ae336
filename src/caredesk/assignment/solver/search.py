"""Solve an assignment problem: one CP-SAT model (optionally hinted), exact
scoring by :func:`evaluate`, a greedy fallback when CP-SAT finds nothing in time."""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from .build import Built, build_model
from .evaluate import check_assignment, evaluate, fair_shares, hard_violations
from .explain import explain_infeasible, notes
from .greedy import greedy_choice
from .model import AssignmentProblem, AssignmentResult, Progress, SolveOptions, Status


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, options: SolveOptions, t0: float) -> None:
        super().__init__()
        self.options = options
        self.t0 = t0

    def on_solution_callback(self) -> None:
        if self.options.progress is not None:
            bound = math.ceil(self.best_objective_bound - 1e-6)
            self.options.progress(Progress(round(self.objective_value), bound, time.monotonic() - self.t0))


def _solver(options: SolveOptions, seconds: float) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.05, seconds)
    s.parameters.num_workers = max(1, options.workers)
    s.parameters.random_seed = options.seed
    s.parameters.log_search_progress = options.log
    return s


def _ids(problem: AssignmentProblem, choice: list[int]) -> dict[int, int]:
    return {problem.patients[p].id: problem.nurses[n].id for p, n in enumerate(choice)}


def _result(
    problem: AssignmentProblem,
    status: Status,
    assignment: dict[int, int],
    bound: int | None,
    t0: float,
    explanations: list[str],
    log: list[str],
) -> AssignmentResult:
    ev = evaluate(problem, assignment)
    has = bool(assignment) or not problem.patients
    objective = ev.objective if has and status in (Status.OPTIMAL, Status.FEASIBLE) else None
    if objective is None:
        assignment = {}
    return AssignmentResult(
        status=status,
        assignment=assignment,
        objective=objective,
        bound=bound,
        terms=dict(ev.terms),
        workload=dict(ev.workload),
        patients_per_nurse=dict(ev.patients_per_nurse),
        seconds=time.monotonic() - t0,
        explanations=explanations,
        counts=dict(ev.counts),
        fair_share=fair_shares(problem),
        zones=dict(ev.zones),
        span=dict(ev.span),
        log=log,
    )


def _validate(problem: AssignmentProblem) -> None:
    """Input errors are the caller's bugs: raise rather than explain."""
    nurse_ids = [n.id for n in problem.nurses]
    patient_ids = [p.id for p in problem.patients]
    if len(set(nurse_ids)) != len(nurse_ids):
        raise ValueError("duplicate nurse ids")
    if len(set(patient_ids)) != len(patient_ids):
        raise ValueError("duplicate patient ids")
    bad = [p.id for p in problem.patients if p.acuity < 1]
    if bad:
        raise ValueError(f"acuity must be at least 1 (patients {bad})")
    w = problem.weights
    if min(w.balance, w.continuity, w.spread, w.span, w.skill_mismatch or 0) < 0:
        raise ValueError("weights must be >= 0")


def solve(problem: AssignmentProblem, options: SolveOptions | None = None) -> AssignmentResult:
    """Assign every patient to a nurse on the shift.

    Status ``optimal`` (proven), ``feasible`` (time limit reached with an
    assignment), ``infeasible`` (``explanations`` says why, in plain words) or
    ``unknown`` (time limit reached without an assignment).  The objective and
    ``terms`` are computed by :func:`evaluate` from the returned assignment.
    Raises ``ValueError`` on malformed input (duplicate ids, acuity < 1,
    negative weights).
    """
    options = options or SolveOptions()
    _validate(problem)
    t0 = time.monotonic()
    log: list[str] = []
    remarks = notes(problem)
    if not problem.patients:
        return _result(problem, Status.OPTIMAL, {}, 0, t0, remarks, log)

    built: Built = build_model(problem)
    if any(not row for row in built.allowed):
        return _result(problem, Status.INFEASIBLE, {}, None, t0, explain_infeasible(problem), log)

    start: list[int] | None = None
    if options.hint is not None:
        index = {n.id: i for i, n in enumerate(problem.nurses)}
        start = [index.get(options.hint.get(p.id, -1), -1) for p in problem.patients]
        if any(n < 0 or (p, n) not in built.x for p, n in enumerate(start)):
            start = None
    if start is not None:
        built.hint(start)
        log.append(f"{time.monotonic() - t0:6.3f}s hint objective {evaluate(problem, _ids(problem, start)).objective}")

    solver = _solver(options, options.time_limit_s - (time.monotonic() - t0))
    code = solver.solve(built.model, _Callback(options, t0))
    log.append(
        f"{time.monotonic() - t0:6.3f}s CP-SAT {solver.status_name(code)} "
        f"obj={solver.objective_value:.0f} bound={solver.best_objective_bound:.0f} "
        f"branches={solver.num_branches} conflicts={solver.num_conflicts}"
    )
    if code == cp_model.MODEL_INVALID:  # pragma: no cover - a bug, kept visible
        raise RuntimeError(f"invalid assignment model: {built.model.validate()}")
    if code == cp_model.INFEASIBLE:
        return _result(problem, Status.INFEASIBLE, {}, None, t0, explain_infeasible(problem), log)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        choice = built.extract(solver)
        bound = math.ceil(solver.best_objective_bound - 1e-6)
        assignment = _ids(problem, choice)
        status = Status.OPTIMAL if code == cp_model.OPTIMAL else Status.FEASIBLE
        return _result(problem, status, assignment, bound, t0, remarks, log)
    bound_or_none = math.ceil(solver.best_objective_bound - 1e-6) if abs(solver.best_objective_bound) < 1e18 else None
    # CP-SAT found nothing in time: fall back on the hint or a greedy assignment.
    if start is not None and hard_violations(problem, check_assignment(problem, _ids(problem, start))):
        start = None  # the hint breaks a rule: not returned
    start = start if start is not None else greedy_choice(problem, built.allowed)
    if start is not None:
        log.append(f"{time.monotonic() - t0:6.3f}s fallback to the {'hint' if options.hint else 'greedy assignment'}")
        return _result(problem, Status.FEASIBLE, _ids(problem, start), bound_or_none, t0, remarks, log)
    return _result(problem, Status.UNKNOWN, {}, bound_or_none, t0, remarks, log)
