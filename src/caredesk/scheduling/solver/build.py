"""CP-SAT model of the general rostering problem, for the whole roster or for a
region of it.

One boolean ``x[e,d,s]`` per allowed (staff, day, shift) and ``w[e,d]`` (works
that day) with ``w = sum_s x``.  Sequence rules use the sliding-window /
forbidden-pattern formulation (max consecutive: every window of K+1 days has at
most K worked days; min block k: for each j < k, the pattern off, j days on,
off is forbidden), which is the strongest compact encoding for these rules.

A *region* decides, for each cell, whether it is FREE (a variable), FIXED (a
constant taken from a given grid) or OPEN (not decided yet: rules that would
need it are skipped, as for days outside an OPEN horizon).  The full solve
frees every cell; large-neighbourhood search frees a window; the rolling
construction frees a window with fixed past and open future.  Rules touching
no free cell are left out, so a small region gives a small model even on a
364-day, 150-staff instance.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from .indexed import OFF, Grid, IDemand, Indexed
from .model import Boundary

Lit = cp_model.IntVar
#: a cell value seen by a rule: a literal, a 0/1 constant, or None (open)
Cell = Lit | int | None

#: weight of a missing person under a hard minimum while constructing
ELASTIC_WEIGHT = 100_000

Guard = Callable[[str, int], "Lit | None"]
Terms = list[tuple[int, Lit]]


def head_delta(dm: IDemand, n: int) -> int:
    """The change of a demand's cost from ``n`` to ``n + 1`` people."""
    delta = 0
    if n < dm.minimum:
        delta -= ELASTIC_WEIGHT if dm.minimum_weight is None else dm.minimum_weight
    if dm.preferred is not None:
        delta += -dm.under_weight if n < dm.preferred else dm.over_weight
    return delta


def set_hints(model: cp_model.CpModel, values: dict[int, int]) -> None:
    """Add hints by variable index, straight into the proto: ``add_hint``
    per variable was a tenth of the Python time of a neighbourhood of
    Instance24."""
    model.proto.solution_hint.vars.extend(values.keys())
    model.proto.solution_hint.values.extend(values.values())


@dataclass
class Aux:
    """``var = max(0, parts[0] + consts[0])`` (op ``pos``), or the max / min
    over several linear expressions (ops ``max`` / ``min``)."""

    var: cp_model.IntVar
    op: str
    parts: list[Terms]
    consts: list[int]


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[tuple[int, int], dict[int, Lit]]
    work: dict[tuple[int, int], Lit]
    terms: dict[str, list[tuple[int, cp_model.LinearExprT]]] = field(default_factory=dict)
    offset: int = 0
    #: auxiliary variables and how to compute them from the cells (for complete hints)
    aux: list[Aux] = field(default_factory=list)

    def objective_expr(self) -> cp_model.LinearExprT:
        parts = [c * v for ts in self.terms.values() for c, v in ts]
        return sum(parts) if parts else 0  # type: ignore[return-value]

    def extract(self, solver: cp_model.CpSolver, grid: Grid) -> Grid:
        out = [row[:] for row in grid]
        for (e, d), xs in self.x.items():
            val = OFF
            for s, v in xs.items():
                if solver.boolean_value(v):
                    val = s
                    break
            out[e][d] = val
        return out

    def hint(self, grid: Grid) -> None:
        """Hint every variable (cells and auxiliaries) from ``grid``, so that
        CP-SAT starts from the incumbent instead of repairing a partial hint."""
        val: dict[int, int] = {}
        m = self.model
        for (e, d), xs in self.x.items():
            g = grid[e][d]
            for s, v in xs.items():
                val[v.index] = 1 if g == s else 0
            w = self.work.get((e, d))
            if w is not None:
                val[w.index] = 0 if g == OFF else 1

        def lin(terms: list[tuple[int, Lit]], const: int) -> int:
            return const + sum(c * val[v.index] for c, v in terms)

        for a in self.aux:
            if a.op == "pos":
                x = max(0, lin(a.parts[0], a.consts[0]))
            elif a.op == "max":
                x = max(lin(t, c) for t, c in zip(a.parts, a.consts, strict=True))
            else:
                x = min(lin(t, c) for t, c in zip(a.parts, a.consts, strict=True))
            val[a.var.index] = x
        set_hints(m, val)


