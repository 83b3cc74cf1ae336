"""Reader and writer for the Curtois & Qu shift-scheduling benchmark
(``shared/bench/rostering/FORMAT.md``).

:func:`read_instance` parses a file into :class:`BenchInstance` (the raw data,
used by the independent validator); :func:`to_problem` maps it onto the
general :class:`~.model.Problem` with no benchmark-specific solver logic:
rotations become ``ShiftType.not_followed_by``, cover lines become soft
``Demand`` with a preferred level, and the horizon edges use
``Boundary.OPEN`` (FORMAT.md §4 rules 6-8).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from .model import Boundary, Contract, Demand, Problem, Request, ShiftType, Staff

#: Day 0 of every benchmark instance is a Monday.
BENCH_START = dt.date(2024, 1, 1)


@dataclass
class BenchShift:
    id: str
    minutes: int
    not_followed_by: list[str]


@dataclass
class BenchStaff:
    id: str
    max_shifts: dict[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass
class BenchInstance:
    name: str
    horizon: int
    shifts: list[BenchShift]
    staff: list[BenchStaff]
    days_off: dict[str, set[int]] = field(default_factory=dict)
    on_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    off_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    cover: list[tuple[int, str, int, int, int]] = field(default_factory=list)


def parse_instance(text: str, name: str = "") -> BenchInstance:
    sections: dict[str, list[list[str]]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            sections[current] = []
            continue
        if current is None:
            raise ValueError(f"data before any section: {line!r}")
        sections[current].append([p.strip() for p in line.split(",")])

    horizon = int(sections["SECTION_HORIZON"][0][0])
    shifts = [
        BenchShift(r[0], int(r[1]), [t for t in (r[2] if len(r) > 2 else "").split("|") if t])
        for r in sections.get("SECTION_SHIFTS", [])
    ]
    staff = []
    for r in sections.get("SECTION_STAFF", []):
        limits = {}
        for part in r[1].split("|"):
            if part:
                k, v = part.split("=")
                limits[k.strip()] = int(v)
        staff.append(BenchStaff(r[0], limits, *(int(v) for v in r[2:8])))
    inst = BenchInstance(name, horizon, shifts, staff)
    for r in sections.get("SECTION_DAYS_OFF", []):
        inst.days_off.setdefault(r[0], set()).update(int(v) for v in r[1:] if v)
    for key, target in (
        ("SECTION_SHIFT_ON_REQUESTS", inst.on_requests),
        ("SECTION_SHIFT_OFF_REQUESTS", inst.off_requests),
    ):
        for r in sections.get(key, []):
            target.append((r[0], int(r[1]), r[2], int(r[3])))
    for r in sections.get("SECTION_COVER", []):
        inst.cover.append((int(r[0]), r[1], int(r[2]), int(r[3]), int(r[4])))
    return inst


def read_instance(path: str | Path) -> BenchInstance:
    p = Path(path)
    return parse_instance(p.read_text(), p.stem)


def to_problem(inst: BenchInstance) -> Problem:
    """Map a benchmark instance onto the general model.

    The benchmark gives no start times and no rest rule (its rotations are the
    explicit ``NotFollowedBy`` lists), so shifts start at midnight and contracts
    have ``min_rest_minutes = 0``.
    """
    shift_types = [ShiftType(s.id, 0, s.minutes, not_followed_by=frozenset(s.not_followed_by)) for s in inst.shifts]
    staff = [
        Staff(
            id=s.id,
            contract=Contract(
                max_minutes=s.max_total_minutes,
                min_minutes=s.min_total_minutes,
                max_shifts=dict(s.max_shifts),
                max_consecutive_days=s.max_consecutive_shifts,
                min_consecutive_days=s.min_consecutive_shifts,
                min_consecutive_days_off=s.min_consecutive_days_off,
                max_weekends=s.max_weekends,
            ),
            leave=frozenset(inst.days_off.get(s.id, set())),
        )
        for s in inst.staff
    ]
    demands = [Demand(d, s, preferred=req, under_weight=wu, over_weight=wo) for d, s, req, wu, wo in inst.cover]
    requests = [Request(e, d, s, True, w) for e, d, s, w in inst.on_requests]
    requests += [Request(e, d, s, False, w) for e, d, s, w in inst.off_requests]
    return Problem(
        num_days=inst.horizon,
        shifts=shift_types,
        staff=staff,
        demands=demands,
        requests=requests,
        start_date=BENCH_START,
        boundary=Boundary.OPEN,
        name=inst.name,
    )


def write_solution(inst: BenchInstance, roster: dict[str, list[str | None]]) -> str:
    """FORMAT.md §6: one row per employee in SECTION_STAFF order, empty cell = off."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for s in inst.staff:
        w.writerow([s.id, *(v or "" for v in roster[s.id])])
    return buf.getvalue()


def parse_solution(text: str) -> dict[str, list[str | None]]:
    out: dict[str, list[str | None]] = {}
    for row in csv.reader(io.StringIO(text)):
        if row:
            out[row[0].strip()] = [c.strip() or None for c in row[1:]]
    return out
