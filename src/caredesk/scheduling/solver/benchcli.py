"""``caredesk bench roster INSTANCE.txt --seconds N [--workers W] [--seed S]
[--solution-out FILE.csv]``: solve one benchmark instance and print one JSON
line whose objective is the one recomputed by the independent validator."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .benchmark_format import read_instance, to_problem, write_solution
from .model import SolveParams
from .search import solve
from .validator import validate


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="caredesk bench roster", description=__doc__)
    p.add_argument("instance", type=Path)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--solution-out", type=Path, default=None)
    p.add_argument("--verbose", action="store_true", help="print the search log on stderr")
    return p.parse_args(argv)


def run(
    instance: Path, seconds: float, workers: int, seed: int, solution_out: Path | None = None, verbose: bool = False
) -> dict[str, object]:
    inst = read_instance(instance)
    result = solve(to_problem(inst), SolveParams(time_limit=seconds, workers=workers, seed=seed))
    if verbose:
        for line in result.log:
            print(line, file=sys.stderr)
    feasible = False
    objective: int | None = None
    if result.roster:
        report = validate(inst, result.roster)
        feasible = report.feasible
        objective = report.objective
        if not feasible:
            for v in report.violations[:20]:
                print(f"violation: {v}", file=sys.stderr)
        if solution_out is not None:
            solution_out.parent.mkdir(parents=True, exist_ok=True)
            solution_out.write_text(write_solution(inst, result.roster))
    return {
        "instance": inst.name,
        "objective": objective,
        "bound": result.bound,
        "status": result.status.value,
        "seconds": round(result.seconds, 2),
        "feasible": feasible,
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    out = run(args.instance, args.seconds, args.workers, args.seed, args.solution_out, args.verbose)
    print(json.dumps(out), flush=True)
    return 0 if out["feasible"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
