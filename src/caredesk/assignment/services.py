"""Every write of assignment: one atomic, permission-checked, audited function
per use case. Pages, the API and the background task all call these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from caredesk.assignment import problem as problem_mod
from caredesk.assignment import ratios, schemas, solver
from caredesk.assignment.models import (
    AssignmentSource,
    CareShift,
    PatientAssignment,
    ShiftPattern,
    ShiftStaff,
    StaffSource,
)
from caredesk.core import audit, clock, errors, scoping, writes
from caredesk.org.models import RatioPack, RatioRule, Site, Unit
from caredesk.workforce.models import Credential, StaffMember
from caredesk.workforce.qualification import may_work

# Credentials that stand for a patient-care skill the optimiser matches.
SKILL_OF_CREDENTIAL = {
    "chemotherapy": "chemotherapy",
    "pals": "paediatrics",
    "iv-therapy": "iv_therapy",
    "ccrn": "critical_care",
}


# --- time ---------------------------------------------------------------------------


def shift_times(zone: str, day: date, start: time, length_minutes: int) -> tuple[datetime, datetime]:
    """Start and end in UTC of a shift starting at `start` local time on `day` and
    lasting `length_minutes` of wall-clock time: a 19:00 12-hour night ends at
    07:00 local, so across a daylight-saving change it lasts 11 or 13 real hours."""
    tz = ZoneInfo(zone)
    local_start = datetime.combine(day, start)
    local_end = local_start + timedelta(minutes=length_minutes)
    starts = local_start.replace(tzinfo=tz).astimezone(clock.UTC)
    ends = local_end.replace(tzinfo=tz).astimezone(clock.UTC)
    return starts, ends


# --- shift patterns -------------------------------------------------------------------


def _unit(actor: Any, unit_id: int, permission: str = "assignment.manage") -> Unit:
    unit = scoping.get_scoped(Unit.objects.select_related("site"), actor, "assignment.view", pk=unit_id)
    scoping.require(actor, permission, site_id=unit.site_id, unit_id=unit.pk)
    return unit


@transaction.atomic
def create_pattern(actor: Any, data: schemas.PatternCreate, *, now: datetime | None = None) -> ShiftPattern:
    unit = _unit(actor, data.unit_id)
    pattern = ShiftPattern(
        unit=unit,
        code=data.code.strip(),
        name=data.name.strip(),
        start_time=data.start_time,
        length_minutes=data.length_minutes,
        is_night=data.is_night,
    )
    return writes.save_new(pattern, actor=actor, action="assignment.create_pattern")


@transaction.atomic
def update_pattern(
    actor: Any, pattern_id: int, data: schemas.PatternUpdate, *, now: datetime | None = None
) -> ShiftPattern:
    pattern = scoping.get_scoped(
        ShiftPattern.objects.select_for_update().select_related("unit"), actor, "assignment.view", pk=pattern_id
    )
    scoping.require(actor, "assignment.manage", site_id=pattern.unit.site_id, unit_id=pattern.unit_id)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if k != "version" and v is not None}
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    return writes.save_changes(
        pattern, changes, actor=actor, action="assignment.update_pattern", expected_version=data.version
    )


# --- care shifts ----------------------------------------------------------------------


def _shift(actor: Any, shift_id: int, *, lock: bool = False) -> CareShift:
    qs = CareShift.objects.select_related("unit", "unit__site", "unit__ratio_pack")
    if lock:
        qs = qs.select_for_update(of=("self",))
    shift = scoping.get_scoped(qs, actor, "assignment.view", pk=shift_id)
    scoping.require(actor, "assignment.manage", site_id=shift.unit.site_id, unit_id=shift.unit_id)
    return shift


def open_shift_for(pattern: ShiftPattern, day: date) -> CareShift:
    """An unsaved CareShift of `pattern` on the local date `day`."""
    unit = pattern.unit
    starts, ends = shift_times(unit.site.time_zone, day, pattern.start_time, pattern.length_minutes)
    return CareShift(
        unit=unit,
        pattern=pattern,
        date=day,
        label=pattern.name,
        starts_at=starts,
        ends_at=ends,
        is_night=pattern.is_night,
    )


@transaction.atomic
def open_care_shift(actor: Any, data: schemas.ShiftOpen, *, now: datetime | None = None) -> CareShift:
    """Open the care shift of a pattern on a local date (its true start and end in UTC)."""
    unit = _unit(actor, data.unit_id)
    pattern = ShiftPattern.objects.filter(pk=data.shift_pattern_id, unit=unit).select_related("unit__site").first()
    if pattern is None:
        raise errors.ValidationFailed.field("shift_pattern_id", _("this unit has no such shift pattern"))
    if not pattern.is_active:
        raise errors.ValidationFailed.field("shift_pattern_id", _("this shift pattern is no longer used"))
    if CareShift.objects.filter(unit=unit, date=data.shift_date, label__iexact=pattern.name).exists():
        raise errors.ValidationFailed.field("shift_date", _("this unit already has this shift on that date"))
    shift = open_shift_for(pattern, data.shift_date)
    return writes.save_new(shift, actor=actor, action="assignment.open_shift")


# --- staff on shift -------------------------------------------------------------------


def skills_from_credentials(staff: StaffMember, on: date) -> list[str]:
    codes = Credential.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=on),
        staff=staff,
        revoked_at__isnull=True,
        issued_on__lte=on,
        type__code__in=list(SKILL_OF_CREDENTIAL),
    ).values_list("type__code", flat=True)
    return sorted({SKILL_OF_CREDENTIAL[c] for c in codes})


def _clean_skills(skills: list[str]) -> list[str]:
    out = sorted({s.strip().lower().replace(" ", "_") for s in skills if s and s.strip()})
    for s in out:
        if len(s) > 40:
            raise errors.ValidationFailed.field("skills", _("a skill is a short word, e.g. chemotherapy"))
    return out


@transaction.atomic
def add_staff(actor: Any, shift_id: int, data: schemas.ShiftStaffAdd, *, now: datetime | None = None) -> ShiftStaff:
    """Put a person on the shift (entered by hand until the roster provides it).
    They must be active, of the unit's site, and allowed to work on the unit."""
    shift = _shift(actor, shift_id, lock=True)
    staff = StaffMember.objects.filter(pk=data.staff_member_id).select_related("user", "site").first()
    if staff is None or staff.site_id != shift.unit.site_id:
        raise errors.ValidationFailed.field("staff_member_id", _("no such person at this site"))
    verdict = may_work(staff, unit=shift.unit, start=shift.starts_at, end=shift.ends_at)
    if not verdict.ok:
        raise errors.ValidationFailed.field(
            "staff_member_id",
            _("%(name)s may not work this shift: %(reasons)s") % {"name": staff, "reasons": "; ".join(verdict.reasons)},
        )
    if ShiftStaff.objects.filter(shift=shift, staff=staff).exists():
        raise errors.ValidationFailed.field("staff_member_id", _("this person is already on the shift"))
    skills = _clean_skills(data.skills) if data.skills else skills_from_credentials(staff, shift.date)
    row = ShiftStaff(
        shift=shift,
        staff=staff,
        is_charge=data.is_charge,
        max_patients=data.max_patients,
        skills=skills,
        source=StaffSource.MANUAL,
        note=data.note.strip(),
    )
    return writes.save_new(row, actor=actor, action="assignment.add_staff")


