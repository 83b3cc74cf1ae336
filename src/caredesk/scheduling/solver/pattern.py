"""Work/off pattern of one person: a tiny CP-SAT model over ``H`` booleans.

Finding any feasible row directly on the shift-level model is hard for CP-SAT
when the minimum hours are tight (Instance22: 232-234 of 328 available days
under 5-on / 2-off rules; no row in 10 s with some settings).  The same
sequence and counting rules on the work/off pattern alone solve in about
0.05 s, and choosing shift types for a fixed pattern is then easy.
"""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from .indexed import OFF, Indexed
from .model import Boundary


def work_pattern(ix: Indexed, e: int, seconds: float, seed: int = 0, workers: int = 1) -> list[int] | None:
    """Per day, the length in minutes of the shift to work (0 = off), obeying
    person ``e``'s day-level rules, or None if none was found in time."""
    H = ix.H
    m = cp_model.CpModel()
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
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.solve(m)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out = [0] * H
    for d, ys_d in chosen.items():
        for L, y in ys_d.items():
            if (y == 1) if isinstance(y, int) else solver.boolean_value(y):
                out[d] = L
    return out
