"""Benchmark of the nurse-patient assignment optimiser on generated units.

    .venv/bin/python bench/assignment/run.py [--instances 5] [--seeds 0,1,2]
        [--workers 2] [--time-limit 10] [--only medsurg40,icu12,unit32] [--span-weight 0]

Instances are generated deterministically from a seeded RNG (``generate``):

- ``medsurg40``: a 40-bed med-surg unit, 20 two-bed rooms along a corridor,
  9 nurses at 1:5 including a charge nurse who takes at most 3; acuity 1-4
  (35/40/18/7 %); 10 % of the patients need chemotherapy, held by 3 nurses;
  70 % have a previous nurse from the last shift (which kept the same caps and
  gave each nurse a contiguous run of beds; the others are new admissions),
  and two thirds of last shift's nurses are on again.
- ``icu12``: a 12-bed ICU, single rooms, 6 nurses at 1:2, acuity 2-4, 2
  patients on dialysis (CRRT, held by 2 nurses).
- ``unit32``: a 32-bed unit, 16 two-bed rooms, 7 nurses at 1:5 incl. a charge
  nurse who takes at most 3, 3 paediatric patients (paediatrics held by 2).

Each instance is solved once per solver seed with the given workers; figures go
to ``bench/results/assignment-<YYYY-MM-DD>.json`` and a table (median / max
seconds, proven optimal count) is printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from caredesk.assignment.solver import (
    AssignmentProblem,
    Nurse,
    Patient,
    SolveOptions,
    check_assignment,
    evaluate,
    hard_violations,
    solve,
)

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class UnitSpec:
    rooms: int
    beds_per_room: int
    nurses: int
    cap: int
    charge_cap: int | None
    #: (acuity points, relative frequency)
    acuity: tuple[tuple[int, int], ...]
    skill: str
    skill_patients: int
    skill_nurses: int
    ratio: str


SIZES: dict[str, UnitSpec] = {
    "medsurg40": UnitSpec(20, 2, 9, 5, 3, ((1, 35), (2, 40), (3, 18), (4, 7)), "chemotherapy", 4, 3, "med-surg 1:5"),
    "icu12": UnitSpec(12, 1, 6, 2, None, ((2, 30), (3, 45), (4, 25)), "crrt", 2, 2, "ICU ratio 1:2"),
    "unit32": UnitSpec(16, 2, 7, 5, 3, ((1, 35), (2, 40), (3, 18), (4, 7)), "paediatrics", 3, 2, "ratio 1:5"),
}

PREVIOUS_SHARE = 0.7  # patients with a nurse on the last shift


def generate(size: str, seed: int) -> AssignmentProblem:
    """A deterministic unit of the given size (``SIZES``) for this seed."""
    spec = SIZES[size]
    rng = random.Random(f"{size}-{seed}")  # noqa: S311 (benchmark data, not security)
    count, cap, charge_cap = spec.nurses, spec.cap, spec.charge_cap
    values = [lv for lv, _ in spec.acuity]
    shares = [wt for _, wt in spec.acuity]

    # Last shift: `count` nurses (ids 101..) within the same caps, each with a
    # contiguous run of beds (the coordinator's zones), sizes as even as possible.
    last_ids = list(range(101, 101 + count))
    beds = [(r, b) for r in range(spec.rooms) for b in range(spec.beds_per_room)]
    last_caps = [cap] * count
    if charge_cap is not None:
        last_caps[rng.randrange(count)] = charge_cap
    sizes = [0] * count
    for _ in range(len(beds)):
        open_ = [i for i in range(count) if sizes[i] < last_caps[i]]
        i = min(open_, key=lambda i: (sizes[i] / last_caps[i], rng.random()))
        sizes[i] += 1
    bed_nurse: dict[tuple[int, int], int] = {}
    at = 0
    for i, nid in enumerate(last_ids):
        for bed in beds[at : at + sizes[i]]:
            bed_nurse[bed] = nid
        at += sizes[i]
    # This shift: two thirds of last shift's nurses come back, the rest are new.
    back = rng.sample(last_ids, round(count * 2 / 3))
    on_shift = back + list(range(201, 201 + count - len(back)))
    rng.shuffle(on_shift)
    skilled = set(rng.sample(on_shift[1:], spec.skill_nurses))
    nurses = [
        Nurse(
            id=nid,
            max_patients=cap,
            skills=frozenset({spec.skill}) if nid in skilled else frozenset(),
            is_charge=i == 0 and charge_cap is not None,
            charge_max_patients=charge_cap if i == 0 else None,
        )
        for i, nid in enumerate(on_shift)
    ]
    needing = set(rng.sample(range(len(beds)), spec.skill_patients))
    patients = []
    for i, (r, b) in enumerate(beds):
        prev = bed_nurse[r, b] if rng.random() < PREVIOUS_SHARE else None
        patients.append(
            Patient(
                id=1000 + i,
                acuity=rng.choices(values, weights=shares)[0],
                room_position=r,
                room=f"{r + 1:02d}{'AB'[b] if spec.beds_per_room > 1 else ''}",
                required_skills=frozenset({spec.skill}) if i in needing else frozenset(),
                previous_nurse_id=prev,
            )
        )
    return AssignmentProblem(nurses, patients, ratio_label=spec.ratio, name=f"{size}-{seed}")


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


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instances", type=int, default=5, help="instances per size")
    ap.add_argument("--seeds", default="0,1,2", help="solver seeds, comma-separated")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--only", default="", help="comma-separated sizes")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--span-weight", type=int, default=0, help="also weigh the exact span (Weights.span), off by default"
    )
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)

    sizes = [s for s in args.only.split(",") if s] or list(SIZES)
    seeds = [int(s) for s in args.seeds.split(",") if s]
    rows: list[dict[str, object]] = []
    for size in sizes:
        for inst in range(1, args.instances + 1):
            problem = generate(size, inst)
            if args.span_weight:
                problem.weights = dataclasses.replace(problem.weights, span=args.span_weight)
            for seed in seeds:
                t0 = time.perf_counter()
                res = solve(problem, SolveOptions(time_limit_s=args.time_limit, workers=args.workers, seed=seed))
                wall = time.perf_counter() - t0
                broken = hard_violations(problem, check_assignment(problem, res.assignment)) if res.assignment else []
                ok = res.objective is None or evaluate(problem, res.assignment).objective == res.objective
                row = {
                    "size": size,
                    "instance": inst,
                    "seed": seed,
                    "nurses": len(problem.nurses),
                    "patients": len(problem.patients),
                    "status": str(res.status),
                    "seconds": round(wall, 3),
                    "objective": res.objective,
                    "bound": res.bound,
                    "optimal": res.optimal,
                    "terms": res.terms,
                    "span_steps": sum(res.span.values()),
                    "hard_violations": len(broken),
                    "objective_checked": ok,
                }
                rows.append(row)
                if args.verbose:
                    print(row, flush=True)

    print(f"{'size':<10} {'runs':>4} {'optimal':>7} {'median s':>9} {'max s':>7} {'mean obj':>9}")
    summary = {}
    for size in sizes:
        mine = [r for r in rows if r["size"] == size]
        secs = [float(str(r["seconds"])) for r in mine]
        objs = [int(str(r["objective"])) for r in mine if r["objective"] is not None]
        n_opt = sum(1 for r in mine if r["optimal"])
        summary[size] = {
            "runs": len(mine),
            "optimal": n_opt,
            "median_seconds": round(statistics.median(secs), 3),
            "max_seconds": round(max(secs), 3),
        }
        mean = statistics.mean(objs) if objs else float("nan")
        print(f"{size:<10} {len(mine):>4} {n_opt:>7} {statistics.median(secs):>9.3f} {max(secs):>7.3f} {mean:>9.1f}")
    bad = [r for r in rows if r["hard_violations"] or not r["objective_checked"]]
    if bad:
        print(f"ERROR: {len(bad)} runs broke a hard rule or misreported the objective", file=sys.stderr)
    out = args.out or REPO / "bench" / "results" / f"assignment-{dt.date.today().isoformat()}.json"  # noqa: DTZ011
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "assignment",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "bench/assignment/run.py " + " ".join(argv),
        "workers": args.workers,
        "time_limit_s": args.time_limit,
        "seeds": seeds,
        "machine": machine_info(),
        "summary": summary,
        "runs": rows,
    }
    out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
