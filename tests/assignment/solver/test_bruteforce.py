"""Tiny random problems: the solver's optimum equals a brute-force enumeration
of every assignment, scored by ``evaluate`` and filtered by ``check_assignment``
(neither shares code with the CP-SAT builder)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.assignment.solver import (
    AssignmentProblem,
    Forbid,
    Nurse,
    Patient,
    Pin,
    SolveOptions,
    Status,
    Weights,
    check_assignment,
    evaluate,
    hard_violations,
    solve,
)

SKILLS = ("chemo", "paeds", "crrt")


@st.composite
def tiny_problems(draw: st.DrawFn) -> AssignmentProblem:
    n_nurses = draw(st.integers(1, 3))
    nurses = []
    for i in range(n_nurses):
        charge = draw(st.booleans()) and i == 0
        nurses.append(
            Nurse(
                id=10 + i,
                max_patients=draw(st.sampled_from([1, 2, 2, 3, 3, 4, 0])),
                skills=frozenset(draw(st.sets(st.sampled_from(SKILLS[:2]), max_size=2))),
                is_charge=charge,
                charge_max_patients=draw(st.sampled_from([None, 0, 1, 2])) if charge else None,
            )
        )
    # at most one patient more than the nurses can take: mostly feasible, sometimes not
    n_patients = draw(st.integers(1, max(1, min(6, sum(n.cap for n in nurses) + 1))))
    prev_choices = [None, 99, *(n.id for n in nurses)]  # 99: a nurse who is not on this shift
    patients = [
        Patient(
            id=100 + j,
            acuity=draw(st.integers(1, 4)),
            room_position=draw(st.integers(0, 5)),
            room=f"R{j}",
            required_skills=frozenset(draw(st.sampled_from([(), (), (), (), *((s,) for s in SKILLS)]))),
            previous_nurse_id=draw(st.sampled_from(prev_choices)),
            one_to_one=draw(st.integers(0, 11)) == 0,
        )
        for j in range(n_patients)
    ]
    pins = []
    forbids = []
    for p in patients:
        roll = draw(st.integers(0, 14))
        if roll == 0:
            pins.append(Pin(p.id, draw(st.sampled_from([n.id for n in nurses]))))
        elif roll == 1:
            forbids.append(Forbid(p.id, draw(st.sampled_from([n.id for n in nurses]))))
    weights = Weights(
        balance=draw(st.integers(0, 5)),
        continuity=draw(st.integers(0, 5)),
        spread=draw(st.integers(0, 5)),
        skill_mismatch=draw(st.sampled_from([None, None, 0, 3])),
        span=draw(st.sampled_from([0, 0, 1, 4])),
    )
    return AssignmentProblem(
        nurses, patients, pins, forbids, weights, waive_unavailable_skills=draw(st.booleans()), ratio_label="test 1:2"
    )


def brute_force(problem: AssignmentProblem) -> int | None:
    best: int | None = None
    nurse_ids = [n.id for n in problem.nurses]
    for combo in itertools.product(nurse_ids, repeat=len(problem.patients)):
        assignment = {p.id: nid for p, nid in zip(problem.patients, combo, strict=True)}
        if hard_violations(problem, check_assignment(problem, assignment)):
            continue
        value = evaluate(problem, assignment).objective
        best = value if best is None else min(best, value)
    return best


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_optimum_equals_brute_force(problem: AssignmentProblem) -> None:
    expected = brute_force(problem)
    result = solve(problem, SolveOptions(time_limit_s=10, workers=1))
    if expected is None:
        assert result.status is Status.INFEASIBLE
        assert result.assignment == {}
        assert result.explanations, "an infeasible problem is always explained"
        return
    assert result.status is Status.OPTIMAL
    assert result.objective == expected
    assert result.bound == expected  # CP-SAT's own optimum agrees with evaluate()
    assert hard_violations(problem, check_assignment(problem, result.assignment)) == []
    ev = evaluate(problem, result.assignment)
    assert ev.objective == result.objective
    assert result.terms == ev.terms
    assert sum(result.patients_per_nurse.values()) == len(problem.patients)
    assert sum(result.workload.values()) == sum(p.acuity for p in problem.patients)
