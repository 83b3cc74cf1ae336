"""Explanations for unmet demand and infeasible problems; re-planning."""

from __future__ import annotations

from caredesk.scheduling.solver.explain import explain_infeasible, explain_unmet
from caredesk.scheduling.solver.model import (
    Contract,
    Demand,
    Pin,
    Progress,
    Replan,
    SkillGrant,
    SolveParams,
    Staff,
    Status,
)
from caredesk.scheduling.solver.search import solve

from .helpers import DAY, NIGHT, demand_each_day, problem, run, staff


def test_unmet_demand_reasons_in_plain_words() -> None:
    rn = (SkillGrant("rn"),)
    people = [
        Staff("Ann", Contract(), skills=rn, leave=frozenset({1})),
        Staff("Bob", Contract(), skills=rn, leave=frozenset({1})),
        Staff("Cat", Contract(max_minutes=480), skills=rn),  # works day 0, then at maximum hours
        Staff("Dan", Contract(min_rest_minutes=11 * 60), skills=rn),  # night on day 0
        Staff("Eve", Contract()),  # no skill
    ]
    dem = [
        Demand(0, "D", preferred=1, under_weight=100),
        Demand(0, "N", preferred=1, under_weight=100),
        Demand(1, "D", skill="rn", preferred=4, under_weight=100),
    ]
    p = problem(2, people, dem, shifts=[DAY, NIGHT], pins=[Pin("Cat", 0, "D"), Pin("Dan", 0, "N"), Pin("Eve", 1, None)])
    res = run(p)
    assert res.status is Status.OPTIMAL
    unmet = explain_unmet(p, res.roster)
    day1 = [u for u in unmet if u.day == 1]
    assert len(day1) == 1
    u = day1[0]
    assert u.assigned == 0 and u.needed == 4
    assert u.reasons == {"leave": 2, "max_minutes": 1, "rest": 1}
    assert "2 on leave" in u.text and "1 at maximum hours" in u.text and "11-hour rest rule" in u.text


def test_unmet_demand_names_a_rolling_hours_limit() -> None:
    # 8-hour days, 16 hours in any 7 days, and two days already worked before the horizon
    limited = Staff("Ann", Contract(window_limits=((7, 16 * 60),)), history=("D", "D"))
    p = problem(2, [limited], demand_each_day(2, "D", 1))
    res = run(p)
    unmet = explain_unmet(p, res.roster)
    assert [u.reasons for u in unmet] == [{"window_minutes": 1}, {"window_minutes": 1}]
    assert "limit of hours over consecutive days" in unmet[0].text


def test_infeasible_gives_small_conflicting_set() -> None:
    people = [staff("A", max_minutes=480), staff("B", max_consecutive_days=1), staff("C")]
    dem = [Demand(d, "D", minimum=2) for d in range(2)]
    p = problem(2, people, dem, pins=[Pin("C", 0, None), Pin("C", 1, None)])
    res = solve(p, SolveParams(time_limit=5, strategy="full"))
    assert res.status is Status.INFEASIBLE
    core = explain_infeasible(p, seconds=10)
    kinds = {(c.kind, c.subject) for c in core}
    # 4 person-days needed; A can give 1 (max hours), B 2, C none (pinned off): C's pins,
    # A's maximum hours and at least one day's minimum are in every conflict
    assert ("pins", "C") in kinds and ("max_minutes", "A") in kinds
    assert any(k == "demand_minimum" for k, _ in kinds)
    assert ("max_consecutive", "B") not in kinds or len(core) <= 5
    assert all(c.text for c in core)
    feasible = problem(2, [staff("A"), staff("B")], dem)
    assert explain_infeasible(feasible, seconds=5) == []


def test_replan_keeps_unchanged_assignments() -> None:
    people = [staff(n) for n in "ABCD"]
    dem = demand_each_day(7, "D", 2, over=5)
    base = problem(7, people, dem)
    first = run(base)
    assert first.objective == 0
    previous = {k: tuple(v) for k, v in first.roster.items()}
    # B calls in sick on day 3: new leave, re-plan with a cost per change
    people2 = [s if s.id != "B" else Staff("B", s.contract, leave=frozenset({3})) for s in people]
    replan = problem(7, people2, dem, replan=Replan(previous, weight=10))
    res = run(replan)
    assert res.status is Status.OPTIMAL
    changed = [(e, d) for e in "ABCD" for d in range(7) if res.roster[e][d] != previous[e][d]]
    # B's day 3 must change if B was on; someone must cover it: at most 2 cells change
    assert len(changed) <= 2
    assert res.breakdown["changes"] == 10 * len(changed)
    assert all(res.roster[e][d] == previous[e][d] for e in "ABCD" for d in range(7) if d != 3)


def test_progress_callback_reports_incumbents() -> None:
    seen: list[Progress] = []
    p = problem(7, [staff(n, max_consecutive_days=3) for n in "ABC"], demand_each_day(7, "D", 2))
    res = solve(p, SolveParams(time_limit=5, progress=seen.append))
    assert res.status is Status.OPTIMAL
    assert seen and seen[-1].objective == res.objective
    assert all(s.bound <= s.objective for s in seen)
