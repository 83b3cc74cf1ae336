"""`make bench`: run every benchmark suite and write its JSON results under
bench/results/ (one file per suite and date, to compare over time).

Suites so far: rostering (the public Curtois & Qu instances). Later suites
(assignment, medication board, scheduling pages) add themselves to SUITES.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = os.environ.get("SECONDS_PER_INSTANCE", os.environ.get("BENCH_SECONDS", "60"))

SUITES: list[tuple[str, list[str]]] = [
    ("rostering", [sys.executable, str(ROOT / "bench" / "rostering" / "run_all.py"), "--seconds", SECONDS]),
]


def main() -> int:
    failed = []
    for name, command in SUITES:
        print(f"==== {name}: {' '.join(command[1:])}", flush=True)
        if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:  # noqa: S603 - fixed command
            failed.append(name)
    if failed:
        print(f"failed suites: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