def _staff_row(shift: CareShift, shift_staff_id: int) -> ShiftStaff:
    row = ShiftStaff.objects.select_for_update().filter(pk=shift_staff_id, shift=shift).select_related("staff").first()
    if row is None:
        raise errors.NotFound()
    return row


@transaction.atomic
def update_staff(
    actor: Any, shift_id: int, shift_staff_id: int, data: schemas.ShiftStaffUpdate, *, now: datetime | None = None
) -> ShiftStaff:
    """Charge nurse, own maximum of patients, skills, note."""
    shift = _shift(actor, shift_id)
    row = _staff_row(shift, shift_staff_id)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if k != "version"}
    if "is_charge" in changes and changes["is_charge"] is None:
        del changes["is_charge"]
    if "skills" in changes:
        changes["skills"] = _clean_skills(changes["skills"] or [])
    if "note" in changes:
        changes["note"] = (changes["note"] or "").strip()
    return writes.save_changes(
        row, changes, actor=actor, action="assignment.update_staff", expected_version=data.version
    )


@transaction.atomic
def remove_staff(actor: Any, shift_id: int, shift_staff_id: int, *, now: datetime | None = None) -> None:
    """Take a person off the shift; their patients become unassigned."""
    shift = _shift(actor, shift_id)
    row = _staff_row(shift, shift_staff_id)
    for a in PatientAssignment.objects.filter(shift=shift, staff_id=row.staff_id):
        audit.record(actor=actor, action="assignment.unassign", obj=a, before=audit.snapshot(a))
        a.delete()
    audit.record(actor=actor, action="assignment.remove_staff", obj=row, before=audit.snapshot(row))
    row.delete()


# --- the optimiser ----------------------------------------------------------------------


