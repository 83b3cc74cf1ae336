"""The optimiser's hard rules, soft terms, explanations and the rule check."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import caredesk.assignment.solver as solver_pkg
from caredesk.assignment.solver import (
    AssignmentProblem,
    Forbid,
    Nurse,
    Patient,
    Pin,
    Progress,
    SolveOptions,
    Status,
    Weights,
    check_assignment,
    evaluate,
    explain_infeasible,
    fair_shares,
    greedy,
    hard_violations,
    solve,
    zone_plan,
)

CHEMO = frozenset({"chemotherapy"})


def nurses(count: int, cap: int, **kw: object) -> list[Nurse]:
    return [Nurse(id=i + 1, max_patients=cap, **kw) for i in range(count)]  # type: ignore[arg-type]


def patients(count: int, acuity: int = 1, **kw: object) -> list[Patient]:
    return [Patient(id=100 + j, acuity=acuity, room_position=j, room=str(j + 1), **kw) for j in range(count)]  # type: ignore[arg-type]


def run(problem: AssignmentProblem) -> solver_pkg.AssignmentResult:
    return solve(problem, SolveOptions(time_limit_s=10, workers=1))


def kinds(problem: AssignmentProblem, assignment: dict[int, int]) -> list[str]:
    return [v.kind for v in check_assignment(problem, assignment)]


def test_no_django_import_in_solver() -> None:
    root = Path(solver_pkg.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "django" or n.startswith("django.") for n in names), f"{path.name} imports {names}"


def test_ratio_cap_is_hard_and_workload_reported() -> None:
    problem = AssignmentProblem(nurses(3, 2), patients(6, acuity=2), weights=Weights(balance=0, spread=0))
    result = run(problem)
    assert result.status is Status.OPTIMAL
    assert result.patients_per_nurse == {1: 2, 2: 2, 3: 2}
    assert result.workload == {1: 4, 2: 4, 3: 4}
    assert result.objective == result.bound == 0


def test_charge_nurse_takes_fewer() -> None:
    team = [Nurse(1, 5, is_charge=True, charge_max_patients=1), *[Nurse(i, 5) for i in (2, 3)]]
    result = run(AssignmentProblem(team, patients(11)))
    assert result.patients_per_nurse[1] <= 1
    assert sum(result.patients_per_nurse.values()) == 11


def test_too_many_patients_is_explained_with_nurses_to_call_in() -> None:
    problem = AssignmentProblem(nurses(5, 2), patients(12), ratio_label="ICU ratio 1:2")
    result = run(problem)
    assert result.status is Status.INFEASIBLE
    assert result.assignment == {}
    assert result.explanations == [
        "12 patients, capacity 10 = 5 nurses x 2 (ICU ratio 1:2): 2 patients cannot be assigned within the ratio; "
        "call in 1 more nurse."
    ]


def test_balance_follows_acuity_and_caps() -> None:
    team = [Nurse(1, 4), Nurse(2, 4)]
    pats = [Patient(100 + j, a, room_position=0) for j, a in enumerate([4, 3, 2, 1, 1, 1])]
    problem = AssignmentProblem(team, pats)
    assert fair_shares(problem) == {1: (6, 6), 2: (6, 6)}
    result = run(problem)
    assert result.workload == {1: 6, 2: 6}
    assert result.terms["balance"] == 0


def test_fair_share_is_proportional_to_caps() -> None:
    team = [Nurse(1, 5, is_charge=True, charge_max_patients=2), Nurse(2, 5), Nurse(3, 5)]
    problem = AssignmentProblem(team, patients(12, acuity=2))
    assert fair_shares(problem) == {1: (4, 4), 2: (10, 10), 3: (10, 10)}
    odd = AssignmentProblem(team, patients(13, acuity=2))
    assert fair_shares(odd) == {1: (4, 5), 2: (10, 11), 3: (10, 11)}


def test_skills_are_hard_by_default() -> None:
    team = [Nurse(1, 3), Nurse(2, 3, skills=CHEMO)]
    pats = [Patient(100, 1, 0, previous_nurse_id=1, required_skills=CHEMO), Patient(101, 1, 5)]
    problem = AssignmentProblem(team, pats)
    result = run(problem)
    assert result.assignment[100] == 2  # continuity is lost rather than the skill
    assert result.counts["continuity"] == 1
    assert kinds(problem, {100: 1, 101: 2}) == ["skill"]


def test_soft_skills_cost_their_weight() -> None:
    team = [Nurse(1, 3), Nurse(2, 3, skills=CHEMO)]
    pats = [Patient(100, 1, 0, previous_nurse_id=1, required_skills=CHEMO)]
    soft = AssignmentProblem(team, pats, weights=Weights(balance=0, continuity=10, spread=0, skill_mismatch=4))
    result = run(soft)
    assert result.assignment == {100: 1}
    assert result.terms == {"balance": 0, "continuity": 0, "spread": 0, "skill_mismatch": 4, "span": 0}
    assert kinds(soft, result.assignment) == ["skill"]  # still reported to the coordinator


def test_skill_nobody_has_is_waived_and_explained() -> None:
    pats = [Patient(100, 1, 0, room="12A", required_skills=frozenset({"paediatrics"})), Patient(101, 1, 1)]
    problem = AssignmentProblem(nurses(2, 2), pats)
    result = run(problem)
    assert result.status is Status.OPTIMAL
    assert set(result.assignment) == {100, 101}
    assert result.explanations == [
        "No nurse on this shift has paediatrics; patient 100 (room 12A) needs it and is assigned without it: "
        "call in a nurse with paediatrics."
    ]
    assert kinds(problem, result.assignment) == ["skill_unavailable"]
    strict = AssignmentProblem(nurses(2, 2), pats, waive_unavailable_skills=False)
    result = run(strict)
    assert result.status is Status.INFEASIBLE
    assert result.explanations == ["patient 100 (room 12A) needs paediatrics, which no nurse on this shift has."]


def test_too_few_places_with_a_skill_is_explained() -> None:
    team = [Nurse(1, 2, skills=CHEMO, name="A. Martin"), Nurse(2, 2), Nurse(3, 2)]
    pats = [Patient(100 + j, 1, j, required_skills=CHEMO if j < 3 else frozenset()) for j in range(5)]
    result = run(AssignmentProblem(team, pats))
    assert result.status is Status.INFEASIBLE
    assert result.explanations == [
        "3 patients need chemotherapy; the 1 nurse with chemotherapy can take 2: 1 cannot be placed; "
        "call in 1 more nurse with chemotherapy."
    ]


def test_pins_are_kept_and_conflicting_pins_explained() -> None:
    pats = [Patient(100, 1, 0, previous_nurse_id=1), Patient(101, 1, 0)]
    problem = AssignmentProblem(nurses(2, 2), pats, pins=[Pin(100, 2)])
    result = run(problem)
    assert result.assignment[100] == 2
    assert kinds(problem, {100: 1, 101: 1}) == ["pin"]
    over = AssignmentProblem(nurses(2, 1), pats, pins=[Pin(100, 2), Pin(101, 2)])
    result = run(over)
    assert result.status is Status.INFEASIBLE
    assert result.explanations == ["2 patients are pinned to nurse 2, whose cap is 1."]
    lacking = AssignmentProblem(
        [Nurse(1, 2), Nurse(2, 2, skills=CHEMO)], [Patient(100, 1, 0, required_skills=CHEMO)], pins=[Pin(100, 1)]
    )
    assert explain_infeasible(lacking) == ["patient 100 is pinned to nurse 1, who does not have chemotherapy."]


def test_forbid_is_hard() -> None:
    problem = AssignmentProblem(nurses(2, 2), [Patient(100, 1, 0, previous_nurse_id=1)], forbids=[Forbid(100, 1)])
    assert run(problem).assignment == {100: 2}
    assert kinds(problem, {100: 1}) == ["forbid"]


def test_one_to_one_nurse_has_no_other_patient() -> None:
    pats = [Patient(100, 4, 0, one_to_one=True), *[Patient(101 + j, 1, 1) for j in range(3)]]
    problem = AssignmentProblem(nurses(2, 3), pats)
    result = run(problem)
    solo = result.assignment[100]
    assert result.patients_per_nurse[solo] == 1
    assert kinds(problem, {100: 1, 101: 1, 102: 2, 103: 2}) == ["one_to_one"]
    too_many = AssignmentProblem(nurses(2, 3), [Patient(100, 4, 0, one_to_one=True), *pats[1:], Patient(104, 1, 2)])
    result = run(too_many)
    assert result.status is Status.INFEASIBLE
    assert "1:1 observation" in result.explanations[0]


def test_continuity_is_rewarded() -> None:
    pats = [Patient(100, 1, 0, previous_nurse_id=2), Patient(101, 1, 0, previous_nurse_id=1)]
    problem = AssignmentProblem(nurses(2, 1), pats, weights=Weights(balance=0, continuity=5, spread=0))
    result = run(problem)
    assert result.assignment == {100: 2, 101: 1}
    assert result.objective == 0
    # a previous nurse who is not on this shift costs nothing: nobody can keep the patient
    gone = AssignmentProblem(nurses(2, 1), [Patient(100, 1, 0, previous_nurse_id=77)])
    assert run(gone).terms["continuity"] == 0


def test_zones_keep_rooms_close_together() -> None:
    team = nurses(2, 4)
    pats = [Patient(100 + j, 1, room_position=j // 2, room=f"{j // 2}{'AB'[j % 2]}") for j in range(8)]
    problem = AssignmentProblem(team, pats, weights=Weights(balance=0, continuity=0, spread=1))
    assert zone_plan(problem) == {1: (0, 1), 2: (2, 3)}
    result = run(problem)
    assert result.objective == 0
    assert sorted(result.span.values()) == [1, 1]
    assert evaluate(problem, {p.id: 1 if p.id % 2 else 2 for p in pats}).counts["spread"] == 6


def test_zones_follow_last_shift() -> None:
    team = nurses(2, 2)
    pats = [Patient(100 + j, 1, j, previous_nurse_id=2 if j < 2 else None) for j in range(4)]
    assert zone_plan(AssignmentProblem(team, pats)) == {2: (0, 1), 1: (2, 3)}


def test_check_assignment_reports_every_broken_rule() -> None:
    team = [Nurse(1, 1), Nurse(2, 2, skills=CHEMO)]
    pats = [Patient(100, 1, 0, required_skills=CHEMO), Patient(101, 1, 0), Patient(102, 1, 1)]
    problem = AssignmentProblem(team, pats, ratio_label="ratio 1:1")
    found = check_assignment(problem, {100: 1, 101: 1, 999: 2, 102: 7})
    assert [v.kind for v in found] == ["unknown_patient", "unknown_nurse", "cap", "skill"]
    cap = next(v for v in found if v.kind == "cap")
    assert cap.text == "nurse 1 has 2 patients; the ratio cap is 1 (ratio 1:1)."
    assert cap.nurse_id == 1
    assert check_assignment(problem, {100: 2, 101: 1, 102: 2}) == []
    assert [v.kind for v in check_assignment(problem, {100: 2})] == ["unassigned", "unassigned"]


def test_progress_hint_and_greedy() -> None:
    team = nurses(3, 3)
    pats = [Patient(100 + j, 1 + j % 3, j // 2, previous_nurse_id=1 + j % 3) for j in range(8)]
    problem = AssignmentProblem(team, pats)
    seen: list[Progress] = []
    start = greedy(problem)
    assert start is not None
    assert hard_violations(problem, check_assignment(problem, start)) == []
    result = solve(problem, SolveOptions(time_limit_s=10, workers=1, progress=seen.append, hint=start))
    assert result.status is Status.OPTIMAL
    assert seen and seen[-1].objective == result.objective
    assert all(p.bound <= p.objective for p in seen)
    assert result.objective is not None and result.objective <= evaluate(problem, start).objective


def test_empty_unit() -> None:
    result = run(AssignmentProblem(nurses(2, 2), []))
    assert result.status is Status.OPTIMAL
    assert result.objective == 0
    assert result.workload == {1: 0, 2: 0}


def test_status_is_a_string_for_storage() -> None:
    assert Status.OPTIMAL == "optimal"
    assert str(Status.INFEASIBLE) == "infeasible"


def test_joint_conflict_names_the_rule_groups() -> None:
    team = [Nurse(1, 2), Nurse(2, 2)]
    pats = [Patient(1, 1, 0, one_to_one=True), Patient(2, 1, 0), Patient(3, 1, 0)]
    result = run(AssignmentProblem(team, pats, forbids=[Forbid(1, 2), Forbid(2, 2)]))
    assert result.status is Status.INFEASIBLE
    assert result.explanations == [
        "No assignment keeps every ratio cap, skill, pin and 1:1 observation at once; it becomes possible "
        "without the exclusions (forbidden pairs) or without the 1:1 observations."
    ]


def test_no_nurse_able_to_take_patients() -> None:
    team = [Nurse(1, 5, is_charge=True, charge_max_patients=0)]
    result = run(AssignmentProblem(team, [Patient(1, 2, 0)]))
    assert result.explanations == [
        "1 patient, capacity 0 = 1 charge nurse x 0: 1 patient cannot be assigned within the ratio; "
        "call in 1 more nurse."
    ]


def test_time_limit_without_solution_falls_back_on_greedy() -> None:
    team = [Nurse(i, 2) for i in range(14)]
    pats = [Patient(100 + j, 1 + j % 4, j, previous_nurse_id=j // 2) for j in range(28)]
    problem = AssignmentProblem(team, pats)
    result = solve(problem, SolveOptions(time_limit_s=0.0, workers=1))
    assert result.status in (Status.FEASIBLE, Status.OPTIMAL)
    assert hard_violations(problem, check_assignment(problem, result.assignment)) == []
    assert result.objective == evaluate(problem, result.assignment).objective


def test_a_hint_that_breaks_a_rule_is_never_returned() -> None:
    problem = AssignmentProblem(nurses(2, 1), patients(2))
    result = solve(problem, SolveOptions(time_limit_s=5, workers=1, hint={100: 1, 101: 1}))
    assert result.status is Status.OPTIMAL
    assert sorted(result.assignment.values()) == [1, 2]


def test_malformed_input_raises() -> None:
    with pytest.raises(ValueError, match="acuity"):
        solve(AssignmentProblem(nurses(1, 1), [Patient(1, 0, 0)]))
    with pytest.raises(ValueError, match="duplicate"):
        solve(AssignmentProblem(nurses(1, 2), [Patient(1, 1, 0), Patient(1, 1, 0)]))
