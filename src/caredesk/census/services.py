"""Every write of the census: one atomic, permission-checked, audited function
per use case. Pages and the API both call these."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from caredesk.census import schemas
from caredesk.census.models import (
    AcuityScale,
    AcuityScore,
    FamilyContact,
    FlagKind,
    IsolationType,
    MovementKind,
    Patient,
    PatientFlag,
    Stay,
    StayMovement,
    StayStatus,
)
from caredesk.core import audit, clock, errors, scoping, writes
from caredesk.org.models import Bed, Site, Unit

# A time "now" may run a little ahead of the server's clock (a tablet's clock).
CLOCK_SKEW = timedelta(minutes=5)

# Four levels chosen directly, when a new scale names none.
DEFAULT_LEVELS: list[dict[str, Any]] = [
    {"level": 1, "label": "Stable", "min_points": 0},
    {"level": 2, "label": "Moderate", "min_points": 5},
    {"level": 3, "label": "High", "min_points": 10},
    {"level": 4, "label": "Intensive", "min_points": 15},
]

IDENTITY_FIELDS = ("mrn", "wristband_id", "family_name", "given_name", "birth_date", "sex", "insurance_payer")
CLINICAL_FIELDS = ("language", "interpreter_needed", "allergies", "no_known_allergies", "code_status")


# --- helpers -------------------------------------------------------------------------------


def local_today(site: Site, now: datetime) -> date:
    return clock.to_zone(now, site.time_zone).date()


def aware(value: datetime, site: Site) -> datetime:
    """A time given without an offset is read in the site's zone."""
    if value.tzinfo is None:
        return value.replace(tzinfo=ZoneInfo(site.time_zone))
    return value


def reaches_site(actor: Any, permission: str, site_id: int) -> bool:
    """Does the actor hold `permission` on the site, or on at least one of its units?"""
    r = scoping.reach(actor, permission)
    if r.everywhere or site_id in r.site_ids:
        return True
    return bool(r.unit_ids) and Unit.objects.filter(site_id=site_id, pk__in=r.unit_ids).exists()


def require_on_patient(actor: Any, permission: str, patient: Patient) -> None:
    """`permission` on the patient's site, or on a unit where the patient has (had) a stay."""
    if not getattr(actor, "is_authenticated", False):
        raise errors.NotAuthenticated()
    r = scoping.reach(actor, permission)
    if r.everywhere or patient.site_id in r.site_ids:
        return
    if r.unit_ids and Stay.objects.filter(patient=patient, unit_id__in=r.unit_ids).exists():
        return
    raise errors.PermissionDenied()


def _not_future(value: datetime, moment: datetime, field: str) -> None:
    if value > moment + CLOCK_SKEW:
        raise errors.ValidationFailed.field(field, _("this time is in the future"))


def open_stay(patient: Patient) -> Stay | None:
    return Stay.objects.filter(patient=patient, discharged_at__isnull=True).select_related("unit").first()


def _free_bed(unit: Unit, bed_id: int, *, stay: Stay | None = None) -> Bed:
    """A bed of `unit`, in service and free (or already this stay's), locked."""
    bed = Bed.objects.select_for_update(of=("self",)).select_related("room").filter(pk=bed_id).first()
    if bed is None or bed.room.unit_id != unit.pk:
        raise errors.ValidationFailed.field("bed_id", _("this bed is not on %(unit)s") % {"unit": unit.name})
    if not bed.is_active or not bed.room.is_active:
        raise errors.ValidationFailed.field("bed_id", _("this bed is out of service"))
    taken = Stay.objects.filter(bed=bed, discharged_at__isnull=True)
    if stay is not None:
        taken = taken.exclude(pk=stay.pk)
    if taken.exists():
        raise errors.ValidationFailed.field(
            "bed_id", _("bed %(room)s-%(bed)s is occupied") % {"room": bed.room.name, "bed": bed.label}
        )
    return bed


def _last_movement_at(stay: Stay) -> datetime:
    last = stay.movements.order_by("-at").values_list("at", flat=True).first()
    return last or stay.admitted_at


def _movement(stay: Stay, kind: str, at: datetime, actor: Any, **fields: Any) -> StayMovement:
    return StayMovement.objects.create(stay=stay, kind=kind, at=at, recorded_by=actor, **fields)


