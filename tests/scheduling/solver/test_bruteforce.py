"""Tiny random problems: the solver's optimum equals brute force over every roster."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.scheduling.solver.evaluate import evaluate
from caredesk.scheduling.solver.indexed import OFF, index_problem
from caredesk.scheduling.solver.model import (
    Boundary,
    Contract,
    Demand,
    Problem,
    Request,
    ShiftType,
    SolveParams,
    Staff,
    Status,
)
from caredesk.scheduling.solver.search import solve


@st.composite
def tiny_problems(draw: st.DrawFn) -> Problem:
    days = draw(st.integers(2, 4))
    n_staff = 2
    night_bans_day = draw(st.booleans())
    shifts = [
        ShiftType("D", 7 * 60, 480),
        ShiftType("N", 21 * 60, 600, not_followed_by=frozenset({"D"}) if night_bans_day else frozenset()),
    ]
    people = []
    for i in range(n_staff):
        c = Contract(
            max_minutes=draw(st.sampled_from([None, 960, 1440])),
            min_minutes=draw(st.sampled_from([None, 0, 480])),
            max_shifts={"N": draw(st.integers(0, 2))},
            max_consecutive_days=draw(st.sampled_from([None, 1, 2, 3])),
            min_consecutive_days=draw(st.sampled_from([None, 2])),
            min_consecutive_days_off=draw(st.sampled_from([None, 2])),
            max_weekends=draw(st.sampled_from([None, 0, 1])),
            min_rest_minutes=draw(st.sampled_from([0, 11 * 60])),
        )
        leave = frozenset(draw(st.sets(st.integers(0, days - 1), max_size=1)))
        people.append(Staff(f"S{i}", c, leave=leave))
    demands = [
        Demand(
            d,
            s,
            preferred=draw(st.integers(0, 2)),
            under_weight=draw(st.integers(0, 9)),
            over_weight=draw(st.integers(0, 3)),
        )
        for d in range(days)
        for s in ("D", "N")
    ]
    requests = [
        Request(
            f"S{draw(st.integers(0, n_staff - 1))}",
            draw(st.integers(0, days - 1)),
            draw(st.sampled_from([None, "D", "N"])),
            draw(st.booleans()),
            draw(st.integers(1, 5)),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    boundary = draw(st.sampled_from([Boundary.OPEN, Boundary.OFF]))
    # Friday start so that a weekend falls inside short horizons
    import datetime as dt

    return Problem(days, shifts, people, demands, requests, start_date=dt.date(2024, 1, 5), boundary=boundary)


def brute_force(problem: Problem) -> int | None:
    ix = index_problem(problem)
    best: int | None = None
    cells = [OFF, *range(ix.S)]
    for values in itertools.product(cells, repeat=ix.E * ix.H):
        grid = [list(values[e * ix.H : (e + 1) * ix.H]) for e in range(ix.E)]
        ev = evaluate(ix, grid)
        if ev.feasible and (best is None or ev.objective < best):
            best = ev.objective
    return best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_solver_matches_brute_force(problem: Problem) -> None:
    expected = brute_force(problem)
    res = solve(problem, SolveParams(time_limit=10, workers=2, seed=0))
    if expected is None:
        assert res.status is Status.INFEASIBLE
    else:
        assert res.status is Status.OPTIMAL
        assert res.objective == expected
        ix = index_problem(problem)
        from caredesk.scheduling.solver.indexed import grid_from_roster

        assert evaluate(ix, grid_from_roster(ix, res.roster)).objective == expected
