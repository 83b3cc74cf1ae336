"""The ``caredesk bench roster`` entry point on a shared instance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caredesk.scheduling.solver import benchcli
from caredesk.scheduling.solver.benchmark_format import parse_solution, read_instance
from caredesk.scheduling.solver.validator import validate


def test_bench_roster_prints_one_json_line(
    instances_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sol.csv"
    code = benchcli.main([str(instances_dir / "Instance1.txt"), "--seconds", "5", "--solution-out", str(out)])
    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    res = json.loads(lines[0])
    assert set(res) == {"instance", "objective", "bound", "status", "seconds", "feasible"}
    assert res["instance"] == "Instance1" and res["feasible"] is True
    inst = read_instance(instances_dir / "Instance1.txt")
    rep = validate(inst, parse_solution(out.read_text()))
    assert rep.feasible and rep.objective == res["objective"]
    assert res["objective"] == 607  # the proven optimum of Instance1
