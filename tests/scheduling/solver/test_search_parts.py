"""Parts of the search that the end-to-end solves cannot pin down: the
greedy construction's row objective, the merging of parallel LNS lanes, and
the hand-over from a stalled neighbourhood search to the whole model."""

from __future__ import annotations

import random
import time

import pytest
from ortools.sat.python import cp_model

from caredesk.scheduling.solver import search
from caredesk.scheduling.solver.build import Built, build_model
from caredesk.scheduling.solver.evaluate import day_counts, evaluate
from caredesk.scheduling.solver.indexed import OFF, Grid, Indexed, index_problem
from caredesk.scheduling.solver.model import Demand, Replan, Request, SolveParams
from caredesk.scheduling.solver.search import _lns, _polish, _State

from .helpers import DAY, NIGHT, problem, staff

COST_TERMS = ("cover_under", "cover_over", "minimum_short", "requests")


def _random_problem(rng: random.Random, days: int = 6, people: int = 5) -> Indexed:
    demands = []
    for d in range(days):
        for shift in ("D", "N"):
            demands.append(
                Demand(
                    d,
                    shift,
                    minimum=rng.randint(0, 2),
                    minimum_weight=rng.choice([10, 50]),
                    preferred=rng.randint(0, 3),
                    under_weight=rng.randint(1, 9),
                    over_weight=rng.randint(0, 5),
                )
            )
    names = [f"P{i}" for i in range(people)]
    requests = [
        Request(
            rng.choice(names), rng.randrange(days), rng.choice(["D", "N", None]), rng.random() < 0.5, rng.randint(1, 4)
        )
        for _ in range(8)
    ]
    p = problem(days, [staff(n) for n in names], demands, shifts=[DAY, NIGHT], requests=requests)
    return index_problem(p)


def _cost(ix: Indexed, grid: Grid) -> int:
    b = evaluate(ix, grid).breakdown
    return sum(b[t] for t in COST_TERMS)


@pytest.mark.parametrize("seed", range(12))
def test_row_objective_is_the_exact_change_in_cost(seed: int) -> None:
    # one person's cells move each cover count by at most one, so the linear
    # row objective is the exact change of the roster's cost when the row is
    # added to the rows built before it
    rng = random.Random(seed)
    ix = _random_problem(rng)
    e = rng.randrange(ix.E)
    rows: list[list[int] | None] = [None] * ix.E
    for f in range(ix.E):
        if f != e and rng.random() < 0.7:
            rows[f] = [rng.choice([OFF, *ix.allowed[f][d]]) for d in range(ix.H)]
    counts: list[dict[int, int]] = [{} for _ in range(ix.H)]
    for row in rows:
        for d, s in enumerate(row or []):
            if s != OFF:
                counts[d][s] = counts[d].get(s, 0) + 1
    candidate = [rng.choice([OFF, *ix.allowed[e][d]]) for d in range(ix.H)]

    before: Grid = [list(r) if r is not None else [OFF] * ix.H for r in rows]
    free = [[f == e for _ in range(ix.H)] for f in range(ix.E)]
    built = build_model(ix, before, free, hard_only=True)
    built.model.minimize(search._cost_expr(built, e, search._row_costs(ix, e, rows, counts)))
    for d, s in enumerate(candidate):
        for t, v in built.x[(e, d)].items():
            built.model.add(v == (1 if t == s else 0))
    solver = cp_model.CpSolver()
    assert solver.solve(built.model) == cp_model.OPTIMAL

    after = [r[:] for r in before]
    after[e] = candidate
    assert round(solver.objective_value) == _cost(ix, after) - _cost(ix, before)


@pytest.mark.parametrize("seed", range(12))
def test_row_neighbourhood_offers_only_gaining_cells_and_never_loses(seed: int) -> None:
    # the row neighbourhood narrows each day to the shifts that cost nothing
    # or gain, and the one worked now: the current row stays a solution, and
    # the best row changes the roster's cost exactly as the model's objective
    rng, ix, grid = _constructed(seed)
    e = rng.randrange(ix.E)
    rows: list[list[int] | None] = [None if f == e else grid[f] for f in range(ix.E)]
    counts = day_counts([row for f, row in enumerate(grid) if f != e])
    costs = search._row_costs(ix, e, rows, counts)

    built = search._row_model(ix, grid, search._one_row(ix, e))
    for (f, d), xs in built.x.items():
        assert f == e
        assert all(s == grid[e][d] or costs.of(d, s) <= 0 for s in xs)
    solver = cp_model.CpSolver()
    assert solver.solve(built.model) == cp_model.OPTIMAL
    after = built.extract(solver, grid)
    assert evaluate(ix, after).feasible
    current = _model_value(search._row_model(ix, grid, search._one_row(ix, e)), grid)
    assert _cost(ix, after) - _cost(ix, grid) == round(solver.objective_value - current)
    assert _cost(ix, after) <= _cost(ix, grid)