def _locked_stay(actor: Any, stay_id: int) -> Stay:
    return scoping.get_scoped(
        Stay.objects.select_for_update(of=("self",)).select_related("unit", "unit__site", "bed", "patient"),
        actor,
        "census.view",
        pk=stay_id,
    )


def _require_open(stay: Stay) -> None:
    if stay.discharged_at is not None:
        raise errors.ValidationFailed.field("status", _("this stay is discharged"))


# --- patients --------------------------------------------------------------------------------


def _check_patient(patient: Patient, moment: datetime) -> None:
    today = local_today(patient.site, moment)
    if patient.birth_date > today:
        raise errors.ValidationFailed.field("birth_date", _("the date of birth is in the future"))
    if patient.birth_date.year < 1880:
        raise errors.ValidationFailed.field("birth_date", _("the date of birth is too far in the past"))
    if patient.no_known_allergies and patient.allergies.strip():
        raise errors.ValidationFailed.field(
            "no_known_allergies", _("allergies are recorded: remove them or untick 'no known allergies'")
        )


@transaction.atomic
def register_patient(actor: Any, data: schemas.PatientCreate, *, now: datetime | None = None) -> Patient:
    """A new patient of a site (before the first admission). The wristband
    identifier defaults to the MRN."""
    moment = now or clock.now()
    site = scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=data.site_id)
    if not reaches_site(actor, "census.admit", site.pk):
        raise errors.PermissionDenied()
    mrn = data.mrn.strip()
    if not mrn:
        raise errors.ValidationFailed.field("mrn", _("the medical record number is required"))
    patient = Patient(
        site=site,
        mrn=mrn,
        wristband_id=data.wristband_id.strip() or mrn,
        family_name=data.family_name.strip(),
        given_name=data.given_name.strip(),
        birth_date=data.birth_date,
        sex=data.sex,
        language=data.language.strip(),
        interpreter_needed=data.interpreter_needed,
        allergies=data.allergies.strip(),
        no_known_allergies=data.no_known_allergies,
        code_status=data.code_status,
        insurance_payer=data.insurance_payer.strip(),
    )
    _check_patient(patient, moment)
    return writes.save_new(patient, actor=actor, action="census.register_patient")


@transaction.atomic
def update_patient(actor: Any, patient_id: int, data: schemas.PatientUpdate, *, now: datetime | None = None) -> Patient:
    moment = now or clock.now()
    patient = scoping.get_scoped(
        Patient.objects.select_for_update().select_related("site"), actor, "census.view", pk=patient_id
    )
    changes = {k: v for k, v in data.model_dump(exclude={"version"}).items() if v is not None}
    if any(k in IDENTITY_FIELDS for k in changes):
        require_on_patient(actor, "census.admit", patient)
    if any(k in CLINICAL_FIELDS for k in changes):
        require_on_patient(actor, "census.score_acuity", patient)
    for key in ("mrn", "wristband_id", "family_name", "given_name", "language", "allergies", "insurance_payer"):
        if isinstance(changes.get(key), str):
            changes[key] = changes[key].strip()
    writes.check_version(patient, data.version)
    # Validate on a copy, so a refused change leaves the locked row as it was.
    probe = Patient(**{f.attname: getattr(patient, f.attname) for f in Patient._meta.concrete_fields})
    probe.site = patient.site
    writes.apply(probe, changes)
    _check_patient(probe, moment)
    return writes.save_changes(
        patient, changes, actor=actor, action="census.update_patient", expected_version=data.version
    )


# --- stays -----------------------------------------------------------------------------------


@transaction.atomic
def admit(actor: Any, data: schemas.StayAdmit, *, now: datetime | None = None) -> Stay:
    """Admit a patient of the site to a unit (and a free bed of it): a stay and
    its ADMISSION movement. One open stay per patient, one patient per bed."""
    moment = now or clock.now()
    unit = scoping.get_scoped(Unit.objects.select_related("site"), actor, "org.view_unit", pk=data.unit_id)
    scoping.require(actor, "census.admit", site_id=unit.site_id, unit_id=unit.pk)
    if not unit.is_active:
        raise errors.ValidationFailed.field("unit_id", _("this unit is closed"))
    patient = Patient.objects.select_for_update().filter(pk=data.patient_id, site_id=unit.site_id).first()
    if patient is None:
        raise errors.ValidationFailed.field("patient_id", _("no such patient at %(site)s") % {"site": unit.site.name})
    current = open_stay(patient)
    if current is not None:
        raise errors.ValidationFailed.field(
            "patient_id", _("this patient is already admitted (%(unit)s)") % {"unit": current.unit.name}
        )
    at = aware(data.admitted_at, unit.site) if data.admitted_at else moment
    _not_future(at, moment, "admitted_at")
    bed = _free_bed(unit, data.bed_id) if data.bed_id is not None else None
    stay = Stay(
        patient=patient,
        unit=unit,
        bed=bed,
        status=StayStatus.ADMITTED,
        admitted_at=at,
        reason=data.reason.strip(),
        attending=data.attending.strip(),
    )
    writes.save_new(stay, actor=actor, action="census.admit")
    _movement(stay, MovementKind.ADMISSION, at, actor, to_unit=unit, to_bed=bed)
    return stay


