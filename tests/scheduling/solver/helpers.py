"""Tiny hand-made problems for the solver tests."""

from __future__ import annotations

import datetime as dt

from caredesk.scheduling.solver.model import (
    Boundary,
    Contract,
    Demand,
    Problem,
    ShiftType,
    SolveParams,
    SolveResult,
    Staff,
)
from caredesk.scheduling.solver.search import solve

DAY = ShiftType("D", 7 * 60, 8 * 60)
NIGHT = ShiftType("N", 21 * 60, 10 * 60)


def staff(sid: str, **contract: object) -> Staff:
    return Staff(sid, Contract(**contract))  # type: ignore[arg-type]


def demand_each_day(days: int, shift: str, n: int, under: int = 100, over: int = 1, **kw: object) -> list[Demand]:
    return [Demand(d, shift, preferred=n, under_weight=under, over_weight=over, **kw) for d in range(days)]  # type: ignore[arg-type]


def problem(days: int, people: list[Staff], demands: list[Demand], **kw: object) -> Problem:
    kw.setdefault("shifts", [DAY])
    kw.setdefault("start_date", dt.date(2024, 1, 1))
    kw.setdefault("boundary", Boundary.OPEN)
    return Problem(num_days=days, staff=people, demands=demands, **kw)  # type: ignore[arg-type]


def run(p: Problem, seconds: float = 10.0, strategy: str = "full") -> SolveResult:
    return solve(p, SolveParams(time_limit=seconds, workers=2, seed=0, strategy=strategy))
