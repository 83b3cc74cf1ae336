"""CareDesk nurse-patient assignment optimiser: a pure library (dataclasses
in, dataclasses out; no Django import anywhere in this package).

The ``assignment`` app converts the nurses on a care shift and the unit's
patients to an :class:`AssignmentProblem`, calls :func:`solve` (in a
background task or inline: a 40-bed unit is proven optimal in well under a
second), stores the :class:`AssignmentResult`, and calls
:func:`check_assignment` to warn the coordinator when a change by hand breaks
a rule (ratio cap, skill, 1:1 observation, pin).

Modules: ``model`` (dataclasses), ``evaluate`` (exact objective, fair shares,
rule check), ``build`` (CP-SAT model), ``greedy`` (construction + local search,
the hint), ``explain`` (plain-words infeasibility), ``search`` (:func:`solve`).
See docs/decisions/0007-assignment-solver.md.
"""

from .evaluate import (
    TERMS,
    Evaluation,
    Violation,
    check_assignment,
    evaluate,
    fair_shares,
    hard_violations,
    zone_plan,
)
from .explain import explain_infeasible
from .greedy import greedy
from .model import (
    AssignmentProblem,
    AssignmentResult,
    Forbid,
    Nurse,
    Patient,
    Pin,
    Progress,
    SolveOptions,
    Status,
    Weights,
)
from .search import solve

__all__ = [
    "TERMS",
    "AssignmentProblem",
    "AssignmentResult",
    "Evaluation",
    "Forbid",
    "Nurse",
    "Patient",
    "Pin",
    "Progress",
    "SolveOptions",
    "Status",
    "Violation",
    "Weights",
    "check_assignment",
    "evaluate",
    "explain_infeasible",
    "fair_shares",
    "greedy",
    "hard_violations",
    "solve",
    "zone_plan",
]
