"""Exact evaluation of an assignment, and the check of its hard rules.

This module shares no code with the CP-SAT builder (``build.py``): the tests
compare the solver's optimum with a brute-force enumeration scored here, and
the app calls :func:`check_assignment` to warn the coordinator when an
assignment made by hand breaks a rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import AssignmentProblem, Nurse, Patient

TERMS = ("balance", "continuity", "spread", "skill_mismatch", "span")

#: Violation kinds, in the order they are reported.
KINDS = (
    "unknown_patient",
    "unassigned",
    "unknown_nurse",
    "cap",
    "one_to_one",
    "skill",
    "skill_unavailable",
    "pin",
    "forbid",
)


@dataclass(frozen=True)
class Violation:
    """One broken rule of an assignment.

    ``kind`` is one of :data:`KINDS`: ``cap`` (more patients than the ratio
    allows), ``one_to_one`` (a 1:1 patient's nurse has other patients),
    ``skill`` (the nurse lacks a skill the patient needs and another nurse on
    the shift has it), ``skill_unavailable`` (nobody on the shift has it),
    ``pin``, ``forbid``, ``unassigned``, ``unknown_nurse``, ``unknown_patient``.
    """

    kind: str
    text: str
    patient_id: int | None = None
    nurse_id: int | None = None


@dataclass
class Evaluation:
    #: Weighted cost per term (:data:`TERMS`).
    terms: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TERMS, 0))
    #: Unweighted quantities per term: acuity points outside the fair share,
    #: continuity breaks, room steps outside the nurses' zones, patients with a
    #: skill mismatch, room steps between each nurse's first and last patient.
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TERMS, 0))
    workload: dict[int, int] = field(default_factory=dict)
    patients_per_nurse: dict[int, int] = field(default_factory=dict)
    #: nurse id -> last minus first room position of their patients (shown, not in the objective).
    span: dict[int, int] = field(default_factory=dict)
    zones: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def objective(self) -> int:
        return sum(self.terms.values())


def nurse_cap(nurse: Nurse) -> int:
    return nurse.cap


def fair_shares(problem: AssignmentProblem) -> dict[int, tuple[int, int]]:
    """Each nurse's fair share of acuity points as a (floor, ceiling) band.

    The acuity of the patients who are not on 1:1 observation is split in
    proportion to the nurses' caps.  Each 1:1 patient takes one nurse out of
    the split (a nurse of the most common cap among non-charge nurses); a
    nurse who has a 1:1 patient is exempt from the balance term.
    """
    caps = {n.id: n.cap for n in problem.nurses}
    shared = sum(p.acuity for p in problem.patients if not p.one_to_one)
    k = sum(1 for p in problem.patients if p.one_to_one)
    total = sum(caps.values())
    if k:
        pool = [n.cap for n in problem.nurses if not n.is_charge] or [n.cap for n in problem.nurses]
        counts = Counter(pool)
        typical = max(counts, key=lambda c: (counts[c], c)) if counts else 0
        total -= k * typical
    out: dict[int, tuple[int, int]] = {}
    for nid, cap in caps.items():
        if total <= 0 or cap <= 0:
            out[nid] = (0, 0)
            continue
        num = shared * cap
        lo = num // total
        hi = lo if num % total == 0 else lo + 1
        out[nid] = (lo, hi)
    return out


#: Above this many nurses the corridor order of the zones is chosen greedily
#: instead of by the exact DP over subsets of nurses.
ZONE_DP_LIMIT = 12


def _zone_sizes(nurses: list[Nurse], count: int) -> list[int]:
    """Patients per zone: ``count`` split in proportion to the caps (largest
    remainders first, never above a cap)."""
    total = sum(n.cap for n in nurses)
    target = min(count, total)
    raw = [target * n.cap / total for n in nurses]
    sizes = [min(n.cap, int(r)) for n, r in zip(nurses, raw, strict=True)]
    order = sorted(range(len(nurses)), key=lambda i: (-(raw[i] - int(raw[i])), i))
    left = target - sum(sizes)
    while left > 0:
        for i in order:
            if left and sizes[i] < nurses[i].cap:
                sizes[i] += 1
                left -= 1
    return sizes


def zone_plan(problem: AssignmentProblem) -> dict[int, tuple[int, int]]:
    """Each nurse's home zone along the corridor: (first, last) room position.

    The patients are laid out in corridor order (room position, room, id) and
    cut into one contiguous run per nurse, its length in proportion to the
    nurse's cap (the last zone also takes the patients beyond the unit's
    capacity, if any).  Sizing by acuity instead was measured worse (more
    room steps and broken continuity on the 40-bed benchmark).  The order of
    the nurses along the corridor is the one that puts the most patients in
    the zone of their previous (or pinned) nurse: an exact DP over (nurses
    placed, patients covered) up to :data:`ZONE_DP_LIMIT` nurses, above it
    nurses sorted by the median position of their previous patients.  Ties keep
    the input order.  Zones depend on the problem only, never on the
    assignment; nurses with a cap of 0 (or placed after the last patient) have
    no zone.
    """
    pats = sorted(problem.patients, key=lambda p: (p.room_position, p.room, p.id))
    nurses = [n for n in problem.nurses if n.cap > 0]
    if not nurses or not pats:
        return {}
    sizes = _zone_sizes(nurses, len(pats))
    pinned = {pin.patient_id: pin.nurse_id for pin in problem.pins}
    owner = [pinned.get(p.id, p.previous_nurse_id) for p in pats]
    count, size = len(nurses), len(pats)

    def segment(i: int, start: int, last: bool) -> int:
        return size if last else min(size, start + sizes[i])

    def hits(i: int, start: int, end: int) -> int:
        nid = nurses[i].id
        return sum(1 for q in owner[start:end] if q == nid)

    order: list[int]
    if count <= ZONE_DP_LIMIT:
        # state (mask of nurses placed, patients covered) -> (hits, order)
        layer: dict[tuple[int, int], tuple[int, tuple[int, ...]]] = {(0, 0): (0, ())}
        for placed in range(count):
            last = placed == count - 1
            nxt: dict[tuple[int, int], tuple[int, tuple[int, ...]]] = {}
            for (mask, start), (value, seq) in layer.items():
                for i in range(count):
                    if mask >> i & 1:
                        continue
                    end = segment(i, start, last)
                    key = (mask | (1 << i), end)
                    cand = value + hits(i, start, end)
                    if key not in nxt or cand > nxt[key][0]:
                        nxt[key] = (cand, (*seq, i))
            layer = nxt
        order = list(max(layer.values(), key=lambda v: v[0])[1])
    else:
        index = {p.id: k for k, p in enumerate(pats)}

        def anchor(i: int) -> float:
            mine = sorted(index[p.id] for p in problem.patients if p.previous_nurse_id == nurses[i].id)
            return mine[len(mine) // 2] if mine else float("inf")

        order = sorted(range(count), key=lambda i: (anchor(i), i))
    out: dict[int, tuple[int, int]] = {}
    start = 0
    for k, i in enumerate(order):
        end = segment(i, start, k == count - 1)
        if end > start:
            out[nurses[i].id] = (pats[start].room_position, pats[end - 1].room_position)
        start = end
    return out


def zone_distance(zone: tuple[int, int] | None, position: int) -> int:
    """Room steps from ``position`` to the zone (0 inside it or without a zone)."""
    if zone is None:
        return 0
    return max(0, zone[0] - position, position - zone[1])


def available_skills(problem: AssignmentProblem) -> frozenset[str]:
    skills: set[str] = set()
    for n in problem.nurses:
        skills |= n.skills
    return frozenset(skills)


def evaluate(
    problem: AssignmentProblem,
    assignment: Mapping[int, int],
    *,
    zones: dict[int, tuple[int, int]] | None = None,
    shares: dict[int, tuple[int, int]] | None = None,
) -> Evaluation:
    """Score an assignment (patient id -> nurse id) term by term.

    Patients missing from ``assignment`` and unknown nurses are ignored here
    (:func:`check_assignment` reports them).  ``zones`` and ``shares`` may be
    passed when already computed (:func:`zone_plan`, :func:`fair_shares`).
    """
    w = problem.weights
    nurses = {n.id: n for n in problem.nurses}
    ev = Evaluation()
    ev.workload = {n.id: 0 for n in problem.nurses}
    ev.patients_per_nurse = {n.id: 0 for n in problem.nurses}
    positions: dict[int, list[int]] = {n.id: [] for n in problem.nurses}
    with_one_to_one: set[int] = set()
    have = available_skills(problem)
    ev.zones = zone_plan(problem) if zones is None else zones
    for p in problem.patients:
        nid = assignment.get(p.id)
        if nid not in nurses:
            continue
        ev.counts["spread"] += zone_distance(ev.zones.get(nid), p.room_position)
        ev.workload[nid] += p.acuity
        ev.patients_per_nurse[nid] += 1
        positions[nid].append(p.room_position)
        if p.one_to_one:
            with_one_to_one.add(nid)
        if p.previous_nurse_id in nurses and p.previous_nurse_id != nid:
            ev.counts["continuity"] += 1
        if (p.required_skills & have) - nurses[nid].skills:
            ev.counts["skill_mismatch"] += 1
    shares = fair_shares(problem) if shares is None else shares
    for nid, load in ev.workload.items():
        if nid in with_one_to_one:
            continue
        lo, hi = shares[nid]
        ev.counts["balance"] += max(0, load - hi, lo - load)
    ev.span = {nid: (max(ps) - min(ps) if ps else 0) for nid, ps in positions.items()}
    ev.counts["span"] = sum(ev.span.values())
    ev.terms["balance"] = w.balance * ev.counts["balance"]
    ev.terms["continuity"] = w.continuity * ev.counts["continuity"]
    ev.terms["spread"] = w.spread * ev.counts["spread"]
    ev.terms["skill_mismatch"] = (w.skill_mismatch or 0) * ev.counts["skill_mismatch"]
    ev.terms["span"] = w.span * ev.counts["span"]
    return ev


def _skills(skills: frozenset[str]) -> str:
    return ", ".join(sorted(skills))


def _ratio(problem: AssignmentProblem) -> str:
    return f" ({problem.ratio_label})" if problem.ratio_label else ""


def check_assignment(problem: AssignmentProblem, assignment: Mapping[int, int]) -> list[Violation]:
    """Every hard rule the assignment breaks, in plain words.

    Used by the app to warn when the coordinator overrides the optimiser; the
    optimiser's own results never contain violations other than
    ``skill_unavailable`` (waived skills, see
    :attr:`AssignmentProblem.waive_unavailable_skills`) and, with soft
    skills, ``skill``.
    """
    nurses = {n.id: n for n in problem.nurses}
    patients = {p.id: p for p in problem.patients}
    have = available_skills(problem)
    out: list[Violation] = []
    for pid in assignment:
        if pid not in patients:
            out.append(Violation("unknown_patient", f"Patient {pid} is not on the unit.", patient_id=pid))
    per_nurse: dict[int, list[Patient]] = {nid: [] for nid in nurses}
    for p in problem.patients:
        nid = assignment.get(p.id)
        if nid is None:
            out.append(Violation("unassigned", f"{p.label} has no nurse.", patient_id=p.id))
            continue
        if nid not in nurses:
            out.append(
                Violation("unknown_nurse", f"{p.label} is given to nurse {nid}, who is not on the shift.", p.id, nid)
            )
            continue
        per_nurse[nid].append(p)
    for nid, ps in per_nurse.items():
        n = nurses[nid]
        if len(ps) > n.cap:
            what = "charge nurse's limit" if n.is_charge and n.charge_max_patients is not None else "ratio cap"
            out.append(
                Violation(
                    "cap",
                    f"{n.label} has {len(ps)} patients; the {what} is {n.cap}{_ratio(problem)}.",
                    nurse_id=nid,
                )
            )
        solo = [p for p in ps if p.one_to_one]
        if solo and len(ps) > 1:
            for p in solo:
                out.append(
                    Violation(
                        "one_to_one",
                        f"{p.label} needs 1:1 observation but {n.label} also has {len(ps) - 1} other patient(s).",
                        p.id,
                        nid,
                    )
                )
        for p in ps:
            missing = p.required_skills - n.skills
            if missing & have:
                out.append(
                    Violation(
                        "skill",
                        f"{p.label} needs {_skills(missing & have)}, which {n.label} does not have.",
                        p.id,
                        nid,
                    )
                )
            if missing - have:
                out.append(
                    Violation(
                        "skill_unavailable",
                        f"{p.label} needs {_skills(missing - have)}, which no nurse on this shift has.",
                        p.id,
                        nid,
                    )
                )
    for pin in problem.pins:
        got = assignment.get(pin.patient_id)
        if pin.patient_id in patients and got != pin.nurse_id:
            who = nurses[pin.nurse_id].label if pin.nurse_id in nurses else f"nurse {pin.nurse_id}"
            out.append(
                Violation(
                    "pin",
                    f"{patients[pin.patient_id].label} is pinned to {who}.",
                    pin.patient_id,
                    pin.nurse_id,
                )
            )
    for fb in problem.forbids:
        if fb.patient_id in patients and assignment.get(fb.patient_id) == fb.nurse_id and fb.nurse_id in nurses:
            out.append(
                Violation(
                    "forbid",
                    f"{patients[fb.patient_id].label} must not be given to {nurses[fb.nurse_id].label}.",
                    fb.patient_id,
                    fb.nurse_id,
                )
            )
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda v: order[v.kind])
    return out


def hard_violations(problem: AssignmentProblem, violations: list[Violation]) -> list[Violation]:
    """The violations that the optimiser treats as hard for this problem."""
    soft = set()
    if problem.weights.skill_mismatch is not None:
        soft.add("skill")
    if problem.waive_unavailable_skills:
        soft.add("skill_unavailable")
    return [v for v in violations if v.kind not in soft]
