"""Plain-words explanations of an assignment problem.

:func:`explain_infeasible` says why no assignment satisfies the hard rules:
pins that contradict each other or another rule, patients nobody may take,
too few places within the ratio (with the number of nurses to call in), too
few places with a skill, and, when none of these applies, which group of
rules (pins, forbids, skills, 1:1 observation) makes the problem infeasible
(found by solving the problem again without each group).

:func:`notes` gives the remarks on a feasible problem (waived skills).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter

from ortools.sat.python import cp_model

from .build import allowed_pairs
from .evaluate import available_skills
from .model import AssignmentProblem, Nurse, Patient


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _capacity_words(nurses: list[Nurse]) -> str:
    groups = Counter((n.is_charge and n.charge_max_patients is not None, n.cap) for n in nurses)
    parts = []
    for (charge, cap), count in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        who = _plural(count, "charge nurse") if charge else _plural(count, "nurse")
        parts.append(f"{who} x {cap}")
    return " + ".join(parts) if parts else "no nurse"


def _typical_cap(nurses: list[Nurse]) -> int:
    caps = [n.max_patients for n in nurses if not n.is_charge and n.max_patients > 0]
    caps = caps or [n.max_patients for n in nurses if n.max_patients > 0]
    return max(caps) if caps else 1


def notes(problem: AssignmentProblem) -> list[str]:
    """Remarks for a problem that is solved anyway (waived skills)."""
    out = []
    have = available_skills(problem)
    if problem.waive_unavailable_skills:
        missing: dict[str, list[Patient]] = {}
        for p in problem.patients:
            for sk in sorted(p.required_skills - have):
                missing.setdefault(sk, []).append(p)
        for sk, ps in sorted(missing.items()):
            names = ", ".join(p.label for p in ps)
            out.append(
                f"No nurse on this shift has {sk}; {names} "
                f"{'needs' if len(ps) == 1 else 'need'} it and {'is' if len(ps) == 1 else 'are'} assigned without it: "
                f"call in a nurse with {sk}."
            )
    return out


def _pin_conflicts(problem: AssignmentProblem) -> list[str]:
    out = []
    nurses = {n.id: n for n in problem.nurses}
    patients = {p.id: p for p in problem.patients}
    have = available_skills(problem)
    pins: dict[int, set[int]] = {}
    for pin in problem.pins:
        pins.setdefault(pin.patient_id, set()).add(pin.nurse_id)
    forbidden = {(f.patient_id, f.nurse_id) for f in problem.forbids}
    per_nurse: dict[int, list[Patient]] = {}
    for pid, nids in sorted(pins.items()):
        if pid not in patients:
            continue
        p = patients[pid]
        if len(nids) > 1:
            out.append(f"{p.label} is pinned to {len(nids)} different nurses.")
            continue
        (nid,) = nids
        if nid not in nurses:
            out.append(f"{p.label} is pinned to nurse {nid}, who is not on this shift.")
            continue
        n = nurses[nid]
        per_nurse.setdefault(nid, []).append(p)
        if (pid, nid) in forbidden:
            out.append(f"{p.label} is pinned to {n.label}, who is also excluded for this patient.")
        need = p.required_skills & have if problem.waive_unavailable_skills else p.required_skills
        if problem.weights.skill_mismatch is None and need - n.skills:
            out.append(f"{p.label} is pinned to {n.label}, who does not have {', '.join(sorted(need - n.skills))}.")
    for nid, ps in per_nurse.items():
        n = nurses[nid]
        if len(ps) > n.cap:
            out.append(f"{_plural(len(ps), 'patient')} are pinned to {n.label}, whose cap is {n.cap}.")
        elif len(ps) > 1 and any(p.one_to_one for p in ps):
            out.append(f"{n.label} is pinned a 1:1 patient and other patients.")
    return out


def _nobody(problem: AssignmentProblem, allowed: list[list[int]]) -> list[str]:
    out = []
    have = available_skills(problem)
    forbidden = {(f.patient_id, f.nurse_id) for f in problem.forbids}
    able = [n for n in problem.nurses if n.cap > 0]
    for p, row in zip(problem.patients, allowed, strict=True):
        if row or not able:  # no nurse may take anyone: the capacity message says it
            continue
        if p.required_skills - have and not problem.waive_unavailable_skills:
            out.append(
                f"{p.label} needs {', '.join(sorted(p.required_skills - have))}, which no nurse on this shift has."
            )
        elif any(pin.patient_id == p.id for pin in problem.pins):
            continue  # reported by _pin_conflicts
        elif all((p.id, n.id) in forbidden for n in able):
            out.append(f"{p.label} is excluded for every nurse on this shift.")
        else:
            out.append(f"No nurse on this shift may take {p.label} (skills and exclusions).")
    return out


def _capacity(problem: AssignmentProblem) -> list[str]:
    nurses = [n for n in problem.nurses if n.cap > 0]
    solo = sum(1 for p in problem.patients if p.one_to_one)
    total = len(problem.patients)
    cap_sum = sum(n.cap for n in problem.nurses)
    ratio = f" ({problem.ratio_label})" if problem.ratio_label else ""
    typical = _typical_cap(problem.nurses)
    if solo > len(nurses):
        more = solo - len(nurses)
        return [
            f"{_plural(solo, 'patient')} need 1:1 observation but only {_plural(len(nurses), 'nurse')} can take "
            f"patients: call in {_plural(more, 'more nurse')}."
        ]
    # 1:1 patients take a whole nurse each: best case, the smallest caps.
    caps = sorted(n.cap for n in nurses)
    capacity = solo + sum(caps[solo:])
    if total <= capacity:
        return []
    excess = total - capacity
    more = math.ceil(excess / max(1, typical))
    text = f"{_plural(total, 'patient')}, capacity {cap_sum} = {_capacity_words(problem.nurses)}{ratio}"
    if solo:
        text += (
            f", of which {_plural(solo, 'nurse')} on 1:1 observation leave{'s' if solo == 1 else ''} {capacity} places"
        )
    text += (
        f": {_plural(excess, 'patient')} cannot be assigned within the ratio; call in {_plural(more, 'more nurse')}."
    )
    return [text]


def _skill_capacity(problem: AssignmentProblem) -> list[str]:
    if problem.weights.skill_mismatch is not None:
        return []
    out = []
    have = available_skills(problem)
    ratio = f" ({problem.ratio_label})" if problem.ratio_label else ""
    for sk in sorted(have):
        needing = [p for p in problem.patients if sk in p.required_skills]
        holders = [n for n in problem.nurses if sk in n.skills and n.cap > 0]
        places = sum(n.cap for n in holders)
        if len(needing) > places:
            excess = len(needing) - places
            out.append(
                f"{_plural(len(needing), 'patient')} need {sk}; the {_plural(len(holders), 'nurse')} with {sk} "
                f"can take {places}{ratio}: {excess} cannot be placed; call in "
                f"{_plural(math.ceil(excess / max(1, _typical_cap(problem.nurses))), 'more nurse')} with {sk}."
            )
    return out


def _feasible(problem: AssignmentProblem, seconds: float = 2.0) -> bool | None:
    allowed = allowed_pairs(problem)
    if any(not row for row in allowed):
        return False
    m = cp_model.CpModel()
    x = {(p, n): m.new_bool_var("") for p, row in enumerate(allowed) for n in row}
    for p, row in enumerate(allowed):
        m.add_exactly_one(x[p, n] for n in row)
    for n, nurse in enumerate(problem.nurses):
        ps = [p for p in range(len(allowed)) if (p, n) in x]
        count = sum(x[p, n] for p in ps)
        solo = [x[p, n] for p in ps if problem.patients[p].one_to_one]
        m.add(count + (nurse.cap - 1) * sum(solo) <= nurse.cap) if solo else m.add(count <= nurse.cap)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    code = solver.solve(m)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    return False if code == cp_model.INFEASIBLE else None


def _relaxations(problem: AssignmentProblem) -> list[str]:
    w = problem.weights
    tries: list[tuple[str, AssignmentProblem]] = [
        ("the pins", dataclasses.replace(problem, pins=[])),
        ("the exclusions (forbidden pairs)", dataclasses.replace(problem, forbids=[])),
        (
            "the skill requirements",
            dataclasses.replace(problem, weights=dataclasses.replace(w, skill_mismatch=1)),
        ),
        (
            "the 1:1 observations",
            dataclasses.replace(problem, patients=[dataclasses.replace(p, one_to_one=False) for p in problem.patients]),
        ),
    ]
    culprits = [name for name, relaxed in tries if _feasible(relaxed)]
    if culprits:
        return [
            "No assignment keeps every ratio cap, skill, pin and 1:1 observation at once; it becomes possible "
            f"without {' or without '.join(culprits)}."
        ]
    return ["No assignment keeps every ratio cap, skill, pin and 1:1 observation at once."]


def explain_infeasible(problem: AssignmentProblem) -> list[str]:
    """Why no assignment satisfies the hard rules, in plain words (most
    specific reasons first; never empty)."""
    allowed = allowed_pairs(problem)
    out = _pin_conflicts(problem) + _nobody(problem, allowed) + _capacity(problem) + _skill_capacity(problem)
    return out or _relaxations(problem)