@dataclass
class OptimiseOutcome:
    shift: CareShift
    result: solver.AssignmentResult
    assigned: int = 0
    kept_pinned: int = 0
    explanations: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": str(self.result.status),
            "objective": self.result.objective,
            "bound": self.result.bound,
            "seconds": round(self.result.seconds, 3),
            "terms": dict(self.result.terms),
            "explanations": self.explanations,
            "assigned": self.assigned,
            "kept_pinned": self.kept_pinned,
        }


def _solve_and_store(
    actor: Any, shift: CareShift, *, time_limit_s: float, now: datetime, seed: int = 0
) -> OptimiseOutcome:
    built = problem_mod.build(shift)
    existing = {a.stay_id: a for a in PatientAssignment.objects.filter(shift=shift)}
    hint = {sid: a.staff_id for sid, a in existing.items() if sid in built.stays and a.staff_id in built.staff}
    result = solver.solve(
        built.problem,
        solver.SolveOptions(time_limit_s=time_limit_s, workers=2, seed=seed, hint=hint or None),
    )
    outcome = OptimiseOutcome(shift=shift, result=result, explanations=list(result.explanations))
    if not built.problem.nurses:
        outcome.explanations.insert(0, _("Nobody who takes patients is on this shift yet: add nurses first."))
    if result.assignment:
        pinned = {sid for sid, a in existing.items() if a.pinned and sid in built.stays}
        new_rows = []
        stale = [a.pk for sid, a in existing.items() if not a.pinned or sid not in built.stays]
        if stale:
            PatientAssignment.objects.filter(pk__in=stale).delete()
        violations = solver.check_assignment(built.problem, result.assignment)
        by_patient: dict[int, list[str]] = {}
        for v in violations:
            if v.patient_id is not None and v.kind != "unassigned":
                by_patient.setdefault(v.patient_id, []).append(v.text)
        for stay_id, staff_id in result.assignment.items():
            if stay_id in pinned:
                continue
            new_rows.append(
                PatientAssignment(
                    shift=shift,
                    stay_id=stay_id,
                    staff_id=staff_id,
                    pinned=False,
                    source=AssignmentSource.OPTIMISER,
                    warnings=by_patient.get(stay_id, []),
                    assigned_at=now,
                    assigned_by=actor if getattr(actor, "pk", None) else None,
                )
            )
        PatientAssignment.objects.bulk_create(new_rows)
        outcome.assigned = len(new_rows)
        outcome.kept_pinned = len(pinned)
    shift.last_solve = {
        **outcome.as_dict(),
        "at": now.isoformat(),
        "by": actor.get_username() if actor is not None else "system",
        "patients": len(built.problem.patients),
        "nurses": len(built.problem.nurses),
    }
    shift.version += 1
    shift.save(update_fields=["last_solve", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="assignment.optimise",
        obj=shift,
        after={k: shift.last_solve[k] for k in ("status", "objective", "bound", "seconds", "assigned", "kept_pinned")},
    )
    return outcome


@transaction.atomic
def optimise_shift(
    actor: Any, shift_id: int, *, time_limit_s: float = 2.0, now: datetime | None = None
) -> OptimiseOutcome:
    """Assign the unit's patients to the nurses on the shift: pins are kept, the
    other assignments are replaced by the optimiser's (nothing changes when it
    finds no assignment: its explanations say why)."""
    moment = now or clock.now()
    shift = _shift(actor, shift_id, lock=True)
    limit = min(max(float(time_limit_s), 0.1), 30.0)
    return _solve_and_store(actor, shift, time_limit_s=limit, now=moment)


# --- assignments by hand ------------------------------------------------------------------


@dataclass
class AssignOutcome:
    assignment: PatientAssignment
    warnings: list[str]


def _hard_warnings(built: problem_mod.Built, current: dict[int, int], stay_id: int, staff_id: int) -> list[str]:
    proposed = dict(current)
    proposed[stay_id] = staff_id
    out = []
    for v in solver.check_assignment(built.problem, proposed):
        if v.kind in ("unassigned", "pin", "unknown_patient", "unknown_nurse"):
            continue
        if v.kind in ("skill", "skill_unavailable") and v.patient_id != stay_id:
            continue
        if v.kind == "skill_unavailable":
            continue
        if v.kind in ("cap", "one_to_one") and v.nurse_id != staff_id:
            continue
        out.append(v.text)
    return out


@transaction.atomic
def assign_patient(
    actor: Any,
    shift_id: int,
    stay_id: int,
    staff_id: int,
    *,
    pinned: bool = False,
    override_reason: str = "",
    now: datetime | None = None,
) -> AssignOutcome:
    """Give the patient of `stay_id` to the nurse `staff_id` on the shift, by hand.
    An assignment that breaks a ratio cap, a 1:1 observation or a skill is
    refused unless the coordinator gives a reason; then it is saved with its
    warnings."""
    moment = now or clock.now()
    shift = _shift(actor, shift_id, lock=True)
    built = problem_mod.build(shift)
    if stay_id not in built.stays:
        raise errors.ValidationFailed.field("stay_id", _("this patient is not on the unit during this shift"))
    if staff_id not in built.staff:
        raise errors.ValidationFailed.field("nurse_id", _("this person is not a nurse on this shift"))
    existing = {a.stay_id: a for a in PatientAssignment.objects.select_for_update().filter(shift=shift)}
    current = {sid: a.staff_id for sid, a in existing.items() if sid in built.stays and a.staff_id in built.staff}
    warnings = _hard_warnings(built, current, stay_id, staff_id)
    reason = override_reason.strip()
    if warnings and not reason:
        raise errors.ValidationFailed(
            _("This assignment breaks a rule: %(rules)s Give a reason to override.") % {"rules": " ".join(warnings)},
            fields={
                "override_reason": [_("a reason is required to override: %(rules)s") % {"rules": " ".join(warnings)}]
            },
        )
    row = existing.get(stay_id)
    values = {
        "staff_id": staff_id,
        "pinned": pinned,
        "source": AssignmentSource.MANUAL,
        "warnings": warnings,
        "override_reason": reason if warnings else "",
        "assigned_at": moment,
        "assigned_by": actor,
    }
    action = "assignment.override" if warnings else "assignment.assign"
    if row is None:
        row = PatientAssignment(shift=shift, stay_id=stay_id, **values)
        writes.save_new(row, actor=actor, action=action)
    else:
        writes.save_changes(row, values, actor=actor, action=action, expected_version=None)
    return AssignOutcome(assignment=row, warnings=warnings)


@transaction.atomic
def set_pin(actor: Any, shift_id: int, stay_id: int, pinned: bool, *, now: datetime | None = None) -> PatientAssignment:
    """Pin (keep as it is when the optimiser runs) or unpin an assignment."""
    shift = _shift(actor, shift_id)
    row = PatientAssignment.objects.select_for_update().filter(shift=shift, stay_id=stay_id).first()
    if row is None:
        raise errors.ValidationFailed.field("stay_id", _("this patient has no nurse on this shift yet"))
    return writes.save_changes(
        row,
        {"pinned": pinned},
        actor=actor,
        action="assignment.pin" if pinned else "assignment.unpin",
        expected_version=None,
    )


def pin(actor: Any, shift_id: int, stay_id: int, *, now: datetime | None = None) -> PatientAssignment:
    return set_pin(actor, shift_id, stay_id, True, now=now)


def unpin(actor: Any, shift_id: int, stay_id: int, *, now: datetime | None = None) -> PatientAssignment:
    return set_pin(actor, shift_id, stay_id, False, now=now)


@transaction.atomic
def unassign(actor: Any, shift_id: int, stay_id: int, *, now: datetime | None = None) -> None:
    shift = _shift(actor, shift_id)
    row = PatientAssignment.objects.select_for_update().filter(shift=shift, stay_id=stay_id).first()
    if row is None:
        raise errors.ValidationFailed.field("stay_id", _("this patient has no nurse on this shift"))
    audit.record(actor=actor, action="assignment.unassign", obj=row, before=audit.snapshot(row))
    row.delete()


@transaction.atomic
def copy_from_previous_shift(actor: Any, shift_id: int, *, now: datetime | None = None) -> int:
    """Give each unassigned patient the nurse they had on the unit's previous
    shift, when that nurse is on this one and it breaks no rule. Returns how
    many patients were assigned."""
    moment = now or clock.now()
    shift = _shift(actor, shift_id, lock=True)
    built = problem_mod.build(shift)
    existing = {a.stay_id: a.staff_id for a in PatientAssignment.objects.filter(shift=shift)}
    current = {sid: nid for sid, nid in existing.items() if sid in built.stays and nid in built.staff}
    made = 0
    for stay_id, staff_id in built.previous.items():
        if stay_id in existing or stay_id not in built.stays or staff_id not in built.staff:
            continue
        if _hard_warnings(built, current, stay_id, staff_id):
            continue
        current[stay_id] = staff_id
        writes.save_new(
            PatientAssignment(
                shift=shift,
                stay_id=stay_id,
                staff_id=staff_id,
                pinned=False,
                source=AssignmentSource.MANUAL,
                assigned_at=moment,
                assigned_by=actor,
            ),
            actor=actor,
            action="assignment.copy_previous",
        )
        made += 1
    return made


# --- ratio packs and unit caps -------------------------------------------------------------


@transaction.atomic
def set_unit_ratio(actor: Any, unit_id: int, data: schemas.UnitRatioUpdate, *, now: datetime | None = None) -> Unit:
    """Choose the unit's rule pack and the site's own cap, which may only be stricter."""
    unit = scoping.get_scoped(
        Unit.objects.select_for_update(of=("self",)).select_related("site"), actor, "assignment.view", pk=unit_id
    )
    scoping.require(actor, "assignment.manage_ratios", site_id=unit.site_id)
    sent = data.model_fields_set
    pack = unit.ratio_pack if unit.ratio_pack_id else None
    if "ratio_pack_id" in sent:
        if data.ratio_pack_id is None:
            pack = None
        else:
            pack = (
                RatioPack.objects.filter(pk=data.ratio_pack_id, is_active=True)
                .filter(Q(site__isnull=True) | Q(site_id=unit.site_id))
                .first()
            )
            if pack is None:
                raise errors.ValidationFailed.field("ratio_pack_id", _("no such rule pack for this site"))
    own = data.max_patients_per_nurse if "max_patients_per_nurse" in sent else unit.max_patients_per_nurse
    looser = ratios.looser_rule(pack, unit.kind, own)
    if looser is not None and pack is not None:
        raise errors.ValidationFailed.field(
            "max_patients_per_nurse",
            _(
                "%(pack)s allows %(rule)s on this unit (%(citation)s); a site may only set a stricter cap, "
                "so at most %(max)s patients per nurse."
            )
            % {
                "pack": pack.name,
                "rule": ratios.rule_text(looser),
                "citation": pack.citation,
                "max": looser.patients // looser.nurses,
            },
        )
    return writes.save_changes(
        unit,
        {"ratio_pack": pack, "max_patients_per_nurse": own},
        actor=actor,
        action="assignment.set_unit_ratio",
        expected_version=None,
    )


@transaction.atomic
def create_ratio_pack(actor: Any, data: schemas.RatioPackCreate, *, now: datetime | None = None) -> RatioPack:
    """A site's own rule pack; when based on a jurisdiction's pack, each rule must be at least as strict."""
    moment = now or clock.now()
    site = scoping.get_scoped(Site.objects.all(), actor, "assignment.view", pk=data.site_id)
    scoping.require(actor, "assignment.manage_ratios", site_id=site.pk)
    base = None
    if data.based_on_id is not None:
        base = RatioPack.objects.filter(pk=data.based_on_id).filter(Q(site__isnull=True) | Q(site=site)).first()
        if base is None:
            raise errors.ValidationFailed.field("based_on_id", _("no such rule pack"))
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(data.rules):
        key = (str(r.unit_kind), str(r.shift))
        if key in seen:
            raise errors.ValidationFailed.field(
                f"rules.{i}.unit_kind", _("this pack already has a ratio for this unit type and shift")
            )
        seen.add(key)
        if base is not None:
            for b in base.rules.filter(unit_kind=r.unit_kind):
                same_time = b.shift in (r.shift, "any") or r.shift == "any"
                if same_time and r.patients * b.nurses > b.patients * r.nurses:
                    raise errors.ValidationFailed.field(
                        f"rules.{i}.patients",
                        _("looser than %(pack)s (%(rule)s): a site may only be stricter")
                        % {"pack": base.name, "rule": ratios.rule_text(b)},
                    )
    site_tz = site.time_zone
    pack = RatioPack(
        code=data.code.strip(),
        name=data.name.strip(),
        jurisdiction=base.jurisdiction if base else (site.country or "site"),
        citation=data.citation.strip() or (_("Own policy of %(site)s") % {"site": site.name}),
        source_text=(_("Stricter than %(pack)s.") % {"pack": base.name}) if base else "",
        effective_from=data.effective_from or clock.to_zone(moment, site_tz).date(),
        site=site,
    )
    writes.save_new(pack, actor=actor, action="assignment.create_ratio_pack")
    for r in data.rules:
        rule = RatioRule(
            pack=pack, unit_kind=r.unit_kind, shift=r.shift, nurses=r.nurses, patients=r.patients, note=r.note
        )
        writes.full_clean(rule)
        rule.save()
    audit.record(
        actor=actor,
        action="assignment.create_ratio_rules",
        obj=pack,
        after={"rules": [r.model_dump(mode="json") for r in data.rules]},
    )
    return pack
