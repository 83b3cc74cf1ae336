"""CP-SAT model of the assignment problem.

Variables: one boolean ``x[p, n]`` per *allowed* (patient, nurse) pair (pins,
forbids, hard skills, caps of 0 and 1:1 observation are removed from the
domain before the model is built).

Hard rules: every patient exactly one nurse; patients per nurse <= cap; a 1:1
patient's nurse has no other patient (one linear row per nurse:
``count + (cap - 1) * Σ x[1:1 patients] <= cap``).

Soft terms (integer, each reported separately):

- balance: ``d[n] >= W[n] - hi[n]`` and ``d[n] >= lo[n] - W[n]`` with the
  nurse's acuity workload ``W`` and fair-share band ``[lo, hi]``; waived for
  a nurse holding a 1:1 patient;
- continuity: ``1 - x[p, previous nurse]`` per patient whose previous nurse
  is on the shift (a constant 1 when that pair is not allowed);
- spread: ``distance(p, zone of n) * x[p, n]``, the room steps by which a
  patient lies outside the nurse's home zone (:func:`zone_plan`).  A linear
  cost: the model is a generalised assignment problem whose LP relaxation is
  tight enough to prove optimality in a fraction of a second, where the
  per-nurse span (max - min room position, with interval variables) was not
  proven in 60 s on the 40-bed unit (docs/decisions/0007);
- skill mismatch (only when skills are soft);
- span (opt-in, :attr:`Weights.span`): with the distinct occupied positions
  ``P_0 < ... < P_{K-1}``, ``y[n, k]`` (the nurse's interval covers ``P_k``,
  ``>= x[p, n]`` for the patients at ``P_k``) and ``s[n, k]`` (the interval
  starts at ``P_k``, at most one per nurse), ``span[n] = Σ_k (P_k - P_{k-1})
  (y[n, k] - s[n, k])``, which equals max - min at the optimum.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .evaluate import available_skills, fair_shares, zone_distance, zone_plan
from .model import AssignmentProblem


@dataclass
class Built:
    model: cp_model.CpModel
    #: (patient index, nurse index) -> literal
    x: dict[tuple[int, int], cp_model.IntVar]
    #: patient index -> allowed nurse indices
    allowed: list[list[int]]
    constant: int
    d: dict[int, cp_model.IntVar] = field(default_factory=dict)
    zones: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: Objective pieces for the hint / progress: name -> linear expression.
    terms: dict[str, cp_model.LinearExprT] = field(default_factory=dict)

    def hint(self, choice: list[int]) -> None:
        """Hint from a nurse index per patient (the balance deviations are
        implied by it and left to the solver)."""
        self.model.clear_hints()
        for (p, n), v in self.x.items():
            self.model.add_hint(v, choice[p] == n)

    def extract(self, solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback) -> list[int]:
        choice = [-1] * len(self.allowed)
        for (p, n), v in self.x.items():
            if solver.boolean_value(v):
                choice[p] = n
        return choice


def allowed_pairs(problem: AssignmentProblem) -> list[list[int]]:
    """Nurse indices each patient may go to under the hard rules."""
    have = available_skills(problem)
    hard_skills = problem.weights.skill_mismatch is None
    nurse_index = {n.id: i for i, n in enumerate(problem.nurses)}
    pinned: dict[int, set[int]] = {}
    for pin in problem.pins:
        pinned.setdefault(pin.patient_id, set()).add(nurse_index.get(pin.nurse_id, -1))
    forbidden = {(f.patient_id, f.nurse_id) for f in problem.forbids}
    out: list[list[int]] = []
    for p in problem.patients:
        need = p.required_skills & have if problem.waive_unavailable_skills else p.required_skills
        row = []
        for i, n in enumerate(problem.nurses):
            if n.cap < 1 or (p.id, n.id) in forbidden:
                continue
            if hard_skills and not need <= n.skills:
                continue
            if not problem.waive_unavailable_skills and p.required_skills - have:
                continue  # an unavailable skill is hard when not waived
            if p.id in pinned and (len(pinned[p.id]) > 1 or i not in pinned[p.id]):
                continue
            row.append(i)
        out.append(row)
    return out


def build_model(problem: AssignmentProblem) -> Built:
    m = cp_model.CpModel()
    w = problem.weights
    nurses, patients = problem.nurses, problem.patients
    allowed = allowed_pairs(problem)
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for p, row in enumerate(allowed):
        for n in row:
            x[p, n] = m.new_bool_var(f"x[{p},{n}]")
    built = Built(m, x, allowed, 0)
    for p, row in enumerate(allowed):
        m.add_exactly_one(x[p, n] for n in row)

    by_nurse: list[list[int]] = [[] for _ in nurses]
    for p, n in x:
        by_nurse[n].append(p)
    for n, ps in enumerate(by_nurse):
        cap = nurses[n].cap
        count = sum(x[p, n] for p in ps)
        solo = [p for p in ps if patients[p].one_to_one]
        if solo and cap > 1:
            m.add(count + (cap - 1) * sum(x[p, n] for p in solo) <= cap)
        elif len(ps) > cap:
            m.add(count <= cap)

    # balance
    shares = fair_shares(problem)
    balance_terms = []
    if w.balance:
        for n, ps in enumerate(by_nurse):
            lo, hi = shares[nurses[n].id]
            load = sum(patients[p].acuity * x[p, n] for p in ps)
            most = sum(patients[p].acuity for p in ps)
            ub = max(most - hi, lo, 0)
            if ub == 0:
                continue
            d = m.new_int_var(0, ub, f"d[{n}]")
            solo_lits = [x[p, n] for p in ps if patients[p].one_to_one]
            if solo_lits:  # a nurse with a 1:1 patient is exempt
                big = max(most, lo)
                m.add(d >= load - hi - big * sum(solo_lits))
                m.add(d >= lo - load - big * sum(solo_lits))
            else:
                m.add(d >= load - hi)
                m.add(d >= lo - load)
            built.d[n] = d
            balance_terms.append(d)
    built.terms["balance"] = w.balance * sum(balance_terms)

    # continuity (written as the cost of a break)
    nurse_index = {nu.id: i for i, nu in enumerate(nurses)}
    keep = []
    breaks_fixed = 0
    for p, pat in enumerate(patients):
        prev = nurse_index.get(pat.previous_nurse_id) if pat.previous_nurse_id is not None else None
        if prev is None:
            continue
        if (p, prev) in x:
            keep.append(x[p, prev])
        else:
            breaks_fixed += 1
    built.constant += w.continuity * (breaks_fixed + len(keep))
    built.terms["continuity"] = w.continuity * (breaks_fixed + len(keep)) - w.continuity * sum(keep)

    # rooms close together: room steps outside the nurse's zone (linear)
    zones = zone_plan(problem)
    built.zones = zones
    spread_terms: list[cp_model.LinearExprT] = []
    if w.spread:
        for (p, n), v in x.items():
            dist = zone_distance(zones.get(nurses[n].id), patients[p].room_position)
            if dist:
                spread_terms.append(dist * v)
    built.terms["spread"] = w.spread * sum(spread_terms)

    # soft skills
    mismatch = []
    if w.skill_mismatch is not None:
        have = available_skills(problem)
        for (p, n), v in x.items():
            if (patients[p].required_skills & have) - nurses[n].skills:
                mismatch.append(v)
    built.terms["skill_mismatch"] = (w.skill_mismatch or 0) * sum(mismatch)

    if w.span:
        _span(problem, built, by_nurse)

    m.minimize(sum(built.terms.values()))
    return built


def _span(problem: AssignmentProblem, built: Built, by_nurse: list[list[int]]) -> None:
    """The exact span term (interval encoding, see the module docstring)."""
    m, x, patients = built.model, built.x, problem.patients
    positions = sorted({pat.room_position for pat in patients})
    pos_index = {pos: k for k, pos in enumerate(positions)}
    steps: list[cp_model.LinearExprT] = []
    for n, ps in enumerate(by_nurse):
        ks = sorted({pos_index[patients[p].room_position] for p in ps})
        if len(ks) < 2 or problem.nurses[n].cap < 2:
            continue
        lo_k, hi_k = ks[0], ks[-1]
        y = {k: m.new_bool_var(f"y[{n},{k}]") for k in range(lo_k, hi_k + 1)}
        s = {k: m.new_bool_var(f"s[{n},{k}]") for k in range(lo_k, hi_k + 1)}
        for p in ps:
            m.add_implication(x[p, n], y[pos_index[patients[p].room_position]])
        for k in range(lo_k, hi_k + 1):
            m.add_implication(s[k], y[k])
            m.add(s[k] >= y[k] - (y[k - 1] if k > lo_k else 0))
        m.add_at_most_one(s.values())
        steps.extend((positions[k] - positions[k - 1]) * (y[k] - s[k]) for k in range(lo_k + 1, hi_k + 1))
    built.terms["span"] = problem.weights.span * sum(steps)
