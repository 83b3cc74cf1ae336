"""Greedy construction + local search: the fallback when CP-SAT finds nothing
in its time limit (as a CP-SAT hint it cost more time than it saved: measured
0.1-0.3 s to build against 0.05-0.1 s saved on the 32- and 40-bed units).

Patients are placed most-constrained first (1:1, pinned, fewest allowed
nurses, highest acuity) on the allowed nurse that raises the exact objective
(:func:`evaluate`) least; then single moves and pairwise swaps are applied while
they improve it.
"""

from __future__ import annotations

from .build import allowed_pairs
from .evaluate import evaluate, fair_shares, zone_plan
from .model import AssignmentProblem


def _fits(problem: AssignmentProblem, choice: list[int], p: int, n: int) -> bool:
    patients = problem.patients
    mine = [q for q, m in enumerate(choice) if m == n and q != p]
    if len(mine) + 1 > problem.nurses[n].cap:
        return False
    return not mine or not (patients[p].one_to_one or any(patients[q].one_to_one for q in mine))


class _Scorer:
    """The exact objective of a (partial) choice, zones and fair shares computed once."""

    def __init__(self, problem: AssignmentProblem) -> None:
        self.problem = problem
        self.zones = zone_plan(problem)
        self.shares = fair_shares(problem)

    def __call__(self, choice: list[int]) -> int:
        pr = self.problem
        ids = {pr.patients[p].id: pr.nurses[n].id for p, n in enumerate(choice) if n >= 0}
        return evaluate(pr, ids, zones=self.zones, shares=self.shares).objective


def greedy_choice(problem: AssignmentProblem, allowed: list[list[int]] | None = None) -> list[int] | None:
    """A nurse index per patient satisfying the hard rules, or None if the
    construction got stuck."""
    allowed = allowed if allowed is not None else allowed_pairs(problem)
    pats = problem.patients
    pinned = {pin.patient_id for pin in problem.pins}
    order = sorted(
        range(len(pats)),
        key=lambda p: (not pats[p].one_to_one, pats[p].id not in pinned, len(allowed[p]), -pats[p].acuity, p),
    )
    score = _Scorer(problem)
    choice = [-1] * len(pats)
    for p in order:
        best: tuple[int, int] | None = None
        for n in allowed[p]:
            if not _fits(problem, choice, p, n):
                continue
            choice[p] = n
            cost = score(choice)
            choice[p] = -1
            if best is None or cost < best[0]:
                best = (cost, n)
        if best is None:
            return None
        choice[p] = best[1]
    return improve(problem, choice, allowed, score=score)


def improve(
    problem: AssignmentProblem,
    choice: list[int],
    allowed: list[list[int]],
    passes: int = 20,
    score: _Scorer | None = None,
) -> list[int]:
    """First-improvement moves and swaps, keeping the hard rules."""
    score = score or _Scorer(problem)
    choice = list(choice)
    current = score(choice)
    allowed_sets = [set(a) for a in allowed]
    for _ in range(passes):
        improved = False
        for p in range(len(choice)):
            for n in allowed[p]:
                if n == choice[p] or not _fits(problem, choice, p, n):
                    continue
                old = choice[p]
                choice[p] = n
                cost = score(choice)
                if cost < current:
                    current, improved = cost, True
                    break
                choice[p] = old
        for p in range(len(choice)):
            for q in range(p + 1, len(choice)):
                a, b = choice[p], choice[q]
                if a == b or b not in allowed_sets[p] or a not in allowed_sets[q]:
                    continue
                choice[p], choice[q] = b, a
                ok = _fits(problem, choice, p, b) and _fits(problem, choice, q, a)
                cost = score(choice) if ok else current
                if ok and cost < current:
                    current, improved = cost, True
                else:
                    choice[p], choice[q] = a, b
        if not improved:
            break
    return choice


def greedy(problem: AssignmentProblem) -> dict[int, int] | None:
    """A feasible assignment (patient id -> nurse id) built greedily, or None."""
    choice = greedy_choice(problem)
    if choice is None:
        return None
    return {problem.patients[p].id: problem.nurses[n].id for p, n in enumerate(choice)}
