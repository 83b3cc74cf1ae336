"""Exact evaluation of a roster against the general model: hard-rule
violations and the objective broken down by term.

This is the reference the search uses to accept moves; it shares no code with
the CP-SAT builder, so the two cross-check each other in the tests.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .indexed import OFF, Grid, Indexed
from .model import Boundary

TERMS = ("cover_under", "cover_over", "minimum_short", "requests", "fairness", "overtime", "changes")


@dataclass
class Evaluation:
    violations: list[str] = field(default_factory=list)
    breakdown: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TERMS, 0))

    @property
    def feasible(self) -> bool:
        return not self.violations

    @property
    def objective(self) -> int:
        return sum(self.breakdown.values())


def extended_work(ix: Indexed, e: int, row: list[int]) -> tuple[list[int | None], int]:
    """Work indicator over history + horizon with one boundary cell on each
    side (``None`` = unknown).  Returns the sequence and the index of day 0."""
    pad: int | None = None if ix.boundary is Boundary.OPEN else 0
    hist = [0 if v == OFF else 1 for v in ix.history[e]]
    seq: list[int | None] = [pad, *hist, *(0 if v == OFF else 1 for v in row), pad]
    return seq, 1 + len(hist)


def blocks(seq: list[int | None], value: int) -> list[tuple[int, int, bool]]:
    """Maximal runs of ``value`` in ``seq``: (start, length, bounded) where
    bounded means both neighbours are known (not ``None``)."""
    out = []
    i, n = 0, len(seq)
    while i < n:
        if seq[i] == value:
            j = i
            while j < n and seq[j] == value:
                j += 1
            bounded = i > 0 and j < n and seq[i - 1] is not None and seq[j] is not None
            out.append((i, j - i, bounded))
            i = j
        else:
            i += 1
    return out


def staff_violations(ix: Indexed, e: int, row: list[int]) -> list[tuple[str, str]]:
    """Hard-rule violations of one staff member's row as (rule kind, message)."""
    bad: list[tuple[str, str]] = []
    sid, who = ix.shift_ids, ix.staff_ids[e]
    minutes = 0
    counts = [0] * ix.S
    for d, s in enumerate(row):
        if s == OFF:
            if d in ix.forced_work[e]:
                bad.append(("pins", f"{who} day {d}: pinned shift not worked"))
            continue
        minutes += ix.length[s]
        counts[s] += 1
        if s not in ix.allowed[e][d]:
            kind = (
                "leave"
                if d in ix.leave[e]
                else "pins"
                if d in ix.pinned_off[e] or d in ix.forced_work[e]
                else ("max_shifts" if ix.max_shifts[e].get(s, 1) <= 0 else "skills")
            )
            bad.append((kind, f"{who} day {d}: shift {sid[s]} not allowed ({kind})"))
    full = ix.history[e] + row
    off0 = len(ix.history[e])
    for g, pairs in ix.succ[e].items():
        for i in range(len(full) - g):
            a, c = full[i], full[i + g]
            if a != OFF and c != OFF and (a, c) in pairs and i + g >= off0:
                bad.append(
                    ("successions", f"{who} day {i + g - off0}: {sid[c]} may not follow {sid[a]} ({g} day(s) before)")
                )
    for s, lim in ix.max_shifts[e].items():
        if counts[s] > lim:
            bad.append(("max_shifts", f"{who}: {counts[s]} shifts {sid[s]} > max {lim}"))
    mx, mn = ix.max_minutes[e], ix.min_minutes[e]
    if mx is not None and minutes > mx:
        bad.append(("max_minutes", f"{who}: {minutes} minutes > max {mx}"))
    if mn is not None and minutes < mn:
        bad.append(("min_minutes", f"{who}: {minutes} minutes < min {mn}"))
    seq, zero = extended_work(ix, e, row)
    kmax, kmin, koff = ix.max_consec[e], ix.min_consec[e], ix.min_off[e]
    for start, ln, bounded in blocks(seq, 1):
        last = start + ln - 1
        if last < zero:
            continue  # entirely in history
        if kmax is not None and ln > kmax:
            bad.append(
                ("max_consecutive", f"{who}: {ln} consecutive working days > max {kmax} (ending day {last - zero})")
            )
        if kmin is not None and bounded and ln < kmin:
            bad.append(
                ("min_consecutive", f"{who}: {ln} consecutive working days < min {kmin} (ending day {last - zero})")
            )
    if koff is not None:
        for start, ln, bounded in blocks(seq, 0):
            last = start + ln - 1
            if last < zero or start == 0 or start + ln == len(seq):
                continue  # history only, or the boundary cell itself
            if bounded and ln < koff:
                bad.append(
                    ("min_days_off", f"{who}: {ln} consecutive days off < min {koff} (ending day {last - zero})")
                )
    for k, mx in ix.windows[e]:
        # every run of k days holding at least one day of the horizon
        for i in range(max(0, off0 - k + 1), len(full)):
            total = sum(ix.length[s] for s in full[i : i + k] if s != OFF)
            if total > mx and i + k > off0:
                bad.append(("window_minutes", f"{who}: {total} minutes in {k} days from day {i - off0} > max {mx}"))
                break
    worked_weekends = sum(1 for days in ix.weekends if any(row[d] != OFF for d in days))
    mw = ix.max_weekends[e]
    if mw is not None and worked_weekends > mw:
        bad.append(("max_weekends", f"{who}: {worked_weekends} weekends worked > max {mw}"))
    return bad