def test_a_row_freed_for_a_shortfall_goes_to_someone_with_minutes_left() -> None:
    # P0 has worked all the minutes of the period, P1 has room for one more
    # shift: a row freed to fill the gap on day 2 is P1's, whoever is drawn
    days = 4
    p = problem(
        days,
        [staff("P0", max_minutes=2 * 480), staff("P1", max_minutes=2 * 480)],
        [Demand(d, "D", preferred=2, under_weight=100, over_weight=1) for d in range(days)],
    )
    ix = index_problem(p)
    grid: Grid = [[0, 0, OFF, OFF], [0, OFF, OFF, OFF]]
    st = search._State(ix, SolveParams(time_limit=5, workers=1, seed=0), time.monotonic() + 5, 0.0, random.Random(0))
    for seed in range(20):
        free = search._neighbourhood(st, random.Random(seed), grid, "row", 1.0, focus="short")
        assert [any(row) for row in free] == [False, True]


def test_a_neighbourhood_around_a_broken_request_frees_the_asker_and_who_could_swap() -> None:
    # P0 asks for day 1 off (weight 2) and for shift N on day 3 (weight 1)
    # and gets neither; P1 works D on day 1, P2 may not work D: two-person
    # neighbourhoods around a broken request free P0 with someone who may
    # work the shift in question that day
    days = 4
    p = problem(
        days,
        [staff("P0"), staff("P1"), staff("P2", max_shifts={"D": 0})],
        [Demand(d, "D", preferred=1, under_weight=100, over_weight=1) for d in range(days)],
        shifts=[DAY, NIGHT],
        requests=[Request("P0", 1, None, on=False, weight=2), Request("P0", 3, "N", on=True, weight=1)],
    )
    ix = index_problem(p)
    grid: Grid = [[0, 0, OFF, OFF], [OFF, OFF, 0, 0], [OFF, OFF, OFF, OFF]]
    assert sorted(set(search._broken_requests(ix, grid))) == [(0, 1, 0), (0, 3, 1)]
    assert search._broken_requests(ix, grid).count((0, 1, 0)) == 2  # once per unit of weight
    st = search._State(ix, SolveParams(time_limit=5, workers=1, seed=0), time.monotonic() + 5, 0.0, random.Random(0))
    freed = set()
    for seed in range(30):
        free = search._neighbourhood(st, random.Random(seed), grid, "staff", 2.0 * days, focus="request")
        people = tuple(e for e, row in enumerate(free) if any(row))
        assert people[0] == 0 and len(people) == 2
        freed.add(people)
    assert freed == {(0, 1), (0, 2)}  # P2 only for the N asked on day 3


def test_a_weekdays_neighbourhood_frees_the_same_days_of_every_week_around_a_shortfall() -> None:
    # three weeks, cover short on day 12 (a Saturday) only
    days = 21
    p = problem(
        days,
        [staff(f"P{i}") for i in range(6)],
        [Demand(d, "D", preferred=1 + (d == 12), under_weight=100, over_weight=1) for d in range(days)],
    )
    ix = index_problem(p)
    grid: Grid = [[0 if d % 6 == e else OFF for d in range(days)] for e in range(6)]
    st = search._State(ix, SolveParams(time_limit=5, workers=1, seed=0), time.monotonic() + 5, 0.0, random.Random(0))
    for seed in range(30):
        free = search._neighbourhood(st, random.Random(seed), grid, "weekdays", 18.0, focus="short")
        freed_days = sorted({d for row in free for d, f in enumerate(row) if f})
        weekdays = {d % 7 for d in freed_days}
        assert 12 in freed_days and 1 <= len(weekdays) <= 3
        assert freed_days == [d for d in range(days) if d % 7 in weekdays]  # every week alike
        rows = [row for row in free if any(row)]
        assert len(rows) >= 2 and all(row == rows[0] for row in rows)


