"""Work/off patterns: of one person (``work_pattern``, a tiny CP-SAT model
over ``H`` booleans) or of everyone at once against the cover counted in
heads per day (``roster_patterns``).

Finding any feasible row directly on the shift-level model is hard for CP-SAT
when the minimum hours are tight (Instance22: 232-234 of 328 available days
under 5-on / 2-off rules; no row in 10 s with some settings).  The same
sequence and counting rules on the work/off pattern alone solve in about
0.05 s, and choosing shift types for a fixed pattern is then easy.
"""

from __future__ import annotations

import itertools
from typing import Any

from ortools.sat.python import cp_model

from .build import head_delta
from .indexed import OFF, IDemand, Indexed
from .model import Boundary


def work_pattern(ix: Indexed, e: int, seconds: float, seed: int = 0, workers: int = 1) -> list[int] | None:
    """Per day, the length in minutes of the shift to work (0 = off), obeying
    person ``e``'s day-level rules, or None if none was found in time."""
    m = cp_model.CpModel()
    _, chosen = _pattern_rules(m, ix, e)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.solve(m)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out = [0] * ix.H
    for d, ys_d in chosen.items():
        for L, y in ys_d.items():
            if (y == 1) if isinstance(y, int) else solver.boolean_value(y):
                out[d] = L
    return out


def _pattern_rules(m: cp_model.CpModel, ix: Indexed, e: int) -> tuple[list[Any], dict[int, dict[int, Any]]]:
    """Person ``e``'s day-level rules in ``m``: per day the work literal (or
    a 0/1 constant), and per day the literals of the shift lengths worked."""
    H = ix.H
    hist = [0 if v == OFF else 1 for v in ix.history[e]]
    outside: int | None = None if ix.boundary is Boundary.OPEN else 0
    w: list[Any] = []
    for d in range(H):
        if not ix.allowed[e][d]:
            w.append(0)
        elif d in ix.forced_work[e]:
            w.append(1)
        else:
            w.append(m.new_bool_var(f"w{d}"))

    def cell(d: int) -> Any:
        if d < 0:
            return hist[d] if -d <= len(hist) else outside
        if d >= H:
            return outside
        return w[d]

    # Minutes through length classes: y[d][L] = works a shift of length L on d.
    # Per-type maxima are aggregated per class (an upper bound), so the
    # pattern may occasionally admit no shift assignment; the caller checks.
    by_len: dict[int, list[int]] = {}
    for s in {s for row in ix.allowed[e] for s in row}:
        by_len.setdefault(ix.length[s], []).append(s)
    minutes = []
    per_class: dict[int, list[Any]] = {}
    day_minutes: dict[int, Any] = {}
    chosen: dict[int, dict[int, Any]] = {}
    for d in range(H):
        v = w[d]
        classes = sorted({ix.length[s] for s in ix.allowed[e][d]})
        if (isinstance(v, int) and v == 0) or not classes:
            continue
        if len(classes) == 1:
            chosen[d] = {classes[0]: v}
            minutes.append(classes[0] * v)
            day_minutes[d] = classes[0] * v
            if not isinstance(v, int):
                per_class.setdefault(classes[0], []).append(v)
            continue
        ys = {L: m.new_bool_var(f"y{d}_{L}") for L in classes}
        m.add(sum(ys.values()) == v)
        chosen[d] = dict(ys)
        for L, y in ys.items():
            minutes.append(L * y)
            per_class.setdefault(L, []).append(y)
        day_minutes[d] = sum(L * y for L, y in ys.items())
    total = sum(minutes)
    known = ix.history[e]
    for span, mx in ix.windows[e]:
        for d0 in range(-min(span - 1, len(known)), H):
            inside = [day_minutes[d] for d in range(max(0, d0), min(H, d0 + span)) if d in day_minutes]
            before = sum(ix.length[s] for s in known[len(known) + d0 :] if s != OFF) if d0 < 0 else 0
            if inside:
                m.add(sum(inside) + before <= mx)
    if ix.min_minutes[e] is not None:
        m.add(total >= (ix.min_minutes[e] or 0))
    if ix.max_minutes[e] is not None:
        m.add(total <= (ix.max_minutes[e] or 0))
    for L, ys_l in per_class.items():
        limits = [ix.max_shifts[e].get(s) for s in by_len.get(L, [])]
        if limits and all(lim is not None for lim in limits):
            m.add(sum(ys_l) <= sum(lim for lim in limits if lim is not None))
    kmax = ix.max_consec[e]
    if kmax is not None:
        for a in range(-len(hist), H - kmax):
            cells = [cell(d) for d in range(a, a + kmax + 1)]
            if any(c is None for c in cells):
                continue
            const = sum(c for c in cells if isinstance(c, int))
            vs = [c for c in cells if not isinstance(c, int)]
            if vs and const + len(vs) > kmax:
                m.add(sum(vs) <= kmax - const)
    for k, on in ((ix.min_consec[e], True), (ix.min_off[e], False)):
        if not k or k <= 1:
            continue
        for d in range(-len(hist), H + 1):
            for j in range(1, k):
                items = [(cell(d - 1), on)] + [(cell(t), not on) for t in range(d, d + j)] + [(cell(d + j), on)]
                if any(c is None for c, _ in items):
                    continue
                lits: list[Any] = []
                sat = False
                for c, pos in items:
                    if isinstance(c, int):
                        if (c == 1) == pos:
                            sat = True
                            break
                        continue
                    lits.append(c if pos else c.Not())
                if sat or not lits:
                    continue
                m.add_bool_or(lits)
    mw = ix.max_weekends[e]
    if mw is not None:
        flags: list[Any] = []
        for days in ix.weekends:
            vs = [w[d] for d in days]
            if any(isinstance(v, int) and v == 1 for v in vs):
                flags.append(1)
                continue
            lits = [v for v in vs if not isinstance(v, int)]
            if lits:
                b = m.new_bool_var("")
                m.add_max_equality(b, lits)
                flags.append(b)
        m.add(sum(flags) <= mw)
    return w, chosen


