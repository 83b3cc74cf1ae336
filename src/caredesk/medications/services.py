"""Every write of medications: one atomic, permission-checked, audited function
per use case. Pages and the API both call these."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from caredesk.census.models import Patient, Stay
from caredesk.core import audit, clock, errors, scoping, writes
from caredesk.medications import schedule, schemas, timing
from caredesk.medications import status as st
from caredesk.medications.models import (
    Administration,
    AdministrationStatus,
    Frequency,
    MedicationOrder,
    NotDoneReason,
    OrderStatus,
    Outcome,
    Route,
    ScheduledDose,
    TimeCriticalDrug,
    TimingPolicy,
)
from caredesk.org.models import Site
from caredesk.workforce.models import StaffMember

# How far ahead of now a recording may be dated (clock skew of a handheld).
FUTURE_TOLERANCE = timedelta(minutes=5)


def _aware(moment: datetime, zone: str) -> datetime:
    """A time given without an offset is read in the site's time zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _zone(stay: Stay) -> str:
    return stay.unit.site.time_zone


def _performer(actor: Any) -> StaffMember | None:
    pk: int = getattr(actor, "pk", None) or 0
    return StaffMember.objects.filter(user_id=pk).first()


def _check_times(frequency: str, times: list[str]) -> list[str]:
    cleaned = []
    for text in times:
        try:
            at = schedule.parse_time(text)
        except (ValueError, AttributeError):
            raise errors.ValidationFailed.field(
                "times_of_day", _('"%(value)s" is not a time of day (HH:MM)') % {"value": text}
            ) from None
        cleaned.append(f"{at:%H:%M}")
    cleaned = sorted(set(cleaned))
    if frequency in (Frequency.PRN, Frequency.ONCE):
        return []
    expected = schedule.EXPECTED_COUNT.get(frequency)
    if cleaned and expected is not None and len(cleaned) != expected:
        raise errors.ValidationFailed.field(
            "times_of_day",
            _("this frequency takes %(n)d time(s) of day, %(given)d given") % {"n": expected, "given": len(cleaned)},
        )
    return cleaned


def _validate_order(order: MedicationOrder) -> None:
    if order.frequency == Frequency.PRN and not order.prn_min_interval_minutes:
        raise errors.ValidationFailed.field(
            "prn_min_interval_minutes", _("an as-needed order needs a minimum interval between doses")
        )
    if order.frequency != Frequency.PRN:
        order.prn_min_interval_minutes = None
    writes.full_clean(order, exclude=["stay"])


# --- orders ---------------------------------------------------------------------------