@transaction.atomic
def transfer(actor: Any, stay_id: int, data: schemas.StayTransfer, *, now: datetime | None = None) -> Stay:
    """Move an open stay to another unit of the same site and/or another bed."""
    moment = now or clock.now()
    stay = _locked_stay(actor, stay_id)
    scoping.require(actor, "census.admit", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    _require_open(stay)
    writes.check_version(stay, data.version)
    dest = stay.unit
    if data.unit_id is not None and data.unit_id != stay.unit_id:
        found = Unit.objects.filter(pk=data.unit_id, site_id=stay.unit.site_id).select_related("site").first()
        if found is None:
            raise errors.ValidationFailed.field("unit_id", _("this unit is not part of the patient's site"))
        if not found.is_active:
            raise errors.ValidationFailed.field("unit_id", _("this unit is closed"))
        scoping.require(actor, "census.admit", site_id=found.site_id, unit_id=found.pk)
        dest = found
    if data.bed_id is not None:
        if dest.pk == stay.unit_id and data.bed_id == stay.bed_id:
            raise errors.ValidationFailed.field("bed_id", _("the patient is already in this bed"))
        bed: Bed | None = _free_bed(dest, data.bed_id, stay=stay)
    elif dest.pk != stay.unit_id:
        bed = None
    else:
        raise errors.ValidationFailed.field("bed_id", _("choose another unit or another bed"))
    at = aware(data.at, stay.unit.site) if data.at else moment
    _not_future(at, moment, "at")
    if at < _last_movement_at(stay):
        raise errors.ValidationFailed.field("at", _("this is before the patient's last movement"))
    from_unit, from_bed = stay.unit, stay.bed
    writes.save_changes(
        stay, {"unit": dest, "bed": bed}, actor=actor, action="census.transfer", expected_version=data.version
    )
    _movement(
        stay,
        MovementKind.TRANSFER,
        at,
        actor,
        from_unit=from_unit,
        to_unit=dest,
        from_bed=from_bed,
        to_bed=bed,
        note=data.note.strip(),
    )
    return stay


@transaction.atomic
def discharge(actor: Any, stay_id: int, data: schemas.StayDischarge, *, now: datetime | None = None) -> Stay:
    """Close the stay (the bed is free again); its active flags are cleared."""
    moment = now or clock.now()
    stay = _locked_stay(actor, stay_id)
    scoping.require(actor, "census.admit", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    _require_open(stay)
    writes.check_version(stay, data.version)
    at = aware(data.at, stay.unit.site) if data.at else moment
    _not_future(at, moment, "at")
    if at < _last_movement_at(stay):
        raise errors.ValidationFailed.field("at", _("this is before the patient's last movement"))
    disposition = data.disposition.strip()
    if not disposition:
        raise errors.ValidationFailed.field("disposition", _("say where the patient goes"))
    writes.save_changes(
        stay,
        {"status": StayStatus.DISCHARGED, "discharged_at": at, "discharge_disposition": disposition},
        actor=actor,
        action="census.discharge",
        expected_version=data.version,
    )
    _movement(stay, MovementKind.DISCHARGE, at, actor, from_unit=stay.unit, from_bed=stay.bed, note=data.note.strip())
    for flag in PatientFlag.objects.select_for_update().filter(stay=stay, cleared_at__isnull=True):
        writes.save_changes(
            flag,
            {"cleared_at": at, "cleared_by": actor},
            actor=actor,
            action="census.clear_flag",
            expected_version=None,
        )
    return stay


# --- acuity ----------------------------------------------------------------------------------


def validated_scale(items: list[dict[str, Any]], levels: list[dict[str, Any]]) -> None:
    codes = [str(i["code"]) for i in items]
    if len(set(codes)) != len(codes):
        raise errors.ValidationFailed.field("items", _("two checklist items have the same code"))
    if not levels:
        raise errors.ValidationFailed.field("levels", _("a scale needs at least one level"))
    numbers = [int(lv["level"]) for lv in levels]
    if numbers != sorted(set(numbers)):
        raise errors.ValidationFailed.field("levels", _("levels must be given in rising order, each once"))
    if items:
        mins = [int(lv.get("min_points", 0)) for lv in levels]
        if mins[0] != 0:
            raise errors.ValidationFailed.field("levels", _("the lowest level must start at 0 points"))
        if mins != sorted(set(mins)):
            raise errors.ValidationFailed.field("levels", _("the points of each level must rise with the level"))


def level_for_points(levels: list[dict[str, Any]], points: int) -> dict[str, Any]:
    chosen = levels[0]
    for lv in levels:
        if points >= int(lv.get("min_points", 0)):
            chosen = lv
    return chosen


def level_points(level: dict[str, Any]) -> int:
    value = level.get("points")
    return int(value) if value is not None else int(level["level"])


def level_label(scale: AcuityScale, level: int) -> str:
    for lv in scale.levels or []:
        if int(lv["level"]) == level:
            return str(lv.get("label", level))
    return str(level)


def compute_score(scale: AcuityScale, ticked: list[str], level: int | None) -> tuple[list[str], int, int]:
    """(items ticked, points, level) from a scale: a checklist sums its items'
    points and maps them to a level; a scale of levels takes the level chosen."""
    levels = list(scale.levels or [])
    if scale.items:
        by_code = {str(i["code"]): int(i["points"]) for i in scale.items}
        unknown = [c for c in ticked if c not in by_code]
        if unknown:
            raise errors.ValidationFailed.field(
                "items", _("not an item of this scale: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        if level is not None:
            raise errors.ValidationFailed.field("level", _("this checklist computes the level: tick its items"))
        chosen = sorted(set(ticked), key=list(by_code).index)
        points = sum(by_code[c] for c in chosen)
        return chosen, points, int(level_for_points(levels, points)["level"])
    if ticked:
        raise errors.ValidationFailed.field("items", _("this scale has no checklist: choose a level"))
    if level is None:
        raise errors.ValidationFailed.field("level", _("choose a level"))
    match = next((lv for lv in levels if int(lv["level"]) == level), None)
    if match is None:
        raise errors.ValidationFailed.field("level", _("not a level of this scale"))
    return [], level_points(match), level


def fallback_shift(site: Site, now: datetime) -> tuple[date, str]:
    """Day 07:00-19:00 / Night 19:00-07:00 in the site's zone; a night belongs
    to the date it started on."""
    local = clock.to_zone(now, site.time_zone)
    if time(7) <= local.time() < time(19):
        return local.date(), "Day"
    if local.time() >= time(19):
        return local.date(), "Night"
    return local.date() - timedelta(days=1), "Night"


def shift_for(unit: Unit, now: datetime) -> tuple[date, str]:
    """The unit's care shift running now (from assignment), else the fallback."""
    try:
        from caredesk.assignment import queries as assignment_queries

        current_shift = assignment_queries.current_shift  # type: ignore[attr-defined]
    except (ImportError, AttributeError):
        current_shift = None
    if current_shift is not None:
        shift = current_shift(unit, now)
        if shift is not None:
            return shift.date, shift.label
    return fallback_shift(unit.site, now)


def usable_scale(site_id: int, scale_id: int) -> AcuityScale | None:
    return (
        AcuityScale.objects.filter(pk=scale_id, is_active=True)
        .filter(Q(site__isnull=True) | Q(site_id=site_id))
        .first()
    )


@transaction.atomic
def score_acuity(
    actor: Any, stay_id: int, data: schemas.AcuityScoreCreate, *, now: datetime | None = None
) -> AcuityScore:
    """Score a stay for a shift (default: the unit's current shift). A later
    scoring of the same shift supersedes the earlier one (latest wins)."""
    moment = now or clock.now()
    stay = _locked_stay(actor, stay_id)
    scoping.require(actor, "census.score_acuity", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    _require_open(stay)
    scale = usable_scale(stay.unit.site_id, data.scale_id)
    if scale is None:
        raise errors.ValidationFailed.field("scale_id", _("no such active scale for this site"))
    items, points, level = compute_score(scale, list(data.items), data.level)
    if data.shift is not None and data.shift.label.strip():
        shift_date, shift_label = data.shift.day, data.shift.label.strip()
    else:
        shift_date, shift_label = shift_for(stay.unit, moment)
    score = AcuityScore.objects.create(
        stay=stay,
        scale=scale,
        shift_date=shift_date,
        shift_label=shift_label,
        items=items,
        points=points,
        level=level,
        note=data.note.strip(),
        scored_at=moment,
        scored_by=actor,
    )
    audit.record(actor=actor, action="census.score_acuity", obj=score, after=audit.snapshot(score), at=moment)
    return score


def _visible_scale_site(actor: Any, site_id: int) -> Site:
    return scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=site_id)


def _levels_json(levels: list[schemas.AcuityLevel] | None) -> list[dict[str, Any]]:
    if levels is None:
        return [dict(lv) for lv in DEFAULT_LEVELS]
    out = []
    for lv in levels:
        entry: dict[str, Any] = {"level": lv.level, "label": lv.label.strip(), "min_points": lv.min_points}
        if lv.points is not None:
            entry["points"] = lv.points
        out.append(entry)
    return out


@transaction.atomic
def create_acuity_scale(actor: Any, data: schemas.AcuityScaleCreate, *, now: datetime | None = None) -> AcuityScale:
    """A site's own scale (the shared ones come with the product)."""
    site = _visible_scale_site(actor, data.site_id)
    scoping.require(actor, "census.manage_scales", site_id=site.pk)
    items = [{"code": i.code.strip(), "label": i.label.strip(), "points": i.points} for i in data.items]
    levels = _levels_json(data.levels)
    validated_scale(items, levels)
    scale = AcuityScale(
        site=site,
        code=data.code.strip(),
        name=data.name.strip(),
        description=data.description.strip(),
        citation=data.citation.strip(),
        items=items,
        levels=levels,
    )
    return writes.save_new(scale, actor=actor, action="census.create_acuity_scale")


@transaction.atomic
def update_acuity_scale(
    actor: Any, scale_id: int, data: schemas.AcuityScaleUpdate, *, now: datetime | None = None
) -> AcuityScale:
    scale = AcuityScale.objects.select_for_update().filter(pk=scale_id).first()
    if scale is None:
        raise errors.NotFound()
    if scale.site_id is None:
        scoping.require_anywhere(actor, "census.view")
        raise errors.PermissionDenied(_("A shared scale cannot be changed: create the site's own scale instead."))
    _visible_scale_site(actor, scale.site_id)
    scoping.require(actor, "census.manage_scales", site_id=scale.site_id)
    changes: dict[str, Any] = {}
    for key in ("name", "description", "citation", "is_active"):
        value = getattr(data, key)
        if value is not None:
            changes[key] = value.strip() if isinstance(value, str) else value
    if data.items is not None:
        changes["items"] = [{"code": i.code.strip(), "label": i.label.strip(), "points": i.points} for i in data.items]
    if data.levels is not None:
        changes["levels"] = _levels_json(data.levels)
    validated_scale(changes.get("items", scale.items), changes.get("levels", scale.levels))
    return writes.save_changes(
        scale, changes, actor=actor, action="census.update_acuity_scale", expected_version=data.version
    )


# --- flags -----------------------------------------------------------------------------------


@transaction.atomic
def raise_flag(actor: Any, stay_id: int, data: schemas.FlagRaise, *, now: datetime | None = None) -> PatientFlag:
    """Raise a special-attention flag; one active flag of each kind per stay."""
    moment = now or clock.now()
    stay = _locked_stay(actor, stay_id)
    scoping.require(actor, "census.manage_flags", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    _require_open(stay)
    isolation = data.isolation_type
    if data.kind == FlagKind.ISOLATION and not isolation:
        raise errors.ValidationFailed.field("isolation_type", _("choose the type of isolation"))
    if data.kind != FlagKind.ISOLATION:
        isolation = IsolationType.NONE
    care_plan = data.care_plan.strip()
    if data.kind == FlagKind.DIFFICULT and not care_plan:
        raise errors.ValidationFailed.field("care_plan", _("write the care plan staff should follow"))
    if PatientFlag.objects.filter(stay=stay, kind=data.kind, cleared_at__isnull=True).exists():
        raise errors.ValidationFailed.field(
            "kind",
            _("the flag '%(kind)s' is already raised for this patient: clear it first")
            % {"kind": FlagKind(data.kind).label},
        )
    flag = PatientFlag(
        stay=stay,
        kind=data.kind,
        isolation_type=isolation,
        note=data.note.strip(),
        care_plan=care_plan,
        raised_at=moment,
        raised_by=actor,
    )
    return writes.save_new(flag, actor=actor, action="census.raise_flag")


@transaction.atomic
def clear_flag(actor: Any, flag_id: int, data: schemas.FlagClear, *, now: datetime | None = None) -> PatientFlag:
    moment = now or clock.now()
    flag = scoping.get_scoped(
        PatientFlag.objects.select_for_update(of=("self",)).select_related("stay", "stay__unit"),
        actor,
        "census.view",
        pk=flag_id,
    )
    scoping.require(actor, "census.manage_flags", site_id=flag.stay.unit.site_id, unit_id=flag.stay.unit_id)
    if flag.cleared_at is not None:
        raise errors.ValidationFailed.field("status", _("this flag is already cleared"))
    changes: dict[str, Any] = {"cleared_at": moment, "cleared_by": actor}
    if data.note.strip():
        changes["note"] = data.note.strip()
    return writes.save_changes(flag, changes, actor=actor, action="census.clear_flag", expected_version=data.version)


# --- family contacts ---------------------------------------------------------------------------


def _check_email(email: str) -> str:
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise errors.ValidationFailed.field("email", _("this is not a valid e-mail address")) from None
    return email


def _single_primary(contact: FamilyContact, actor: Any) -> None:
    """Only one primary contact per patient: the others lose the mark."""
    for other in FamilyContact.objects.select_for_update().filter(patient_id=contact.patient_id, is_primary=True):
        if other.pk != contact.pk:
            writes.save_changes(
                other, {"is_primary": False}, actor=actor, action="census.update_contact", expected_version=None
            )


@transaction.atomic
def add_contact(
    actor: Any, patient_id: int, data: schemas.ContactCreate, *, now: datetime | None = None
) -> FamilyContact:
    patient = scoping.get_scoped(Patient.objects.select_for_update(), actor, "census.view", pk=patient_id)
    require_on_patient(actor, "census.manage_contacts", patient)
    contact = FamilyContact(
        patient=patient,
        name=data.name.strip(),
        relationship=data.relationship.strip(),
        phone=data.phone.strip(),
        email=_check_email(data.email),
        is_primary=data.is_primary,
        may_receive_information=data.may_receive_information,
        note=data.note.strip(),
    )
    if data.is_primary:
        _single_primary(contact, actor)
    return writes.save_new(contact, actor=actor, action="census.add_contact")


def _locked_contact(actor: Any, contact_id: int) -> FamilyContact:
    contact = scoping.get_scoped(
        FamilyContact.objects.select_for_update(of=("self",)).select_related("patient"),
        actor,
        "census.view",
        pk=contact_id,
    )
    require_on_patient(actor, "census.manage_contacts", contact.patient)
    return contact


@transaction.atomic
def update_contact(
    actor: Any, contact_id: int, data: schemas.ContactUpdate, *, now: datetime | None = None
) -> FamilyContact:
    contact = _locked_contact(actor, contact_id)
    writes.check_version(contact, data.version)
    changes = {k: v for k, v in data.model_dump(exclude={"version"}).items() if v is not None}
    for key, value in list(changes.items()):
        if isinstance(value, str):
            changes[key] = value.strip()
    if "email" in changes:
        changes["email"] = _check_email(changes["email"])
    if changes.get("is_primary"):
        _single_primary(contact, actor)
    return writes.save_changes(
        contact, changes, actor=actor, action="census.update_contact", expected_version=data.version
    )


@transaction.atomic
def deactivate_contact(
    actor: Any, contact_id: int, data: schemas.ContactDeactivate, *, now: datetime | None = None
) -> FamilyContact:
    contact = _locked_contact(actor, contact_id)
    if not contact.is_active:
        raise errors.ValidationFailed.field("is_active", _("this contact is already inactive"))
    return writes.save_changes(
        contact,
        {"is_active": False, "is_primary": False},
        actor=actor,
        action="census.deactivate_contact",
        expected_version=data.version,
    )
