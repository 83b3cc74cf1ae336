"""The independent benchmark validator against hand-computed cases (FORMAT.md §4-5)."""

from __future__ import annotations

import pytest

from caredesk.scheduling.solver.benchmark_format import parse_instance, to_problem
from caredesk.scheduling.solver.evaluate import evaluate
from caredesk.scheduling.solver.indexed import grid_from_roster, index_problem
from caredesk.scheduling.solver.validator import validate

COVER = "\n".join(f"{d},D,1,100,1\n{d},N,{1 if d == 2 else 0},100,1" for d in range(7))
TEXT = f"""
# tiny hand-made instance
SECTION_HORIZON
7

SECTION_SHIFTS
D,480,
N,600,D

SECTION_STAFF
A,D=7|N=2,3000,960,3,2,2,1
B,D=7|N=0,4000,0,5,1,1,0

SECTION_DAYS_OFF
A,0

SECTION_SHIFT_ON_REQUESTS
A,1,D,2
B,2,N,3

SECTION_SHIFT_OFF_REQUESTS
A,3,D,1

SECTION_COVER
{COVER}
"""

_: str | None = None
BASE = {
    "A": [_, "D", "D", _, _, "N", "N"],
    "B": ["D", _, _, "D", "D", _, _],
}


def roster(**rows: list[str | None]) -> dict[str, list[str | None]]:
    out = {k: list(v) for k, v in BASE.items()}
    out.update({k: list(v) for k, v in rows.items()})
    return out


def test_hand_computed_objective() -> None:
    inst = parse_instance(TEXT, "tiny")
    rep = validate(inst, roster())
    assert rep.violations == []
    # on-request B/2/N unmet (3); D under on days 5, 6 (2 x 100); N under on day 2 (100);
    # N over on days 5, 6 (2 x 1); A's on-request met, A's off-request respected.
    assert rep.breakdown == {"on_requests": 3, "off_requests": 0, "cover_under": 300, "cover_over": 2}
    assert rep.objective == 305


def test_general_evaluator_agrees_with_validator() -> None:
    inst = parse_instance(TEXT, "tiny")
    ix = index_problem(to_problem(inst))
    ev = evaluate(ix, grid_from_roster(ix, roster()))
    assert ev.violations == []
    assert ev.objective == 305


def test_off_request_and_on_request_with_other_shift() -> None:
    inst = parse_instance(TEXT, "tiny")
    # A works D on day 3 (off-request, +1) and N on day 1 instead of D (on-request unmet, +2)
    r = roster(A=[_, "N", "N", "D", _, _, _])
    rep = validate(inst, r)
    assert rep.breakdown["on_requests"] == 3 + 2
    assert rep.breakdown["off_requests"] == 1


@pytest.mark.parametrize(
    ("rows", "needle"),
    [
        ({"A": ["D", "D", _, _, _, "N", "N"]}, "works on a day off"),
        ({"A": [_, "N", "D", _, _, "N", "N"]}, "D after N"),
        ({"A": [_, "N", "N", _, _, "N", "N"]}, "4 x N > 2"),
        ({"A": [_, _, _, _, _, _, "D"]}, "480 min < min 960"),
        ({"A": [_, "D", "D", "D", "D", _, _]}, "4 consecutive shifts"),
        ({"A": [_, _, "D", _, _, "N", "N"]}, "1 consecutive shifts from day 2 < 2"),
        ({"A": [_, "D", "D", _, "D", "D", _]}, "1 days off from day 3 < 2"),
        ({"B": ["D", _, _, "D", "D", _, "D"]}, "1 weekends > 0"),
    ],
)
def test_each_hard_rule_is_detected(rows: dict[str, list[str | None]], needle: str) -> None:
    inst = parse_instance(TEXT, "tiny")
    rep = validate(inst, roster(**rows))
    assert any(needle in v for v in rep.violations), rep.violations
    ix = index_problem(to_problem(inst))
    assert not evaluate(ix, grid_from_roster(ix, roster(**rows))).feasible


@pytest.mark.parametrize(
    "row",
    [
        [_, "D", "D", _, _, _, "N"],  # 1-day block on the last day: exempt (rule 7)
        [_, "D", "D", "D", _, _, _],  # trailing off block of any length: exempt (rule 8)
    ],
)
def test_horizon_edges_are_exempt(row: list[str | None]) -> None:
    inst = parse_instance(TEXT, "tiny")
    rep = validate(inst, roster(A=row))
    assert [v for v in rep.violations if "consecutive" in v or "days off" in v] == []
    ix = index_problem(to_problem(inst))
    ev = evaluate(ix, grid_from_roster(ix, roster(A=row)))
    assert [v for v in ev.violations if "consecutive" in v] == []


def test_first_block_after_leading_off_day_is_exempt_from_min_days_off() -> None:
    """Day 0 off then work: the off block touches day 0, so it is exempt."""
    text = TEXT.replace("A,0\n", "A,6\n")
    inst = parse_instance(text, "tiny")
    rep = validate(inst, roster(A=[_, "D", "D", _, _, "D", _], B=["D", _, _, "D", "D", _, _]))
    assert not any("days off" in v for v in rep.violations)


def test_missing_or_malformed_rows() -> None:
    inst = parse_instance(TEXT, "tiny")
    assert not validate(inst, {"A": BASE["A"]}).feasible
    assert not validate(inst, roster(A=["D"] * 3)).feasible
    assert not validate(inst, roster(A=[_, "X", _, _, _, _, _])).feasible
