"""Each hard rule of the general model on hand-made cases, horizon edges included.

Every case asks for as much cover as possible (under-cover is expensive), so
the solver works as much as the rule under test allows; the optimum shows
whether the rule is enforced, and the evaluator re-checks the roster.
"""

from __future__ import annotations

import datetime as dt

from caredesk.scheduling.solver.evaluate import evaluate
from caredesk.scheduling.solver.indexed import grid_from_roster, index_problem
from caredesk.scheduling.solver.model import Boundary, Demand, Pin, Request, ShiftType, SkillGrant, Staff, Status

from .helpers import DAY, NIGHT, demand_each_day, problem, run, staff


def check(p, res) -> None:  # type: ignore[no-untyped-def]
    assert res.status is Status.OPTIMAL, res.log
    ix = index_problem(p)
    ev = evaluate(ix, grid_from_roster(ix, res.roster))
    assert ev.violations == []
    assert ev.objective == res.objective


def worked(res, who: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [d for d, v in enumerate(res.roster[who]) if v is not None]


def test_max_consecutive_days() -> None:
    p = problem(7, [staff("A", max_consecutive_days=3)], demand_each_day(7, "D", 1))
    res = run(p)
    check(p, res)
    # 3 on, 1 off, 3 on is the best: 6 worked days
    assert len(worked(res, "A")) == 6
    assert res.breakdown["cover_under"] == 100


def test_min_consecutive_days_interior_and_edges() -> None:
    # Work wanted only on days 0, 3 and 6: interior single day (3) is forbidden by
    # min 2 consecutive, but single days touching the edges (0 and 6) are exempt.
    dem = [Demand(d, "D", preferred=1 if d in (0, 3, 6) else 0, under_weight=100, over_weight=30) for d in range(7)]
    p = problem(7, [staff("A", min_consecutive_days=2)], dem)
    res = run(p)
    check(p, res)
    assert res.roster["A"][0] == "D" and res.roster["A"][6] == "D"
    # day 3 costs either 100 (uncovered) or 30 for a neighbour day over-covered
    assert res.objective == 30
    assert len(worked(res, "A")) == 4


def test_min_consecutive_days_with_boundary_off() -> None:
    dem = [Demand(d, "D", preferred=1 if d == 0 else 0, under_weight=100, over_weight=30) for d in range(5)]
    p = problem(5, [staff("A", min_consecutive_days=2)], dem, boundary=Boundary.OFF)
    res = run(p)
    check(p, res)
    assert res.objective == 30  # the edge is no longer exempt: day 1 must be worked too
    p_open = problem(5, [staff("A", min_consecutive_days=2)], dem)
    assert run(p_open).objective == 0


def test_min_days_off_interior_only() -> None:
    # Wanted every day except day 3: one isolated day off is too short (min 2),
    # so either day 2 or 4 is also off (100) or day 3 is worked (over-cover 30).
    dem = [Demand(d, "D", preferred=0 if d == 3 else 1, under_weight=100, over_weight=30) for d in range(7)]
    p = problem(7, [staff("A", min_consecutive_days_off=2)], dem)
    res = run(p)
    check(p, res)
    assert res.objective == 30
    # the edges: a single day off at the start is fine
    dem0 = [Demand(d, "D", preferred=0 if d == 0 else 1, under_weight=100, over_weight=30) for d in range(4)]
    p0 = problem(4, [staff("A", min_consecutive_days_off=2)], dem0)
    assert run(p0).objective == 0


def test_max_minutes_min_minutes_and_max_shifts() -> None:
    p = problem(7, [staff("A", max_minutes=3 * 480)], demand_each_day(7, "D", 1))
    res = run(p)
    check(p, res)
    assert len(worked(res, "A")) == 3
    p2 = problem(7, [staff("A", max_shifts={"D": 2})], demand_each_day(7, "D", 1))
    assert len(worked(run(p2), "A")) == 2
    # min minutes forces over-cover
    p3 = problem(7, [staff("A", min_minutes=4 * 480)], demand_each_day(7, "D", 0))
    res3 = run(p3)
    check(p3, res3)
    assert len(worked(res3, "A")) == 4 and res3.objective == 4


def test_max_weekends() -> None:
    p = problem(14, [staff("A", max_weekends=1)], demand_each_day(14, "D", 1))
    res = run(p)
    check(p, res)
    row = res.roster["A"]
    weekends = sum(1 for w in (0, 1) if row[7 * w + 5] or row[7 * w + 6])
    assert weekends == 1
    assert res.breakdown["cover_under"] == 200


def test_rest_rule_from_start_times_and_lengths() -> None:
    # Night 21:00-07:00 then day 07:00: 0 h rest; day 07:00-15:00 then night: 30 h.
    dem = [Demand(0, "N", preferred=1, under_weight=100), Demand(1, "D", preferred=1, under_weight=100)]
    people = [staff("A", min_rest_minutes=11 * 60)]
    p = problem(2, people, dem, shifts=[DAY, NIGHT])
    res = run(p)
    check(p, res)
    assert res.objective == 100  # one of the two stays uncovered
    p_ok = problem(2, [staff("A", min_rest_minutes=0)], dem, shifts=[DAY, NIGHT])
    assert run(p_ok).objective == 0
    # a shift ending late and one starting early the next day
    late = ShiftType("L", 14 * 60, 9 * 60)  # 14:00-23:00
    early = ShiftType("E", 6 * 60, 8 * 60)  # 06:00 next day: 7 h rest
    dem2 = [Demand(0, "L", preferred=1, under_weight=100), Demand(1, "E", preferred=1, under_weight=100)]
    assert run(problem(2, [staff("A", min_rest_minutes=11 * 60)], dem2, shifts=[late, early])).objective == 100
    assert run(problem(2, [staff("A", min_rest_minutes=6 * 60)], dem2, shifts=[late, early])).objective == 0


def test_explicit_forbidden_succession_and_history() -> None:
    night = ShiftType("N", 21 * 60, 600, not_followed_by=frozenset({"D"}))
    dem = [Demand(0, "D", preferred=1, under_weight=100)]
    # yesterday (before the horizon) was a night: no day shift on day 0
    hist = Staff("A", staff("A").contract, history=("N",))
    res = run(problem(1, [hist], dem, shifts=[DAY, night]))
    assert res.objective == 100
    res2 = run(problem(1, [Staff("A", staff("A").contract, history=("D",))], dem, shifts=[DAY, night]))
    assert res2.objective == 0


def test_history_counts_towards_max_consecutive() -> None:
    s = Staff("A", staff("A", max_consecutive_days=3).contract, history=("D", "D"))
    p = problem(3, [s], demand_each_day(3, "D", 1))
    res = run(p)
    check(p, res)
    # D, D before day 0: days 0 and 1 cannot both be worked (4 in a row)
    assert len(worked(res, "A")) == 2 and worked(res, "A") != [0, 1]
    assert res.objective == 100


def test_leave_pins_and_skill_validity() -> None:
    icu = ShiftType("I", 7 * 60, 480, required_skills=frozenset({"icu"}))
    grant = SkillGrant("icu", valid_until=dt.date(2024, 1, 2))  # expires after day 1
    a = Staff("A", staff("A").contract, skills=(grant,), leave=frozenset({0}))
    b = staff("B")
    p = problem(4, [a, b], demand_each_day(4, "I", 1), shifts=[icu], pins=[Pin("B", 3, None)])
    res = run(p)
    check(p, res)
    assert res.roster["A"] == [None, "I", None, None]
    assert res.roster["B"] == [None, None, None, None]
    assert res.breakdown["cover_under"] == 300
    p2 = problem(2, [staff("A"), staff("B")], demand_each_day(2, "D", 0), pins=[Pin("A", 1, "D")])
    res2 = run(p2)
    check(p2, res2)
    assert res2.roster["A"][1] == "D"


def test_hard_minimum_with_skill() -> None:
    rn = SkillGrant("rn")
    people = [Staff("A", staff("A").contract, skills=(rn,)), staff("B"), staff("C")]
    dem = [Demand(0, "D", skill="rn", minimum=1), Demand(0, "D", preferred=1, under_weight=10, over_weight=5)]
    p = problem(1, people, dem)
    res = run(p)
    check(p, res)
    assert res.roster["A"] == ["D"]
    assert res.objective == 0


def test_requests_fairness_overtime() -> None:
    people = [staff("A"), staff("B")]
    dem = demand_each_day(4, "D", 1, over=10)
    reqs = [Request("A", d, "D", True, 3) for d in range(4)]
    p = problem(4, people, dem, requests=reqs)
    res = run(p)
    check(p, res)
    assert worked(res, "A") == [0, 1, 2, 3]
    from caredesk.scheduling.solver.model import Fairness

    pf = problem(4, people, dem, requests=reqs, fairness=[Fairness("days", ("A", "B"), 5, shifts=frozenset({"D"}))])
    resf = run(pf)
    check(pf, resf)
    assert len(worked(resf, "A")) == 2 and resf.objective == 6 + 0
    people_ot = [staff("A", contracted_minutes=480, overtime_weight=1), staff("B")]
    po = problem(4, people_ot, dem, requests=reqs)
    reso = run(po)
    check(po, reso)
    # A is wanted (3 per day) but each extra day costs 480 overtime minutes
    assert len(worked(reso, "A")) == 1 and reso.breakdown["overtime"] == 0 and reso.objective == 9


def test_rolling_window_of_minutes() -> None:
    # 8-hour days, at most 24 hours in any 7 days: 3 shifts per rolling week;
    # days 0-6 and 3-9 cover the 10 days, so 6 at most (days 0-2 and 7-9)
    p = problem(10, [staff("A", window_limits=((7, 24 * 60),))], demand_each_day(10, "D", 1))
    res = run(p)
    check(p, res)
    days = worked(res, "A")
    assert len(days) == 6
    for d0 in range(-6, 10):
        assert sum(1 for d in days if d0 <= d < d0 + 7) <= 3


def test_rolling_window_counts_history() -> None:
    # two shifts worked just before the horizon leave one more in days 0-4
    s = Staff("A", staff("A", window_limits=((7, 24 * 60),)).contract, history=("D", "D"))
    p = problem(5, [s], demand_each_day(5, "D", 1))
    res = run(p)
    check(p, res)
    assert len(worked(res, "A")) == 1
    # the evaluator refuses a roster that ignores the history
    ix = index_problem(p)
    ev = evaluate(ix, grid_from_roster(ix, {"A": ["D", "D", None, None, None]}))
    assert len(ev.violations) == 1 and "minutes in 7 days" in ev.violations[0]


def test_rolling_window_in_lns_and_construction() -> None:
    # the same rule through the neighbourhood search (construction, patterns, LNS)
    people = [staff(n, window_limits=((7, 32 * 60),), max_consecutive_days=5) for n in "ABC"]
    p = problem(21, people, demand_each_day(21, "D", 2))
    res = run(p, seconds=5, strategy="lns")
    ix = index_problem(p)
    ev = evaluate(ix, grid_from_roster(ix, res.roster))
    assert ev.violations == []
    # at most 4 shifts per rolling week each: 36 of the 42 wanted
    assert sum(len(worked(res, n)) for n in "ABC") >= 33