#: rows checked recently (kept on the index): the search evaluates whole
#: rosters that differ from the incumbent in a few rows (Instance24: 150 rows
#: of 364 days, most unchanged)
_ROW_CACHE_SIZE = 4096


def _row_violations(ix: Indexed, e: int, row: list[int]) -> list[tuple[str, str]]:
    cache = ix.row_checks
    key = (e, tuple(row))
    found = cache.get(key)
    if found is None:
        if len(cache) >= _ROW_CACHE_SIZE:
            cache.clear()
        found = cache[key] = staff_violations(ix, e, row)
    return found


def day_counts(grid: Grid) -> list[Counter[int]]:
    """People on each shift (``OFF`` counted too), per day: a column count
    of the grid (``Counter`` over ``zip``: three times faster than a Python
    loop over the cells of a year of 150 people)."""
    return [Counter(col) for col in zip(*grid, strict=True)]


def head_counts(ix: Indexed, grid: Grid) -> list[int]:
    """The people on each demand's day and shift (in ``ix.demands`` order);
    a demand of a skill counts its eligible staff only."""
    per_day = day_counts(grid) if grid else []
    return [
        per_day[dm.day][dm.shift] if dm.eligible is None else sum(1 for e in dm.eligible if grid[e][dm.day] == dm.shift)
        for dm in ix.demands
    ]


def evaluate(ix: Indexed, grid: Grid) -> Evaluation:
    ev = Evaluation()
    bad = ev.violations
    b = ev.breakdown
    H, sid = ix.H, ix.shift_ids
    for e in range(ix.E):
        row = grid[e]
        bad.extend(msg for _, msg in _row_violations(ix, e, row))
        minutes = sum(ix.length[s] for s in row if s != OFF)
        if ix.contracted[e] is not None and ix.overtime_weight[e]:
            b["overtime"] += ix.overtime_weight[e] * max(0, minutes - (ix.contracted[e] or 0))
        prev = ix.previous[e] if ix.previous is not None else None
        if prev is not None:
            b["changes"] += ix.change_weight * sum(1 for d in range(H) if prev[d] != row[d])

    for dm, n in zip(ix.demands, head_counts(ix, grid), strict=True):
        if n < dm.minimum:
            if dm.minimum_weight is None:
                skill = f" ({dm.skill})" if dm.skill else ""
                bad.append(f"day {dm.day} {sid[dm.shift]}{skill}: {n} staff < hard minimum {dm.minimum}")
            else:
                b["minimum_short"] += dm.minimum_weight * (dm.minimum - n)
        if dm.preferred is not None:
            if n < dm.preferred:
                b["cover_under"] += dm.under_weight * (dm.preferred - n)
            else:
                b["cover_over"] += dm.over_weight * (n - dm.preferred)

    for r in ix.requests:
        if not r.met(grid[r.staff][r.day]):
            b["requests"] += r.weight

    for f in ix.fairness:
        if not f.staff:
            continue
        if f.weekends:
            loads = [sum(1 for days in ix.weekends if any(grid[e][d] != OFF for d in days)) for e in f.staff]
        else:
            loads = [sum(1 for v in grid[e] if v in f.shifts) for e in f.staff]
        b["fairness"] += f.weight * (max(loads) - min(loads))
    return ev
