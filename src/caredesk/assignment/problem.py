"""From the database to the optimiser's input, for one care shift.

- Patients: the stays active on the unit when the shift starts
  (`census.queries.active_stays`), each with its latest acuity points
  (`census.queries.latest_acuity`; 1 when not scored yet), its room's position
  along the corridor (Bed -> Room.position), the nurse who had it on the
  unit's previous shift (assignment history: continuity), and:
- Required skills, kept deliberately simple:
    * "paediatrics" for a patient under 18 on the day the shift starts;
    * any "skill:<name>" tag written in the stay's reason for admission or in
      the note of an active flag, e.g. "skill:chemotherapy";
    * an active one-to-one flag makes the patient a 1:1 observation (the only
      patient of their nurse), not a skill.
- Nurses: the licensed nurses (RN, LPN/LVN) on the shift. Their skills are the
  shift row's `skills` (filled from their credentials when they are added: see
  services.SKILL_OF_CREDENTIAL). Their cap is the unit's ratio (ratios.py)
  split over the nurses, lowered by the row's own `max_patients` (a charge
  nurse usually takes fewer).
- Pins: the pinned assignments of the shift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet

from caredesk.assignment import ratios, solver
from caredesk.assignment.models import CareShift, PatientAssignment, ShiftStaff
from caredesk.census import queries as census_queries
from caredesk.census.models import FlagKind, PatientFlag, Stay, StayStatus
from caredesk.core import clock
from caredesk.core.roles import Discipline

LICENSED = (Discipline.RN, Discipline.LPN)
SKILL_TAG = re.compile(r"skill:([a-z][a-z0-9_-]*)", re.IGNORECASE)


def active_stays(unit: Any, at: datetime) -> QuerySet[Stay]:
    """The stays on the unit at `at` (the census's own answer)."""
    return census_queries.active_stays(unit, at)


def latest_acuity(stay_ids: list[int]) -> dict[int, int]:
    """Latest acuity points per stay (the census's own answer)."""
    return dict(census_queries.latest_acuity(stay_ids))


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def required_skills(stay: Stay, flag_notes: list[str], day: date) -> frozenset[str]:
    skills = {m.lower() for text in [stay.reason, *flag_notes] for m in SKILL_TAG.findall(text or "")}
    if age_on(stay.patient.birth_date, day) < 18:
        skills.add("paediatrics")
    return frozenset(skills)


def previous_shift(shift: CareShift) -> CareShift | None:
    return (
        CareShift.objects.filter(unit_id=shift.unit_id, starts_at__lt=shift.starts_at)
        .exclude(pk=shift.pk)
        .order_by("-starts_at")
        .first()
    )


def previous_nurses(shift: CareShift, stay_ids: list[int]) -> dict[int, int]:
    """stay id -> staff id of the nurse who had the patient on the unit's previous shift."""
    prev = previous_shift(shift)
    if prev is None:
        return {}
    return dict(PatientAssignment.objects.filter(shift=prev, stay_id__in=stay_ids).values_list("stay_id", "staff_id"))


@dataclass
class Built:
    shift: CareShift
    problem: solver.AssignmentProblem
    ratio: ratios.UnitRatio
    stays: dict[int, Stay] = field(default_factory=dict)
    staff: dict[int, ShiftStaff] = field(default_factory=dict)  # by staff member id (licensed nurses only)
    caps: dict[int, int | None] = field(default_factory=dict)  # staff member id -> cap (None: none)
    acuity: dict[int, int] = field(default_factory=dict)
    scored: set[int] = field(default_factory=set)
    flags: dict[int, list[str]] = field(default_factory=dict)  # stay id -> active flag kinds
    previous: dict[int, int] = field(default_factory=dict)


def build(shift: CareShift, *, at: datetime | None = None) -> Built:
    """The optimiser's input for `shift` (patients present at its start, or at `at`)."""
    unit = shift.unit
    moment = at or shift.starts_at
    ratio = ratios.unit_ratio(unit, is_night=shift.is_night)
    stays = list(
        active_stays(unit, moment)
        .filter(status__in=[StayStatus.ADMITTED, StayStatus.DISCHARGED])
        .select_related("patient", "bed", "bed__room")
        .order_by("bed__room__position", "bed__label", "pk")
    )
    stay_ids = [s.pk for s in stays]
    flags: dict[int, list[str]] = {}
    notes: dict[int, list[str]] = {}
    for stay_id, kind, note in PatientFlag.objects.filter(
        Q(cleared_at__isnull=True) | Q(cleared_at__gt=moment),
        stay_id__in=stay_ids,
        raised_at__lte=max(moment, clock.now()),
    ).values_list("stay_id", "kind", "note"):
        flags.setdefault(stay_id, []).append(kind)
        notes.setdefault(stay_id, []).append(note)
    acuity = latest_acuity(stay_ids)
    previous = previous_nurses(shift, stay_ids)
    zone_day = clock.to_zone(shift.starts_at, unit.site.time_zone).date()
    patients = []
    for s in stays:
        room = s.bed.room if s.bed_id else None  # type: ignore[union-attr]
        patients.append(
            solver.Patient(
                id=s.pk,
                acuity=max(1, int(acuity.get(s.pk, 1))),
                room_position=room.position if room is not None else 0,
                room=f"{room.name}-{s.bed.label}" if room is not None and s.bed is not None else "",
                required_skills=required_skills(s, notes.get(s.pk, []), zone_day),
                previous_nurse_id=previous.get(s.pk),
                one_to_one=FlagKind.ONE_TO_ONE in flags.get(s.pk, []),
                name=_patient_label(s),
            )
        )
    rows = list(
        ShiftStaff.objects.filter(shift=shift, staff__discipline__in=LICENSED)
        .select_related("staff", "staff__user")
        .order_by("-is_charge", "staff__user__last_name", "pk")
    )
    # The higher caps of an uneven split (2:5 -> 3 and 2) go to the nurses without a limit of their own.
    rows_for_caps = sorted(rows, key=lambda r: (r.is_charge, r.max_patients is not None, r.pk))
    split = ratio.caps(len(rows_for_caps))
    caps: dict[int, int | None] = {}
    for row, cap in zip(rows_for_caps, split, strict=True):
        if row.max_patients is not None:
            cap = row.max_patients if cap is None else min(cap, row.max_patients)
        caps[row.staff_id] = cap
    nobody_cap = max(1, len(patients))
    nurses = [
        solver.Nurse(
            id=r.staff_id,
            max_patients=caps[r.staff_id] if caps[r.staff_id] is not None else nobody_cap,  # type: ignore[arg-type]
            skills=frozenset(str(x).lower() for x in (r.skills or [])),
            is_charge=r.is_charge,
            name=str(r.staff),
        )
        for r in rows
    ]
    pins = [
        solver.Pin(patient_id=stay_id, nurse_id=staff_id)
        for stay_id, staff_id in PatientAssignment.objects.filter(
            shift=shift, pinned=True, stay_id__in=stay_ids
        ).values_list("stay_id", "staff_id")
    ]
    problem = solver.AssignmentProblem(
        nurses=nurses,
        patients=patients,
        pins=pins,
        ratio_label=ratio.label,
        name=f"{unit.code} {shift.label} {shift.date}",
    )
    return Built(
        shift=shift,
        problem=problem,
        ratio=ratio,
        stays={s.pk: s for s in stays},
        staff={r.staff_id: r for r in rows},
        caps=caps,
        acuity={s.pk: max(1, int(acuity.get(s.pk, 1))) for s in stays},
        scored={sid for sid in stay_ids if sid in acuity},
        flags=flags,
        previous=previous,
    )


def _patient_label(stay: Stay) -> str:
    where = f"{stay.bed.room.name}-{stay.bed.label}" if stay.bed_id and stay.bed else ""  # type: ignore[union-attr]
    name = f"{stay.patient.family_name}, {stay.patient.given_name}"
    return f"{where} {name}".strip()