class _Builder:
    def __init__(
        self,
        ix: Indexed,
        grid: Grid | None,
        free: list[list[bool]] | None,
        guard: Guard | None,
        relaxed_cells: bool,
        model: cp_model.CpModel | None = None,
        elastic: bool = False,
        hard_only: bool = False,
        domains: dict[tuple[int, int], list[int]] | None = None,
    ) -> None:
        self.ix = ix
        self.domains = domains
        self.grid = grid
        self.free = free
        self.guard = guard
        self.m = model if model is not None else cp_model.CpModel()
        self.elastic = elastic
        self.hard_only = hard_only
        self.x: dict[tuple[int, int], dict[int, Lit]] = {}
        self.work: dict[tuple[int, int], Lit] = {}
        self.terms: dict[str, list[tuple[int, cp_model.LinearExprT]]] = {}
        self.offset = 0
        self.relaxed_cells = relaxed_cells
        self.free_days: list[list[int]] = []
        self.aux: list[Aux] = []

    def pos(self, name: str, ub: int, terms: Terms, const: int) -> cp_model.IntVar:
        """New ``v >= max(0, terms + const)``; minimisation makes it equal."""
        v = self.m.new_int_var(0, max(0, ub), name)
        self.m.add(v >= sum(c * x for c, x in terms) + const)
        self.aux.append(Aux(v, "pos", [terms], [const]))
        return v

    # ----- cell access -------------------------------------------------
    def is_free(self, e: int, d: int) -> bool:
        if d < 0 or d >= self.ix.H:
            return False
        return self.free is None or self.free[e][d]

    def fixed_value(self, e: int, d: int) -> int | None:
        """Shift index/OFF of a non-free cell, or None if open."""
        if d < 0:
            hist = self.ix.history[e]
            if -d <= len(hist):
                return hist[d]
            return None if self.ix.boundary is Boundary.OPEN else OFF
        if d >= self.ix.H:
            return None if self.ix.boundary is Boundary.OPEN else OFF
        assert self.grid is not None
        return self.grid[e][d]

    def w(self, e: int, d: int) -> Cell:
        if self.is_free(e, d):
            return self.work.get((e, d), 0)
        v = self.fixed_value(e, d)
        return None if v is None else (0 if v == OFF else 1)

    def xs(self, e: int, d: int, s: int) -> Cell:
        if self.is_free(e, d):
            return self.x[(e, d)].get(s, 0)
        v = self.fixed_value(e, d)
        return None if v is None else (1 if v == s else 0)

    def g(self, kind: str, e: int) -> Lit | None:
        return None if self.guard is None else self.guard(kind, e)

    def enforce(self, ct: cp_model.Constraint, kind: str, e: int) -> None:
        lit = self.g(kind, e)
        if lit is not None:
            ct.only_enforce_if(lit)

    def term(self, name: str, coef: int, expr: cp_model.LinearExprT) -> None:
        if coef:
            self.terms.setdefault(name, []).append((coef, expr))

    def clause(self, items: Iterable[tuple[Cell, bool]], kind: str, e: int) -> None:
        """Add OR of (cell if positive else not cell); skip if any cell is open
        or the clause is already satisfied by constants."""
        lits: list[Any] = []
        for cell, pos in items:
            if cell is None:
                return
            if isinstance(cell, int):
                if (cell == 1) == pos:
                    return
                continue
            lits.append(cell if pos else cell.Not())
        if lits:
            self.enforce(self.m.add_bool_or(lits), kind, e)

    # ----- variables ---------------------------------------------------
    def make_vars(self) -> None:
        ix, m = self.ix, self.m
        all_days = list(range(ix.H))
        for e in range(ix.E):
            days = all_days[:] if self.free is None else [d for d, f in enumerate(self.free[e]) if f]
            for d in days:
                allowed = list(range(ix.S)) if self.relaxed_cells else ix.allowed[e][d]
                if self.domains is not None:
                    allowed = self.domains.get((e, d), allowed)
                xs = {s: m.new_bool_var(f"x{e}_{d}_{s}") for s in allowed}
                self.x[(e, d)] = xs
                if not xs:
                    continue
                lits = list(xs.values())
                if len(lits) == 1:
                    self.work[(e, d)] = lits[0]
                else:
                    wv = m.new_bool_var(f"w{e}_{d}")
                    m.add_exactly_one([wv.Not(), *lits])
                    self.work[(e, d)] = wv
                if self.relaxed_cells:
                    self._relaxed_cell_rules(e, d, xs)
                elif d in ix.forced_work[e]:
                    m.add(self.work[(e, d)] == 1)
            self.free_days.append(days)

    def _relaxed_cell_rules(self, e: int, d: int, xs: dict[int, Lit]) -> None:
        """Explanation mode: leave, pins, skills and zero limits as guarded rules."""
        ix = self.ix
        wv = self.work[(e, d)]
        if d in ix.leave[e]:
            self.enforce(self.m.add(wv == 0), "leave", e)
            return
        if d in ix.pinned_off[e]:
            self.enforce(self.m.add(wv == 0), "pins", e)
            return
        if d in ix.forced_work[e]:
            (s,) = ix.allowed[e][d]
            self.enforce(self.m.add(xs[s] == 1), "pins", e)
            return
        ok = set(ix.allowed[e][d])
        for s, v in xs.items():
            if s not in ok:
                kind = "max_shifts" if ix.max_shifts[e].get(s, 1) <= 0 else "skills"
                self.enforce(self.m.add(v == 0), kind, e)

    # ----- hard rules --------------------------------------------------
    def successions(self, e: int, lo: int, hi: int) -> None:
        """Forbidden successions: for each group of shifts with the same
        forbidden followers, at most one of (a group shift on day d, a
        follower on day d + gap).  Free cells' shifts that are not allowed
        are 0 and left out (the speed of one-person models on 364 days x 32
        shifts); without an explanation guard the cheap at-most-one form is
        used (building these dominated neighbourhood models of Instance24)."""
        guard = self.g("successions", e)
        m = self.m
        for gap, groups in self.ix.succ_groups(e).items():
            for d in range(lo - gap, hi + 1):
                free_a, free_b = self.is_free(e, d), self.is_free(e, d + gap)
                if not (free_a or free_b):
                    continue
                xa = self.x[(e, d)] if free_a else None
                xb = self.x[(e, d + gap)] if free_b else None
                va = None if free_a else self.fixed_value(e, d)
                vb = None if free_b else self.fixed_value(e, d + gap)
                if (not free_a and va is None) or (not free_b and vb is None):
                    continue  # an open cell: the rule cannot be decided
                for ss, ts in groups:
                    left = [xa[s] for s in ss if s in xa] if xa is not None else []
                    right = [xb[t] for t in ts if t in xb] if xb is not None else []
                    if xa is not None and xb is not None:
                        if not left or not right:
                            continue
                        if guard is None:
                            m.add_at_most_one(left + right)
                            continue
                        ct = m.add(cp_model.LinearExpr.sum(left + right) <= 1)
                    else:
                        # one side fixed: if it holds, the free side's cells are off
                        holds = va in ss if xa is None else vb in ts
                        vs = right if xa is None else left
                        if not holds or not vs:
                            continue
                        ct = m.add_bool_and([v.Not() for v in vs])
                    if guard is not None:
                        ct.only_enforce_if(guard)

    def lin(self, cells: Iterable[tuple[int, Cell]]) -> tuple[list[tuple[int, Lit]], int, bool]:
        """Split weighted cells into variable terms, a constant, and whether any is open."""
        vs: list[tuple[int, Lit]] = []
        const = 0
        opened = False
        for c, cell in cells:
            if cell is None:
                opened = True
            elif isinstance(cell, int):
                const += c * cell
            else:
                vs.append((c, cell))
        return vs, const, opened

    def counting(self, e: int) -> None:
        ix, m, H = self.ix, self.m, self.ix.H
        # minutes: constants from fixed cells, one pass over the row
        fixed_minutes = 0
        fixed_count = [0] * ix.S
        free_row = self.free[e] if self.free is not None else None
        if free_row is not None and self.grid is not None:
            length = ix.length
            for v, is_free in zip(self.grid[e], free_row, strict=True):
                if v != OFF and not is_free:
                    fixed_minutes += length[v]
                    fixed_count[v] += 1
        free_x = [self.x[(e, d)] for d in self.free_days[e]]
        mterms: Terms = [(ix.length[s], v) for xs in free_x for s, v in xs.items()]
        expr = cp_model.LinearExpr.weighted_sum([v for _, v in mterms], [c for c, _ in mterms]) + fixed_minutes
        maxlen = max(ix.length) if ix.length else 0
        mx, mn = ix.max_minutes[e], ix.min_minutes[e]
        if mx is not None:
            self.enforce(m.add(expr <= mx), "max_minutes", e)
        if mn is not None:
            self.enforce(m.add(expr >= mn), "min_minutes", e)
        if ix.contracted[e] is not None and ix.overtime_weight[e]:
            ot = self.pos(f"ot{e}", H * maxlen, mterms, fixed_minutes - (ix.contracted[e] or 0))
            self.term("overtime", ix.overtime_weight[e], ot)
        # per-type maxima
        for s, lim in ix.max_shifts[e].items():
            if lim <= 0:
                continue
            vs = [xs[s] for xs in free_x if s in xs]
            if not vs:
                continue
            if fixed_count[s] + len(vs) > lim:
                self.enforce(m.add(cp_model.LinearExpr.sum(vs) + fixed_count[s] <= lim), "max_shifts", e)
        self.windows(e)

    def windows(self, e: int) -> None:
        """At most N minutes in any run of K days; unknown cells (outside an
        open horizon) count as nothing, known history counts."""
        ix = self.ix
        for k, mx in ix.windows[e]:
            first = -min(k - 1, len(ix.history[e]))
            for d0 in range(first, ix.H):
                days = range(d0, d0 + k)
                if not any(self.is_free(e, d) for d in days):
                    continue
                terms = [(ix.length[s], self.xs(e, d, s)) for d in days if d < ix.H for s in range(ix.S)]
                vs, const, _ = self.lin(terms)
                if vs and sum(c for c, _ in vs) + const > mx:
                    self.enforce(self.m.add(sum(c * v for c, v in vs) + const <= mx), "window_minutes", e)

    def _shifts_at(self, e: int, d: int) -> list[int]:
        if self.is_free(e, d):
            return list(self.x[(e, d)].keys())
        v = self.fixed_value(e, d)
        return [] if v is None or v == OFF else [v]

    def weekend_lits(self, e: int) -> list[Cell]:
        out: list[Cell] = []
        free_row = self.free[e] if self.free is not None else None
        for w, days in enumerate(self.ix.weekends):
            if free_row is not None and self.grid is not None and not any(free_row[d] for d in days):
                out.append(int(any(self.grid[e][d] != OFF for d in days)))  # fixed weekend
                continue
            cells = [self.w(e, d) for d in days]
            known = [c for c in cells if c is not None]
            if any(isinstance(c, int) and c == 1 for c in known):
                out.append(1)
                continue
            lits = [c for c in known if not isinstance(c, int)]
            if not lits:
                out.append(0 if known else None)
                continue
            if len(lits) == 1:
                out.append(lits[0])
                continue
            wk = self.m.new_bool_var(f"wk{e}_{w}")
            self.m.add_max_equality(wk, lits)
            self.aux.append(Aux(wk, "max", [[(1, lit)] for lit in lits], [0] * len(lits)))
            out.append(wk)
        return out

    def weekends(self, e: int, wk: list[Cell]) -> None:
        mw = self.ix.max_weekends[e]
        if mw is None:
            return
        vs, const, _ = self.lin((1, c) for c in wk)
        if not vs:
            return
        expr = sum(v for _, v in vs) + const
        self.enforce(self.m.add(expr <= mw), "max_weekends", e)

    def sequences(self, e: int, lo: int, hi: int) -> None:
        ix = self.ix
        kmax = ix.max_consec[e]
        if kmax is not None:
            for a in range(lo - kmax, hi + 1):
                cells = [self.w(e, d) for d in range(a, a + kmax + 1)]
                if any(c is None for c in cells):
                    continue
                vs, const, _ = self.lin((1, c) for c in cells)
                if vs and const + len(vs) > kmax:
                    self.enforce(self.m.add(sum(v for _, v in vs) <= kmax - const), "max_consecutive", e)
        for k, val, kind in ((ix.min_consec[e], 1, "min_consecutive"), (ix.min_off[e], 0, "min_days_off")):
            if not k or k <= 1:
                continue
            on = val == 1
            for d in range(lo - k, hi + 2):
                for j in range(1, k):
                    days = range(d, d + j)
                    if not any(self.is_free(e, t) for t in (d - 1, *days, d + j)):
                        continue
                    items: list[tuple[Cell, bool]] = [(self.w(e, d - 1), on)]
                    items += [(self.w(e, t), not on) for t in days]
                    items.append((self.w(e, d + j), on))
                    self.clause(items, kind, e)

    # ----- soft terms ----------------------------------------------------
    def cover(self) -> None:
        ix, m = self.ix, self.m
        by_day: dict[int, list[int]] = {}
        for e, d in self.x:
            by_day.setdefault(d, []).append(e)
        for d in sorted(by_day):
            free_staff = by_day[d]
            free_set = set(free_staff)
            fixed_count = [0] * ix.S
            for e in range(ix.E):
                if e not in free_set:
                    v = self.fixed_value(e, d)
                    if v is not None and v != OFF:
                        fixed_count[v] += 1
            for s in range(ix.S):
                dem = ix.demands_at.get((d, s))
                if not dem:
                    continue
                all_vs: list[tuple[int, Lit]] = [(1, self.x[(e, d)][s]) for e in free_staff if s in self.x[(e, d)]]
                for i in dem:
                    dm = self._demand(i)
                    if dm.eligible is None:
                        vs, const = all_vs, fixed_count[s]
                    else:
                        vs, const, _ = self.lin((1, self.xs(e, d, s)) for e in sorted(dm.eligible))
                    if not vs:
                        self.offset += self._constant_cover_cost(i, const)
                        continue
                    if self._linear_cover(i, const, [v for _, v in vs]):
                        continue
                    n = sum(v for _, v in vs) + const
                    if dm.minimum > 0:
                        if dm.minimum_weight is None:
                            ct = m.add(n >= dm.minimum)
                            if self.guard is not None:
                                lit = self.guard("demand_minimum", i)
                                if lit is not None:
                                    ct.only_enforce_if(lit)
                        else:
                            short = self.pos(f"ms{i}", dm.minimum, [(-1, v) for _, v in vs], dm.minimum - const)
                            self.term("minimum_short", dm.minimum_weight, short)
                    if dm.preferred is not None and (dm.under_weight or dm.over_weight):
                        under = m.new_int_var(0, dm.preferred, f"un{i}")
                        over = m.new_int_var(0, ix.E, f"ov{i}")
                        m.add(n + under - over == dm.preferred)
                        self.aux.append(Aux(under, "pos", [[(-1, v) for _, v in vs]], [dm.preferred - const]))
                        self.aux.append(Aux(over, "pos", [[(1, v) for _, v in vs]], [const - dm.preferred]))
                        self.term("cover_under", dm.under_weight, under)
                        self.term("cover_over", dm.over_weight, over)

    def _demand(self, i: int) -> IDemand:
        dm = self.ix.demands[i]
        if self.elastic and dm.minimum > 0 and dm.minimum_weight is None:
            return dataclasses.replace(dm, minimum_weight=ELASTIC_WEIGHT)
        return dm

    def _linear_cover(self, i: int, const: int, vs: list[Lit]) -> bool:
        """Cover whose cost is linear over the counts the free cells can reach
        (no minimum or preferred level strictly inside ``const .. const +
        len(vs)``): one coefficient per cell, no under/over variables.  Keeps
        models with few free people per day small (one person's row, a few
        people's rows over a year: Instance24's 11 648 demands)."""
        dm = self._demand(i)
        kinks = [dm.preferred, dm.minimum if dm.minimum_weight is not None else None]
        if any(b is not None and const < b < const + len(vs) for b in kinks):
            return False
        base = self._constant_cover_cost(i, const)
        delta = self._constant_cover_cost(i, const + 1) - base
        if dm.minimum > 0 and dm.minimum_weight is None and const < dm.minimum:
            ct = self.m.add(cp_model.LinearExpr.sum(vs) + const >= dm.minimum)
            if self.guard is not None:
                lit = self.guard("demand_minimum", i)
                if lit is not None:
                    ct.only_enforce_if(lit)
        self.offset += base
        name = "cover_under" if dm.preferred is not None and const < dm.preferred else "cover_over"
        for v in vs:
            self.term(name, delta, v)
        return True

    def _constant_cover_cost(self, i: int, n: int) -> int:
        dm = self._demand(i)
        cost = 0
        if n < dm.minimum and dm.minimum_weight is not None:
            cost += dm.minimum_weight * (dm.minimum - n)
        if dm.preferred is not None:
            cost += dm.under_weight * max(0, dm.preferred - n) + dm.over_weight * max(0, n - dm.preferred)
        return cost

    def requests(self) -> None:
        for r in self.ix.requests:
            if not self.is_free(r.staff, r.day):
                continue
            cell = self.w(r.staff, r.day) if r.shift is None else self.xs(r.staff, r.day, r.shift)
            assert cell is not None
            if isinstance(cell, int):
                self.offset += r.weight if (cell == 1) != r.on else 0
                continue
            if r.on:  # cost w * (1 - cell)
                self.offset += r.weight
                self.term("requests", -r.weight, cell)
            else:
                self.term("requests", r.weight, cell)

    def fairness(self, wk: dict[int, list[Cell]]) -> None:
        ix, m = self.ix, self.m
        for fi, f in enumerate(ix.fairness):
            if len(f.staff) < 2 or not any(self.free_days[e] for e in f.staff):
                continue
            loads = []
            parts: list[Terms] = []
            consts: list[int] = []
            for e in f.staff:
                if f.weekends:
                    cells = wk.get(e) or self.weekend_lits(e)
                    vs, const, _ = self.lin((1, c) for c in cells)
                else:
                    vs, const, _ = self.lin((1, self.xs(e, d, s)) for d in range(self.ix.H) for s in f.shifts)
                loads.append(sum(v for _, v in vs) + const)
                parts.append(vs)
                consts.append(const)
            hi = m.new_int_var(0, ix.H, f"fh{fi}")
            lo = m.new_int_var(0, ix.H, f"fl{fi}")
            self.aux.append(Aux(hi, "max", parts, consts))
            self.aux.append(Aux(lo, "min", parts, consts))
            for load in loads:
                m.add(load <= hi)
                m.add(load >= lo)
            self.term("fairness", f.weight, hi - lo)

    def changes(self) -> None:
        ix = self.ix
        if ix.previous is None or not ix.change_weight:
            return
        for (e, d), xs in self.x.items():
            prev = ix.previous[e]
            if prev is None:
                continue
            p = prev[d]
            if p == OFF:
                if (e, d) in self.work:
                    self.term("changes", ix.change_weight, self.work[(e, d)])
            elif p in xs:
                self.offset += ix.change_weight
                self.term("changes", -ix.change_weight, xs[p])
            else:
                self.offset += ix.change_weight

    def build(self) -> Built:
        self.make_vars()
        wk_cache: dict[int, list[Cell]] = {}
        for e in range(self.ix.E):
            days = self.free_days[e]
            if not days:
                continue
            lo, hi = days[0], days[-1]
            self.successions(e, lo, hi)
            self.counting(e)
            wk_cache[e] = self.weekend_lits(e)
            self.weekends(e, wk_cache[e])
            self.sequences(e, lo, hi)
        if not self.hard_only:
            self.cover()
            self.requests()
            self.fairness(wk_cache)
            self.changes()
        built = Built(self.m, self.x, self.work, self.terms, self.offset, self.aux)
        self.m.minimize(built.objective_expr() + self.offset)
        return built


def build_model(
    ix: Indexed,
    grid: Grid | None = None,
    free: list[list[bool]] | None = None,
    guard: Guard | None = None,
    relaxed_cells: bool = False,
    model: cp_model.CpModel | None = None,
    elastic: bool = False,
    hard_only: bool = False,
    domains: dict[tuple[int, int], list[int]] | None = None,
) -> Built:
    """Build the CP-SAT model of ``ix`` over the FREE cells of ``free``
    (``None`` = all), other cells fixed to ``grid``.  ``guard(kind, staff_or_demand)`` may return an enforcement
    literal per rule group (used to explain infeasibility); pass ``model`` to
    build into an existing model (whose guard literals already exist).
    ``elastic`` turns hard minimum cover into a heavy soft term; ``hard_only``
    leaves out every soft term and the cover rules (per-person construction);
    ``domains`` narrows free cells to the given shifts (a subset of the
    allowed ones; a cell with none is off)."""
    if free is not None:
        assert grid is not None, "a partial region needs the grid of fixed cells"
    return _Builder(ix, grid, free, guard, relaxed_cells, model, elastic, hard_only, domains).build()
