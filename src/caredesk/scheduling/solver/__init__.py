"""CareDesk rostering engine: a pure library (dataclasses in, dataclasses out).

No Django import anywhere in this package: the ``scheduling`` app converts its
models to a :class:`Problem`, calls :func:`solve` in a background task and
stores the :class:`SolveResult`; :func:`explain_unmet` and
:func:`explain_infeasible` give the reasons shown to the director.

Modules: ``model`` (input/output dataclasses), ``indexed`` (integer view),
``build`` (CP-SAT model of a region of the roster), ``search`` (construction +
large-neighbourhood search), ``pattern`` (day-level model for construction),
``evaluate`` (exact objective and hard-rule check), ``explain``,
``benchmark_format`` / ``validator`` / ``benchcli`` (the public benchmark).
"""

from .explain import RuleConflict, UnmetDemand, explain_infeasible, explain_unmet
from .model import (
    Boundary,
    Contract,
    Demand,
    Fairness,
    Pin,
    Problem,
    Progress,
    Replan,
    Request,
    ShiftType,
    SkillGrant,
    SolveParams,
    SolveResult,
    Staff,
    Status,
)
from .search import solve

__all__ = [
    "Boundary",
    "Contract",
    "Demand",
    "Fairness",
    "Pin",
    "Problem",
    "Progress",
    "Replan",
    "Request",
    "RuleConflict",
    "ShiftType",
    "SkillGrant",
    "SolveParams",
    "SolveResult",
    "Staff",
    "Status",
    "UnmetDemand",
    "explain_infeasible",
    "explain_unmet",
    "solve",
]