def _constructed(seed: int) -> tuple[random.Random, Indexed, Grid]:
    """A random problem and the construction's roster for it."""
    rng = random.Random(seed)
    ix = _random_problem(rng, days=7, people=6)
    st = search._State(ix, SolveParams(time_limit=5, workers=1, seed=seed), time.monotonic() + 5, 0.0, rng)
    search._construct(st, 2.0)
    assert st.grid is not None
    return rng, ix, st.grid


def _random_region(rng: random.Random, ix: Indexed, max_people: int) -> list[list[bool]]:
    """Some people (1 to ``max_people``) over a window of days."""
    a = rng.randrange(ix.H)
    days = range(a, min(ix.H, a + rng.randint(1, ix.H)))
    people = rng.sample(range(ix.E), rng.randint(1, max_people))
    return [[e in people and d in days for d in range(ix.H)] for e in range(ix.E)]


def _model_value(built: Built, cells: Grid) -> float:
    """The region model's objective with its free cells set as in ``cells``."""
    for (e, d), xs in built.x.items():
        for s, v in xs.items():
            built.model.add(v == (1 if cells[e][d] == s else 0))
    solver = cp_model.CpSolver()
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return solver.objective_value


@pytest.mark.parametrize("seed", range(12))
def test_region_model_objective_changes_exactly_as_the_roster_cost(seed: int) -> None:
    # neighbourhood models price cover linearly where the free cells cannot
    # cross a minimum or preferred level, with under/over variables where
    # they can: either way the model's objective must move exactly as the
    # roster's cost when the free cells change
    rng, ix, grid = _constructed(seed)
    free = _random_region(rng, ix, ix.E)
    built = build_model(ix, grid, free)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    found = built.extract(solver, grid)
    assert evaluate(ix, found).feasible
    at_base = _model_value(build_model(ix, grid, free), grid)
    assert round(solver.objective_value - at_base) == _cost(ix, found) - _cost(ix, grid)


@pytest.mark.parametrize("seed", range(12))
def test_narrowed_region_keeps_the_incumbent_and_drops_only_shifts_that_cost(seed: int) -> None:
    # staff and block neighbourhoods offer only the shifts whose first extra
    # head gains against the fixed cells (or is worked now): the incumbent
    # stays a solution, the objective still moves exactly as the roster's
    # cost, and every shift left out costs something, whoever takes it
    rng, ix, grid = _constructed(seed)
    free = _random_region(rng, ix, ix.E - 1)
    domains = search._region_domains(ix, grid, free)
    for (e, d), kept in domains.items():
        assert grid[e][d] == OFF or grid[e][d] in kept
        for s in set(ix.allowed[e][d]) - set(kept):
            # the shift costs when added to the fixed cells with this person
            # taking it and the other free cells off
            before = [[OFF if free[f][t] else grid[f][t] for t in range(ix.H)] for f in range(ix.E)]
            after = [row[:] for row in before]
            after[e][d] = s
            assert _cost(ix, after) > _cost(ix, before)
    built = build_model(ix, grid, free, domains=domains)
    built.hint(grid)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    found = built.extract(solver, grid)
    assert evaluate(ix, found).feasible
    assert _cost(ix, found) <= _cost(ix, grid)
    at_base = _model_value(build_model(ix, grid, free, domains=domains), grid)
    assert round(solver.objective_value - at_base) == _cost(ix, found) - _cost(ix, grid)


def test_narrowed_neighbourhoods_keep_the_published_shift_when_replanning() -> None:
    # P0 now covers day 0's one D; P1 worked it in the published roster:
    # an extra D costs 1 in cover but going back to the published roster
    # saves 10, so both the row and the region must still offer it to P1
    p = problem(
        2,
        [staff("P0"), staff("P1")],
        [Demand(d, "D", preferred=1, under_weight=100, over_weight=1) for d in range(2)],
        replan=Replan({"P0": (None, "D"), "P1": ("D", None)}, weight=10),
    )
    ix = index_problem(p)
    grid: Grid = [[0, 0], [OFF, OFF]]
    free = [[False, False], [True, False]]
    assert search._region_domains(ix, grid, free)[(1, 0)] == [0]
    built = search._row_model(ix, grid, search._one_row(ix, 1))
    assert list(built.x[(1, 0)]) == [0]


def _state(ix: Indexed, grid: Grid) -> _State:
    st = _State(ix, SolveParams(), time.monotonic() + 10, time.monotonic(), random.Random(0))
    st.offer(grid)
    return st