def roster_patterns(
    ix: Indexed, solver: cp_model.CpSolver, on_solution: cp_model.CpSolverSolutionCallback | None = None
) -> list[list[bool]] | None:
    """Who works which day, for everyone at once: every person's day-level
    rules (``_pattern_rules``) and the cover counted in heads per day, solved
    by ``solver`` (the caller sets its limits; ``on_solution`` sees each
    solution), or None if nothing was found.

    Which shift each head works is left out: the heads on a day fill the
    day's demands in order of what a missing head costs, so the cover term
    is a sum of ordered booleans (``_day_cover``).  Requests for a day count
    exactly; a request for a shift counts as one for the day, and one
    against a shift is left to the shift-level model.  The shift-level model
    with these days fixed is much smaller than the whole model: this is a
    first roster where the whole model is out of reach (decision 0006)."""
    m = cp_model.CpModel()
    work = [_pattern_rules(m, ix, e)[0] for e in range(ix.E)]
    costs: list[Any] = []
    for d in range(ix.H):
        costs.extend(_day_cover(m, ix, d, [row[d] for row in work]))
    for r in ix.requests:
        v = work[r.staff][r.day]
        if isinstance(v, int) or (r.shift is not None and not r.on):
            continue
        costs.append((-r.weight if r.on else r.weight) * v)
    m.minimize(sum(costs))
    code = solver.solve(m, on_solution)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [[bool(v) if isinstance(v, int) else solver.boolean_value(v) for v in row] for row in work]


def _day_cover(m: cp_model.CpModel, ix: Indexed, d: int, works: list[Any]) -> list[Any]:
    """Day ``d``'s cover cost over the heads working it.  Each head a demand
    still gains from (up to its minimum or preferred level) is a unit worth
    that gain (``head_delta``); the heads fill the dearest units first
    (ordered booleans), and heads beyond every unit cost the cheapest
    over-cover weight among the shifts that may be worked that day.  With
    one demand per shift and one shift, this is the whole model's cover
    cost exactly."""
    units: list[int] = []
    for s in range(ix.S):
        for i in ix.demands_at.get((d, s), ()):
            dm = ix.demands[i]
            level = max(dm.minimum, dm.preferred or 0)
            units.extend(gain for k in range(level) if (gain := -head_delta(dm, k)) > 0)
    workable = {s for e in range(ix.E) for s in ix.allowed[e][d]}
    over_weight = min(
        (min((_over_weight(ix.demands[i]) for i in ix.demands_at.get((d, s), ())), default=0) for s in workable),
        default=0,
    )
    units.sort(reverse=True)
    heads = sum(works)
    filled = [m.new_bool_var(f"u{d}_{k}") for k in range(len(units))]
    for a, b in itertools.pairwise(filled):
        m.add_implication(b, a)
    terms: list[Any] = [-u * y for u, y in zip(units, filled, strict=True)]
    if not over_weight:
        m.add(sum(filled) <= heads)
        return terms
    over = m.new_int_var(0, ix.E, f"over{d}")
    m.add(sum(filled) + over == heads)
    if filled:
        m.add(over == 0).only_enforce_if(filled[-1].Not())
    terms.append(over_weight * over)
    return terms


def _over_weight(dm: IDemand) -> int:
    """What a head beyond the demand's levels costs."""
    return dm.over_weight if dm.preferred is not None else 0
