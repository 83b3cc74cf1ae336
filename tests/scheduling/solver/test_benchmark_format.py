from __future__ import annotations

import csv
from pathlib import Path

from caredesk.scheduling.solver.benchmark_format import parse_solution, read_instance, to_problem, write_solution
from caredesk.scheduling.solver.indexed import index_problem


def test_reader_on_every_shared_instance(instances_dir: Path) -> None:
    files = sorted(instances_dir.glob("*.txt"))
    assert files, "no instance files"
    best = {r["instance"]: r for r in csv.DictReader((instances_dir.parent / "best_known.csv").open())}
    for f in files:
        inst = read_instance(f)
        row = best[inst.name]
        assert inst.horizon == int(row["days"]), f.name
        assert len(inst.staff) == int(row["staff"]), f.name
        assert len(inst.shifts) == int(row["shift_types"]), f.name
        assert inst.horizon % 7 == 0
        # every (day, shift) has a cover line
        assert len(inst.cover) == inst.horizon * len(inst.shifts)
        problem = to_problem(inst)
        assert problem.start_date.weekday() == 0  # day 0 is a Monday
        assert len(problem.weekends()) == inst.horizon // 7
        if inst.horizon <= 84:
            ix = index_problem(problem)
            for st in inst.staff:
                e = ix.staff_ids.index(st.id)
                for d in inst.days_off.get(st.id, ()):
                    assert ix.allowed[e][d] == []


def test_solution_round_trip(instances_dir: Path) -> None:
    inst = read_instance(instances_dir / "Instance1.txt")
    roster: dict[str, list[str | None]] = {s.id: [None] * inst.horizon for s in inst.staff}
    roster["A"][3] = "D"
    text = write_solution(inst, roster)
    lines = text.splitlines()
    assert lines[0].split(",")[0] == "A" and len(lines[0].split(",")) == inst.horizon + 1
    assert parse_solution(text) == roster
