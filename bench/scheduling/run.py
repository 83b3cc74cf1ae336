"""Scheduling benchmark: generate a 6-week roster for a 40-nurse unit built from
the demo data, through the same background-task function as "Generate".

Steps: a fresh SQLite database (a temporary folder), `caredesk migrate`,
`caredesk seed` (scale 1: the demo hospital, whose ICU and 4 West rosters the
seed generates too); then 4 West is topped up to 40 nurses (RN and LPN, with
the demo's work-rule pack, licences and BLS), its needs for the six weeks from
next Monday are derived from its beds and ratio (Day and Night: minimum and
preferred), a few approved time-off requests and wishes are added, and the
roster is generated with time limits of 30 and 120 seconds, 2 workers.

Reported per time limit: time to the first roster (seconds), objective, bound,
engine status, run status, unmet minimum needs, unmet preferred levels, hard
problems left (must be 0), wall seconds. Results:
bench/results/scheduling-<date>.json.

    python bench/scheduling/run.py [--limits 30 120]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CAREDESK = str(Path(sys.executable).parent / "caredesk")
NURSES = 40


def run(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed commands
    return time.perf_counter() - start


def make_unit(rng: random.Random, first: date, days: int) -> dict[str, Any]:
    """4 West of the demo hospital with 40 nurses, needs and a few requests."""
    from caredesk.accounts.models import User
    from caredesk.assignment.models import ShiftPattern
    from caredesk.org.models import Bed, Unit
    from caredesk.scheduling.models import RequestKind, RequestStatus, StaffingNeed, StaffRequest
    from caredesk.workforce.models import Credential, CredentialType, StaffMember, StaffStatus

    unit = Unit.objects.select_related("site").filter(code="4W", site__kind="hospital").order_by("pk").first()
    assert unit is not None, "the demo has no 4 West unit"
    people = list(
        StaffMember.objects.filter(
            home_unit=unit, status=StaffStatus.ACTIVE, discipline__in=("rn", "lpn")
        ).select_related("work_rules")
    )
    # the demo has credentials expiring on purpose (the expiry warnings): the bench
    # assumes those of 4 West renewed, so that all 40 nurses may work the period
    renewed = Credential.objects.filter(
        staff__in=people,
        type__code__in=("rn-licence", "lpn-licence", "bls"),
        expires_on__lt=first + timedelta(days=days),
    ).update(expires_on=date(2028, 12, 31))
    for person in people:
        for code in (f"{person.discipline}-licence", "bls"):
            if not Credential.objects.filter(staff=person, type__code=code, revoked_at__isnull=True).exists():
                ctype = CredentialType.objects.get(code=code)
                Credential.objects.create(
                    staff=person, type=ctype, number="R1", issued_on=date(2025, 1, 1), expires_on=date(2028, 12, 31)
                )
                renewed += 1
    template = people[0]
    types = {t.code: t for t in CredentialType.objects.filter(code__in=("rn-licence", "lpn-licence", "bls"))}
    added = 0
    while len(people) < NURSES:
        k = len(people)
        discipline = "lpn" if k % 5 == 4 else "rn"
        user = User.objects.create_user(
            username=f"bench.nurse{k}", password=None, first_name=f"Bench{k}", last_name="Nurse"
        )
        person = StaffMember.objects.create(
            user=user,
            site=unit.site,
            home_unit=unit,
            employee_number=f"BENCH-{k}",
            discipline=discipline,
            job_title="Staff Nurse",
            fte=Decimal("0.90"),
            contracted_minutes_per_week=36 * 60,
            work_rules=template.work_rules,
            hourly_rate=Decimal(46 + rng.randint(-4, 8) if discipline == "rn" else 31 + rng.randint(-2, 4)),
            night_differential=Decimal("4.00"),
            weekend_differential=Decimal("2.50"),
            hire_date=date(2020, 1, 6),
        )
        for code in (f"{discipline}-licence", "bls"):
            if code in types:
                Credential.objects.create(
                    staff=person,
                    type=types[code],
                    number=f"B{k}",
                    issued_on=date(2025, 1, 1),
                    expires_on=date(2028, 12, 31),
                )
        people.append(person)
        added += 1
    beds = Bed.objects.filter(room__unit=unit, is_active=True).count()
    patterns = list(ShiftPattern.objects.filter(unit=unit, is_active=True))
    StaffingNeed.objects.filter(unit=unit, date__gte=first, date__lt=first + timedelta(days=days)).delete()
    # ratio 1:5 (med-surg, 22 CCR 70217) on a full unit, bounded by what 40 people working 36 h can cover
    per_shift = max(2, round(beds / 5))
    capacity = NURSES * 36 / 12 / 7 / len(patterns)  # people per shift the contracts allow
    minimum = min(per_shift, int(capacity * 0.85))
    rows = [
        StaffingNeed(
            unit=unit,
            date=first + timedelta(days=k),
            pattern=p,
            minimum=minimum,
            preferred=minimum + 1,
            basis={"bench": f"{beds} beds, 1:5, capped at {capacity:.1f} people per shift"},
        )
        for k in range(days)
        for p in patterns
    ]
    StaffingNeed.objects.bulk_create(rows)
    for person in rng.sample(people, 8):
        start = first + timedelta(days=rng.randrange(0, days - 5))
        StaffRequest.objects.create(
            staff=person,
            kind=RequestKind.TIME_OFF,
            start_date=start,
            end_date=start + timedelta(days=rng.randint(1, 4)),
            status=RequestStatus.APPROVED,
            reason="bench",
        )
    for person in rng.sample(people, 10):
        d = first + timedelta(days=rng.randrange(0, days))
        StaffRequest.objects.create(
            staff=person,
            kind=rng.choice([RequestKind.SHIFT_WANTED, RequestKind.SHIFT_UNWANTED]),
            start_date=d,
            end_date=d,
            pattern=rng.choice(patterns),
            status=RequestStatus.NOTED,
        )
    return {"unit": unit, "people": len(people), "added": added, "beds": beds, "minimum": minimum, "renewed": renewed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limits", type=int, nargs="+", default=[30, 120])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="caredesk-bench-sched-")
    url = f"sqlite:///{folder}/bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": url, "CAREDESK_DEBUG": "0"}
    timings = {"migrate_s": round(run([CAREDESK, "migrate"], env), 1)}
    timings["seed_s"] = round(run([CAREDESK, "seed"], env), 1)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    import django

    django.setup()
    from django.db import transaction

    from caredesk.core import clock
    from caredesk.scheduling import checks, tasks
    from caredesk.scheduling.models import Roster, RosterStatus
    from caredesk.scheduling.seeding.needs_requests import unit_manager
    from caredesk.scheduling.services import rosters as services

    rng = random.Random(2026)  # noqa: S311 - synthetic data, seeded
    today = clock.to_zone(clock.now(), "UTC").date()
    days = 42
    results = []
    with transaction.atomic():
        info = make_unit(rng, today + timedelta(days=(7 - today.weekday()) % 7 or 7) + timedelta(days=28), days)
    unit = info["unit"]
    actor = unit_manager(unit.site, unit)
    first = today + timedelta(days=(7 - today.weekday()) % 7 or 7) + timedelta(days=28)
    for limit in args.limits:
        # every time limit on the same period, from a blank roster
        start = first
        Roster.objects.filter(unit=unit, start_date=start).exclude(status=RosterStatus.ARCHIVED).delete()
        roster = services.create_roster(actor, unit.pk, start, days)
        run_ = services.generate(actor, roster.pk, time_limit_s=limit, enqueue=False)
        t0 = time.perf_counter()
        run_ = tasks.run_generation(run_.pk, workers=args.workers, seed=1)
        wall = time.perf_counter() - t0
        summary = run_.summary or {}
        hard = [p for p in checks.check_roster(roster) if p.hard]
        row = {
            "unit": unit.code,
            "nurses": info["people"],
            "days": days,
            "time_limit_s": limit,
            "workers": args.workers,
            "status": run_.status,
            "solver_status": run_.solver_status,
            "first_roster_s": summary.get("first_feasible_s"),
            "objective": run_.objective,
            "bound": run_.bound,
            "unmet_minimum": sum(1 for u in summary.get("unmet", []) if u["level"] == "minimum"),
            "unmet_preferred": sum(1 for u in summary.get("unmet", []) if u["level"] == "preferred"),
            "hard_problems": len(hard),
            "entries": roster.entries.count(),
            "labour_cost": summary.get("labour_cost"),
            "engine_seconds": summary.get("seconds"),
            "wall_seconds": round(wall, 1),
            "breakdown": run_.breakdown,
            "needs": {"minimum_per_shift": info["minimum"], "preferred_per_shift": info["minimum"] + 1},
            "credentials_renewed": info["renewed"],
            "period": f"{start.isoformat()} + {days} days",
        }
        results.append(row)
        print(json.dumps({k: v for k, v in row.items() if k != "breakdown"}), flush=True)
    out = ROOT / "bench" / "results" / f"scheduling-{today.isoformat()}.json"
    out.write_text(json.dumps({"timings": timings, "results": results}, indent=2, default=str) + "\n")
    print()
    print(
        f"{'limit':>6} {'status':>8} {'first(s)':>9} {'objective':>10} {'bound':>8} {'unmet min':>10} {'unmet pref':>11} {'hard':>5} {'wall(s)':>8}"
    )
    for r in results:
        print(
            f"{r['time_limit_s']:>6} {r['status']:>8} {r['first_roster_s']!s:>9} {r['objective']!s:>10} "
            f"{r['bound']!s:>8} {r['unmet_minimum']:>10} {r['unmet_preferred']:>11} {r['hard_problems']:>5} {r['wall_seconds']:>8}"
        )
    print(f"written: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