@transaction.atomic
def create_order(actor: Any, data: schemas.OrderCreate, *, now: datetime | None = None) -> MedicationOrder:
    """Enter an order; its doses are generated in the site's zone for the next 48 h."""
    moment = now or clock.now()
    stay = scoping.get_scoped(
        Stay.objects.select_related("unit", "unit__site", "patient"), actor, "medications.view", pk=data.stay_id
    )
    scoping.require(actor, "medications.order", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    if stay.discharged_at is not None:
        raise errors.ValidationFailed.field("stay_id", _("this patient has been discharged"))
    zone = _zone(stay)
    starts = _aware(data.starts_at, zone) if data.starts_at else moment
    ends = _aware(data.ends_at, zone) if data.ends_at else None
    critical = data.time_critical
    if critical is None:
        critical = timing.is_time_critical(stay.unit.site, data.drug)
    order = MedicationOrder(
        stay=stay,
        drug=data.drug.strip(),
        drug_code=data.drug_code.strip(),
        dose=data.dose,
        dose_unit=data.dose_unit.strip(),
        route=data.route,
        frequency=data.frequency,
        times_of_day=_check_times(data.frequency, data.times_of_day),
        prn_min_interval_minutes=data.prn_min_interval_minutes,
        indication=data.indication.strip(),
        starts_at=starts,
        ends_at=ends,
        time_critical=critical,
        prescriber=data.prescriber.strip(),
    )
    _validate_order(order)
    writes.save_new(order, actor=actor, action="medications.create_order")
    schedule.generate(order, zone=zone, policy=timing.policy_for(stay.unit.site), now=moment)
    return order


def _locked_order(actor: Any, order_id: int) -> MedicationOrder:
    order = scoping.get_scoped(
        MedicationOrder.objects.select_for_update(of=("self",)).select_related("stay__unit__site", "stay__patient"),
        actor,
        "medications.view",
        pk=order_id,
    )
    scoping.require(actor, "medications.order", site_id=order.stay.unit.site_id, unit_id=order.stay.unit_id)
    return order


@transaction.atomic
def change_order(
    actor: Any, order_id: int, data: schemas.OrderChange, *, now: datetime | None = None
) -> MedicationOrder:
    """Change an order: a new version; the doses after now that were not
    documented are cancelled and the new schedule generated. Documented doses
    and doses already past are kept as they were."""
    moment = now or clock.now()
    order = _locked_order(actor, order_id)
    if order.status != OrderStatus.ACTIVE:
        raise errors.ValidationFailed.field("status", _("only an active order can be changed"))
    writes.check_version(order, data.version)
    zone = _zone(order.stay)
    changes: dict[str, Any] = {}
    for name in ("dose", "dose_unit", "route", "frequency", "prn_min_interval_minutes", "time_critical", "prescriber"):
        value = getattr(data, name)
        if value is not None:
            changes[name] = value.strip() if isinstance(value, str) else value
    if data.indication is not None:
        changes["indication"] = data.indication.strip()
    if data.ends_at is not None:
        changes["ends_at"] = _aware(data.ends_at, zone)
    frequency = changes.get("frequency", order.frequency)
    if data.times_of_day is not None or "frequency" in changes:
        times = data.times_of_day if data.times_of_day is not None else []
        changes["times_of_day"] = _check_times(frequency, times)
    if frequency == Frequency.PRN and not (changes.get("prn_min_interval_minutes") or order.prn_min_interval_minutes):
        raise errors.ValidationFailed.field(
            "prn_min_interval_minutes", _("an as-needed order needs a minimum interval between doses")
        )
    if changes.get("ends_at") is not None and changes["ends_at"] <= moment:
        raise errors.ValidationFailed.field("ends_at", _("to end an order now, stop it"))
    writes.save_changes(order, changes, actor=actor, action="medications.change_order", expected_version=data.version)
    schedule.regenerate(order, zone=zone, policy=timing.policy_for(order.stay.unit.site), now=moment)
    return order


@transaction.atomic
def stop_order(actor: Any, order_id: int, data: schemas.OrderStop, *, now: datetime | None = None) -> MedicationOrder:
    """Discontinue: the doses after now that were not documented are cancelled;
    an overdue dose left undocumented becomes missed (RULES.md §1)."""
    moment = now or clock.now()
    order = _locked_order(actor, order_id)
    if order.status != OrderStatus.ACTIVE:
        raise errors.ValidationFailed.field("status", _("this order is not active"))
    ends = order.ends_at if order.ends_at is not None and order.ends_at <= moment else moment
    if ends <= order.starts_at:
        ends = order.starts_at + st.EPSILON
    writes.save_changes(
        order,
        {"status": OrderStatus.STOPPED, "stopped_at": moment, "stop_reason": data.reason.strip(), "ends_at": ends},
        actor=actor,
        action="medications.stop_order",
        expected_version=data.version,
    )
    ScheduledDose.objects.filter(
        order=order, is_cancelled=False, scheduled_at__gt=moment, administrations__isnull=True
    ).update(is_cancelled=True, cancelled_at=moment, next_check_at=None)
    schedule.relink(order, zone=_zone(order.stay))
    return order


# --- administrations ----------------------------------------------------------------


def _key(data: Any, header_key: str | None) -> str:
    key = (header_key or data.idempotency_key or "").strip()
    return key[:80] if key else f"srv-{uuid.uuid4()}"


def _replay(key: str, *, dose_id: int | None, order_id: int) -> Administration | None:
    """A recording already made with this key: the same one back, or a conflict
    if the key was used for something else."""
    found = Administration.objects.filter(idempotency_key=key).first()
    if found is None:
        return None
    if found.order_id != order_id or found.dose_id != dose_id:
        raise errors.Conflict(
            _("This idempotency key was already used for another recording."),
            fields={"idempotency_key": [_("already used for another recording")]},
        )
    return found


def _same_drug(given: str, ordered: str) -> bool:
    return given.strip().lower() == ordered.strip().lower()


def check_five_rights(order: MedicationOrder, data: schemas.AdministrationCreate, given_at: datetime) -> dict[str, str]:
    """Right patient, drug, dose and route (time is judged separately): one
    message per field that does not match the order."""
    problems: dict[str, str] = {}
    stay = order.stay
    scanned = data.wristband_id.strip()
    if not scanned:
        problems["wristband_id"] = _("scan the patient's wristband")
    elif scanned.lower() != stay.patient.wristband_id.strip().lower():
        other = Patient.objects.filter(site_id=stay.patient.site_id, wristband_id__iexact=scanned).exists()
        problems["wristband_id"] = (
            _("this wristband belongs to another patient")
            if other
            else _("this wristband does not match the patient of this order")
        )
    if not data.drug.strip():
        problems["drug"] = _("confirm the drug")
    elif not _same_drug(data.drug, order.drug):
        problems["drug"] = _("this is not the ordered drug (%(drug)s)") % {"drug": order.drug}
    if data.dose is None:
        problems["dose"] = _("confirm the dose")
    else:
        try:
            same = Decimal(data.dose) == Decimal(order.dose)
        except (InvalidOperation, TypeError):
            same = False
        if not same:
            problems["dose"] = _("the ordered dose is %(dose)s %(unit)s") % {
                "dose": f"{Decimal(order.dose).normalize():f}",
                "unit": order.dose_unit,
            }
    if not data.route:
        problems["route"] = _("confirm the route")
    elif data.route.lower() != order.route:
        problems["route"] = _("the ordered route is %(route)s") % {"route": Route(order.route).label}
    return problems


def _given_at(data: Any, order: MedicationOrder, moment: datetime) -> datetime:
    given = _aware(data.given_at, _zone(order.stay)) if data.given_at else moment
    if given > moment + FUTURE_TOLERANCE:
        raise errors.ValidationFailed.field("given_at", _("a dose cannot be recorded in the future"))
    if given < order.starts_at - timedelta(hours=24):
        raise errors.ValidationFailed.field("given_at", _("this is long before the order starts"))
    return given


def _not_done(data: Any) -> tuple[str, str]:
    reason_kind = data.not_done_reason or ""
    if not reason_kind:
        raise errors.ValidationFailed.field("not_done_reason", _("say why the dose was not given: held or refused"))
    if not data.reason.strip():
        raise errors.ValidationFailed.field("reason", _("document the reason the dose was not given"))
    return str(reason_kind), data.reason.strip()


def _outcome(admin: Administration, dose: ScheduledDose) -> str:
    if admin.status == AdministrationStatus.NOT_DONE:
        return Outcome.REFUSED if admin.not_done_reason == NotDoneReason.REFUSED else Outcome.HELD
    return str(st.given_status(admin.given_at, st.window(dose.scheduled_at, dose.window_minutes)))


def _insert(admin: Administration) -> bool:
    """Insert in a savepoint; False when a unique constraint refused it."""
    try:
        with transaction.atomic():
            admin.save(force_insert=True)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def record_administration(
    actor: Any,
    dose_id: int,
    data: schemas.AdministrationCreate,
    *,
    now: datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[Administration, bool]:
    """Record a scheduled dose as given (five rights checked) or not given with a
    reason. Returns (administration, created): a retry with the same
    idempotency key returns the first recording; another recording of a dose
    already documented is a Conflict (409). Outside its window a dose may still
    be given, with a reason, and shows as given early or late."""
    moment = now or clock.now()
    key = _key(data, idempotency_key)
    dose = scoping.get_scoped(
        ScheduledDose.objects.select_related("order", "stay__unit__site", "stay__patient"),
        actor,
        "medications.view",
        pk=dose_id,
    )
    order = dose.order
    order.stay = dose.stay
    scoping.require(actor, "medications.administer", site_id=dose.stay.unit.site_id, unit_id=dose.stay.unit_id)
    replay = _replay(key, dose_id=dose.pk, order_id=order.pk)
    if replay is not None:
        return replay, False
    # Serialise recordings of this dose (PostgreSQL); the unique constraint is the guarantee.
    locked = ScheduledDose.objects.select_for_update().get(pk=dose.pk)
    replay = _replay(key, dose_id=dose.pk, order_id=order.pk)
    if replay is not None:
        return replay, False
    if locked.is_cancelled:
        raise errors.ValidationFailed.field("dose_id", _("this dose was cancelled when the order changed"))
    if locked.outcome:
        raise errors.Conflict(
            _("This dose is already documented (%(outcome)s).") % {"outcome": Outcome(locked.outcome).label},
            fields={"dose_id": [_("already documented")]},
        )
    given_at = _given_at(data, order, moment)
    admin = Administration(
        order=order,
        dose=locked,
        stay_id=dose.stay_id,
        slot=locked.corrections,
        given_at=given_at,
        recorded_by=actor,
        recorded_at=moment,
        performer=_performer(actor),
        idempotency_key=key,
        wristband_scanned=data.wristband_id.strip()[:40],
    )
    if data.status == "not_done":
        admin.status = AdministrationStatus.NOT_DONE
        admin.not_done_reason, admin.reason = _not_done(data)
    else:
        problems = check_five_rights(order, data, given_at)
        if problems:
            name, message = next(iter(problems.items()))
            raise errors.ValidationFailed(
                _("%(field)s: %(message)s") % {"field": name, "message": message},
                fields={k: [v] for k, v in problems.items()},
            )
        if order.status != OrderStatus.ACTIVE and (order.ends_at is None or given_at >= order.ends_at):
            raise errors.ValidationFailed.field("dose_id", _("this order was stopped"))
        timing_ = st.given_status(given_at, st.window(locked.scheduled_at, locked.window_minutes))
        if timing_ != st.DoseStatus.GIVEN_ON_TIME and not data.reason.strip():
            raise errors.ValidationFailed.field(
                "reason",
                _("this dose is given outside its window (%(status)s): document the reason")
                % {"status": _("early") if timing_ == st.DoseStatus.GIVEN_EARLY else _("late")},
            )
        admin.status = AdministrationStatus.COMPLETED
        admin.dose_given = data.dose
        admin.dose_unit = order.dose_unit
        admin.route = order.route
        admin.reason = data.reason.strip()
    if not _insert(admin):
        replay = _replay(key, dose_id=dose.pk, order_id=order.pk)
        if replay is not None:
            return replay, False
        raise errors.Conflict(
            _("This dose was recorded by someone else a moment ago."), fields={"dose_id": [_("already documented")]}
        )
    ScheduledDose.objects.filter(pk=locked.pk).update(outcome=_outcome(admin, locked), next_check_at=None)
    audit.record(actor=actor, action="medications.record_administration", obj=admin, after=audit.snapshot(admin))
    return admin, True


@transaction.atomic
def record_prn(
    actor: Any,
    order_id: int,
    data: schemas.AdministrationCreate,
    *,
    now: datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[Administration, bool]:
    """An as-needed dose: the five rights, and the minimum interval since the last
    dose given (the earliest next time)."""
    moment = now or clock.now()
    key = _key(data, idempotency_key)
    order = scoping.get_scoped(
        MedicationOrder.objects.select_related("stay__unit__site", "stay__patient"),
        actor,
        "medications.view",
        pk=order_id,
    )
    scoping.require(actor, "medications.administer", site_id=order.stay.unit.site_id, unit_id=order.stay.unit_id)
    if not order.is_prn:
        raise errors.ValidationFailed.field("order_id", _("this is a scheduled order: record its dose instead"))
    replay = _replay(key, dose_id=None, order_id=order.pk)
    if replay is not None:
        return replay, False
    MedicationOrder.objects.select_for_update().filter(pk=order.pk).first()  # serialise PRN doses of the order
    replay = _replay(key, dose_id=None, order_id=order.pk)
    if replay is not None:
        return replay, False
    if order.status != OrderStatus.ACTIVE:
        raise errors.ValidationFailed.field("order_id", _("this order is not active"))
    given_at = _given_at(data, order, moment)
    admin = Administration(
        order=order,
        stay_id=order.stay_id,
        given_at=given_at,
        recorded_by=actor,
        recorded_at=moment,
        performer=_performer(actor),
        idempotency_key=key,
        wristband_scanned=data.wristband_id.strip()[:40],
    )
    if data.status == "not_done":
        admin.status = AdministrationStatus.NOT_DONE
        admin.not_done_reason, admin.reason = _not_done(data)
    else:
        problems = check_five_rights(order, data, given_at)
        if problems:
            name, message = next(iter(problems.items()))
            raise errors.ValidationFailed(
                _("%(field)s: %(message)s") % {"field": name, "message": message},
                fields={k: [v] for k, v in problems.items()},
            )
        earliest = st.prn_earliest_next(last_prn_given(order), order.prn_min_interval_minutes or 0)
        if earliest is not None and given_at < earliest:
            local = clock.to_zone(earliest, _zone(order.stay))
            raise errors.ValidationFailed.field(
                "given_at",
                _("the minimum interval is %(minutes)d min: the earliest next dose is at %(time)s")
                % {"minutes": order.prn_min_interval_minutes, "time": f"{local:%Y-%m-%d %H:%M}"},
            )
        admin.status = AdministrationStatus.COMPLETED
        admin.dose_given = data.dose
        admin.dose_unit = order.dose_unit
        admin.route = order.route
        admin.reason = data.reason.strip()
    if not _insert(admin):
        replay = _replay(key, dose_id=None, order_id=order.pk)
        if replay is not None:
            return replay, False
        raise errors.Conflict(_("This recording conflicts with another one."))
    audit.record(actor=actor, action="medications.record_prn", obj=admin, after=audit.snapshot(admin))
    return admin, True


def last_prn_given(order: MedicationOrder) -> datetime | None:
    rows = list(
        Administration.objects.filter(order=order).values("id", "status", "given_at", "not_done_reason", "corrects_id")
    )
    given = [
        a
        for a in rows
        if a["status"] == AdministrationStatus.COMPLETED
        and a["id"] not in {r["corrects_id"] for r in rows if r["status"] == AdministrationStatus.ENTERED_IN_ERROR}
    ]
    return max((a["given_at"] for a in given), default=None)


@transaction.atomic
def mark_entered_in_error(
    actor: Any, administration_id: int, data: schemas.EnteredInError, *, now: datetime | None = None
) -> Administration:
    """Correct a recording made by mistake: a new entered-in-error event points at
    it (the original is never edited); the dose is open again for the right recording."""
    moment = now or clock.now()
    original = scoping.get_scoped(
        Administration.objects.select_related("stay__unit", "order"), actor, "medications.view", pk=administration_id
    )
    scoping.require(actor, "medications.administer", site_id=original.stay.unit.site_id, unit_id=original.stay.unit_id)
    if original.status == AdministrationStatus.ENTERED_IN_ERROR:
        raise errors.ValidationFailed.field("administration_id", _("a correction cannot itself be corrected"))
    if original.dose_id is not None:
        ScheduledDose.objects.select_for_update().get(pk=original.dose_id)
    if Administration.objects.filter(corrects=original).exists():
        raise errors.Conflict(
            _("This recording was already marked entered in error."),
            fields={"administration_id": [_("already corrected")]},
        )
    correction = Administration(
        order=original.order,
        dose_id=original.dose_id,
        stay_id=original.stay_id,
        slot=original.slot,
        status=AdministrationStatus.ENTERED_IN_ERROR,
        reason=data.reason.strip(),
        given_at=original.given_at,
        recorded_by=actor,
        recorded_at=moment,
        performer=_performer(actor),
        idempotency_key=(data.idempotency_key or "").strip()[:80] or f"srv-{uuid.uuid4()}",
        corrects=original,
    )
    if not _insert(correction):
        raise errors.Conflict(_("This recording was already marked entered in error."))
    if original.dose_id is not None:
        dose = ScheduledDose.objects.select_related("order").get(pk=original.dose_id)
        order = dose.order
        check = st.alert_check_at(
            scheduled_at=dose.scheduled_at,
            window_minutes=dose.window_minutes,
            time_critical=st.window_kind(order.frequency, order.time_critical) == st.WindowKind.TIME_CRITICAL,
            late_alerted=dose.late_alerted_at is not None,
            missed_alerted=dose.missed_alerted_at is not None,
            next_dose_at=dose.next_dose_at,
            order_ends_at=order.ends_at,
        )
        ScheduledDose.objects.filter(pk=dose.pk).update(
            outcome=Outcome.OPEN, corrections=dose.corrections + 1, next_check_at=check
        )
    audit.record(
        actor=actor,
        action="medications.mark_entered_in_error",
        obj=correction,
        after={"corrects": original.pk, "reason": correction.reason},
    )
    return correction


# --- policy ---------------------------------------------------------------------------


@transaction.atomic
def update_policy(actor: Any, site_id: int, data: schemas.TimingPolicyUpdate) -> TimingPolicy:
    """Set a site's windows (only stricter than RULES.md §1) and its list of
    time-critical medications."""
    site = scoping.get_scoped(Site.objects.all(), actor, "medications.view", pk=site_id)
    scoping.require(actor, "medications.manage_policy", site_id=site.pk)
    row = TimingPolicy.objects.select_for_update().filter(site=site).first()
    changes = {
        name: getattr(data, name)
        for name in ("time_critical_minutes", "more_than_daily_minutes", "daily_or_less_minutes", "due_soon_minutes")
        if getattr(data, name) is not None
    }
    if row is None:
        row = TimingPolicy(site=site)
        writes.check_version(row, data.version)
        writes.apply(row, changes)
        row.version = 2  # the defaults a client read were version 1
        writes.save_new(row, actor=actor, action="medications.create_policy")
    else:
        writes.save_changes(
            row, changes, actor=actor, action="medications.update_policy", expected_version=data.version
        )
    if data.time_critical_drugs is not None:
        names = sorted({n.strip().lower() for n in data.time_critical_drugs if n.strip()})
        if any(len(n) > 120 for n in names):
            raise errors.ValidationFailed.field("time_critical_drugs", _("a name is at most 120 characters"))
        before = sorted(TimeCriticalDrug.objects.filter(site=site, is_active=True).values_list("name", flat=True))
        TimeCriticalDrug.objects.filter(site=site).exclude(name__in=names).update(is_active=False)
        TimeCriticalDrug.objects.filter(site=site, name__in=names).update(is_active=True)
        existing = set(TimeCriticalDrug.objects.filter(site=site).values_list("name", flat=True))
        TimeCriticalDrug.objects.bulk_create(
            [TimeCriticalDrug(site=site, name=n, reason=_("Added by the site")) for n in names if n not in existing]
        )
        audit.record(
            actor=actor,
            action="medications.update_time_critical_list",
            obj=site,
            before={"drugs": before},
            after={"drugs": names},
        )
    return row
