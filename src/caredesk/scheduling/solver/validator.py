"""Independent validator for the Curtois & Qu benchmark.

It reads only the raw instance (:class:`~.benchmark_format.BenchInstance`) and
a solution grid, and implements FORMAT.md §4-5 directly, without the general
model, the index or the CP-SAT builder, so that a mistake in the mapping or in
the solver cannot hide itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .benchmark_format import BenchInstance


@dataclass
class ValidationReport:
    violations: list[str] = field(default_factory=list)
    objective: int = 0
    breakdown: dict[str, int] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return not self.violations


def _runs(works: list[bool], value: bool) -> list[tuple[int, int]]:
    """(start, length) of maximal runs equal to ``value``."""
    runs, d, n = [], 0, len(works)
    while d < n:
        if works[d] == value:
            start = d
            while d < n and works[d] == value:
                d += 1
            runs.append((start, d - start))
        else:
            d += 1
    return runs


def validate(inst: BenchInstance, solution: dict[str, list[str | None]]) -> ValidationReport:
    rep = ValidationReport()
    v = rep.violations
    H = inst.horizon
    length = {s.id: s.minutes for s in inst.shifts}
    nfb = {s.id: set(s.not_followed_by) for s in inst.shifts}
    ids = {s.id for s in inst.staff}
    for extra in set(solution) - ids:
        v.append(f"unknown employee {extra}")
    for st in inst.staff:
        row = solution.get(st.id)
        if row is None:
            v.append(f"{st.id}: missing row")
            continue
        if len(row) != H:
            v.append(f"{st.id}: {len(row)} cells, expected {H}")
            continue
        for d, sh in enumerate(row):
            if sh is not None and sh not in length:
                v.append(f"{st.id} day {d}: unknown shift {sh}")
        if any(sh is not None and sh not in length for sh in row):
            continue
        works = [sh is not None for sh in row]
        # 2 days off
        for d in sorted(inst.days_off.get(st.id, ())):
            if 0 <= d < H and works[d]:
                v.append(f"{st.id} day {d}: works on a day off")
        # 3 rotation
        for d in range(H - 1):
            a, b = row[d], row[d + 1]
            if a is not None and b is not None and b in nfb[a]:
                v.append(f"{st.id} day {d + 1}: {b} after {a}")
        # 4 max shifts per type
        for sid in length:
            n = sum(1 for sh in row if sh == sid)
            lim = st.max_shifts.get(sid)
            if lim is not None and n > lim:
                v.append(f"{st.id}: {n} x {sid} > {lim}")
        # 5 total minutes
        total = sum(length[sh] for sh in row if sh is not None)
        if total > st.max_total_minutes:
            v.append(f"{st.id}: {total} min > max {st.max_total_minutes}")
        if total < st.min_total_minutes:
            v.append(f"{st.id}: {total} min < min {st.min_total_minutes}")
        # 6, 7 work blocks
        for start, ln in _runs(works, True):
            if ln > st.max_consecutive_shifts:
                v.append(f"{st.id}: {ln} consecutive shifts from day {start} > {st.max_consecutive_shifts}")
            interior = start > 0 and start + ln < H
            if interior and ln < st.min_consecutive_shifts:
                v.append(f"{st.id}: {ln} consecutive shifts from day {start} < {st.min_consecutive_shifts}")
        # 8 off blocks
        for start, ln in _runs(works, False):
            interior = start > 0 and start + ln < H
            if interior and ln < st.min_consecutive_days_off:
                v.append(f"{st.id}: {ln} days off from day {start} < {st.min_consecutive_days_off}")
        # 9 weekends
        weekends = sum(1 for w in range(H // 7) if works[7 * w + 5] or works[7 * w + 6])
        if weekends > st.max_weekends:
            v.append(f"{st.id}: {weekends} weekends > {st.max_weekends}")

    on = off = under = over = 0
    for e, d, sh, w in inst.on_requests:
        row = solution.get(e)
        if row is not None and len(row) == H and row[d] != sh:
            on += w
    for e, d, sh, w in inst.off_requests:
        row = solution.get(e)
        if row is not None and len(row) == H and row[d] == sh:
            off += w
    for d, sh, req, wu, wo in inst.cover:
        n = sum(1 for st in inst.staff if (r := solution.get(st.id)) is not None and len(r) == H and r[d] == sh)
        if n < req:
            under += wu * (req - n)
        elif n > req:
            over += wo * (n - req)
    rep.breakdown = {"on_requests": on, "off_requests": off, "cover_under": under, "cover_over": over}
    rep.objective = on + off + under + over
    return rep
