"""The first roster built from who works which day (``roster_patterns`` and
``search._construct_by_days``): exact where shift types do not matter, the
days kept when shifts are chosen, and a row rebuilt freely when its days
admit none."""

from __future__ import annotations

import random
import time

import pytest
from ortools.sat.python import cp_model

from caredesk.scheduling.solver import search
from caredesk.scheduling.solver.build import build_model
from caredesk.scheduling.solver.evaluate import evaluate
from caredesk.scheduling.solver.indexed import OFF, Grid, Indexed, index_problem
from caredesk.scheduling.solver.model import Demand, Request, SolveParams
from caredesk.scheduling.solver.pattern import roster_patterns

from .helpers import DAY, NIGHT, problem, staff


def _one_shift_problem(rng: random.Random, days: int = 14, people: int = 4) -> Indexed:
    demands = [
        Demand(
            d,
            "D",
            minimum=rng.randint(0, 2),
            minimum_weight=rng.choice([30, 60]),
            preferred=rng.choice([None, 1, 2, 3]),
            under_weight=rng.randint(1, 20),
            over_weight=rng.randint(0, 9),
        )
        for d in range(days)
    ]
    names = [f"P{i}" for i in range(people)]
    team = [
        staff(
            n,
            max_consecutive_days=rng.randint(2, 5),
            min_consecutive_days=rng.choice([None, 2]),
            min_consecutive_days_off=rng.choice([None, 2]),
            max_weekends=rng.randint(0, 2),
            max_minutes=rng.choice([None, 8 * 480]),
        )
        for n in names
    ]
    requests = [
        Request(rng.choice(names), rng.randrange(days), None, rng.random() < 0.5, rng.randint(1, 9)) for _ in range(6)
    ]
    return index_problem(problem(days, team, demands, requests=requests))


def _days(ix: Indexed, seconds: float, seed: int) -> list[list[bool]] | None:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = seed
    return roster_patterns(ix, solver)


def _whole_model_optimum(ix: Indexed) -> int:
    built = build_model(ix)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30
    solver.parameters.num_workers = 2
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return evaluate(ix, built.extract(solver, [[OFF] * ix.H for _ in range(ix.E)])).objective


@pytest.mark.parametrize("seed", range(8))
def test_with_one_shift_type_the_days_are_the_whole_models_optimum(seed: int) -> None:
    # with one shift type and one demand per day, the day-level cover cost
    # (ordered units, over cover past them) is the roster's cost exactly, so
    # the best days are an optimal roster
    ix = _one_shift_problem(random.Random(seed))
    works = _days(ix, 20.0, seed)
    assert works is not None
    grid: Grid = [[0 if on else OFF for on in row] for row in works]
    ev = evaluate(ix, grid)
    assert ev.feasible, ev.violations
    assert ev.objective == _whole_model_optimum(ix)


def _two_shift_problem(seed: int) -> Indexed:
    rng = random.Random(seed)
    days = 14
    demands = [
        Demand(d, s, preferred=rng.randint(0, 2), under_weight=rng.randint(5, 50), over_weight=rng.randint(0, 5))
        for d in range(days)
        for s in ("D", "N")
    ]
    names = [f"P{i}" for i in range(5)]
    team = [staff(n, max_consecutive_days=4, max_weekends=1, min_consecutive_days_off=2) for n in names]
    requests = [
        Request(rng.choice(names), rng.randrange(days), rng.choice(["D", "N", None]), rng.random() < 0.5, 3)
        for _ in range(6)
    ]
    return index_problem(problem(days, team, demands, shifts=[DAY, NIGHT], requests=requests))


def _state(ix: Indexed, seed: int) -> search._State:
    params = SolveParams(time_limit=10, workers=2, seed=seed)
    st = search._State(ix, params, time.monotonic() + 10, time.monotonic(), random.Random(seed))
    st.total_workers = 2
    return st


@pytest.mark.parametrize("seed", range(4))
def test_rows_keep_the_chosen_days_and_choose_shifts(seed: int) -> None:
    ix = _two_shift_problem(seed)
    works = _days(ix, 5.0, seed)
    assert works is not None
    st = _state(ix, seed)
    grid = search._construct(st, 3.0, works)
    assert grid is not None
    assert evaluate(ix, grid).feasible
    assert [[cell != OFF for cell in row] for row in grid] == works


def test_days_that_admit_no_row_give_a_free_row() -> None:
    # P0 may work 3 days in a row; seven days in a row admit no shifts, so
    # its row is built without them and the roster stays feasible
    ix = _two_shift_problem(0)
    ix.max_consec[0] = 3
    works = [[True] * ix.H] + [[False] * ix.H for _ in range(ix.E - 1)]
    st = _state(ix, 0)
    grid = search._construct(st, 3.0, works)
    assert grid is not None
    assert evaluate(ix, grid).feasible
    assert any("the days of P0 admit no row" in line for line in st.log)
    assert all(cell == OFF for row in grid[1:] for cell in row)


def test_construct_by_days_offers_a_roster_no_worse_than_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    ix = _two_shift_problem(3)
    st = _state(ix, 3)
    search._construct(st, 2.0)
    first = st.objective
    assert first is not None
    search._construct_by_days(st, 4.0)
    assert st.objective is not None and st.objective <= first
    assert any("construct by days: shifts" in line for line in st.log)
    assert st.grid is not None and evaluate(ix, st.grid).feasible


def test_solve_takes_the_days_route_where_the_whole_model_is_out_of_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    ix_problem = _two_shift_problem(1).problem
    monkeypatch.setattr(search, "WHOLE_MODEL_LIMIT", 0)
    monkeypatch.setattr(search, "BY_DAYS_MIN_SIZE", 0)
    result = search.solve(ix_problem, SolveParams(time_limit=6, workers=2, seed=1))
    assert any("construct by days" in line for line in result.log)
    assert result.objective is not None
    assert evaluate(
        index_problem(ix_problem), search.grid_from_roster(index_problem(ix_problem), result.roster)
    ).feasible


def test_a_solve_has_stalled_after_its_first_solution_and_as_long_again_without_a_gain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [100.0]
    monkeypatch.setattr(search.time, "monotonic", lambda: clock[0])
    stalled = search._Stalled(100.0)
    clock[0] = 130.0
    assert not stalled.now()  # nothing found yet: only the time limit stops it
    clock[0] = 100.5
    stalled.on_solution_callback()  # a first solution at once
    clock[0] = 100.5 + search.DAYS_STALL_SECONDS - 0.1
    assert not stalled.now()  # within the minimum
    clock[0] = 100.5 + search.DAYS_STALL_SECONDS + 0.1
    assert stalled.now()
    clock[0] = 110.0
    stalled.on_solution_callback()  # last gain 10 s after the start
    clock[0] = 119.0
    assert not stalled.now()
    clock[0] = 120.5
    assert stalled.now()
