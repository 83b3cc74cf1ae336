"""Medication demo data for each new hospital and nursing home.

Every patient on the ICU and 4 West (and a few on REHAB and the Birch wing)
gets two to four orders from a realistic formulary (time-critical antibiotics,
anticoagulants and insulin among them) plus an as-needed analgesic, with
seven days of history: most doses given on time, some early or late with a
reason, some held or refused with a documented reason, a few missed; doses
due now and to come are left open. Each administration is performed by the
nurse assigned to the patient on that shift (assignment seed), else by an RN
of the unit. The site gets the ISMP list of time-critical medications.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from caredesk.census.models import Stay
from caredesk.core import clock
from caredesk.core.seeding import SeedContext
from caredesk.medications import schedule, timing
from caredesk.medications import status as st
from caredesk.medications.models import (
    Administration,
    AdministrationStatus,
    MedicationOrder,
    NotDoneReason,
    Outcome,
    ScheduledDose,
)
from caredesk.org.models import Unit
from caredesk.workforce.models import StaffMember

ORDER = 90
HISTORY = timedelta(days=7)
FULL_UNITS = ("ICU", "4W")
SAMPLE_UNITS = ("REHAB", "BIRCH")
SAMPLE_PATIENTS = 5


@dataclass(frozen=True)
class Drug:
    name: str
    dose: str
    unit: str
    route: str
    frequency: str
    times: tuple[str, ...]
    indication: str
    prn_interval: int | None = None


FORMULARY = [
    Drug("Metoprolol tartrate", "25", "mg", "po", "bid", ("09:00", "21:00"), "Hypertension"),
    Drug("Lisinopril", "10", "mg", "po", "daily", ("09:00",), "Hypertension"),
    Drug("Atorvastatin", "40", "mg", "po", "daily", ("21:00",), "Hyperlipidaemia"),
    Drug("Pantoprazole", "40", "mg", "po", "daily", ("07:00",), "Gastric protection"),
    Drug("Furosemide", "40", "mg", "iv", "bid", ("09:00", "17:00"), "Fluid overload"),
    Drug("Enoxaparin", "40", "mg", "sc", "daily", ("21:00",), "VTE prophylaxis"),
    Drug("Heparin", "5000", "units", "sc", "q8h", (), "VTE prophylaxis"),
    Drug("Insulin lispro", "4", "units", "sc", "tid", ("08:00", "12:00", "17:00"), "Diabetes, with meals"),
    Drug("Piperacillin-tazobactam", "4.5", "g", "iv", "q6h", (), "Pneumonia"),
    Drug("Vancomycin", "1250", "mg", "iv", "q12h", ("09:00", "21:00"), "MRSA coverage"),
    Drug("Levetiracetam", "500", "mg", "po", "bid", ("09:00", "21:00"), "Seizure prophylaxis"),
    Drug("Carbidopa-levodopa", "25", "mg", "po", "qid", ("08:00", "12:00", "16:00", "20:00"), "Parkinson's disease"),
    Drug("Donepezil", "10", "mg", "po", "daily", ("21:00",), "Dementia"),
    Drug("Senna", "8.6", "mg", "po", "daily", ("21:00",), "Constipation"),
]
PRN = [
    Drug("Acetaminophen", "650", "mg", "po", "prn", (), "Pain or fever", 240),
    Drug("Oxycodone", "5", "mg", "po", "prn", (), "Moderate pain", 240),
    Drug("Ondansetron", "4", "mg", "iv", "prn", (), "Nausea", 480),
]
LATE_REASONS = [
    "Patient off the unit for imaging",
    "Rapid response on the unit",
    "Medication not yet delivered by pharmacy",
    "Patient asleep; given on waking per family request",
]
EARLY_REASONS = ["Patient leaving for a procedure", "Given with the meal tray"]
HOLD_REASONS = [
    (NotDoneReason.HELD, "Heart rate 52, held per order parameters"),
    (NotDoneReason.HELD, "Systolic pressure 88, prescriber informed"),
    (NotDoneReason.NPO, "Nil by mouth before surgery"),
    (NotDoneReason.REFUSED, "Patient refused: nausea"),
    (NotDoneReason.REFUSED, "Patient refused after explanation"),
    (NotDoneReason.OFF_UNIT, "Patient in the cardiac catheterisation lab"),
]


class Performers:
    """Who gave a dose at a time: the assigned nurse of that shift, else a unit RN."""

    def __init__(self, unit: Unit, rng: random.Random) -> None:
        from caredesk.assignment.models import PatientAssignment

        self.rng = rng
        self.by_stay: dict[int, list[tuple[datetime, datetime, Any]]] = defaultdict(list)
        rows = PatientAssignment.objects.filter(shift__unit=unit).select_related("staff", "shift")
        for a in rows:
            self.by_stay[a.stay_id].append((a.shift.starts_at, a.shift.ends_at, a.staff))
        self.unit_nurses = list(
            StaffMember.objects.filter(home_unit=unit, discipline__in=("rn", "lpn")).select_related("user")
        )

    def at(self, stay_id: int, moment: datetime) -> Any:
        for start, end, staff in self.by_stay.get(stay_id, []):
            if start <= moment < end:
                return staff
        return self.rng.choice(self.unit_nurses) if self.unit_nurses else None


def _outcome(rng: random.Random, dose: ScheduledDose, now: datetime) -> tuple[str, datetime | None, str, str]:
    """(outcome, given_at, not_done_reason, reason) for a dose whose window has opened."""
    w = st.window(dose.scheduled_at, dose.window_minutes)
    span = dose.window_minutes * 60
    if w.closes_at > now:  # window open now: about half given already
        if rng.random() < 0.5 and dose.scheduled_at <= now:
            return Outcome.ON_TIME, dose.scheduled_at + timedelta(seconds=rng.randint(-span // 2, 0)), "", ""
        return Outcome.OPEN, None, "", ""
    roll = rng.random()
    if roll < 0.83:
        return (
            Outcome.ON_TIME,
            dose.scheduled_at + timedelta(seconds=rng.randint(-int(span * 0.7), int(span * 0.8))),
            "",
            "",
        )
    if roll < 0.89:
        late = w.closes_at + timedelta(minutes=rng.randint(5, 95))
        if dose.next_dose_at and late >= dose.next_dose_at:
            late = w.closes_at + timedelta(minutes=5)
        return Outcome.LATE, min(late, now), "", rng.choice(LATE_REASONS)
    if roll < 0.91:
        return Outcome.EARLY, w.opens_at - timedelta(minutes=rng.randint(5, 40)), "", rng.choice(EARLY_REASONS)
    if roll < 0.96:
        kind, reason = rng.choice(HOLD_REASONS)
        outcome = Outcome.REFUSED if kind == NotDoneReason.REFUSED else Outcome.HELD
        return outcome, dose.scheduled_at + timedelta(minutes=rng.randint(-10, 20)), str(kind), reason
    return Outcome.OPEN, None, "", ""  # late now, or missed


def seed_unit(ctx: SeedContext, unit: Unit, stays: list[Stay], now: datetime, rng: random.Random) -> None:
    site = unit.site
    policy = timing.policy_for(site)
    critical = timing.time_critical_names(site)
    performers = Performers(unit, rng)
    orders: list[MedicationOrder] = []
    for stay in stays:
        start = max(stay.admitted_at, now - HISTORY)
        for drug in rng.sample(FORMULARY, rng.randint(2, 4)) + ([rng.choice(PRN)] if rng.random() < 0.6 else []):
            orders.append(
                MedicationOrder(
                    stay=stay,
                    drug=drug.name,
                    dose=Decimal(drug.dose),
                    dose_unit=drug.unit,
                    route=drug.route,
                    frequency=drug.frequency,
                    times_of_day=list(drug.times),
                    prn_min_interval_minutes=drug.prn_interval,
                    indication=drug.indication,
                    starts_at=start,
                    time_critical=any(n in drug.name.lower() for n in critical),
                    prescriber=stay.attending or "Dr. M. Okafor",
                    generated_until=None if drug.prn_interval else now + schedule.HORIZON,
                )
            )
    MedicationOrder.objects.bulk_create(orders)
    doses: list[ScheduledDose] = []
    plans: list[tuple[ScheduledDose, datetime | None, str, str]] = []
    for order in orders:
        if order.is_prn:
            continue
        for dose in schedule.build_doses(
            order, zone=site.time_zone, policy=policy, start=order.starts_at, until=now + schedule.HORIZON
        ):
            outcome, given_at, kind, reason = _outcome(rng, dose, now)
            dose.outcome = outcome
            if outcome or dose.scheduled_at < now - timedelta(hours=24):
                # Documented, or history older than a day: nothing left for the alert sweep.
                if not outcome:
                    dose.late_alerted_at = dose.missed_alerted_at = dose.window_closes_at
                dose.next_check_at = None
            doses.append(dose)
            plans.append((dose, given_at, kind, reason))
    ScheduledDose.objects.bulk_create(doses, batch_size=2000)
    admins = []
    for dose, given_at, kind, reason in plans:
        if given_at is None:
            continue
        order = dose.order
        staff = performers.at(order.stay_id, given_at)
        given = not kind
        admins.append(
            Administration(
                order=order,
                dose=dose,
                stay_id=order.stay_id,
                status=AdministrationStatus.COMPLETED if given else AdministrationStatus.NOT_DONE,
                not_done_reason=kind,
                reason=reason,
                given_at=given_at,
                dose_given=order.dose if given else None,
                dose_unit=order.dose_unit if given else "",
                route=order.route if given else "",
                wristband_scanned=order.stay.patient.wristband_id if given else "",
                performer=staff,
                recorded_by=staff.user if staff is not None else None,
                recorded_at=given_at + timedelta(minutes=rng.randint(0, 4)),
                idempotency_key=f"seed-{dose.pk}",
            )
        )
    for order in orders:  # as-needed doses every few hours on some days
        if not order.is_prn:
            continue
        moment = order.starts_at + timedelta(hours=rng.randint(2, 10))
        n = 0
        while moment < now:
            staff = performers.at(order.stay_id, moment)
            admins.append(
                Administration(
                    order=order,
                    stay_id=order.stay_id,
                    status=AdministrationStatus.COMPLETED,
                    reason=rng.choice(["Pain 6/10", "Pain 4/10", "Temperature 38.4", "Nausea"]),
                    given_at=moment,
                    dose_given=order.dose,
                    dose_unit=order.dose_unit,
                    route=order.route,
                    wristband_scanned=order.stay.patient.wristband_id,
                    performer=staff,
                    recorded_by=staff.user if staff is not None else None,
                    recorded_at=moment,
                    idempotency_key=f"seed-prn-{order.pk}-{n}",
                )
            )
            n += 1
            moment += timedelta(minutes=(order.prn_min_interval_minutes or 240) + rng.randint(30, 900))
    Administration.objects.bulk_create(admins, batch_size=2000)
    ctx.report.add("medication orders", len(orders))
    ctx.report.add("scheduled doses", len(doses))
    ctx.report.add("administrations", len(admins))


def run(ctx: SeedContext) -> None:
    now = clock.now()
    for k, hospital, home in ctx.shared.get("new_pairs", []):
        for site in (hospital, home):
            if site is None:
                continue
            timing.seed_site_list(site)
            for unit in Unit.objects.filter(site=site, code__in=FULL_UNITS + SAMPLE_UNITS).select_related("site"):
                rng = random.Random(f"{ctx.seed}:medications:{k}:{unit.code}")
                stays = list(
                    Stay.objects.filter(unit=unit, discharged_at__isnull=True).select_related("patient").order_by("pk")
                )
                if unit.code in SAMPLE_UNITS:
                    stays = stays[:SAMPLE_PATIENTS]
                if stays:
                    seed_unit(ctx, unit, stays, now, rng)
