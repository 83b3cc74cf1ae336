"""Run the rostering engine on every benchmark instance with the same parameters.

    .venv/bin/python bench/rostering/run_all.py --seconds 60 [--workers 2] [--seed 1]
        [--instances-dir DIR] [--only Instance1,Instance2]

Each instance is solved in its own process through
``caredesk.scheduling.solver.benchcli`` (the objective is the validator's),
solutions (FORMAT.md §6) go to ``bench/rostering/solutions/``, and the figures to
``bench/results/rostering-<date>[-<seconds>s].json``; a table is printed with the
best known objective, the ratio to it and the published 10-minute figures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    env = os.environ.get("CAREDESK_SHARED_DIR")
    return Path(env) if env else REPO.parent / "shared"


def machine_info() -> dict[str, object]:
    info: dict[str, object] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    try:
        import ortools

        info["ortools"] = getattr(ortools, "__version__", "?")
    except ImportError:  # pragma: no cover
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def instance_key(p: Path) -> int:
    m = re.search(r"(\d+)", p.stem)
    return int(m.group(1)) if m else 0


def fmt(v: object) -> str:
    return "" if v is None or v == "" else str(v)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--instances-dir", type=Path, default=None)
    ap.add_argument("--only", default="", help="comma-separated instance names")
    args = ap.parse_args(argv)

    inst_dir = args.instances_dir or shared_dir() / "bench" / "rostering" / "instances"
    best_path = inst_dir.parent / "best_known.csv"
    best: dict[str, dict[str, str]] = {}
    if best_path.exists():
        with best_path.open() as f:
            best = {row["instance"]: row for row in csv.DictReader(f)}
    files = sorted(inst_dir.glob("*.txt"), key=instance_key)
    if args.only:
        wanted = {s.strip() for s in args.only.split(",") if s.strip()}
        files = [f for f in files if f.stem in wanted]
    if not files:
        print(f"no instances in {inst_dir}", file=sys.stderr)
        return 2

    sol_dir = REPO / "bench" / "rostering" / "solutions"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    rows = []
    for f in files:
        cmd = [
            sys.executable,
            "-m",
            "caredesk.scheduling.solver.benchcli",
            str(f),
            "--seconds",
            str(args.seconds),
            "--workers",
            str(args.workers),
            "--seed",
            str(args.seed),
            "--solution-out",
            str(sol_dir / f"{f.stem}.csv"),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)  # noqa: S603 (our own module)
        line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        try:
            res = json.loads(line)
        except json.JSONDecodeError:
            res = {
                "instance": f.stem,
                "objective": None,
                "bound": None,
                "status": "error",
                "seconds": None,
                "feasible": False,
                "error": proc.stderr[-2000:],
            }
        b = best.get(f.stem, {})
        bk = int(b["best_upper_bound"]) if b.get("best_upper_bound") else None
        obj = res.get("objective")
        res["best_known"] = bk
        res["ratio"] = round(obj / bk, 4) if isinstance(obj, int) and bk else None
        for k in ("lower_bound", "ipvns_10min", "ejection_chain_10min", "gurobi_10min"):
            res[k] = int(b[k]) if b.get(k) else None
        rows.append(res)
        print(json.dumps(res), file=sys.stderr, flush=True)

    ratios = [r["ratio"] for r in rows if r.get("ratio") and r.get("feasible")]
    geo = math.exp(sum(math.log(x) for x in ratios) / len(ratios)) if ratios else None
    out = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "parameters": {
            "seconds": args.seconds,
            "workers": args.workers,
            "seed": args.seed,
            "instances_dir": str(inst_dir),
        },
        "machine": machine_info(),
        "results": rows,
        "feasible": sum(1 for r in rows if r.get("feasible")),
        "geomean_ratio": round(geo, 4) if geo else None,
    }
    secs = int(args.seconds) if float(args.seconds).is_integer() else args.seconds
    path = REPO / "bench" / "results" / f"rostering-{dt.datetime.now(dt.UTC).date().isoformat()}-{secs}s.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")

    head = ["instance", "objective", "best", "ratio", "bound", "status", "sec", "ipvns10", "ejection10", "gurobi10"]
    table = [head] + [
        [
            r["instance"],
            fmt(r.get("objective")),
            fmt(r.get("best_known")),
            fmt(r.get("ratio")),
            fmt(r.get("bound")),
            r.get("status", "") + ("" if r.get("feasible") else " INFEASIBLE"),
            fmt(r.get("seconds")),
            fmt(r.get("ipvns_10min")),
            fmt(r.get("ejection_chain_10min")),
            fmt(r.get("gurobi_10min")),
        ]
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(head))]
    for row in table:
        print("  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))
    print(f"geomean ratio to best known: {geo:.4f}" if geo else "geomean ratio: n/a")
    print(f"feasible: {out['feasible']}/{len(rows)}; written {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
