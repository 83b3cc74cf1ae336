"""Integer-indexed view of a :class:`~.model.Problem`, shared by the CP-SAT
builder, the evaluator and the explanations.

A roster grid is ``list[list[int]]``: ``grid[e][d]`` is a shift index or ``OFF``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import DAY_MINUTES, Boundary, Problem

OFF = -1

Grid = list[list[int]]


@dataclass
class IDemand:
    day: int
    shift: int
    skill: str | None
    eligible: frozenset[int] | None  # staff indices holding the skill that day; None = all
    minimum: int
    minimum_weight: int | None
    preferred: int | None
    under_weight: int
    over_weight: int


@dataclass
class IRequest:
    staff: int
    day: int
    shift: int | None  # None = any shift
    on: bool
    weight: int

    def met(self, cell: int) -> bool:
        """Whether a roster cell (shift index or ``OFF``) meets the request."""
        worked = cell != OFF if self.shift is None else cell == self.shift
        return worked == self.on


@dataclass
class IFairness:
    name: str
    staff: list[int]
    weight: int
    shifts: frozenset[int]
    weekends: bool


@dataclass
class Indexed:
    problem: Problem
    H: int
    E: int
    S: int
    shift_ids: list[str]
    staff_ids: list[str]
    length: list[int]
    #: allowed[e][d]: shift indices e may work on day d (after leave, pins, skills, zero limits)
    allowed: list[list[list[int]]]
    #: reason[e][d][s] for shifts that are not allowed (used by explanations)
    forced_work: list[set[int]]  # days on which e is pinned to work
    leave: list[frozenset[int]]
    pinned_off: list[set[int]]
    #: succ[e][g]: forbidden (s, t) pairs with t worked g days after s (g = 1, 2, ...)
    succ: list[dict[int, frozenset[tuple[int, int]]]]
    max_minutes: list[int | None]
    min_minutes: list[int | None]
    max_shifts: list[dict[int, int]]
    max_consec: list[int | None]
    min_consec: list[int | None]
    min_off: list[int | None]
    max_weekends: list[int | None]
    #: windows[e]: (days, max minutes) rolling limits
    windows: list[tuple[tuple[int, int], ...]]
    contracted: list[int | None]
    overtime_weight: list[int]
    #: history[e]: known cells before day 0 (oldest first)
    history: list[list[int]]
    weekends: list[tuple[int, ...]]
    demands: list[IDemand]
    requests: list[IRequest]
    fairness: list[IFairness]
    previous: list[list[int] | None] | None
    change_weight: int
    boundary: Boundary
    #: demand indices by (day, shift)
    demands_at: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    #: for each e, day -> weekend index
    weekend_of: dict[int, int] = field(default_factory=dict)
    #: hard-rule check results of recent rows (``evaluate``)
    row_checks: dict[tuple[int, tuple[int, ...]], list[tuple[str, str]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _succ_groups: dict[int, dict[int, list[tuple[tuple[int, ...], tuple[int, ...]]]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def succ_forbidden(self, e: int, s: int, t: int, gap: int = 1) -> bool:
        pairs = self.succ[e].get(gap)
        return pairs is not None and (s, t) in pairs

    def max_gap(self, e: int) -> int:
        return max(self.succ[e], default=0)

    def succ_groups(self, e: int) -> dict[int, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
        """succ[e] grouped for the model: gap -> (earlier shifts, the later
        shifts all of them forbid), one group per distinct forbidden set.
        Computed once per person (every neighbourhood model needs it)."""
        cached = self._succ_groups.get(e)
        if cached is None:
            cached = {}
            for gap, pairs in self.succ[e].items():
                after: dict[int, set[int]] = {}
                for a, b in pairs:
                    after.setdefault(a, set()).add(b)
                groups: dict[frozenset[int], list[int]] = {}
                for a, succ_of_a in after.items():
                    groups.setdefault(frozenset(succ_of_a), []).append(a)
                cached[gap] = [(tuple(sorted(ss)), tuple(sorted(ts))) for ts, ss in groups.items()]
            self._succ_groups[e] = cached
        return cached


def _rest_pairs(problem: Problem, min_rest: int) -> dict[int, set[tuple[int, int]]]:
    """Forbidden (s, t, gap) from start times and lengths under a minimum rest."""
    out: dict[int, set[tuple[int, int]]] = {}
    sh = problem.shifts
    for i, a in enumerate(sh):
        end = a.start_minute + a.length_minutes
        for j, b in enumerate(sh):
            gap = 1
            while True:
                rest = gap * DAY_MINUTES + b.start_minute - end
                if rest >= min_rest:
                    break
                out.setdefault(gap, set()).add((i, j))
                gap += 1
    return out


def index_problem(problem: Problem) -> Indexed:
    H = problem.num_days
    shift_ids = [s.id for s in problem.shifts]
    sidx = {s: i for i, s in enumerate(shift_ids)}
    staff_ids = [p.id for p in problem.staff]
    eidx = {e: i for i, e in enumerate(staff_ids)}
    S, E = len(shift_ids), len(staff_ids)
    if len(set(shift_ids)) != S or len(set(staff_ids)) != E:
        raise ValueError("duplicate shift or staff ids")

    pin_work: list[dict[int, int]] = [{} for _ in range(E)]
    pinned_off: list[set[int]] = [set() for _ in range(E)]
    for pin in problem.pins:
        e = eidx[pin.staff]
        if pin.shift is None:
            pinned_off[e].add(pin.day)
        else:
            pin_work[e][pin.day] = sidx[pin.shift]

    dates = [problem.date_of(d) for d in range(H)]
    allowed: list[list[list[int]]] = []
    succ: list[dict[int, frozenset[tuple[int, int]]]] = []
    rest_cache: dict[int, dict[int, set[tuple[int, int]]]] = {}
    global_nf = {(i, sidx[t]) for i, s in enumerate(problem.shifts) for t in s.not_followed_by if t in sidx}
    for e, st in enumerate(problem.staff):
        c = st.contract
        zero = {sidx[k] for k, v in c.max_shifts.items() if v <= 0 and k in sidx}
        rows: list[list[int]] = []
        skill_ok: dict[tuple[int, int], bool] = {}
        for d in range(H):
            if d in st.leave or d in pinned_off[e]:
                rows.append([])
                continue
            if d in pin_work[e]:
                rows.append([pin_work[e][d]])
                continue
            row = []
            for s, sh in enumerate(problem.shifts):
                if s in zero:
                    continue
                if sh.required_skills:
                    key = (s, d)
                    if key not in skill_ok:
                        skill_ok[key] = st.has_skills(sh.required_skills, dates[d])
                    if not skill_ok[key]:
                        continue
                row.append(s)
            rows.append(row)
        allowed.append(rows)
        if c.min_rest_minutes not in rest_cache:
            rest_cache[c.min_rest_minutes] = _rest_pairs(problem, c.min_rest_minutes) if c.min_rest_minutes > 0 else {}
        pairs: dict[int, set[tuple[int, int]]] = {g: set(v) for g, v in rest_cache[c.min_rest_minutes].items()}
        pairs.setdefault(1, set()).update(global_nf)
        pairs[1].update((sidx[a], sidx[b]) for a, b in c.forbidden_successions if a in sidx and b in sidx)
        succ.append({g: frozenset(v) for g, v in pairs.items() if v})

    weekends = problem.weekends()
    weekend_of = {d: w for w, days in enumerate(weekends) for d in days}

    demands: list[IDemand] = []
    for dm in problem.demands:
        elig: frozenset[int] | None = None
        if dm.skill is not None:
            date = dates[dm.day]
            elig = frozenset(
                e
                for e, st in enumerate(problem.staff)
                if any(g.skill == dm.skill and g.valid_on(date) for g in st.skills)
            )
        demands.append(
            IDemand(
                dm.day,
                sidx[dm.shift],
                dm.skill,
                elig,
                dm.minimum,
                dm.minimum_weight,
                dm.preferred,
                dm.under_weight,
                dm.over_weight,
            )
        )
    demands_at: dict[tuple[int, int], list[int]] = {}
    for i, idm in enumerate(demands):
        demands_at.setdefault((idm.day, idm.shift), []).append(i)

    requests = [
        IRequest(eidx[r.staff], r.day, None if r.shift is None else sidx[r.shift], r.on, r.weight)
        for r in problem.requests
    ]
    fairness = [
        IFairness(f.name, [eidx[s] for s in f.staff], f.weight, frozenset(sidx[s] for s in f.shifts), f.weekends)
        for f in problem.fairness
    ]
    previous: list[list[int] | None] | None = None
    change_weight = 0
    if problem.replan is not None:
        change_weight = problem.replan.weight
        previous = []
        for sid in staff_ids:
            row_prev = problem.replan.previous.get(sid)
            previous.append(None if row_prev is None else [OFF if v is None else sidx[v] for v in row_prev])

    return Indexed(
        problem=problem,
        H=H,
        E=E,
        S=S,
        shift_ids=shift_ids,
        staff_ids=staff_ids,
        length=[s.length_minutes for s in problem.shifts],
        allowed=allowed,
        forced_work=[set(p) for p in pin_work],
        leave=[st.leave for st in problem.staff],
        pinned_off=pinned_off,
        succ=succ,
        max_minutes=[st.contract.max_minutes for st in problem.staff],
        min_minutes=[st.contract.min_minutes for st in problem.staff],
        max_shifts=[{sidx[k]: v for k, v in st.contract.max_shifts.items() if k in sidx} for st in problem.staff],
        max_consec=[st.contract.max_consecutive_days for st in problem.staff],
        min_consec=[st.contract.min_consecutive_days for st in problem.staff],
        min_off=[st.contract.min_consecutive_days_off for st in problem.staff],
        max_weekends=[st.contract.max_weekends for st in problem.staff],
        windows=[tuple(st.contract.window_limits) for st in problem.staff],
        contracted=[st.contract.contracted_minutes for st in problem.staff],
        overtime_weight=[st.contract.overtime_weight for st in problem.staff],
        history=[[OFF if v is None else sidx[v] for v in (st.history or ())] for st in problem.staff],
        weekends=weekends,
        demands=demands,
        requests=requests,
        fairness=fairness,
        previous=previous,
        change_weight=change_weight,
        boundary=problem.boundary,
        demands_at=demands_at,
        weekend_of=weekend_of,
    )


def grid_from_roster(ix: Indexed, roster: dict[str, list[str | None]] | dict[str, tuple[str | None, ...]]) -> Grid:
    sidx = {s: i for i, s in enumerate(ix.shift_ids)}
    return [[OFF if v is None else sidx[v] for v in roster[sid]] for sid in ix.staff_ids]


def roster_from_grid(ix: Indexed, grid: Grid) -> dict[str, list[str | None]]:
    return {sid: [None if v == OFF else ix.shift_ids[v] for v in grid[e]] for e, sid in enumerate(ix.staff_ids)}
