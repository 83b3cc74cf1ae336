"""`make bench`: run every benchmark suite and write its JSON results under
bench/results/ (one file per suite and date, to compare over time).

Suites: rostering (the public Curtois & Qu instances), assignment (the
nurse-patient optimiser on generated units), scheduling (a 6-week roster of a
40-nurse unit from the demo data) and medications (the pass board
and the late-dose query at a 500-bed scale with a year of history, on SQLite,
and on PostgreSQL too when BENCH_DATABASE_URL or DATABASE_URL names a server).
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
    ("assignment", [sys.executable, str(ROOT / "bench" / "assignment" / "run.py")]),
    ("scheduling", [sys.executable, str(ROOT / "bench" / "scheduling" / "run.py")]),
]
_POSTGRES = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
SUITES.append(
    (
        "medications (SQLite)",
        [
            "env",
            "-u",
            "DATABASE_URL",
            "-u",
            "BENCH_DATABASE_URL",
            sys.executable,
            str(ROOT / "bench" / "medications" / "run.py"),
        ],
    )
)
if _POSTGRES.startswith("postgres"):
    SUITES.append(("medications (PostgreSQL)", [sys.executable, str(ROOT / "bench" / "medications" / "run.py")]))


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
