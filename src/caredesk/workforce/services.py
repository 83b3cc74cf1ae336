"""Every write about staff records, employment events and credentials."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.accounts.models import ApiToken, User
from caredesk.core import audit, clock, errors, scoping, writes
from caredesk.org.models import Site, Unit
from caredesk.workforce import qualification, schemas
from caredesk.workforce.models import (
    Credential,
    CredentialType,
    EmploymentEvent,
    EmploymentEventKind,
    StaffMember,
    StaffStatus,
    WorkRules,
)


def _unit_of_site(site: Site, unit_id: int | None, field: str) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id, site=site).first()
    if unit is None:
        raise errors.ValidationFailed.field(field, _("this unit is not part of the staff member's site"))
    return unit


def _work_rules(rules_id: int) -> WorkRules:
    rules = WorkRules.objects.filter(pk=rules_id, is_active=True).first()
    if rules is None:
        raise errors.ValidationFailed.field("work_rules_id", _("unknown or inactive work-rule pack"))
    return rules


def locked_staff(actor: Any, staff_id: int) -> StaffMember:
    """The staff record, locked, if the actor may see it (everyone sees their own)."""
    qs = StaffMember.objects.select_for_update().select_related("site")
    own = qs.filter(pk=staff_id, user_id=getattr(actor, "pk", None)).first()
    return own or scoping.get_scoped(qs, actor, "workforce.view_staff", pk=staff_id)


@transaction.atomic
def create_staff(actor: Any, data: schemas.StaffCreate, *, now: datetime | None = None) -> StaffMember:
    """Open the staff record of a person who already has a log-in, with their hire event."""
    moment = now or clock.now()
    site = scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=data.site_id)
    scoping.require(actor, "workforce.manage_staff", site_id=site.pk)
    user = User.objects.filter(pk=data.user_id, is_active=True).first()
    if user is None:
        raise errors.ValidationFailed.field("user_id", _("unknown or inactive log-in"))
    if StaffMember.objects.filter(user=user).exists():
        raise errors.Conflict(_("This person already has a staff record."))
    staff = StaffMember(
        user=user,
        site=site,
        home_unit=_unit_of_site(site, data.home_unit_id, "home_unit_id"),
        employee_number=data.employee_number,
        discipline=data.discipline,
        job_title=data.job_title,
        fte=data.fte,
        contracted_minutes_per_week=data.contracted_minutes_per_week,
        work_rules=_work_rules(data.work_rules_id),
        hourly_rate=data.hourly_rate,
        night_differential=data.night_differential,
        weekend_differential=data.weekend_differential,
        hire_date=data.hire_date,
    )
    writes.save_new(staff, actor=actor, action="workforce.create_staff")
    others = [_unit_of_site(site, uid, "other_unit_ids") for uid in data.other_unit_ids]
    staff.other_units.set([u for u in others if u is not None])
    EmploymentEvent.objects.create(
        staff=staff, kind=EmploymentEventKind.HIRE, effective_at=moment, recorded_by=actor, recorded_at=moment,
        changes={"job_title": [None, staff.job_title], "fte": [None, str(staff.fte)]}, applied_at=moment,
    )
    return staff


@transaction.atomic
def update_staff(actor: Any, staff_id: int, data: schemas.StaffUpdate) -> StaffMember:
    staff = locked_staff(actor, staff_id)
    scoping.require(actor, "workforce.manage_staff", site_id=staff.site_id)
    changes: dict[str, Any] = {}
    if data.employee_number is not None:
        changes["employee_number"] = data.employee_number
    if data.work_rules_id is not None:
        changes["work_rules"] = _work_rules(data.work_rules_id)
    if data.other_unit_ids is not None:
        units = [_unit_of_site(staff.site, uid, "other_unit_ids") for uid in data.other_unit_ids]
        before = sorted(staff.other_units.values_list("pk", flat=True))
        after = sorted(u.pk for u in units if u is not None)
        if before != after:
            writes.check_version(staff, data.version)
            staff.other_units.set(after)
            audit.record(actor=actor, action="workforce.set_other_units", obj=staff,
                         before={"other_unit_ids": before}, after={"other_unit_ids": after})
    return writes.save_changes(staff, changes, actor=actor, action="workforce.update_staff", expected_version=data.version)


# Which fields each kind of employment event may change.
EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    EmploymentEventKind.PROMOTION: ("job_title", "discipline", "hourly_rate"),
    EmploymentEventKind.TRANSFER: ("home_unit_id",),
    EmploymentEventKind.FTE_CHANGE: ("fte", "contracted_minutes_per_week"),
    EmploymentEventKind.RATE_CHANGE: ("hourly_rate", "night_differential", "weekend_differential"),
    EmploymentEventKind.LEAVE_START: (),
    EmploymentEventKind.LEAVE_END: (),
    EmploymentEventKind.TERMINATION: (),
}


@transaction.atomic
def record_employment_event(actor: Any, staff_id: int, data: schemas.EmploymentEventCreate,
                            *, now: datetime | None = None) -> EmploymentEvent:
    """Promotion, transfer, FTE or rate change, leave, termination: one dated event.

    A termination takes effect at its time: from then on the person's log-in
    and API tokens are revoked (HIPAA §164.308(a)(3)(ii)(C)); a future one is
    applied by the periodic job `apply_due_terminations`.
    """
    moment = now or clock.now()
    staff = locked_staff(actor, staff_id)
    scoping.require(actor, "workforce.manage_staff", site_id=staff.site_id)
    writes.check_version(staff, data.version)
    if data.kind == EmploymentEventKind.HIRE:
        raise errors.ValidationFailed.field("kind", _("a hire is recorded when the staff record is created"))
    if staff.status == StaffStatus.TERMINATED:
        raise errors.ValidationFailed.field("kind", _("this person's employment has ended"))
    if data.kind == EmploymentEventKind.LEAVE_START and staff.status == StaffStatus.ON_LEAVE:
        raise errors.ValidationFailed.field("kind", _("already on leave"))
    if data.kind == EmploymentEventKind.LEAVE_END and staff.status != StaffStatus.ON_LEAVE:
        raise errors.ValidationFailed.field("kind", _("not on leave"))
    if data.kind == EmploymentEventKind.TERMINATION and not data.reason.strip():
        raise errors.ValidationFailed.field("reason", _("a termination needs a reason"))
    allowed = EVENT_FIELDS[data.kind]
    given = {k: v for k, v in data.model_dump(exclude={"version", "kind", "effective_at", "reason"}).items() if v is not None}
    stray = sorted(set(given) - set(allowed))
    if stray:
        raise errors.ValidationFailed(
            _("%(kind)s does not change %(fields)s") % {"kind": data.kind, "fields": ", ".join(stray)},
            fields={name: [_("not changed by this kind of event")] for name in stray},
        )
    if allowed and not given:
        raise errors.ValidationFailed(_("Say what changes."), fields={allowed[0]: [_("required for this kind of event")]})
    changes: dict[str, Any] = {}
    if "home_unit_id" in given:
        unit = _unit_of_site(staff.site, given.pop("home_unit_id"), "home_unit_id")
        changes["home_unit"] = unit
    changes.update(given)
    if data.kind == EmploymentEventKind.LEAVE_START:
        changes["status"] = StaffStatus.ON_LEAVE
    elif data.kind == EmploymentEventKind.LEAVE_END:
        changes["status"] = StaffStatus.ACTIVE
    before = {k: str(getattr(staff, k)) for k in changes}
    event = EmploymentEvent.objects.create(
        staff=staff, kind=data.kind, effective_at=data.effective_at, reason=data.reason, recorded_by=actor,
        recorded_at=moment, changes={k: [before[k], str(v.pk if hasattr(v, "pk") else v)] for k, v in changes.items()},
    )
    if data.kind == EmploymentEventKind.TERMINATION:
        changes["end_date"] = clock.to_zone(data.effective_at, staff.site.time_zone).date()
    writes.save_changes(staff, changes, actor=actor, action=f"workforce.{data.kind}", expected_version=data.version)
    audit.record(actor=actor, action="workforce.record_employment_event", obj=event,
                 after={"kind": data.kind, "effective_at": data.effective_at, "reason": data.reason})
    if data.kind == EmploymentEventKind.TERMINATION and data.effective_at <= moment:
        _apply_termination(event, actor=actor, now=moment)
    elif data.kind != EmploymentEventKind.TERMINATION:
        event.applied_at = moment
        event.save(update_fields=["applied_at"])
    return event


def _apply_termination(event: EmploymentEvent, *, actor: Any, now: datetime) -> None:
    """Revoke log-in and tokens; compare-and-set on applied_at so it runs once."""
    claimed = EmploymentEvent.objects.filter(pk=event.pk, applied_at__isnull=True).update(applied_at=now)
    if not claimed:
        return
    staff = StaffMember.objects.select_for_update().get(pk=event.staff_id)
    staff.status = StaffStatus.TERMINATED
    staff.version += 1
    staff.save(update_fields=["status", "version", "updated_at"])
    user = User.objects.select_for_update().get(pk=staff.user_id)
    user.is_active = False
    user.save(update_fields=["is_active"])
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    audit.record(actor=actor, action="workforce.revoke_access", obj=staff, at=now,
                 after={"status": StaffStatus.TERMINATED, "login_active": False, "tokens_revoked": tokens})


def apply_due_terminations(*, now: datetime | None = None) -> int:
    """Apply every termination whose time has come (run by a periodic job)."""
    moment = now or clock.now()
    done = 0
    due = EmploymentEvent.objects.filter(kind=EmploymentEventKind.TERMINATION, applied_at__isnull=True, effective_at__lte=moment)
    for event in due:
        with transaction.atomic():
            _apply_termination(event, actor=None, now=moment)
            done += 1
    return done


# --- credentials --------------------------------------------------------------------


def credential_state(cred: Credential, today: Any) -> str:
    if cred.revoked_at is not None:
        return "revoked"
    if cred.expires_on is None:
        return "valid"
    if cred.expires_on < today:
        return "expired"
    if (cred.expires_on - today).days <= max(qualification.WARNING_DAYS):
        return "expiring"
    return "valid"


@transaction.atomic
def add_credential(actor: Any, data: schemas.CredentialCreate, *, now: datetime | None = None) -> Credential:
    moment = now or clock.now()
    staff = locked_staff(actor, data.staff_id)
    scoping.require(actor, "workforce.manage_credentials", site_id=staff.site_id, unit_id=staff.home_unit_id)
    ctype = CredentialType.objects.filter(code=data.type_code).first()
    if ctype is None:
        raise errors.ValidationFailed.field("type_code", _("unknown credential type"))
    if ctype.requires_number and not data.number.strip():
        raise errors.ValidationFailed.field("number", _("this credential has a number; enter it"))
    cred = Credential(
        staff=staff, type=ctype, number=data.number.strip(), issuer=data.issuer.strip(), issued_on=data.issued_on,
        expires_on=data.expires_on,
        next_warning_at=qualification.initial_next_warning_at(data.expires_on, staff.site.time_zone, moment),
    )
    return writes.save_new(cred, actor=actor, action="workforce.add_credential")


@transaction.atomic
def update_credential(actor: Any, credential_id: int, data: schemas.CredentialUpdate,
                      *, now: datetime | None = None) -> Credential:
    """Correct or renew a credential; a new expiry date re-arms its warnings."""
    moment = now or clock.now()
    cred = scoping.get_scoped(
        Credential.objects.select_for_update().select_related("staff__site"), actor, "workforce.view_staff", pk=credential_id
    )
    scoping.require(actor, "workforce.manage_credentials", site_id=cred.staff.site_id, unit_id=cred.staff.home_unit_id)
    if cred.revoked_at is not None:
        raise errors.ValidationFailed.field("version", _("a revoked credential cannot be changed; record a new one"))
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if "expires_on" in changes and changes["expires_on"] != cred.expires_on:
        changes["next_warning_at"] = qualification.initial_next_warning_at(changes["expires_on"], cred.staff.site.time_zone, moment)
    return writes.save_changes(cred, changes, actor=actor, action="workforce.update_credential", expected_version=data.version)


@transaction.atomic
def revoke_credential(actor: Any, credential_id: int, *, reason: str, now: datetime | None = None) -> Credential:
    cred = scoping.get_scoped(
        Credential.objects.select_for_update().select_related("staff"), actor, "workforce.view_staff", pk=credential_id
    )
    scoping.require(actor, "workforce.manage_credentials", site_id=cred.staff.site_id, unit_id=cred.staff.home_unit_id)
    if not reason.strip():
        raise errors.ValidationFailed.field("reason", _("say why the credential is revoked"))
    if cred.revoked_at is None:
        cred.revoked_at = now or clock.now()
        cred.next_warning_at = None
        cred.version += 1
        cred.save(update_fields=["revoked_at", "next_warning_at", "version", "updated_at"])
        audit.record(actor=actor, action="workforce.revoke_credential", obj=cred, after={"revoked_at": cred.revoked_at, "reason": reason})
    return cred