def test_parallel_lanes_keep_each_others_gains() -> None:
    # two lanes start from the same incumbent and improve different people;
    # the second lane's roster is carried over onto the first lane's, not
    # swapped for it
    people = [staff(n) for n in "ABCD"]
    ix = index_problem(problem(4, people, [Demand(d, "D", preferred=2, under_weight=10) for d in range(4)]))
    base: Grid = [[OFF] * 4 for _ in range(4)]
    st = _state(ix, base)
    assert st.objective == 80

    def lane(people_freed: list[int]) -> tuple[list[list[bool]], Grid]:
        free = [[e in people_freed] * 4 for e in range(4)]
        cand = [row[:] for row in base]
        for e in people_freed:
            cand[e] = [0] * 4  # the day shift every day
        return free, cand

    free_a, cand_a = lane([0])
    free_b, cand_b = lane([1])
    assert st.offer_region(base, free_a, cand_a) == 40
    assert st.offer_region(base, free_b, cand_b) == 40  # the lane's own roster
    assert st.objective == 0  # both lanes' people work
    assert st.grid is not None and st.grid[0] == [0] * 4 and st.grid[1] == [0] * 4


def test_a_stale_lane_never_undoes_a_better_incumbent() -> None:
    people = [staff(n, max_minutes=8 * 60 * 3) for n in "AB"]
    ix = index_problem(problem(4, people, [Demand(d, "D", preferred=1, under_weight=10) for d in range(4)]))
    base: Grid = [[OFF] * 4 for _ in range(2)]
    st = _state(ix, base)
    best = [[0, 0, 0, OFF], [OFF, OFF, OFF, 0]]
    assert st.offer_region(base, [[True] * 4, [True] * 4], best) == 0
    # a lane that started from the empty roster and made A work day 3: merged
    # onto the incumbent, A would work four days (over the limit); its own
    # roster is worse than the incumbent, so nothing changes
    worse = [[OFF, OFF, OFF, 0], [OFF] * 4]
    assert st.offer_region(base, [[False, False, False, True], [False] * 4], worse) == 30
    assert st.grid == best and st.objective == 0


def _four_by_four() -> Indexed:
    people = [staff(n) for n in "ABCD"]
    return index_problem(problem(4, people, [Demand(d, "D", preferred=2, under_weight=10) for d in range(4)]))


def test_polish_takes_the_incumbent_to_the_optimum_and_proves_it() -> None:
    ix = _four_by_four()
    st = _state(ix, [[OFF] * 4 for _ in range(4)])
    st.total_workers = 2
    assert st.objective == 80
    _polish(st, 10.0)
    assert st.objective == 0 and st.bound == 0 and st.optimal
    assert any("polish" in line for line in st.log)


def test_a_stalled_search_stops_for_polishing_only_where_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "STALL_SHARE", 0.0)  # any pause is a stall
    ix = _four_by_four()
    st = _state(ix, [[OFF] * 4 for _ in range(4)])
    st.polish_allowed = True
    _lns(st)
    assert st.polishing and st.objective == 80  # handed over before any move
    st = _state(ix, [[OFF] * 4 for _ in range(4)])
    st.deadline = time.monotonic() + 2
    _lns(st)  # not allowed (too large, or one core): the search goes on
    assert not st.polishing and st.objective == 0


def test_sub_solve_limit_starts_short_and_lengthens_while_the_search_gains_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "ITER_START", 0.5)
    monkeypatch.setattr(search, "ITER_PATIENCE", 3)
    st = _state(_four_by_four(), [[OFF] * 4 for _ in range(4)])
    st.deadline = time.monotonic() + 3
    _lns(st)  # no bound (one core, no whole model): it runs to the deadline
    assert st.objective == 0
    limits = [line.split("limit ")[1] for line in st.log if "sub-solve limit" in line]
    # 0.5 s x 1.5 per three fruitless iterations, up to the longest limit
    # (a 60 s solve: 60 / ITER_DIVISOR = 2 s), never beyond it
    assert limits == ["0.8s", "1.1s", "1.7s", "2.0s"]


def test_neighbourhood_choice_shares_time_not_picks() -> None:
    # two arms that gain at the same rate per second, one taking four times
    # as long per try: each gets about half of the time, so the slow one is
    # picked about a fifth of the time
    bandit = search._Bandit([("fast", ""), ("slow", "")])
    bandit.reward(("fast", ""), 0.01, 0.5)
    bandit.reward(("slow", ""), 0.04, 2.0)
    rng = random.Random(0)
    picks = [bandit.pick(rng)[0] for _ in range(4000)]
    assert 0.15 < picks.count("slow") / len(picks) < 0.25
