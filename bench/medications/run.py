"""Medication benchmark: the medication-pass board of a 32-bed unit and the
hospital-wide late-dose query, with a week and with a year of dose history at
a 500-bed scale, on SQLite (default: a fresh file in a temporary folder) or on
PostgreSQL (BENCH_DATABASE_URL, or DATABASE_URL's server with a database named
<name>_bench_meds: that database is dropped and created again).

    python bench/medications/run.py                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caredesk python bench/medications/run.py   # PostgreSQL

Steps: `caredesk migrate`; `caredesk seed --scale 3` (three hospital + nursing-home
pairs, about 600 beds); the bench data generator below fills the beds to about
85 % (plus a 32-bed unit, BENCH32, full), gives every patient two scheduled
orders (and the 32-bed unit's patients four) and writes their doses and
administrations for the last 7 days ("week"), measures, then extends the history to
365 days ("year") and measures again. Each page is requested `--reps` times
(after 3 warm-up requests) through Django's test client, logged in as the
hospital's director; we report the median and p95 in milliseconds and the
number of SQL queries per request, which must not grow with the history or the
number of patients.

Results: bench/results/medications-<date>-<sqlite|postgresql>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
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
FORMULARY = [
    ("Metoprolol tartrate", "25", "mg", "po", "bid", ["09:00", "21:00"]),
    ("Lisinopril", "10", "mg", "po", "daily", ["09:00"]),
    ("Heparin", "5000", "units", "sc", "q8h", []),
    ("Insulin lispro", "4", "units", "sc", "tid", ["08:00", "12:00", "17:00"]),
    ("Piperacillin-tazobactam", "4.5", "g", "iv", "q6h", []),
    ("Atorvastatin", "40", "mg", "po", "daily", ["21:00"]),
    ("Levetiracetam", "500", "mg", "po", "bid", ["09:00", "21:00"]),
]


def bench_url() -> str | None:
    """The PostgreSQL database to benchmark on: BENCH_DATABASE_URL, else a database
    beside DATABASE_URL's named <name>_bench_meds (never DATABASE_URL's own
    database: it is dropped and created again)."""
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    base, name = url.rsplit("/", 1)
    name = name.split("?")[0]
    return f"{base}/{name if name.endswith('_bench_meds') else name + '_bench_meds'}"


def fresh_database(url: str | None, folder: str) -> str:
    if not url:
        return f"sqlite:///{folder}/bench.sqlite3"
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def run(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed commands
    return time.perf_counter() - start


# --- the bench data generator -------------------------------------------------------------


def fill_beds(rng: random.Random, now: Any) -> dict[str, Any]:
    """Occupy about 85 % of the beds (all of the new 32-bed unit)."""
    from caredesk.census.models import Patient, Stay
    from caredesk.org.models import Bed, Room, Site, Unit

    hospital = Site.objects.filter(kind="hospital").order_by("pk").first()
    assert hospital is not None, "the seed made no hospital"
    unit, created = Unit.objects.get_or_create(
        site=hospital, code="BENCH32", defaults={"name": "Bench 32-bed unit", "kind": "med_surg"}
    )
    if created:
        rooms = Room.objects.bulk_create([Room(unit=unit, name=f"B{i + 1:02d}", position=i) for i in range(32)])
        Bed.objects.bulk_create([Bed(room=r, label="A") for r in rooms])
    taken = set(Stay.objects.filter(discharged_at__isnull=True).values_list("bed_id", flat=True))
    beds = Bed.objects.select_related("room__unit__site").exclude(room__unit__kind="ed").exclude(pk__in=taken)
    patients, stays = [], []
    n = Patient.objects.count()
    for bed in beds:
        full = bed.room.unit_id == unit.pk
        if not full and rng.random() > 0.85:
            continue
        n += 1
        site = bed.room.unit.site
        p = Patient(
            site=site,
            mrn=f"BENCH{n:07d}",
            wristband_id=f"BW{n:07d}",
            family_name=f"Bench{n}",
            given_name="Pat",
            birth_date=date(1950, 1, 1) + timedelta(days=n % 15000),
        )
        patients.append(p)
        stays.append(Stay(patient=p, unit=bed.room.unit, bed=bed, admitted_at=now - timedelta(days=400)))
    Patient.objects.bulk_create(patients, batch_size=2000)
    for s in stays:
        s.patient_id = s.patient.pk
    Stay.objects.bulk_create(stays, batch_size=2000)
    return {"hospital": hospital, "unit": unit}


def make_orders(rng: random.Random, now: Any, unit: Any) -> list[Any]:
    from caredesk.census.models import Stay
    from caredesk.medications.models import MedicationOrder

    orders = []
    for stay in Stay.objects.filter(discharged_at__isnull=True).select_related("unit"):
        count = 4 if stay.unit_id == unit.pk else 2
        for drug, dose, dose_unit, route, freq, times in rng.sample(FORMULARY, count):
            orders.append(
                MedicationOrder(
                    stay=stay,
                    drug=drug,
                    dose=Decimal(dose),
                    dose_unit=dose_unit,
                    route=route,
                    frequency=freq,
                    times_of_day=times,
                    starts_at=now - timedelta(days=366),
                    time_critical=drug in ("Heparin", "Insulin lispro", "Piperacillin-tazobactam"),
                    prescriber="Dr. Bench",
                    generated_until=now + timedelta(hours=48),
                )
            )
    MedicationOrder.objects.bulk_create(orders, batch_size=2000)
    return orders


def write_history(rng: random.Random, now: Any, orders: list[Any], start: Any, until: Any) -> int:
    """Doses of every order in [start, until) and their administrations: 90 % on
    time, 4 % late, 2 % early, 2 % held or refused, 2 % left undocumented."""
    from caredesk.medications import schedule
    from caredesk.medications import status as st
    from caredesk.medications.models import Administration, ScheduledDose

    zones = {o.stay.unit_id: o.stay.unit.site.time_zone for o in orders}
    policy = st.Policy()
    written = 0
    chunk = 60
    for i in range(0, len(orders), chunk):
        doses, plans = [], []
        for order in orders[i : i + chunk]:
            for d in schedule.build_doses(
                order, zone=zones[order.stay.unit_id], policy=policy, start=start, until=until
            ):
                w = st.window(d.scheduled_at, d.window_minutes)
                roll = rng.random()
                if w.closes_at > now:
                    d.outcome, given = "", None
                elif roll < 0.90:
                    d.outcome, given = "given_on_time", d.scheduled_at + timedelta(minutes=rng.randint(-20, 25))
                elif roll < 0.94:
                    d.outcome, given = "given_late", w.closes_at + timedelta(minutes=rng.randint(5, 60))
                elif roll < 0.96:
                    d.outcome, given = "given_early", w.opens_at - timedelta(minutes=rng.randint(5, 30))
                elif roll < 0.98:
                    d.outcome, given = "held", d.scheduled_at
                else:
                    d.outcome, given = "", None
                if d.outcome or d.scheduled_at < now - timedelta(days=1):
                    d.next_check_at = None
                doses.append(d)
                plans.append((d, given))
        ScheduledDose.objects.bulk_create(doses, batch_size=5000)
        admins = [
            Administration(
                order_id=d.order_id,
                dose=d,
                stay_id=d.stay_id,
                status="not_done" if d.outcome == "held" else "completed",
                not_done_reason="held" if d.outcome == "held" else "",
                reason="bench",
                given_at=given,
                dose_given=None if d.outcome == "held" else d.order.dose,
                dose_unit=d.order.dose_unit,
                route=d.order.route,
                recorded_at=given,
                idempotency_key=f"bench-{d.pk}",
            )
            for d, given in plans
            if given is not None
        ]
        Administration.objects.bulk_create(admins, batch_size=5000)
        written += len(doses) + len(admins)
    return written


# --- measuring ------------------------------------------------------------------------------


def analyze(connection: Any) -> None:
    """Fresh planner statistics after a bulk load (what autovacuum / PRAGMA optimize do in production)."""
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def measure(client: Any, url: str, reps: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times, counts = [], []
    for _ in range(reps):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
        "queries": max(counts),
        "queries_min": min(counts),
    }


def measure_all(client: Any, ctx: dict[str, Any], reps: int) -> dict[str, Any]:
    unit, hospital = ctx["unit"], ctx["hospital"]
    small = ctx["small_unit"]
    return {
        "board_32_beds": measure(client, f"/medications/units/{unit.pk}/board/", reps),
        "board_partial_32_beds": measure(client, f"/medications/units/{unit.pk}/board/partial/", reps),
        "board_partial_small_unit": measure(client, f"/medications/units/{small.pk}/board/partial/", reps),
        "late_doses_api_hospital_24h": measure(client, f"/api/v1/medications/late-doses?site_id={hospital.pk}", reps),
        "late_page_32_beds_today": measure(client, f"/medications/units/{unit.pk}/late/", reps),
        "late_page_hospital_24h": measure(client, "/medications/late/", reps),
        "late_page_hospital_7d": measure(client, "/medications/late/?hours=168", reps),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=3)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="caredesk-bench-meds-")
    url = fresh_database(bench_url(), folder)
    env = {**os.environ, "DATABASE_URL": url, "CAREDESK_DEBUG": os.environ.get("CAREDESK_DEBUG", "0")}
    timings = {"migrate_s": round(run([CAREDESK, "migrate"], env), 1)}
    timings["seed_s"] = round(run([CAREDESK, "seed", "--scale", str(args.scale)], env), 1)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client

    from caredesk.accounts.models import RoleGrant, User
    from caredesk.census.models import Stay
    from caredesk.core import clock
    from caredesk.medications.models import Administration, ScheduledDose
    from caredesk.org.models import Bed, Unit

    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(2026)  # noqa: S311 - synthetic data, seeded
    now = clock.now()
    start = time.perf_counter()
    with transaction.atomic():
        ctx = fill_beds(rng, now)
        orders = make_orders(rng, now, ctx["unit"])
    ctx["now"] = now
    ctx["small_unit"] = (
        Unit.objects.filter(site=ctx["hospital"], code="ICU").first() or Unit.objects.exclude(pk=ctx["unit"].pk).first()
    )
    with transaction.atomic():
        written = write_history(rng, now, orders, now - timedelta(days=7), now + timedelta(hours=48))
    timings["generate_week_s"] = round(time.perf_counter() - start, 1)
    analyze(connection)
    director, _ = User.objects.get_or_create(username="bench_director", defaults={"first_name": "Bench"})
    RoleGrant.objects.get_or_create(user=director, role="director", site=ctx["hospital"], unit=None)
    superuser, _ = User.objects.get_or_create(username="bench_root", defaults={"is_superuser": True, "is_staff": True})
    client = Client(HTTP_HOST="localhost")
    client.force_login(director)
    root = Client(HTTP_HOST="localhost")
    root.force_login(superuser)
    beds = Bed.objects.exclude(room__unit__kind="ed").count()
    patients = Stay.objects.filter(discharged_at__isnull=True).count()
    results: dict[str, Any] = {"week": measure_all(client, ctx, args.reps)}
    results["week"]["late_doses_api_all_sites_7d"] = measure(
        root,
        "/api/v1/medications/late-doses?since=" + (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        args.reps,
    )
    week_rows = {"doses": ScheduledDose.objects.count(), "administrations": Administration.objects.count()}
    start = time.perf_counter()
    with transaction.atomic():
        written += write_history(rng, now, orders, now - timedelta(days=args.days), now - timedelta(days=7))
    timings["generate_year_s"] = round(time.perf_counter() - start, 1)
    analyze(connection)
    results["year"] = measure_all(client, ctx, args.reps)
    results["year"]["late_doses_api_all_sites_7d"] = measure(
        root,
        "/api/v1/medications/late-doses?since=" + (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        args.reps,
    )
    year_rows = {"doses": ScheduledDose.objects.count(), "administrations": Administration.objects.count()}
    report = {
        "suite": "medications",
        "date": clock.now().date().isoformat(),
        "database": connection.vendor,
        "scale": args.scale,
        "beds": beds,
        "occupied": patients,
        "unit_32_patients": Stay.objects.filter(unit=ctx["unit"], discharged_at__isnull=True).count(),
        "reps": args.reps,
        "rows": {"week": week_rows, "year": year_rows},
        "timings": timings,
        "results": results,
        "note": "late_doses_api_all_sites_7d is measured as a superuser (every site); the others as the hospital's "
        "director. 'queries' is the number of SQL queries per request (session and user included).",
    }
    out = ROOT / "bench" / "results" / f"medications-{report['date']}-{connection.vendor}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"medications bench on {connection.vendor}: {beds} beds, {patients} patients, "
        f"{year_rows['doses']} doses and {year_rows['administrations']} administrations in the year"
    )
    print(f"{'page':34} {'history':7} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for history in ("week", "year"):
        for name, r in results[history].items():
            print(f"{name:34} {history:7} {r['median_ms']:>10} {r['p95_ms']:>8} {r['queries']:>8}")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
